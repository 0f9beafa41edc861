"""Eye tracking: MAET's 33 features per window (spec §3.1), or precomputed ones.

Layout of the 33 values of a window (the order of MAET's released extractor):

* 0-7: differential entropy of the left (0-3) and right (4-7) pupil diameter in the
  ``maet_pupil`` bands (0.05-0.2, 0.2-0.4, 0.4-0.6, 0.6-1 Hz), LDS-smoothed over
  windows. The project's one DE definition is used, on the window minus its mean,
  with the FFT zero-padded to a 0.05 Hz grid.
* 8-11: left pupil mean, left std, right mean, right std.
* 12-17: fixation duration mean, std; fixation dispersion x mean, y mean, x std,
  y std.
* 18-21: saccade duration mean, std; saccade amplitude mean, std.
* 22-23: blink duration mean, std.
* 24-32: recording-level values repeated in every window: blink rate, fixation rate
  (per second), longest fixation (s), largest and total fixation displacement,
  saccade rate, mean saccade duration (s), mean saccade amplitude, mean saccade
  latency (s, end of one saccade to the start of the next).

Missing values (no event of a kind in a window) are 0. Differences from the released
extractor: luminance removal (an SVD across all subjects of a clip) is not applied,
since one recording is processed at a time; events come from the file's
``event`` column when present, else from a velocity threshold (I-VT). Blinks are gaps
of 50-400 ms in the gaze signal.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from core.cards import band_edges
from signals.features.smoothing import lds_smooth
from signals.features.spectral import differential_entropy

N_EYE_FEATURES = 33

#: Column names accepted for each signal (first match wins; Tobii Pro Lab export names).
_COLUMNS = {
    "time": ("time", "Recording timestamp"),
    "gaze_x": ("gaze_x", "Gaze point X"),
    "gaze_y": ("gaze_y", "Gaze point Y"),
    "pupil_left": ("pupil_left", "Pupil diameter left"),
    "pupil_right": ("pupil_right", "Pupil diameter right"),
    "event": ("event", "Eye movement type"),
}


@dataclass(frozen=True)
class EyeSamples:
    """Gaze and pupil samples of one recording at a constant rate.

    Attributes
    ----------
    sfreq : float
        Sampling rate, Hz.
    gaze_x, gaze_y : array, shape (n_times,)
        Gaze position (pixels); NaN where the tracker lost the eyes.
    pupil_left, pupil_right : array, shape (n_times,)
        Pupil diameters, mm; NaN where missing.
    event : array of str or None
        Per-sample eye-movement class from the tracker (``'Fixation'``,
        ``'Saccade'``, ...), or None to classify by velocity.
    """

    sfreq: float
    gaze_x: NDArray[np.float64]
    gaze_y: NDArray[np.float64]
    pupil_left: NDArray[np.float64]
    pupil_right: NDArray[np.float64]
    event: NDArray[np.str_] | None = None


def read_eye_csv(path: Path, time_unit_s: float | None = None) -> EyeSamples:
    """Read gaze/pupil samples from a CSV or TSV file.

    Columns: ``time``, ``gaze_x``, ``gaze_y``, ``pupil_left``, ``pupil_right`` and an
    optional ``event``, or their Tobii Pro Lab names (``Recording timestamp`` in µs,
    ``Gaze point X``, ..., ``Eye movement type``). Decimal commas are accepted.

    Parameters
    ----------
    path : Path
        The file (``.tsv`` is read tab-separated).
    time_unit_s : float or None
        Seconds per unit of the time column; None: 1e-6 for Tobii's column, else 1.

    Returns
    -------
    samples : EyeSamples
    """
    import pandas as pd

    table = pd.read_csv(path, sep="\t" if Path(path).suffix == ".tsv" else ",", low_memory=False)
    found = {}
    for key, names in _COLUMNS.items():
        name = next((n for n in names if n in table.columns), None)
        if name is None and key != "event":
            raise ValueError(f"{Path(path).name} has no {' or '.join(map(repr, names))} column")
        found[key] = name

    def numbers(key: str) -> NDArray[np.float64]:
        column = table[found[key]]
        if not pd.api.types.is_numeric_dtype(column):  # text (object or pandas 3's str)
            column = column.astype(str).str.replace(",", ".", regex=False)
        return pd.to_numeric(column, errors="coerce").to_numpy(dtype=np.float64)

    unit = time_unit_s or (1e-6 if found["time"] == "Recording timestamp" else 1.0)
    times = numbers("time") * unit
    steps = np.diff(times)
    if len(times) < 2 or not np.all(steps > 0):
        raise ValueError(f"the time column of {Path(path).name} does not increase")
    event = table[found["event"]].astype(str).to_numpy() if found["event"] else None
    return EyeSamples(
        sfreq=float(1.0 / np.median(steps)),
        gaze_x=numbers("gaze_x"),
        gaze_y=numbers("gaze_y"),
        pupil_left=numbers("pupil_left"),
        pupil_right=numbers("pupil_right"),
        event=event,
    )


def read_precomputed_eye(path: Path) -> NDArray[np.float64]:
    """Read precomputed eye features: one window per row, 33 numbers (header optional).

    Returns
    -------
    features : array, shape (n_windows, 33)
    """
    rows = np.genfromtxt(path, delimiter=",", dtype=np.float64)
    rows = np.atleast_2d(rows)
    if np.isnan(rows[0]).all():
        rows = rows[1:]
    if rows.ndim != 2 or rows.shape[1] != N_EYE_FEATURES:
        raise ValueError(
            f"{Path(path).name}: expected {N_EYE_FEATURES} eye features per row, got "
            f"{rows.shape[-1]}"
        )
    return np.nan_to_num(rows)


def _runs(mask: NDArray[np.bool_]) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Start and (exclusive) end indices of the runs of True in ``mask``."""
    edges = np.diff(np.concatenate(([0], mask.astype(np.int8), [0])))
    return np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)


