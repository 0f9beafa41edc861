"""The web pages: upload recordings, look at one, follow a job, list jobs, see results.

A page that cannot be shown (no such job, no key) answers with a page that says why,
not with JSON: `error_page` is the application's handler for HTTP errors.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request, status
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException

from api.auth import CallerDep
from api.deps import SessionDep
from api.errors import validation_handler, validation_message
from api.routes.jobs import find_job, job_read, stored_result
from api.routes.recordings import find_recording
from api.uploads import recording_read
from core.cards import load_card, load_cards, reference
from core.config import get_settings
from core.reliability import agreement, headline, reliability
from core.schemas import (
    ACTIVE_STATES,
    WORK_STAGES,
    JobState,
    RecordingResult,
    Segment,
    SegmentSummary,
)
from core.storage import recording_files, storage_for
from core.store import Recording, list_jobs
from signals.io import UnreadableRecordingError, read_raw
from signals.plots.colours import label_colour
from signals.plots.preview import plot_preview
from signals.plots.render import figure_bytes
from signals.quality import channel_quality

if TYPE_CHECKING:
    import mne

WEB_DIR = Path(__file__).resolve().parents[2] / "web"
STATIC_DIR = WEB_DIR / "static"
ACCEPTED_FILES = (".edf", ".bdf", ".mat", ".fdt", ".set", ".csv", ".mp4", ".avi", ".wav", ".mp3")

templates = Jinja2Templates(directory=WEB_DIR / "templates")
templates.env.globals["colour"] = label_colour
templates.env.globals["headline"] = headline
templates.env.globals["montage"] = lambda name: reference()["montages"][name]
templates.env.globals["modality_names"] = {
    "eeg": "EEG",
    "eye": "eye tracking",
    "eda": "skin conductance (EDA/GSR)",
    "face": "face video",
    "music": "the music heard",
}
templates.env.globals["active"] = [state.value for state in ACTIVE_STATES]
#: What each source of segments is, for the results page.
SEGMENT_SOURCES = {
    "annotation": "from the file's annotations or events",
    "trigger": "from the codes on its trigger channel",
    "trial": "the trials of the file",
}
#: Longest stretch of a recording whose channel quality the recording page checks, s.
QUALITY_SPAN_S = 300.0
#: Seconds of every channel the recording page shows.
PREVIEW_S = 5.0

router = APIRouter(include_in_schema=False)


@router.get("/", name="page-upload", response_class=HTMLResponse)
def upload_page(request: Request) -> Response:
    """Choose recordings and models, set options, submit a job."""
    import mne

    cards = load_cards()
    return templates.TemplateResponse(
        request,
        "upload.html",
        {
            "cards": cards,
            "trust": {card.name: reliability(card) for card in cards},
            "accept": ",".join(ACCEPTED_FILES),
            "montages": mne.channels.get_builtin_montages(),
        },
    )


@router.get("/jobs", name="page-history", response_class=HTMLResponse)
def history_page(
    request: Request,
    session: SessionDep,
    caller: CallerDep,
    state: Annotated[JobState | None, Query(description="Only jobs in this state.")] = None,
) -> Response:
    """The caller's jobs, newest first, filtered by state: open, cancel or delete each."""
    owner = None if caller is None or caller.admin else caller.key_id
    jobs = [job_read(job) for job in list_jobs(session, limit=1000, owner=owner)]
    return templates.TemplateResponse(
        request,
        "history.html",
        {
            "jobs": [job for job in jobs if state is None or job.state == state],
            "state": state.value if state else "",
            "states": [name.value for name in JobState],
        },
    )


@contextmanager
def _opened(recording: Recording) -> Iterator[mne.io.BaseRaw]:
    """The recording's signals, readable while the context lasts (from its stored files)."""
    with recording_files(storage_for(get_settings()), recording) as (path, companions):
        yield read_raw(path, companions, recording.options or {})


def quality_flags(raw: mne.io.BaseRaw) -> list[str]:
    """The quality of every channel; checked for EEG only ("not checked" otherwise).

    Reads at most the first `QUALITY_SPAN_S` seconds of the recording.
    """
    types = raw.get_channel_types()
    eeg = [k for k, kind in enumerate(types) if kind == "eeg"]
    if not eeg:
        return ["not checked"] * len(types)
    span = raw.get_data(picks=eeg, stop=int(QUALITY_SPAN_S * raw.info["sfreq"]))
    checked = dict(zip(eeg, channel_quality(span), strict=True))
    return [checked.get(k, "not checked") for k in range(len(types))]


def quality_rows(recording: Recording) -> list[tuple[str, str, str]]:
    """(channel, type, quality) of every channel of ``recording``."""
    with _opened(recording) as raw:
        return list(zip(raw.ch_names, raw.get_channel_types(), quality_flags(raw), strict=True))


