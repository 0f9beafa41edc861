"""What every reader returns, and the error every reader raises."""

from __future__ import annotations

from dataclasses import dataclass, field


class UnreadableRecordingError(ValueError):
    """The file cannot be read; the message says why and what to do."""


@dataclass(frozen=True)
class RecordingHeader:
    """What was read from a recording's header, free of identifying fields.

    Attributes
    ----------
    format : str
        ``'edf'``, ``'bdf'``, ...
    channel_names : list of str
        Channel labels as stored in the file.
    channel_types : list of str
        MNE channel type of each channel (``'eeg'``, ``'misc'``, ``'stim'``, ...).
    sfreq : float
        Sampling rate the signals are read at, Hz.
    channel_sfreqs : list of float
        Sampling rate of each signal as stored in the file, Hz.
    duration_s : float
        Duration, seconds.
    n_annotations : int
        Number of annotations (events) in the file.
    """

    format: str
    channel_names: list[str]
    channel_types: list[str]
    sfreq: float
    channel_sfreqs: list[float]
    duration_s: float
    n_annotations: int
    warnings: list[str] = field(default_factory=list)
