"""Run a model card's preprocessing recipe: a list of named, pure steps.

Each step takes a `Stream` and returns a new one. The same runner serves the worker
(from a recording) and the training code (from a data set's signals), so a model is
fed exactly as it was trained.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.signal import resample_poly

from model_store.cards import RecipeStep, band_edges
from worker.features.smoothing import lds_smooth
from worker.features.spectral import differential_entropy


@dataclass(frozen=True)
class Stream:
    """Data passed from step to step.

    Attributes
    ----------
    data : array
        ``(n_channels, n_times)`` before windowing, ``(n_windows, ...)`` after.
    sfreq : float
        Sampling rate of the time axis, Hz.
    window_starts : array of float or None
        Start time of each window, seconds; None before windowing.
    """

    data: NDArray[np.floating]
    sfreq: float
    window_starts: NDArray[np.float64] | None = None


def resample(stream: Stream, sfreq: float) -> Stream:
    """Resample continuous signals to ``sfreq`` Hz (polyphase, anti-aliased)."""
    if stream.sfreq == sfreq:
        return stream
    up, down = _ratio(sfreq, stream.sfreq)
    data = resample_poly(stream.data, up, down, axis=-1)
    return replace(stream, data=data, sfreq=float(sfreq))


def _ratio(target: float, source: float) -> tuple[int, int]:
    from fractions import Fraction

    frac = Fraction(target / source).limit_denominator(1000)
    return frac.numerator, frac.denominator


def windows(stream: Stream, length_s: float, step_s: float) -> Stream:
    """Cut continuous signals into windows; a partial window at the end is dropped."""
    length = round(length_s * stream.sfreq)
    step = round(step_s * stream.sfreq)
    n_times = stream.data.shape[-1]
    if n_times < length:
        raise ValueError(
            f"the recording is {n_times / stream.sfreq:.2f} s long, shorter than one "
            f"{length_s} s window"
        )
    starts = np.arange(0, n_times - length + 1, step)
    view = np.lib.stride_tricks.sliding_window_view(stream.data, length, axis=-1)
    data = np.moveaxis(view[..., starts, :], -2, 0)
    return replace(stream, data=data, window_starts=starts / stream.sfreq)


def differential_entropy_step(stream: Stream, bands: str) -> Stream:
    """DE of each window and channel in the named band table: ``(n_windows, n_ch, n_bands)``."""
    return replace(stream, data=differential_entropy(stream.data, stream.sfreq, band_edges(bands)))


def lds_smooth_step(stream: Stream, **params: float) -> Stream:
    """Kalman-smooth every feature over windows."""
    return replace(stream, data=lds_smooth(stream.data, **params))


def minmax_scale(stream: Stream) -> Stream:
    """Scale all values of the recording together to [0, 1]."""
    lo, hi = float(stream.data.min()), float(stream.data.max())
    scale = hi - lo if hi > lo else 1.0
    return replace(stream, data=(stream.data - lo) / scale)


def flatten(stream: Stream) -> Stream:
    """Flatten each window's features, last axis fastest (channel-major for DE)."""
    return replace(stream, data=stream.data.reshape(stream.data.shape[0], -1))


STEPS: dict[str, Callable[..., Stream]] = {
    "resample": resample,
    "windows": windows,
    "differential_entropy": differential_entropy_step,
    "lds_smooth": lds_smooth_step,
    "minmax_scale": minmax_scale,
    "flatten": flatten,
}


def run_recipe(stream: Stream, recipe: list[RecipeStep]) -> Stream:
    """Apply each step of ``recipe`` in order."""
    for step in recipe:
        if step.step not in STEPS:
            raise KeyError(f"unknown recipe step {step.step!r}; known: {', '.join(STEPS)}")
        params: dict[str, Any] = step.params
        stream = STEPS[step.step](stream, **params)
    return stream
