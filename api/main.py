"""The FastAPI application."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import Depends, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from api.auth import UNAUTHORISED, get_caller
from api.errors import install_error_handlers
from api.routes import health, jobs, metrics, models, pages, plots, recordings, trainings
from core.config import get_settings
from signals.channels import standard_positions

MULTIPART_OVERHEAD = 1 << 20


def create_app() -> FastAPI:
    """Build the application and check the settings."""
    settings = get_settings()
    settings.ensure_dirs()
    standard_positions()
    app = FastAPI(
        title="affectserve",
        version="0.1.0",
        summary="Emotion recognition from physiological recordings, served.",
        description=(
            "Upload EEG recordings (EDF, BDF), run emotion-recognition models on them "
            "and fetch per-window class probabilities with provenance."
        ),
    )

    @app.middleware("http")
    async def limit_upload_size(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > settings.max_upload_bytes + MULTIPART_OVERHEAD:
            return JSONResponse(
                {
                    "detail": f"the upload is larger than the limit of "
                    f"{settings.max_upload_mb:g} MB (AFFECTSERVE_MAX_UPLOAD_MB); split the "
                    "recording or ask the operator to raise it"
                },
                status_code=413,
            )
        return await call_next(request)

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
    app.mount("/static", StaticFiles(directory=pages.STATIC_DIR), name="static")
    return app


app = create_app()
