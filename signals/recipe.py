"""Run a model card's preprocessing recipe: a list of named, pure steps.

Each step takes a `Stream` and returns a new one. The same runner serves the worker
(from a recording) and the training code (from a data set's signals), so a model is
fed exactly as it was trained.

Steps (name in a card -> function here):

* continuous signals ``(n_channels, n_times)``: ``filter``, ``resample``,
  ``average_reference``, ``eye_features``
* windowing: ``windows``
* continuous signals or windows: ``cvxeda``, ``resample_to_length``
* windows ``(n_windows, n_channels, n_times)``: ``remove_baseline``,
  ``differential_entropy``, ``psd``, ``zscore``
* features ``(n_windows, n_channels, n_bands)``: ``lds_smooth``, ``dasm``, ``rasm``,
  ``grid_9x9``, ``stack_slices``, ``normalize``, ``fill_missing``, ``zscore``,
  ``minmax_scale``, ``flatten``
* media files (a `media_stream`): ``video_frames`` then ``face_crop`` (frames
  ``(n_frames, 3, size, size)``) then ``frame_windows``; ``opensmile_compare`` (one
  vector for the whole song)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from math import gcd
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from core.cards import WEIGHTS_DIR, InputSpec, RecipeStep, band_edges
from signals.features.asymmetry import dasm, rasm
from signals.features.baseline import remove_baseline
from signals.features.eda import eda_components
from signals.features.eye import EyeSamples, eye_features
from signals.features.face import COLORS, crop_faces, video_frames
from signals.features.filtering import (
    average_reference,
    filter_reach_s,
    filter_resample,
    resample_ratio,
    resample_to_length,
)
from signals.features.grid import to_grid
from signals.features.music import music_features
from signals.features.normalization import (
    apply_normalization,
    fit_normalization,
    load_normalization,
)
from signals.features.smoothing import lds_smooth
from signals.features.spectral import band_power, differential_entropy


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
    source : Path or None
        The media file (video, audio) a media recipe's first step reads; None for
        signals.
    """

    data: NDArray[np.floating]
    sfreq: float
    window_starts: NDArray[np.float64] | None = None
    source: Path | None = None


def media_stream(path: Path) -> Stream:
    """The start of a media recipe: nothing read yet from the video or audio ``path``."""
    return Stream(data=np.empty(0), sfreq=0.0, source=Path(path))


def _continuous(stream: Stream, step: str) -> None:
    if stream.window_starts is not None:
        raise ValueError(f"step {step!r} works on continuous signals; put it before 'windows'")


def _source(stream: Stream, step: str) -> Path:
    if stream.source is None:
        raise ValueError(f"step {step!r} reads a media file; start the recipe from one")
    return stream.source


def _windowed(stream: Stream, step: str) -> NDArray[np.float64]:
    if stream.window_starts is None:
        raise ValueError(f"step {step!r} works on windows; put it after 'windows'")
    return stream.window_starts


def filter_step(
    stream: Stream,
    l_freq: float | None = None,
    h_freq: float | None = None,
    notch: Sequence[float] = (),
    sfreq: float | None = None,
    order: int = 4,
) -> Stream:
    """Zero-phase band-pass and notch filter, optionally resampling in the same pass.

    See `signals.features.filtering.filter_resample` (``notch``: centre frequencies,
    Hz; ``sfreq``: new sampling rate, Hz).
    """
    _continuous(stream, "filter")
    data = filter_resample(
        stream.data,
        stream.sfreq,
        l_freq=l_freq,
        h_freq=h_freq,
        notch_freqs=tuple(notch),
        new_sfreq=sfreq,
        order=order,
    )
    return replace(stream, data=data, sfreq=float(sfreq or stream.sfreq))


def resample(stream: Stream, sfreq: float) -> Stream:
    """Resample continuous signals to ``sfreq`` Hz (FFT, ideal anti-alias low-pass)."""
    if stream.sfreq == sfreq:
        return stream
    return filter_step(stream, sfreq=sfreq)


def average_reference_step(stream: Stream) -> Stream:
    """Re-reference continuous signals to the common average of the channels."""
    _continuous(stream, "average_reference")
    return replace(stream, data=average_reference(stream.data))


def windows(stream: Stream, length_s: float, step_s: float) -> Stream:
    """Cut continuous signals into windows; a partial window at the end is dropped."""
    _continuous(stream, "windows")
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


