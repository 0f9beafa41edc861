"""The figures of a job, drawn once inside the job and stored next to its result.

For each recording of a result: a timeline per model, the summary, the agreement of two
or more models, the band-power topomap of its EEG (band table `core.schemas.DEFAULT_BANDS`) and the
cvxEDA decomposition of its EDA, each as PNG and SVG under ``plots/<job id>/`` in the storage,
listed in a `core.schemas.FigureManifest` (`core.storage.write_figures`) with the reason of
every figure that could not be drawn. The API only reads these objects.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import numpy as np

from core.cards import band_edges
from core.schemas import (
    DEFAULT_BANDS,
    IMAGE_FORMATS,
    FigureManifest,
    ModelResult,
    RecordingResult,
    figure_key,
)
from core.storage import Storage, figures_prefix
from signals.feeding import CannotFeedError
from signals.io import UnreadableRecordingError
from signals.plots.render import figure_files

if TYPE_CHECKING:
    import mne
    from matplotlib.figure import Figure

#: Rate the EDA is resampled to before its decomposition, Hz.
EDA_PLOT_SFREQ = 10.0
#: Longest stretch of EDA decomposed for the figure (from the start), s.
EDA_PLOT_MAX_S = 900.0

Drawing = Callable[[], "Figure"]


class FigureUnavailableError(ValueError):
    """A figure does not apply to this recording or result; the message says why."""


def _caveat(model: ModelResult) -> str:
    untrained = model.provenance.weights_status == "needs-weights"
    return " (untrained weights: not a result)" if untrained else ""


def recording_figures(
    index: int, part: RecordingResult, raw: mne.io.BaseRaw | None
) -> Iterator[tuple[str, Drawing]]:
    """The figures of recording ``index`` of a result: (key, function that draws it).

    Parameters
    ----------
    index : int
        Position of the recording in the job.
    part : RecordingResult
        Its models' results.
    raw : mne.io.BaseRaw | None
        The recording as the job read it; None for a feature file (no topomap, no EDA).

    Yields
    ------
    key : str
        `core.schemas.figure_key` of the figure.
    draw : callable
        Returns the Figure, or raises `FigureUnavailableError` saying why there is none.
    """
    from signals.plots.results import plot_summary, plot_timeline

    models = part.models
    filename = part.filename
    for name, model in models.items():
        title = f"{name} on {filename}{_caveat(model)}"
        yield (
            figure_key("timeline", index, name),
            lambda m=model, t=title: plot_timeline(m, t, part.segments),
        )
    caveat = "".join(dict.fromkeys(_caveat(m) for m in models.values()))
    yield (
        figure_key("summary", index),
        lambda: plot_summary(models, f"Labels of {filename}{caveat}"),
    )
    yield figure_key("agreement", index), lambda: _agreement(part)
    yield figure_key("topomap", index, DEFAULT_BANDS), lambda: _topomap(raw, filename)
    yield figure_key("eda", index), lambda: _eda(raw, filename)


def _agreement(part: RecordingResult) -> Figure:
    """Each model's labels and how many agree; the title says when the models disagree."""
    from signals.plots.results import plot_agreement

    models = part.models
    if len(models) < 2:
        raise FigureUnavailableError(
            f"agreement needs two or more models; only {', '.join(models)} ran"
        )
    split = [" and ".join(group.models) for group in part.agreement if group.disagree]
    flag = f": {'; '.join(split)} disagree, rely on none alone" if split else ""
    return plot_agreement(models, f"Agreement of the models on {part.filename}{flag}")


def _topomap(raw: mne.io.BaseRaw | None, filename: str) -> Figure:
    """Band power of the recording's EEG per channel, in the `DEFAULT_BANDS` table."""
    from signals.plots.topomap import eeg_band_power, plot_band_topomap

    if raw is None:
        raise FigureUnavailableError(
            f"no topomap for {filename}: it holds features, not a continuous EEG recording"
        )
    edges = band_edges(DEFAULT_BANDS)
    try:
        ch_names, power = eeg_band_power(raw, edges)
    except (UnreadableRecordingError, ValueError) as err:
        raise FigureUnavailableError(f"no topomap for {filename}: {err}") from err
    return plot_band_topomap(
        ch_names, power, list(edges), f"Band power of {filename} ({DEFAULT_BANDS} bands)"
    )