@router.get("/recordings/{recording_id}", name="page-recording", response_class=HTMLResponse)
def recording_page(
    request: Request, recording_id: str, session: SessionDep, caller: CallerDep
) -> Response:
    """A recording's header, per-channel quality and what each model can make of it: the
    montage it would run through, its interpolated and missing channels, and how good the
    model is with that montage."""
    recording = find_recording(session, recording_id, caller)
    read = recording_read(recording)
    rows, problem = [], ""
    if read.kind == "signals":
        try:
            rows = quality_rows(recording)
        except (UnreadableRecordingError, OSError) as err:
            problem = str(err)
    trust = {
        feed.model: reliability(load_card(feed.model), feed.montage.montage)
        for feed in read.models
        if feed.montage is not None
    }
    return templates.TemplateResponse(
        request,
        "recording.html",
        {"recording": read, "rows": rows, "problem": problem, "trust": trust},
    )


@router.get(
    "/recordings/{recording_id}/preview.png",
    name="page-recording-preview",
    response_class=Response,
)
def recording_preview(recording_id: str, session: SessionDep, caller: CallerDep) -> Response:
    """The first `PREVIEW_S` seconds of every channel, poor ones in red (PNG)."""
    recording = find_recording(session, recording_id, caller)
    if recording.header.get("kind") == "features":
        raise HTTPException(status.HTTP_404_NOT_FOUND, "a feature file has no signals to show")
    try:
        with _opened(recording) as raw:
            data = raw.get_data(stop=int(PREVIEW_S * raw.info["sfreq"]))
            fig = plot_preview(
                data,
                raw.info["sfreq"],
                raw.ch_names,
                raw.get_channel_types(),
                quality_flags(raw),
                recording.filename,
            )
    except UnreadableRecordingError as err:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(err)) from err
    body = figure_bytes(fig, "png")
    return Response(
        body, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"}
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
    if job.state != JobState.SUCCEEDED:
        return RedirectResponse(
            request.url_for("page-job", job_id=job_id), status.HTTP_303_SEE_OTHER
        )
    result = stored_result(session, job_id, caller)
    models = [m for rec in result.recordings for m in rec.models.values()]

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
            "labels": list(dict.fromkeys(label for m in models for label in m.labels)),
            "warnings": list(dict.fromkeys(w for m in models for w in m.warnings)),
            # Results stored before the worker wrote the agreement get it computed here.
            "agreements": [
                rec.agreement or agreement(list(rec.models.values())) for rec in result.recordings
            ],
            "segment_tables": [segment_table(rec) for rec in result.recordings],
            "segment_sources": segment_sources,
            "plot_url": plot_url,
            "eda_models": {card.name for card in load_cards() if "eda" in card.modalities},
            "json_url": request.url_for("get_result", job_id=job_id).path,
            "csv_url": request.url_for("get_result_csv", job_id=job_id).path,
        },
    )


def segment_table(recording: RecordingResult) -> list[dict[str, SegmentSummary]]:
    """Per segment of ``recording``, each model's summary of it (models without a whole
    window inside it left out)."""
    table: list[dict[str, SegmentSummary]] = [{} for _ in recording.segments]
    for name, model in recording.models.items():
        for summary in model.segments:
            table[summary.segment][name] = summary
    return table


def segment_sources(segments: list[Segment]) -> str:
    """Where a recording's segments come from, for a sentence."""
    return " and ".join(dict.fromkeys(SEGMENT_SOURCES[segment.source] for segment in segments))


def _is_page(request: Request) -> bool:
    """True for a page's request, or a browser's request for a path that is no page."""
    route = request.scope.get("route")
    return getattr(route, "name", "").startswith("page-") or (
        route is None
        and "text/html" in request.headers.get("accept", "")
        and not request.url.path.startswith(("/v1/", "/static/"))
    )


async def invalid_page(request: Request, exc: Exception) -> Response:
    """A page's invalid query as a page (400); of anything else, the usual JSON 422."""
    assert isinstance(exc, RequestValidationError)
    if not _is_page(request):
        return await validation_handler(request, exc)
    return await error_page(
        request, HTTPException(status.HTTP_400_BAD_REQUEST, validation_message(exc.errors()))
    )


async def error_page(request: Request, exc: Exception) -> Response:
    """An HTTP error of a page as a page; of anything else, the usual JSON body."""
    assert isinstance(exc, HTTPException)
    if not _is_page(request):
        return await http_exception_handler(request, exc)
    titles = {400: "Invalid address", 401: "An API key is needed", 404: "Not found"}
    return templates.TemplateResponse(
        request,
        "error.html",
        {
            "title": titles.get(exc.status_code, "This page cannot be shown"),
            "detail": exc.detail,
            "status_code": exc.status_code,
        },
        status_code=exc.status_code,
        headers=exc.headers,
    )
