"""EDF, EDF+, BDF and BDF+ through MNE."""

from __future__ import annotations

import warnings
from pathlib import Path

import mne

from worker.io.base import RecordingHeader, UnreadableRecordingError


def _open(path: Path, preload: bool) -> mne.io.BaseRaw:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return (
                mne.io.read_raw_edf(path, preload=preload, verbose="error")
                if _is_edf(path)
                else mne.io.read_raw_bdf(path, preload=preload, verbose="error")
            )
    except (ValueError, RuntimeError, OSError, IndexError, UnicodeDecodeError) as err:
        raise UnreadableRecordingError(f"the EDF/BDF header could not be read: {err}") from err


def _is_edf(path: Path) -> bool:
    with open(path, "rb") as fid:
        return fid.read(1) == b"0"


def read_edf_header(path: Path, fmt: str) -> RecordingHeader:
    """Read an EDF/BDF header (no signal data) into a `RecordingHeader`."""
    raw = _open(path, preload=False)
    if len(raw.ch_names) == 0 or raw.n_times == 0:
        raise UnreadableRecordingError("the file holds no signals (no channels or no samples)")
    orig = raw._raw_extras[0].get("n_samps")
    record_s = raw._raw_extras[0].get("record_length", (1.0,))[0]
    channel_sfreqs = (
        [float(n) / float(record_s) for n in orig]
        if orig is not None and len(orig) == len(raw.ch_names)
        else [float(raw.info["sfreq"])] * len(raw.ch_names)
    )
    return RecordingHeader(
        format=fmt,
        channel_names=list(raw.ch_names),
        channel_types=raw.get_channel_types(),
        sfreq=float(raw.info["sfreq"]),
        channel_sfreqs=channel_sfreqs,
        duration_s=float(raw.n_times / raw.info["sfreq"]),
        n_annotations=len(raw.annotations),
    )


def read_edf_raw(path: Path) -> mne.io.BaseRaw:
    """Read a whole EDF/BDF file into memory."""
    return _open(path, preload=True)