def remove_baseline_step(stream: Stream, baseline_s: float = 3.0) -> Stream:
    """Subtract the mean of the windows inside the first ``baseline_s`` seconds (DEAP).

    Those baseline windows are dropped; the others keep their start times.
    """
    starts = _windowed(stream, "remove_baseline")
    length_s = stream.data.shape[-1] / stream.sfreq
    n_baseline = int(np.sum(starts + length_s <= baseline_s + 1e-9))
    data = remove_baseline(stream.data, n_baseline)
    return replace(stream, data=data, window_starts=starts[n_baseline:])


def differential_entropy_step(stream: Stream, bands: str) -> Stream:
    """DE of each window and channel in the named band table: ``(n_windows, n_ch, n_bands)``."""
    _windowed(stream, "differential_entropy")
    return replace(stream, data=differential_entropy(stream.data, stream.sfreq, band_edges(bands)))


def psd_step(stream: Stream, bands: str) -> Stream:
    """Band power of each window and channel: ``(n_windows, n_ch, n_bands)``, unit²."""
    _windowed(stream, "psd")
    return replace(stream, data=band_power(stream.data, stream.sfreq, band_edges(bands)))


def lds_smooth_step(stream: Stream, **params: float) -> Stream:
    """Kalman-smooth every feature over windows."""
    return replace(stream, data=lds_smooth(stream.data, **params))


def dasm_step(stream: Stream, grid: str = "seed62_9x9") -> Stream:
    """DASM (left - right DE) of the grid's symmetric pairs: ``(n_windows, 27, n_bands)``."""
    return replace(stream, data=dasm(stream.data, grid))


def rasm_step(stream: Stream, grid: str = "seed62_9x9") -> Stream:
    """RASM (left / right DE) of the grid's symmetric pairs: ``(n_windows, 27, n_bands)``."""
    return replace(stream, data=rasm(stream.data, grid))


def grid_step(stream: Stream, grid: str = "seed62_9x9") -> Stream:
    """Place per-channel features on the 9 x 9 grid: ``(..., n_bands, 9, 9)``."""
    return replace(stream, data=to_grid(stream.data, grid))


def stack_slices(stream: Stream, n: int, step: int = 1) -> Stream:
    """Stack ``n`` consecutive windows per sample: ``(n_stacks, n, ...)``.

    STRNN takes T = 9 consecutive 1-s DE slices. Stack ``k`` holds windows
    ``k*step ... k*step + n - 1`` and starts at the first one's start time.
    """
    starts = _windowed(stream, "stack_slices")
    if len(starts) < n:
        raise ValueError(
            f"stacking {n} windows needs at least {n}; the recording has {len(starts)}"
        )
    view = np.lib.stride_tricks.sliding_window_view(stream.data, n, axis=0)[::step]
    data = np.moveaxis(view, -1, 1)
    return replace(
        stream, data=np.ascontiguousarray(data), window_starts=starts[: len(starts) - n + 1 : step]
    )


def normalize(stream: Stream, stats: str, per: str = "feature") -> Stream:
    """Apply the model's normalisation statistics (``.npz`` beside its weights).

    ``stats`` is a file name under ``model_store/weights`` (or an absolute path);
    see `signals.features.normalization` for the format. ``per`` says what training
    fitted them over (``"feature"`` or ``"band"``, see
    `model_store.training.standardise`); the file's arrays already have the matching
    shape, so applying them is the same either way.
    """
    path = Path(stats) if Path(stats).is_absolute() else WEIGHTS_DIR / stats
    return replace(stream, data=apply_normalization(stream.data, load_normalization(path)))


def fill_missing(stream: Stream, value: float = 0.0) -> Stream:
    """Replace missing values (NaN: channels a smaller montage lacks) by ``value``.

    After ``normalize`` the default 0 is the training mean of every feature, which is
    also what channel masking feeds the model in training.
    """
    return replace(stream, data=np.where(np.isnan(stream.data), value, stream.data))


def zscore(stream: Stream, axis: int = 0) -> Stream:
    """Standardise along ``axis`` with this recording's own statistics.

    ``axis=0``: each feature over the recording's windows (per-subject z-score);
    ``axis=-1``: each window's channel over time (RTCAN-1D's EDA channels).
    """
    return replace(
        stream, data=apply_normalization(stream.data, fit_normalization(stream.data, axis))
    )


