"""What every reader returns, and the error every reader raises."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from core.config import Settings

RecordingKind = Literal["signals", "features"]

#: Bytes of the widest MATLAB number (double, int64): bounds what a declared array needs.
VALUE_BYTES = 8


_SERVER_PATH = re.compile(r"(?<![\w.~])(?:/[^\s'\"/,;:()\[\]]+){2,}/?")
"""An absolute path of two or more parts, as library error messages quote files."""


class UnreadableRecordingError(ValueError):
    """The file cannot be read; the message says why and what to do."""


def without_paths(message: str) -> str:
    """``message`` with every absolute server path replaced by ``<file>``.

    Reader messages quote library errors, which name files by their server path; the
    user sees the message, never where the service keeps files.
    """
    return _SERVER_PATH.sub("<file>", message)


@dataclass(frozen=True)
class ReadLimits:
    """The largest recording a reader accepts, checked on the sizes a file declares.

    Every reader checks these before it reads samples or decompresses data, so that a
    small file that declares a huge array (a decompression bomb) is refused at once.

    Attributes
    ----------
    max_samples : int
        Most values in one array (channels x samples, or any array a MAT file holds).
    max_sfreq : float
        Highest sampling rate, Hz.
    max_channels : int
        Most channels.
    max_duration_s : float
        Longest recording, seconds.
    """

    max_samples: int
    max_sfreq: float
    max_channels: int
    max_duration_s: float

    @classmethod
    def from_settings(cls, settings: Settings) -> ReadLimits:
        """The limits of the service's settings."""
        return cls(
            settings.max_samples,
            settings.max_sfreq,
            settings.max_channels,
            settings.max_duration_s,
        )

    @property
    def max_bytes(self) -> int:
        """Most bytes one declared array may need (`max_samples` values of 8 bytes)."""
        return self.max_samples * VALUE_BYTES

    def check_array(self, shape: tuple[int, ...], what: str) -> None:
        """Refuse an array whose declared ``shape`` holds more than `max_samples` values."""
        n_values = math.prod(shape)
        if n_values > self.max_samples:
            raise UnreadableRecordingError(
                f"{what} declares {'x'.join(map(str, shape))} = {n_values:,} values; the "
                f"limit is {self.max_samples:,} (AFFECTSERVE_MAX_SAMPLES): split the "
                "recording into shorter files"
            )

    def check_recording(self, n_channels: int, sfreq: float, duration_s: float) -> None:
        """Refuse a recording over the channel, rate, duration or sample limit.

        Parameters
        ----------
        n_channels : int
            Number of channels.
        sfreq : float
            Highest sampling rate, Hz.
        duration_s : float
            Duration, seconds.
        """
        if not (math.isfinite(sfreq) and math.isfinite(duration_s)):
            raise UnreadableRecordingError(
                f"its header declares a sampling rate of {sfreq} Hz and a duration of "
                f"{duration_s} s: the header is damaged; export the recording again"
            )
        if n_channels > self.max_channels:
            raise UnreadableRecordingError(
                f"it has {n_channels} channels; the limit is {self.max_channels} "
                "(AFFECTSERVE_MAX_CHANNELS)"
            )
        if sfreq > self.max_sfreq:
            raise UnreadableRecordingError(
                f"it is sampled at {sfreq:g} Hz; the limit is {self.max_sfreq:g} Hz "
                "(AFFECTSERVE_MAX_SFREQ): resample it before uploading"
            )
        if duration_s > self.max_duration_s:
            raise UnreadableRecordingError(
                f"it lasts {duration_s:g} s; the limit is {self.max_duration_s:g} s "
                "(AFFECTSERVE_MAX_DURATION_S): cut it into shorter recordings"
            )
        self.check_array((n_channels, math.ceil(sfreq * duration_s)), "the recording")


NO_LIMITS = ReadLimits(
    max_samples=2**62, max_sfreq=math.inf, max_channels=2**62, max_duration_s=math.inf
)
"""For reading local files in a notebook or a training script: nothing refused."""


@dataclass(frozen=True)
class Gap:
    """A stretch of time an EDF+D/BDF+D recording does not cover.

    Attributes
    ----------
    onset_s : float
        Start of the gap, seconds from the start of the recording.
    duration_s : float
        Length of the gap, seconds.
    """

    onset_s: float
    duration_s: float


