"""Channel names: normalise them and map a recording onto a model's montage."""

from __future__ import annotations

import re
from dataclasses import dataclass

_PREFIX = re.compile(r"^(EEG|EOG|EMG|ECG|EKG)[\s_:-]+", re.IGNORECASE)
_SUFFIX = re.compile(r"[-_](REF|LE|RE|AVG|AR|A1|A2|M1|M2|CZ)$", re.IGNORECASE)


def normalize_channel_name(name: str) -> str:
    """Return the comparable form of a channel label.

    Strips type prefixes (``'EEG Fp1'``), reference suffixes (``'Fp1-Ref'``,
    ``'C3-A1'``), PhysioNet's trailing dots (``'Fp1.'``) and case.

    Examples
    --------
    >>> normalize_channel_name("EEG Fp1-Ref")
    'FP1'
    """
    out = name.strip().rstrip(".").strip()
    out = _PREFIX.sub("", out)
    out = _SUFFIX.sub("", out)
    return out.strip().upper()


@dataclass(frozen=True)
class ChannelMapping:
    """Where each channel of a montage is found in a recording.

    Attributes
    ----------
    indices : list of int or None
        For each montage channel, its index in the recording, or None when missing.
    missing : list of str
        Montage channels the recording lacks.
    """

    indices: list[int | None]
    missing: list[str]

    @property
    def complete(self) -> bool:
        """True when every montage channel was found."""
        return not self.missing


def map_channels(recording_channels: list[str], montage: list[str]) -> ChannelMapping:
    """Find each montage channel in a recording's channel list (first match wins)."""
    lookup: dict[str, int] = {}
    for index, name in enumerate(recording_channels):
        lookup.setdefault(normalize_channel_name(name), index)
    indices = [lookup.get(normalize_channel_name(name)) for name in montage]
    missing = [name for name, index in zip(montage, indices, strict=True) if index is None]
    return ChannelMapping(indices=indices, missing=missing)
