"""``/v1/jobs/{id}/plots``: figures of a job's result and recording, as PNG or SVG."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from fastapi import APIRouter, HTTPException, Response, status

from api.auth import CallerDep
from api.deps import SessionDep, SettingsDep
from api.routes.jobs import stored_result
from api.schemas import ErrorBody
from core.cards import band_edges, reference
from core.store import Recording
from signals.io import UnreadableRecordingError, read_raw
from signals.plots.render import MEDIA_TYPES, ImageFormat, figure_bytes

if TYPE_CHECKING:
    from matplotlib.figure import Figure

router = APIRouter(prefix="/v1/jobs", tags=["plots"])

PlotName = Literal["timeline", "summary", "agreement", "topomap", "eda"]
EDA_PLOT_SFREQ = 10.0
EDA_PLOT_MAX_S = 900.0
RENDER_LOCK = threading.Lock()
"""Matplotlib's font and text caches are shared: render (and cache) one figure at a time."""


def _not_found(message: str) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, message)


def _caveat(model: dict[str, Any]) -> str:
    untrained = model.get("provenance", {}).get("weights_status") == "needs-weights"
    return " (untrained weights: not a result)" if untrained else ""


def make_figure(
    name: PlotName, recording: dict[str, Any], model: str, bands: str, recording_path: Path | None
) -> Figure:
    """The Figure ``name`` for one recording's part of a result.

    ``model`` names the model of a timeline (checked by `choose_model`); ``bands`` the
    band table of a topomap.

    Raises
    ------
    HTTPException
        404 when the plot does not apply (one model for agreement, recording file gone).
    """
    from signals.plots.results import plot_agreement, plot_summary, plot_timeline
    from signals.plots.topomap import eeg_band_power, plot_band_topomap

    models = recording["models"]
    filename = recording["filename"]
    if name == "timeline":
        result = models[model]
        return plot_timeline(result, f"{model} on {filename}{_caveat(result)}")
    if name == "summary":
        caveat = "".join(dict.fromkeys(_caveat(m) for m in models.values()))
        return plot_summary(models, f"Labels of {filename}{caveat}")
    if name == "agreement":
        if len(models) < 2:
            raise _not_found(f"agreement needs two or more models; only {', '.join(models)} ran")
        return plot_agreement(models, f"Agreement of the models on {filename}")
    if recording_path is None or not recording_path.is_file():
        raise _not_found(f"the recording file of {filename} is no longer stored")
    if name == "eda":
        return _eda_figure(recording_path, filename)
    try:
        raw = read_raw(recording_path)
        edges = band_edges(bands)
        ch_names, power = eeg_band_power(raw, edges)
    except (UnreadableRecordingError, ValueError) as err:
        raise _not_found(f"no topomap for {filename}: {err}") from err
    return plot_band_topomap(
        ch_names, power, list(edges), f"Band power of {filename} ({bands} bands)"
    )


def _eda_figure(recording_path: Path, filename: str) -> Figure:
    """The recording's EDA channel and its cvxEDA tonic and phasic parts.

    The signal is resampled to `EDA_PLOT_SFREQ` and its first `EDA_PLOT_MAX_S` seconds
    are decomposed (the same cvxEDA parameters as the models' recipes).
    """
    from signals.features.eda import eda_components
    from signals.features.filtering import filter_resample
    from signals.feeding import CannotFeedError, eda_stream
    from signals.plots.eda import plot_eda_decomposition

    try:
        stream, _ = eda_stream(read_raw(recording_path))
    except (UnreadableRecordingError, CannotFeedError) as err:
        raise _not_found(f"no EDA plot for {filename}: {err}") from err
    signal = filter_resample(stream.data, stream.sfreq, new_sfreq=EDA_PLOT_SFREQ)[0]
    signal = signal[: int(EDA_PLOT_MAX_S * EDA_PLOT_SFREQ)]
    eda, tonic, phasic = eda_components(signal, EDA_PLOT_SFREQ)
    times = np.arange(len(signal)) / EDA_PLOT_SFREQ
    return plot_eda_decomposition(
        times, eda, tonic, phasic, f"Skin conductance of {filename}: tonic and phasic (cvxEDA)"
    )


def choose_model(recording: dict[str, Any], model: str | None) -> str:
    """The model a timeline shows: ``model``, or the first one that ran; 404 if it did not."""
    models = recording["models"]
    chosen = model or next(iter(models), "")
    if chosen not in models:
        raise _not_found(
            f"model {chosen} did not run on {recording['filename']}; models: {', '.join(models)}"
        )
    return chosen


@router.get(
    "/{job_id}/plots/{name}.{fmt}",
    operation_id="plots-get",
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
    bands: str = "seed",
) -> Response:
    """A figure of a succeeded job, for one of its recordings (index ``recording``).

    ``timeline``: one model's predicted class per window and class probabilities over time
    (``model``, default the first). ``summary``: share of windows per label, per model.
    ``agreement``: each model's label per window and how many agree (two or more models).
    ``topomap``: band power of the recording's EEG per channel, in the band table ``bands``.
    ``eda``: the recording's skin conductance with its tonic and phasic parts (cvxEDA).
    """
    result = stored_result(session, job_id, caller)
    recordings = result["recordings"]
    if not 0 <= recording < len(recordings):
        raise _not_found(f"job {job_id} has {len(recordings)} recording(s); got index {recording}")
    if bands not in reference()["bands"]:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            f"unknown band table {bands}; known: {', '.join(reference()['bands'])}",
        )
    part = recordings[recording]
    chosen = choose_model(part, model) if name == "timeline" else ""
    variant = {"timeline": chosen, "topomap": bands}.get(name, "all")
    cached = settings.plots_dir / job_id / f"{name}-{recording}-{variant}.{fmt}"
    with RENDER_LOCK:
        if cached.is_file():
            body = cached.read_bytes()
        else:
            stored = session.get(Recording, part["recording_id"])
            path = Path(stored.path) if stored is not None else None
            body = figure_bytes(make_figure(name, part, chosen, bands, path), fmt)
            cached.parent.mkdir(parents=True, exist_ok=True)
            partial = cached.with_suffix(f".{os.getpid()}.part")
            partial.write_bytes(body)
            partial.replace(cached)
    return Response(
        body, media_type=MEDIA_TYPES[fmt], headers={"Cache-Control": "private, max-age=3600"}
    )
