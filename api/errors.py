"""One error shape for every refusal: ``{"detail": "what is wrong and how to fix it"}``.

FastAPI answers request validation errors with a list of error objects; here they
become one readable sentence, and the OpenAPI schema says so (every 422 is `ErrorBody`).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from pydantic import BaseModel

FASTAPI_ERROR_SCHEMAS = ("HTTPValidationError", "ValidationError")
#: Where FastAPI says a request value came from (first item of an error's ``loc``).
SOURCES = ("body", "query", "path", "header", "cookie")


def _as_model(annotation: object) -> type[BaseModel] | None:
    """``annotation`` when it is a pydantic model class, else None."""
    is_model = isinstance(annotation, type) and issubclass(annotation, BaseModel)
    return annotation if is_model else None  # type: ignore[return-value]


def _fields_at(model: type[BaseModel] | None, path: Sequence[str | int]) -> list[str]:
    """Field names of the (nested) model at ``path`` inside ``model``; [] when unknown."""
    for part in path:
        if model is None or isinstance(part, int) or part not in model.model_fields:
            return []
        model = _as_model(model.model_fields[part].annotation)
    return list(model.model_fields) if model is not None else []


def unknown_field(name: str, known: Sequence[str], kind: str = "field") -> str:
    """Say that ``name`` is unknown, and which known name was meant (or list them)."""
    close = difflib.get_close_matches(name.rsplit(".", 1)[-1], known, n=1, cutoff=0.6)
    prefix = name.rsplit(".", 1)[0] + "." if "." in name else ""
    if close:
        return f"unknown {kind} '{name}'; did you mean '{prefix}{close[0]}'?"
    hint = f"; the known ones are {', '.join(known)}" if known else ""
    return f"unknown {kind} '{name}'{hint}"


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def error_sentence(error: Mapping[str, Any], model: type[BaseModel] | None = None) -> str:
    """One validation error as words about the input: which field, what is wrong.

    Parameters
    ----------
    error : mapping
        One error of pydantic's ``errors()`` (``loc``, ``type``, ``msg``, ``input``).
    model : type of BaseModel | None
        The model the input was checked against, to suggest the right name for an
        unknown field.

    Returns
    -------
    str
        E.g. "unknown field 'model'; did you mean 'models'?" or "field 'options.sfreq'
        must be greater than 0 (got -1)".
    """
    loc = list(error.get("loc", ()))
    source = loc.pop(0) if loc and loc[0] in SOURCES else "body"
    where = ".".join(str(part) for part in loc)
    kind = error.get("type", "")
    subject = f"field '{where}'" if source == "body" else f"{source} parameter '{where}'"
    if kind == "extra_forbidden":
        return unknown_field(where, _fields_at(model, loc[:-1]))
    if kind == "missing":
        return f"{subject} is required"
    if kind == "json_invalid":
        reason = error.get("ctx", {}).get("error", "malformed")
        return f"the body is not valid JSON ({reason})"
    message = str(error.get("msg", "is invalid"))
    message = message[0].lower() + message[1:] if message else "is invalid"
    message = message.removeprefix("input ").removeprefix("value error, ")
    return f"{subject if where else 'the body'}: {message} (got {_shown(error.get('input'))})"


def validation_message(
    errors: Sequence[Mapping[str, Any]], model: type[BaseModel] | None = None, what: str = ""
) -> str:
    """Validation errors as one sentence about the user's input, with no pydantic URLs.

    Parameters
    ----------
    errors : sequence of mapping
        pydantic's or FastAPI's ``errors()``.
    model : type of BaseModel | None
        The model of the body, to suggest names for unknown fields.
    what : str
        What was checked ("job body"); default "request".
    """
    sentences = "; ".join(error_sentence(error, model) for error in errors)
    return f"invalid {what or 'request'}: {sentences}"


def _body_model(request: Request) -> type[BaseModel] | None:
    route = request.scope.get("route")
    field = getattr(route, "body_field", None)
    return _as_model(getattr(getattr(field, "field_info", None), "annotation", None))


async def validation_handler(request: Request, exc: Exception) -> JSONResponse:
    """A request validation error as `ErrorBody` (422) with one sentence."""
    assert isinstance(exc, RequestValidationError)
    return JSONResponse(
        {"detail": validation_message(exc.errors(), _body_model(request))},
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
    from api.auth import optional_security
    from api.schemas import ErrorBody

    app.add_exception_handler(RequestValidationError, validation_handler)

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
            app.openapi_schema = optional_security(error_body_schema(schema))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
