"""Recording readers: one module per format family, one entry point for all.

``read_header`` reads only what the upload needs (fast, nothing queued yet);
``read_raw`` reads the signals in the worker.
"""

from __future__ import annotations

from pathlib import Path

import mne

from worker.io.base import RecordingHeader, UnreadableRecordingError
from worker.io.edf import read_edf_header, read_edf_raw

__all__ = [
    "RecordingHeader",
    "UnreadableRecordingError",
    "detect_format",
    "read_header",
    "read_raw",
]

_MAGIC = {
    b"0       ": "edf",
    b"\xffBIOSEMI": "bdf",
}


def detect_format(path: Path) -> str:
    """Return the format of the file at ``path`` from its first bytes.

    Raises
    ------
    UnreadableRecordingError
        When the bytes match no supported format.
    """
    with open(path, "rb") as fid:
        head = fid.read(8)
    if head in _MAGIC:
        return _MAGIC[head]
    raise UnreadableRecordingError(
        "the file is not an EDF or BDF recording (its first bytes match no supported "
        "format); upload an EDF, EDF+, BDF or BDF+ file"
    )


def read_header(path: Path) -> RecordingHeader:
    """Read the header of a recording without loading its signals."""
    return read_edf_header(path, detect_format(path))


def read_raw(path: Path) -> mne.io.BaseRaw:
    """Read a whole recording into memory as an MNE Raw object."""
    detect_format(path)
    return read_edf_raw(path)