def minmax_scale(stream: Stream, per_window: bool = False) -> Stream:
    """Scale values to [0, 1]: all values of the recording together, or each window's.

    ``per_window=True`` is the scaling of the distributed SEED features (every 1-s
    window's 310 values span [0, 1]). Missing values (NaN, channels a smaller montage
    lacks) stay missing and do not count in the range.
    """
    data = np.asarray(stream.data, dtype=np.float64)
    axes = tuple(range(1, data.ndim)) if per_window else None
    lo = np.nanmin(data, axis=axes, keepdims=True)
    span = np.nanmax(data, axis=axes, keepdims=True) - lo
    return replace(stream, data=(data - lo) / np.where(span > 0, span, 1.0))


def flatten(stream: Stream, band_major: bool = False) -> Stream:
    """Flatten each window's features, last axis fastest (channel-major for DE).

    ``band_major`` swaps the last two axes first (all channels of band 0, then band
    1, ...), MAET's order for its 310 values.
    """
    data = np.swapaxes(stream.data, -1, -2) if band_major else stream.data
    return replace(stream, data=data.reshape(data.shape[0], -1))


def cvxeda_step(stream: Stream, order: Sequence[str] = ("eda", "tonic", "phasic")) -> Stream:
    """Replace one EDA channel by ``order`` of (signal, cvxEDA tonic, phasic).

    Continuous ``(1, n_times)`` becomes ``(3, n_times)``; windows
    ``(n_windows, 1, n_times)`` are decomposed one by one into ``(n_windows, 3, n_times)``.
    The cvxEDA parameters are `signals.features.eda.CVXEDA_PARAMS`, the same the EDA
    figure uses: a card names only the channel order.
    """
    if stream.data.shape[-2] != 1:
        raise ValueError(f"cvxeda takes one EDA channel, got {stream.data.shape[-2]}")
    signals = stream.data.reshape(-1, stream.data.shape[-1])
    parts = [eda_components(signal, stream.sfreq, order) for signal in signals]
    data = np.stack(parts).reshape(*stream.data.shape[:-2], len(order), stream.data.shape[-1])
    return replace(stream, data=data)


def resample_to_length_step(stream: Stream, n_samples: int, image_quirk: bool = False) -> Stream:
    """Resample each window (or the whole recording) to ``n_samples`` points per channel.

    RTCAN-1D's 2,500-point input; ``image_quirk`` reproduces its reshape-and-resize
    trick (see `signals.features.filtering.resample_to_length`). A continuous recording
    becomes a single window.
    """
    duration = stream.data.shape[-1] / stream.sfreq
    data = resample_to_length(stream.data, n_samples, image_quirk=image_quirk)
    if stream.window_starts is None:
        return Stream(data=data[np.newaxis], sfreq=n_samples / duration, window_starts=np.zeros(1))
    return replace(stream, data=data, sfreq=n_samples / duration)


def eye_features_step(
    stream: Stream, window_s: float = 4.0, saccade_velocity: float = 1100.0
) -> Stream:
    """MAET's 33 eye features from channels (gaze x, gaze y, left pupil, right pupil)."""
    _continuous(stream, "eye_features")
    if stream.data.shape[0] != 4:
        raise ValueError("eye_features takes 4 channels: gaze x, gaze y, left and right pupil")
    samples = EyeSamples(stream.sfreq, *np.asarray(stream.data, dtype=np.float64))
    data = eye_features(samples, window_s, saccade_velocity)
    return Stream(data=data, sfreq=stream.sfreq, window_starts=np.arange(len(data)) * window_s)


def video_frames_step(stream: Stream, fps: int) -> Stream:
    """``fps`` RGB frames per second of the video, from its start, decoded as used.

    The data become an iterator of ``(height, width, 3)`` uint8 frames that
    ``face_crop`` consumes one at a time (see `signals.features.face.video_frames`).
    """
    _, frames = video_frames(_source(stream, "video_frames"), fps=int(fps))
    return Stream(data=frames, sfreq=float(fps))


def face_crop_step(
    stream: Stream, size: int, above_eyes: float, below_lips: float, color: str = "rgb"
) -> Stream:
    """Aligned face crops of every frame: ``(n_frames, 3, size, size)`` in [0, 1].

    See `signals.features.face.crop_faces` (margins in eye-to-lip distances).
    """
    if color not in COLORS:
        raise ValueError(f"face crops can be given in {', '.join(COLORS)}, not {color!r}")
    _continuous(stream, "face_crop")
    return replace(stream, data=crop_faces(stream.data, int(size), above_eyes, below_lips))


