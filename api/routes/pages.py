"""The web pages: upload recordings, follow a job, look at its results."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from api.auth import CallerDep
from api.deps import SessionDep
from api.routes.jobs import find_job, job_read, stored_result
from core.cards import load_cards
from core.schemas import WORK_STAGES
from signals.plots.colours import label_colour

WEB_DIR = Path(__file__).resolve().parents[2] / "web"
STATIC_DIR = WEB_DIR / "static"
ACCEPTED_FILES = (".edf", ".bdf", ".mat", ".fdt", ".set", ".csv", ".mp4", ".avi", ".wav", ".mp3")

templates = Jinja2Templates(directory=WEB_DIR / "templates")
templates.env.globals["colour"] = label_colour

router = APIRouter(include_in_schema=False)


@router.get("/", name="page-upload", response_class=HTMLResponse)
def upload_page(request: Request) -> Response:
    """Choose recordings and models, set options, submit a job."""
    return templates.TemplateResponse(
        request, "upload.html", {"cards": load_cards(), "accept": ",".join(ACCEPTED_FILES)}
    )


@router.get("/trainings", name="page-trainings", response_class=HTMLResponse)
def trainings_page(request: Request) -> Response:
    """Train (calibrate) a model on labelled uploads, follow it, see its honest figures."""
    return templates.TemplateResponse(
        request, "trainings.html", {"cards": load_cards(), "accept": ",".join(ACCEPTED_FILES)}
    )


@router.get("/jobs/{job_id}", name="page-job", response_class=HTMLResponse)
def job_page(request: Request, job_id: str, session: SessionDep, caller: CallerDep) -> Response:
    """A job's live progress, with cancel; the error in words when it failed."""
    job = job_read(find_job(session, job_id, caller))
    return templates.TemplateResponse(
        request, "job.html", {"job": job, "stages": [stage.value for stage in WORK_STAGES]}
    )


@router.get("/jobs/{job_id}/results", name="page-results", response_class=HTMLResponse)
def results_page(
    request: Request, job_id: str, session: SessionDep, caller: CallerDep
) -> Response:
    """Per recording and model: summary, timeline, agreement, topomap and downloads."""
    job = find_job(session, job_id, caller)
    if job.state != "succeeded":
        return RedirectResponse(
            request.url_for("page-job", job_id=job_id), status.HTTP_303_SEE_OTHER
        )
    result = stored_result(session, job_id, caller)
    models = [m for rec in result["recordings"] for m in rec["models"].values()]

    def plot_url(name: str, recording: int, model: str | None = None) -> str:
        params = {"recording": recording} | ({"model": model} if model else {})
        url = request.url_for("get_plot", job_id=job_id, name=name, fmt="png")
        return f"{url.path}?{urlencode(params)}"

    return templates.TemplateResponse(
        request,
        "results.html",
        {
            "job": job_read(job),
            "result": result,
            "labels": list(dict.fromkeys(label for m in models for label in m["labels"])),
            "warnings": list(dict.fromkeys(w for m in models for w in m["warnings"])),
            "plot_url": plot_url,
            "eda_models": {card.name for card in load_cards() if "eda" in card.modalities},
            "json_url": request.url_for("get_result", job_id=job_id).path,
            "csv_url": request.url_for("get_result_csv", job_id=job_id).path,
        },
    )