@dataclass(frozen=True)
class RecordingHeader:
    """What was read from a recording's header, free of identifying fields.

    No reader puts a patient name, birth date, patient or recording identifier,
    measurement date or free-text comment here: everything below may be stored,
    logged and returned to the user.

    Attributes
    ----------
    format : str
        ``'edf'``, ``'bdf'``, ``'eeglab'``, ``'fieldtrip'``, ``'mat'`` (a plain
        matrix), ``'seed-features'`` or ``'deap-preprocessed'``.
    channel_names : list of str
        Channel labels as the reader returns them (duplicates made unique).
    channel_types : list of str
        Channel type of each channel (``'eeg'``, ``'eog'``, ``'emg'``, ``'ecg'``,
        ``'gsr'``, ``'resp'``, ``'stim'``, ``'misc'``).
    sfreq : float
        Sampling rate the signals are read at, Hz. For feature files, windows
        per second.
    channel_sfreqs : list of float
        Sampling rate of each signal as stored in the file, Hz.
    duration_s : float
        Duration, seconds (for trial files, all trials together).
    n_annotations : int
        Number of annotations (events) in the file.
    warnings : list of str
        What the user should know about the file (records inferred, gaps, ...).
    kind : {'signals', 'features'}
        ``'signals'``: read with `read_raw`. ``'features'``: read with
        `read_features` (SEED ``ExtractedFeatures``, DEAP preprocessed trials).
    gaps : list of Gap
        Gaps of a discontinuous (EDF+D, BDF+D) recording, in time order.
    feature_keys : list of str
        For feature files, the arrays the file holds (``'de_LDS1'``, ...).
    n_trials : int
        Number of trials, clips or epochs (1 for a continuous recording).
    feature_name : str or None
        For SEED feature files, the feature the upload reads (``'de_LDS'``,
        ``'psd_LDS'``, ...); None otherwise.
    montage : str or None
        MNE built-in montage whose labels place the electrodes (the ``montage`` upload
        option, or a BioSemi cap recognised from its ActiView labels); None when the
        labels are 10-05 names (`signals.channels.channel_layout`).
    """

    format: str
    channel_names: list[str]
    channel_types: list[str]
    sfreq: float
    channel_sfreqs: list[float]
    duration_s: float
    n_annotations: int
    warnings: list[str] = field(default_factory=list)
    kind: RecordingKind = "signals"
    gaps: list[Gap] = field(default_factory=list)
    feature_keys: list[str] = field(default_factory=list)
    n_trials: int = 1
    feature_name: str | None = None
    montage: str | None = None


@dataclass(frozen=True)
class FeatureSet:
    """Arrays read from a feature or trial file, with what their axes mean.

    Attributes
    ----------
    source : str
        ``'seed-features'`` or ``'deap-preprocessed'``.
    feature_name : str
        Which feature the arrays hold: ``'de_LDS'``, ``'de_movingAve'``,
        ``'psd_LDS'``, ... for SEED; ``'signals'`` for DEAP trials (µV).
    layout : tuple of str
        Axis names of each array, e.g. ``('channel', 'window', 'band')`` or
        ``('channel', 'sample')``.
    arrays : list of array
        One array per clip or trial, in clip/trial order.
    keys : list of str
        The file's name of each array (``'de_LDS1'``, ..., or ``'trial1'``, ...).
    channel_names : list of str
        Names along the ``'channel'`` axis.
    sfreq : float
        Windows per second (features) or samples per second (signals), Hz.
    bands : list of str
        Names along the ``'band'`` axis (empty when there is none).
    labels : array or None
        Per-trial labels the file carries (DEAP: valence, arousal, dominance,
        liking), else None.
    label_names : list of str
        Names of the label columns.
    available : list of str
        Every feature name the file offers.
    """

    source: str
    feature_name: str
    layout: tuple[str, ...]
    arrays: list[NDArray[np.floating]]
    keys: list[str]
    channel_names: list[str]
    sfreq: float
    bands: list[str] = field(default_factory=list)
    labels: NDArray[np.floating] | None = None
    label_names: list[str] = field(default_factory=list)
    available: list[str] = field(default_factory=list)