def frame_windows(stream: Stream, length_s: float, step_s: float, skip_s: float = 0.0) -> Stream:
    """Group frames into windows ``(n_windows, n_frames, ...)``, the first ``skip_s`` left out.

    Window ``k`` starts at ``skip_s + k * step_s`` seconds, as the EEG windows after
    their baseline (``remove_baseline``) do; a partial window at the end is dropped.
    """
    _continuous(stream, "frame_windows")
    frames = stream.data[round(skip_s * stream.sfreq) :]
    length, step = round(length_s * stream.sfreq), round(step_s * stream.sfreq)
    if len(frames) < length:
        raise ValueError(
            f"the video is {len(stream.data) / stream.sfreq:.1f} s long: shorter than "
            f"{skip_s} s skipped and one {length_s} s window"
        )
    starts = np.arange(0, len(frames) - length + 1, step)
    return replace(
        stream,
        data=np.stack([frames[s : s + length] for s in starts]),
        window_starts=skip_s + starts / stream.sfreq,
    )


def opensmile_compare(
    stream: Stream, feature_set: str = "ComParE_2016", level: str = "functionals"
) -> Stream:
    """openSMILE functionals of the whole audio file: one vector ``(6373,)`` per song."""
    if (feature_set, level) != ("ComParE_2016", "functionals"):
        raise ValueError(f"music features are ComParE_2016 functionals, not {feature_set} {level}")
    return replace(stream, data=music_features(_source(stream, "opensmile_compare")))


STEPS: dict[str, Callable[..., Stream]] = {
    "filter": filter_step,
    "resample": resample,
    "average_reference": average_reference_step,
    "windows": windows,
    "remove_baseline": remove_baseline_step,
    "differential_entropy": differential_entropy_step,
    "psd": psd_step,
    "lds_smooth": lds_smooth_step,
    "dasm": dasm_step,
    "rasm": rasm_step,
    "grid_9x9": grid_step,
    "stack_slices": stack_slices,
    "normalize": normalize,
    "fill_missing": fill_missing,
    "zscore": zscore,
    "minmax_scale": minmax_scale,
    "flatten": flatten,
    "cvxeda": cvxeda_step,
    "resample_to_length": resample_to_length_step,
    "eye_features": eye_features_step,
    "video_frames": video_frames_step,
    "face_crop": face_crop_step,
    "frame_windows": frame_windows,
    "opensmile_compare": opensmile_compare,
}


def run_recipe(stream: Stream, recipe: list[RecipeStep]) -> Stream:
    """Apply each step of ``recipe`` in order."""
    for step in recipe:
        if step.step not in STEPS:
            raise KeyError(f"unknown recipe step {step.step!r}; known: {', '.join(STEPS)}")
        params: dict[str, Any] = step.params
        stream = STEPS[step.step](stream, **params)
    return stream


#: Steps on continuous signals that a long recording can run block by block (each output
#: sample depends on the input within the filters' reach), and per-window feature steps.
BLOCK_SIGNAL_STEPS = ("filter", "resample", "average_reference")
BLOCK_WINDOW_STEPS = ("differential_entropy", "psd")


def _block_margin_s(steps: list[RecipeStep]) -> float:
    """Margin read on each side of a block: twice the reach of the recipe's filters."""
    reach = [filter_reach_s(step.params.get("l_freq")) for step in steps if step.step == "filter"]
    return 2.0 * max([1.0, *reach])