def _mean_std(values: NDArray[np.float64]) -> tuple[float, float]:
    return (float(values.mean()), float(values.std())) if values.size else (0.0, 0.0)


def _fill(x: NDArray[np.float64]) -> NDArray[np.float64]:
    good = np.isfinite(x)
    if not good.any():
        return np.zeros_like(x)
    index = np.arange(len(x))
    return np.interp(index, index[good], x[good])


def classify_events(samples: EyeSamples, saccade_velocity: float) -> NDArray[np.str_]:
    """Per-sample ``'Fixation'``/``'Saccade'``/``'Missing'`` labels (tracker's or I-VT)."""
    if samples.event is not None:
        return samples.event
    speed = np.hypot(np.gradient(samples.gaze_x), np.gradient(samples.gaze_y)) * samples.sfreq
    labels = np.where(speed > saccade_velocity, "Saccade", "Fixation")
    return np.where(np.isfinite(speed), labels, "Missing")


def _event_stats(
    gx: NDArray[np.float64], gy: NDArray[np.float64], event: NDArray[np.str_], sfreq: float
) -> dict[str, NDArray[np.float64]]:
    """Durations, dispersions and amplitudes of the events in one stretch of samples."""
    fix_start, fix_end = _runs(event == "Fixation")
    sac_start, sac_end = _runs(event == "Saccade")
    long_enough = (sac_end - sac_start) / sfreq > 0.01
    sac_start, sac_end = sac_start[long_enough], sac_end[long_enough]
    gap_start, gap_end = _runs(~np.isfinite(gx))
    inner = (gap_start > 0) & (gap_end < len(gx))
    blink = (gap_end - gap_start)[inner] / sfreq
    xf, yf = _fill(gx), _fill(gy)
    disp_x = np.array([np.ptp(xf[a:b]) for a, b in zip(fix_start, fix_end, strict=True)])
    disp_y = np.array([np.ptp(yf[a:b]) for a, b in zip(fix_start, fix_end, strict=True)])
    drift = np.hypot(xf[fix_end - 1] - xf[fix_start], yf[fix_end - 1] - yf[fix_start])
    amp = np.hypot(xf[sac_end - 1] - xf[sac_start], yf[sac_end - 1] - yf[sac_start])
    return {
        "fix_dur": (fix_end - fix_start) / sfreq,
        "disp_x": disp_x,
        "disp_y": disp_y,
        "drift": drift,
        "sac_dur": (sac_end - sac_start) / sfreq,
        "sac_amp": amp,
        "sac_latency": (sac_start[1:] - sac_end[:-1]) / sfreq,
        "blink_dur": blink[(blink > 0.05) & (blink < 0.4)],
    }


