"""The FastAPI application, and the bounds on its connections and request bodies."""

from __future__ import annotations

import asyncio

from fastapi import Depends, FastAPI, HTTPException, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from api.auth import UNAUTHORISED, get_caller
from api.errors import install_error_handlers
from api.routes import health, jobs, metrics, models, pages, plots, recordings, trainings
from api.uploads import clean_spool, too_large
from core.config import Settings, get_settings
from core.metrics import ERRORS
from core.resources import private_files
from signals.channels import standard_positions

MULTIPART_OVERHEAD = 1 << 20
#: The connection of a refused body is closed after the answer: the rest is never read.
CLOSE = {"Connection": "close"}


class BodyLimit:
    """ASGI middleware that bounds every request body while it streams in.

    Bytes are counted as they arrive, whatever ``Content-Length`` says (or with chunked
    transfer, which has none): the body that goes past ``max_bytes`` is refused with 413
    there, before the rest is read or spooled. A body that sends nothing for
    ``stall_s`` seconds is dropped with 408. Both refusals are `HTTPException`, which
    FastAPI answers as ``{"detail": ...}``.
    """

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.max_bytes = settings.max_upload_bytes + MULTIPART_OVERHEAD
        self.stall_s = settings.request_stall_s
        self.too_large = too_large(settings).detail

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = Headers(scope=scope).get("content-length", "")
        if length.isdigit() and int(length) > self.max_bytes:
            refusal = JSONResponse({"detail": self.too_large}, 413, headers=CLOSE)
            await refusal(scope, receive, send)
            return
        await self.app(scope, self._counted(receive), send)

    def _counted(self, receive: Receive) -> Receive:
        received = 0

        async def counted() -> Message:
            nonlocal received
            try:
                message = await asyncio.wait_for(receive(), self.stall_s)
            except TimeoutError:
                raise HTTPException(
                    status.HTTP_408_REQUEST_TIMEOUT,
                    f"the request body sent nothing for {self.stall_s:g} s "
                    "(AFFECTSERVE_REQUEST_STALL_S); send it again",
                    headers=CLOSE,
                ) from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    ERRORS.labels(kind="upload_too_large").inc()
                    raise HTTPException(
                        status.HTTP_413_CONTENT_TOO_LARGE, self.too_large, headers=CLOSE
                    )
            return message

        return counted


class BoundedH11Protocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol with a deadline on the request line and headers.

    uvicorn waits for headers without a time limit, so slow clients that never finish
    them could hold connections forever; here a connection that has not sent a whole
    request head within ``request_stall_s`` is closed. Run with
    ``uvicorn --http api.main:BoundedH11Protocol``.
    """

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._head_deadline: asyncio.TimerHandle | None = self.loop.call_later(
            get_settings().request_stall_s, self._head_overdue
        )

    def handle_events(self) -> None:
        super().handle_events()
        if self.cycle is not None and self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def connection_lost(self, exc: Exception | None) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
        super().connection_lost(exc)

    def _head_overdue(self) -> None:
        self._head_deadline = None
        if self.cycle is None and not self.transport.is_closing():
            self.transport.close()


def operation_id(route: APIRoute) -> str:
    """The OpenAPI operation id of a route: ``<tag>-<action>``, stable for the client.

    The action is the route function's name without the words of its tag, and without a
    leading ``get`` when more is left; ``get`` of the plural (the collection) is ``list``:
    ``create_job`` -> ``jobs-create``, ``get_jobs`` -> ``jobs-list``, ``get_job`` ->
    ``jobs-get``, ``get_result_csv`` -> ``jobs-result-csv``, ``get_plot`` -> ``plots-get``.
    An untagged route (a page) keeps its name.
    """
    if not route.tags:
        return route.name
    tag = str(route.tags[0])
    singular = tag.removesuffix("s")
    words = route.name.split("_")
    if words == ["get", tag] and tag != singular:
        return f"{tag}-list"
    words = [word for word in words if word not in (tag, singular)]
    if len(words) > 1 and words[0] == "get":
        words = words[1:]
    return f"{tag}-{'-'.join(words)}"


def create_app() -> FastAPI:
    """Build the application and check the settings."""
    settings = get_settings()
    private_files()
    settings.ensure_dirs()
    clean_spool(settings)
    standard_positions()
    app = FastAPIOffline(
        static_url="/static/docs",
        title="affectserve",
        version="0.1.0",
        summary="Emotion recognition from physiological recordings, served.",
        description=(
            "Upload EEG recordings (EDF, BDF), run emotion-recognition models on them "
            "and fetch per-window class probabilities with provenance."
        ),
        generate_unique_id_function=operation_id,
    )
    app.add_middleware(BodyLimit, settings=settings)
    install_error_handlers(app)
    for router in (
        health.router,
        metrics.router,
        models.router,
        recordings.router,
        jobs.router,
        trainings.router,
        plots.router,
    ):
        app.include_router(router, dependencies=[Depends(get_caller)], responses=UNAUTHORISED)
    # The upload page shows only the model cards, so that a visitor can enter a key there;
    # the job and result pages check the caller themselves.
    app.include_router(pages.router)
    app.add_exception_handler(StarletteHTTPException, pages.error_page)
    app.add_exception_handler(RequestValidationError, pages.invalid_page)
    app.mount("/static", StaticFiles(directory=pages.STATIC_DIR), name="static")
    return app


app = create_app()