def run_in_blocks(
    read: Callable[[int, int], Stream],
    n_times: int,
    sfreq: float,
    recipe: list[RecipeStep],
    block_s: float = 60.0,
) -> Stream | None:
    """``run_recipe(read(0, n_times), recipe)`` computed a block of windows at a time.

    A recipe runs in blocks when it is continuous steps of `BLOCK_SIGNAL_STEPS`, then
    ``windows``, then per-window feature steps (`BLOCK_WINDOW_STEPS`), as the EEG
    models' recipes up to their DE are. Each block holds about ``block_s`` seconds of
    windows; its samples are read with a margin on each side (twice the filters'
    reach, `signals.features.filtering.filter_reach_s`: 2 s for a resample alone),
    filtered and resampled, the margins dropped, then cut into windows whose
    features are kept. The cost grows linearly with the length and the memory is one
    block of signals plus the features. The features equal the whole recording's to
    within what of the filters' response lies beyond the margin
    (`tests/signals/test_recipe.py`); window start times are identical.

    Parameters
    ----------
    read : callable
        ``read(start, stop)``: the continuous signals of samples ``start`` to
        ``stop`` (a `Stream` at ``sfreq``).
    n_times : int
        Length of the recording, samples.
    sfreq : float
        Its sampling rate, Hz.
    recipe : list of RecipeStep
        The steps.
    block_s : float
        Seconds of windows per block (rounded up to whole windows that start on whole
        input samples).

    Returns
    -------
    Stream or None
        The features of every window; None when the recipe cannot run in blocks (or
        the recording is shorter than one window): run it whole.
    """
    names = [step.step for step in recipe]
    if "windows" not in names:
        return None
    cut = names.index("windows")
    if not (
        set(names[:cut]) <= set(BLOCK_SIGNAL_STEPS)
        and names[cut + 1 :]
        and set(names[cut + 1 :]) <= set(BLOCK_WINDOW_STEPS)
    ):
        return None
    out_sfreq = sfreq
    for step in recipe[:cut]:
        out_sfreq = float(step.params.get("sfreq") or out_sfreq)
    ratio = resample_ratio(sfreq, out_sfreq)
    up, down = ratio.numerator, ratio.denominator
    length = round(recipe[cut].params["length_s"] * out_sfreq)
    step = round(recipe[cut].params["step_s"] * out_sfreq)
    n_out = round(n_times * ratio)
    if n_out < length:
        return None
    n_windows = (n_out - length) // step + 1
    unit = up // gcd(step, up)  # blocks of whole windows starting on whole input samples
    per_block = -(-max(1, round(block_s * out_sfreq / step)) // unit) * unit
    margin = int(np.ceil(_block_margin_s(recipe[:cut]) * sfreq / down)) * down
    data, starts = [], []
    for first in range(0, n_windows, per_block):
        last = min(first + per_block, n_windows)
        begin, end = first * step, (last - 1) * step + length
        lo = max(0, begin * down // up - margin)
        hi = min(n_times, -(-end * down // up) + margin)
        block = run_recipe(read(lo, hi), recipe[:cut])
        offset = begin - lo * up // down
        kept = replace(block, data=block.data[..., offset : offset + end - begin])
        features = run_recipe(run_recipe(kept, recipe[cut : cut + 1]), recipe[cut + 1 :])
        data.append(features.data)
        starts.append(np.arange(first, last) * step / out_sfreq)
    return Stream(data=np.concatenate(data), sfreq=out_sfreq, window_starts=np.concatenate(starts))


def recipe_tail(
    spec: InputSpec,
    stage: str | None,
    bands: str | None = None,
    window_s: float | None = None,
    montage: str | None = None,
) -> list[RecipeStep]:
    """The steps of ``spec.recipe`` still to run on data already taken to ``stage``.

    Feature files (SEED's ``de_LDS``) and data sets that ship features enter the
    recipe after the step that made them, so that only the remaining steps run.

    Parameters
    ----------
    spec : InputSpec
        The model input.
    stage : str or None
        Name of the last recipe step the data have been through (None: raw signals).
    bands, window_s, montage
        How the data were made (band table, window length in s, channel montage);
        None when unknown. Each must agree with the recipe's own.

    Raises
    ------
    ValueError
        When the data were made differently from the recipe (another stage, band
        table, window length or montage).
    """
    if stage is None:
        return list(spec.recipe)
    names = [step.step for step in spec.recipe]
    if stage not in names:
        raise ValueError(
            f"input {spec.name!r} is computed by the steps {names}, which never produce "
            f"{stage!r} features"
        )
    done = names.index(stage) + 1
    for step in spec.recipe[:done]:
        wanted = step.params.get("bands")
        if wanted is not None and bands is not None and wanted != bands:
            raise ValueError(
                f"input {spec.name!r} uses the {wanted!r} band table, the data {bands!r}"
            )
        length = step.params.get("length_s") if step.step == "windows" else None
        if length is not None and window_s is not None and abs(length - window_s) > 1e-9:
            raise ValueError(
                f"input {spec.name!r} uses {length} s windows, the data {window_s} s windows"
            )
    if spec.montage is not None and montage not in (None, spec.montage):
        raise ValueError(
            f"input {spec.name!r} expects the {spec.montage!r} montage, the data {montage!r}"
        )
    return list(spec.recipe[done:])