def eye_features(
    samples: EyeSamples, window_s: float = 4.0, saccade_velocity: float = 1100.0
) -> NDArray[np.float64]:
    """MAET's 33 eye features for each non-overlapping window.

    Parameters
    ----------
    samples : EyeSamples
        One recording.
    window_s : float
        Window length and step, seconds (MAET: 4 s).
    saccade_velocity : float
        I-VT threshold, gaze units per second, used when the samples carry no event
        labels (1100 px/s ≈ 30°/s on a 1920-px, 53-cm screen at 60 cm).

    Returns
    -------
    features : array, shape (n_windows, 33)
    """
    sfreq = samples.sfreq
    length = round(window_s * sfreq)
    n_windows = len(samples.gaze_x) // length
    if n_windows < 1:
        raise ValueError(f"the eye recording is shorter than one {window_s} s window")
    event = classify_events(samples, saccade_velocity)
    pupils = np.stack([_fill(samples.pupil_left), _fill(samples.pupil_right)])
    pupil_windows = pupils[:, : n_windows * length].reshape(2, n_windows, length)
    centred = pupil_windows - pupil_windows.mean(axis=-1, keepdims=True)
    de = differential_entropy(
        centred, sfreq, band_edges("maet_pupil"), n_fft=max(length, round(20 * sfreq))
    )
    de = lds_smooth(np.moveaxis(de, 1, 0)).reshape(n_windows, -1)
    pupil_stats = np.stack([pupil_windows.mean(-1), pupil_windows.std(-1)], axis=-1)
    pupil_stats = np.moveaxis(pupil_stats, 1, 0).reshape(n_windows, 4)
    per_window = np.empty((n_windows, 12))
    for w in range(n_windows):
        part = slice(w * length, (w + 1) * length)
        stats = _event_stats(samples.gaze_x[part], samples.gaze_y[part], event[part], sfreq)
        fx, sx = _mean_std(stats["disp_x"])
        fy, sy = _mean_std(stats["disp_y"])
        per_window[w] = [
            *_mean_std(stats["fix_dur"]),
            fx,
            fy,
            sx,
            sy,
            *_mean_std(stats["sac_dur"]),
            *_mean_std(stats["sac_amp"]),
            *_mean_std(stats["blink_dur"]),
        ]
    whole = _event_stats(samples.gaze_x, samples.gaze_y, event, sfreq)
    duration = len(samples.gaze_x) / sfreq
    clip = np.array(
        [
            len(whole["blink_dur"]) / duration,
            len(whole["fix_dur"]) / duration,
            whole["fix_dur"].max(initial=0.0),
            whole["drift"].max(initial=0.0),
            whole["drift"].sum(),
            len(whole["sac_dur"]) / duration,
            _mean_std(whole["sac_dur"])[0],
            _mean_std(whole["sac_amp"])[0],
            _mean_std(whole["sac_latency"])[0],
        ]
    )
    features = np.concatenate([de, pupil_stats, per_window, np.tile(clip, (n_windows, 1))], axis=1)
    return np.nan_to_num(features)