def _eda(raw: mne.io.BaseRaw | None, filename: str) -> Figure:
    """The recording's EDA channel and its cvxEDA tonic and phasic parts.

    The signal is resampled to `EDA_PLOT_SFREQ` and its first `EDA_PLOT_MAX_S` seconds
    are decomposed (the same cvxEDA parameters as the models' recipes).
    """
    from signals.features.eda import eda_components
    from signals.features.filtering import filter_resample
    from signals.feeding import eda_stream
    from signals.plots.eda import plot_eda_decomposition

    if raw is None:
        raise FigureUnavailableError(
            f"no EDA plot for {filename}: it holds features, not a continuous recording"
        )
    try:
        stream, _ = eda_stream(raw)
    except CannotFeedError as err:
        raise FigureUnavailableError(f"no EDA plot for {filename}: {err}") from err
    signal = filter_resample(stream.data, stream.sfreq, new_sfreq=EDA_PLOT_SFREQ)[0]
    signal = signal[: int(EDA_PLOT_MAX_S * EDA_PLOT_SFREQ)]
    eda, tonic, phasic = eda_components(signal, EDA_PLOT_SFREQ)
    times = np.arange(len(signal)) / EDA_PLOT_SFREQ
    return plot_eda_decomposition(
        times, eda, tonic, phasic, f"Skin conductance of {filename}: tonic and phasic (cvxEDA)"
    )


def store_figures(
    figures: Iterator[tuple[str, Drawing]], storage: Storage, job_id: str
) -> FigureManifest:
    """Draw each figure and store it in the job's folder (`core.storage.figures_prefix`) as
    ``<key>.png`` and ``<key>.svg``.

    Returns the manifest of what was drawn and why the rest was not (not yet written;
    see `core.storage.write_figures`). Drawing the same figures again overwrites them with the
    same bytes (a job delivered again).
    """
    folder = figures_prefix(job_id)
    start = time.perf_counter()
    rendered: list[str] = []
    absent: dict[str, str] = {}
    for key, draw in figures:
        try:
            fig = draw()
        except FigureUnavailableError as err:
            absent[key] = str(err)
            continue
        for fmt, data in figure_files(fig, IMAGE_FORMATS).items():
            storage.put(f"{folder}/{key}.{fmt}", data)
        rendered.append(key)
    return FigureManifest(
        bands=DEFAULT_BANDS,
        rendered=rendered,
        absent=absent,
        seconds=round(time.perf_counter() - start, 3),
    )


def warm_figures() -> float:
    """Draw a small topomap in every format and drop it; returns the CPU seconds taken.

    Called once when a worker process starts, so that its first job does not pay for
    importing matplotlib and SciPy's interpolation, loading the fonts and the standard
    electrode positions (the topomap has images, contours, lines, markers, text and a
    colour bar's ticks: every kind of artist a job draws).
    """
    from signals.plots.render import figure_files
    from signals.plots.topomap import plot_band_topomap

    start = time.process_time()
    names = ["Fz", "C3", "Cz", "C4", "Pz"]
    power = np.arange(1.0, len(names) + 1.0)[:, None]
    figure_files(plot_band_topomap(names, power, ["band"], "warm-up"))
    return time.process_time() - start


def merge_manifests(parts: list[FigureManifest]) -> FigureManifest:
    """One manifest of the figures of several recordings."""
    return FigureManifest(
        bands=DEFAULT_BANDS,
        rendered=[key for part in parts for key in part.rendered],
        absent={key: why for part in parts for key, why in part.absent.items()},
        seconds=round(sum(part.seconds for part in parts), 3),
    )
