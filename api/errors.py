"""One error shape for every refusal: ``{"detail": "what is wrong and how to fix it"}``.

FastAPI answers request validation errors with a list of error objects; here they
become one readable sentence, and the OpenAPI schema says so (every 422 is `ErrorBody`).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse

FASTAPI_ERROR_SCHEMAS = ("HTTPValidationError", "ValidationError")


def validation_message(exc: RequestValidationError) -> str:
    """The validation errors of a request as one sentence: where, and what is wrong."""
    parts = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error.get("loc", ()))
        parts.append(f"{where}: {error.get('msg', 'invalid')}")
    return "invalid request: " + "; ".join(parts)


async def _validation_handler(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return JSONResponse(
        {"detail": validation_message(exc)},
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
    )


def error_body_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """Point every response that used FastAPI's validation error schema at `ErrorBody`."""
    for operation in (op for path in schema.get("paths", {}).values() for op in path.values()):
        for response in operation.get("responses", {}).values():
            for media in response.get("content", {}).values():
                ref = media.get("schema", {}).get("$ref", "")
                if ref.endswith("/HTTPValidationError"):
                    media["schema"] = {"$ref": "#/components/schemas/ErrorBody"}
    components = schema.get("components", {}).get("schemas", {})
    for name in FASTAPI_ERROR_SCHEMAS:
        components.pop(name, None)
    return schema


def install_error_handlers(app: FastAPI) -> None:
    """Use `ErrorBody` for validation errors, in answers and in the OpenAPI schema."""
    from api.schemas import ErrorBody

    app.add_exception_handler(RequestValidationError, _validation_handler)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                summary=app.summary,
                description=app.description,
                routes=app.routes,
            )
            schema.setdefault("components", {}).setdefault("schemas", {})["ErrorBody"] = (
                ErrorBody.model_json_schema()
            )
            app.openapi_schema = error_body_schema(schema)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
