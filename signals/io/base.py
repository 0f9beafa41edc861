"""What every reader returns, and the error every reader raises."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import NDArray

RecordingKind = Literal["signals", "features"]


class UnreadableRecordingError(ValueError):
    """The file cannot be read; the message says why and what to do."""


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
