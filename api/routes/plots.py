"""``/v1/jobs/{id}/plots``: the figures a job drew, as PNG or SVG.

The worker draws every figure of a job once, after inference, and stores it with a
manifest under ``plots/<job id>/`` in the storage (`worker.figures`); this route only reads
those objects.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Response, status

from api.auth import CallerDep
from api.deps import SessionDep, SettingsDep
from api.routes.jobs import find_job, job_result
from api.schemas import ErrorBody
from core.cards import reference
from core.schemas import (
    DEFAULT_BANDS,
    FigureManifest,
    ImageFormat,
    JobOptions,
    JobState,
    PlotName,
    RecordingResult,
    figure_key,
)
from core.storage import Storage, figures_prefix, read_figures, storage_for
from signals.plots.render import MEDIA_TYPES

router = APIRouter(prefix="/v1/jobs", tags=["plots"])


def _not_found(message: str) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, message)


def _unprocessable(message: str) -> HTTPException:
    return HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, message)


def choose_model(part: RecordingResult, model: str | None) -> str:
    """The model a timeline shows: ``model``, or the first one that ran; 404 if it did not."""
    models = part.models
    chosen = model or next(iter(models), "")
    if chosen not in models:
        raise _not_found(
            f"model {chosen} did not run on {part.filename}; models: {', '.join(models)}"
        )
    return chosen


def figure_variant(
    name: PlotName, part: RecordingResult, manifest: FigureManifest, model: str | None, bands: str
) -> str:
    """Which stored variant of figure ``name`` a request asks for (see `figure_key`).

    Raises
    ------
    HTTPException
        404 for a timeline of a model that did not run; 422 for a band table that is
        known but not the one the job drew its topomaps in.
    """
    if name == "timeline":
        return choose_model(part, model)
    if name == "topomap":
        if bands != manifest.bands:
            raise _unprocessable(
                f"topomaps are drawn inside the job in the {manifest.bands} band table only; "
                f"ask without 'bands' or with bands={manifest.bands}"
            )
        return bands
    return "all"


def figure_bytes(
    storage: Storage,
    job_id: str,
    manifest: FigureManifest,
    key: str,
    fmt: ImageFormat,
    filename: str,
) -> bytes:
    """The stored figure ``key``; 404 with the reason when the job drew none."""
    if key in manifest.absent:
        raise _not_found(manifest.absent[key])
    missing = _not_found(f"the figure {key} of {filename} is not stored; run the job again")
    if key not in manifest.rendered:
        raise missing
    try:
        return storage.get(f"{figures_prefix(job_id)}/{key}.{fmt}")
    except FileNotFoundError as err:
        raise missing from err


@router.get(
    "/{job_id}/plots/{name}.{fmt}",
    response_class=Response,
    responses={
        200: {
            "content": {
                "image/png": {"schema": {"type": "string", "format": "binary"}},
                "image/svg+xml": {"schema": {"type": "string", "format": "binary"}},
            },
            "description": "The figure.",
        },
        404: {"model": ErrorBody, "description": "No such job, model or plot."},
        409: {"model": ErrorBody, "description": "The job has not succeeded (yet)."},
        422: {"model": ErrorBody, "description": "Unknown plot name, format or band table."},
    },
)
def get_plot(
    job_id: str,
    name: PlotName,
    fmt: ImageFormat,
    session: SessionDep,
    settings: SettingsDep,
    caller: CallerDep,
    recording: int = 0,
    model: str | None = None,
    bands: str = DEFAULT_BANDS,
) -> Response:
    """A figure of a succeeded job, for one of its recordings (index ``recording``).

    A job draws its figures after its result is readable, so they are there only once it
    has succeeded (409 before); a job run with the option ``figures: false`` has none (404).

    ``timeline``: one model's predicted class per window and class probabilities over time
    (``model``, default the first). ``summary``: share of windows per label, per model.
    ``agreement``: each model's label per window and how many agree (two or more models).
    ``topomap``: band power of the recording's EEG per channel, in the band table ``bands``.
    ``eda``: the recording's skin conductance with its tonic and phasic parts (cvxEDA).
    """
    job = find_job(session, job_id, caller)
    if not JobOptions(**job.options).figures:
        raise _not_found(
            f"job {job_id} was run with figures: false and drew none; run a job on its "
            "recordings without that option to get its figures"
        )
    result = job_result(job)
    if job.state != JobState.SUCCEEDED:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            f"job {job_id} is drawing its figures after its result; fetch them once the job "
            "has succeeded",
        )
    recordings = result.recordings
    if not 0 <= recording < len(recordings):
        raise _not_found(f"job {job_id} has {len(recordings)} recording(s); got index {recording}")
    if bands not in reference()["bands"]:
        raise _unprocessable(
            f"unknown band table {bands}; known: {', '.join(reference()['bands'])}"
        )
    storage = storage_for(settings)
    manifest = read_figures(storage, job_id)
    if manifest is None:
        raise _not_found(
            f"job {job_id} stored no figures (it ran before jobs drew their figures); "
            "submit it again"
        )
    part = recordings[recording]
    variant = figure_variant(name, part, manifest, model, bands)
    key = figure_key(name, recording, variant)
    return Response(
        figure_bytes(storage, job_id, manifest, key, fmt, part.filename),
        media_type=MEDIA_TYPES[fmt],
        headers={"Cache-Control": "private, max-age=3600"},
    )
