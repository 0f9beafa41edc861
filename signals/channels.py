"""Channel names: normalise, classify, and map a recording onto a model's montage.

Montage channel lists come only from `core.cards.montage_channels`; electrode
positions for interpolation from MNE's standard 10-05 template.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache

import mne
import numpy as np
from numpy.typing import NDArray

from core.cards import montage_channels, reference

_PREFIX = re.compile(r"^(EEG|EOG|EMG|ECG|EKG)[\s_:-]+", re.IGNORECASE)
_SUFFIX = re.compile(r"[-_](REF|LE|RE|AVG|AR|A1|A2|M1|M2|CZ)$", re.IGNORECASE)

#: Channel types `classify_channel` returns (MNE channel type names).
CHANNEL_TYPES = ("eeg", "eog", "emg", "ecg", "gsr", "resp", "stim", "misc")

_TYPE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("stim", re.compile(r"^(STATUS|TRIGGERS?|TRIG|STIM?|EVENTS?|MARKERS?)(\s*\d+)?$")),
    ("eog", re.compile(r"EOG|\b(LOC|ROC)\b")),
    ("emg", re.compile(r"EMG|\bCHIN\b")),
    ("ecg", re.compile(r"ECG|EKG")),
    ("gsr", re.compile(r"GSR|\bEDA\b|\bSC[RL]\b|SKIN")),
    ("resp", re.compile(r"RESP|\bRSP\b|THOR|\bABDO?M?\b|BREATH|AIRFLOW|\bFLOW\b|NASAL")),
)


def normalize_channel_name(name: str) -> str:
    """Return the comparable form of a channel label.

    Strips type prefixes (``'EEG Fp1'``), reference suffixes (``'Fp1-Ref'``,
    ``'C3-A1'``), PhysioNet's trailing dots (``'Fp1.'``) and case.

    Parameters
    ----------
    name : str
        A channel label as stored in a file.

    Returns
    -------
    str
        The label upper-cased, without prefix, suffix or dots.

    Examples
    --------
    >>> normalize_channel_name("EEG Fp1-Ref")
    'FP1'
    """
    out = name.strip().rstrip(".").strip()
    out = _PREFIX.sub("", out)
    out = _SUFFIX.sub("", out)
    return out.strip().upper()


def _standard_montage() -> mne.channels.DigMontage:
    # MNE 1.13 renamed the 10-05 template 'standard_1005' to 'colin27_1005'.
    try:
        return mne.channels.make_standard_montage("colin27_1005")
    except ValueError:
        return mne.channels.make_standard_montage("standard_1005")


@cache
def standard_positions() -> dict[str, NDArray[np.float64]]:
    """Standard 10-05 electrode positions keyed by normalised name.

    Returns
    -------
    dict of str to array of shape (3,)
        Position of each electrode in MNE's template head frame, metres.
    """
    positions = _standard_montage().get_positions()["ch_pos"]
    return {normalize_channel_name(name): np.asarray(pos) for name, pos in positions.items()}


def classify_channel(name: str) -> str:
    """Guess a channel's type from its label.

    Parameters
    ----------
    name : str
        A channel label as stored in a file.

    Returns
    -------
    str
        One of `CHANNEL_TYPES`: a trigger/status channel is ``'stim'``; a label
        with a type prefix or keyword (``'EOG'``, ``'Chin'``, ``'EKG'``, ``'GSR'``,
        ``'EDA'``, ``'Resp'``, ``'Thorax'``) takes that type; a label with an
        ``'EEG'`` prefix, a standard 10-05 name or a name from one of the
        reference montages (such as SEED's CB1) is ``'eeg'``; anything else
        (SpO2, temperature, plethysmograph, test signals) is ``'misc'``.
    """
    upper = name.strip().rstrip(".").upper()
    if upper.startswith("EEG"):
        return "eeg"
    for kind, pattern in _TYPE_PATTERNS:
        if pattern.search(upper):
            return kind
    known = normalize_channel_name(name)
    return "eeg" if known in standard_positions() or known in _montage_names() else "misc"


@cache
def _montage_names() -> frozenset[str]:
    return frozenset(
        normalize_channel_name(channel)
        for montage in reference()["montages"]
        for channel in montage_channels(montage)
    )


def classify_channels(names: list[str]) -> list[str]:
    """Apply `classify_channel` to each label."""
    return [classify_channel(name) for name in names]


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


def map_channels(
    recording_channels: list[str], montage: list[str], types: list[str] | None = None
) -> ChannelMapping:
    """Find each montage channel in a recording's channel list (first match wins).

    Parameters
    ----------
    recording_channels : list of str
        The recording's labels.
    montage : list of str
        The montage's labels, in model order.
    types : list of str or None
        Type of each recording channel; when given, only ``'eeg'`` channels match
        (so ``'EOG Fp1'`` never stands in for Fp1).

    Returns
    -------
    ChannelMapping
    """
    lookup: dict[str, int] = {}
    for index, name in enumerate(recording_channels):
        if types is None or types[index] == "eeg":
            lookup.setdefault(normalize_channel_name(name), index)
    indices = [lookup.get(normalize_channel_name(name)) for name in montage]
    missing = [name for name, index in zip(montage, indices, strict=True) if index is None]
    return ChannelMapping(indices=indices, missing=missing)


@dataclass(frozen=True)
class MontageMapping:
    """How a recording feeds one montage, and what must be interpolated.

    Attributes
    ----------
    montage : str
        Montage name in the reference tables (``'seed62'``, ``'deap32'``).
    channels : list of str
        The montage's channels, in model input order.
    sources : list of str or None
        For each montage channel, the recording channel that feeds it, or None.
    interpolated : list of str
        Montage channels that will be interpolated (empty unless ``can_feed``).
    missing : list of str
        Montage channels the recording lacks.
    can_feed : bool
        True when the model can be fed (nothing missing, or few enough to
        interpolate).
    message : str
        One sentence for the user: what was found, what is interpolated, or why
        the model is refused.
    """

    montage: str
    channels: list[str]
    sources: list[str | None]
    interpolated: list[str]
    missing: list[str]
    can_feed: bool
    message: str


def map_to_montage(
    ch_names: list[str],
    montage_name: str,
    max_missing_fraction: float = 0.1,
    ch_types: list[str] | None = None,
) -> MontageMapping:
    """Decide how a recording's channels feed a montage.

    Parameters
    ----------
    ch_names : list of str
        The recording's channel labels.
    montage_name : str
        Name of a montage in the reference tables.
    max_missing_fraction : float
        Largest fraction of the montage that may be missing and interpolated
        (spherical splines on standard 10-05 positions). 0 forbids interpolation.
    ch_types : list of str or None
        Type of each recording channel; by default `classify_channels`.

    Returns
    -------
    MontageMapping
    """
    channels = montage_channels(montage_name)
    types = classify_channels(ch_names) if ch_types is None else ch_types
    mapping = map_channels(ch_names, channels, types)
    sources = [None if index is None else ch_names[index] for index in mapping.indices]
    missing = mapping.missing
    n_allowed = math.floor(max_missing_fraction * len(channels) + 1e-9)
    positions = standard_positions()
    no_position = [name for name in missing if normalize_channel_name(name) not in positions]
    if not missing:
        can_feed = True
        message = f"all {len(channels)} {montage_name} channels found"
    elif len(missing) <= n_allowed and not no_position:
        can_feed = True
        message = (
            f"{len(missing)} of the {len(channels)} {montage_name} channels are missing and "
            f"will be interpolated (spherical splines): {', '.join(missing)}"
        )
    else:
        can_feed = False
        reason = (
            f"{', '.join(no_position)} {'has' if len(no_position) == 1 else 'have'} no "
            "standard 10-05 position to interpolate from"
            if no_position and len(missing) <= n_allowed
            else f"at most {n_allowed} may be interpolated"
        )
        message = (
            f"the recording lacks {len(missing)} of the {len(channels)} {montage_name} "
            f"channels ({reason}): {', '.join(missing)}"
        )
    return MontageMapping(
        montage=montage_name,
        channels=channels,
        sources=sources,
        interpolated=list(missing) if can_feed else [],
        missing=list(missing),
        can_feed=can_feed,
        message=message,
    )


def _dig_montage(names: list[str]) -> mne.channels.DigMontage:
    template = _standard_montage().get_positions()
    positions = standard_positions()
    ch_pos = {
        name: positions[normalize_channel_name(name)]
        for name in names
        if normalize_channel_name(name) in positions
    }
    return mne.channels.make_dig_montage(
        ch_pos=ch_pos,
        nasion=template["nasion"],
        lpa=template["lpa"],
        rpa=template["rpa"],
        coord_frame=template["coord_frame"],
    )


def apply_montage_mapping(raw: mne.io.BaseRaw, mapping: MontageMapping) -> mne.io.RawArray:
    """Return a new Raw with the montage's channels, in montage order.

    The montage's source channels are read from ``raw`` in one pass (no copy of
    the other channels), renamed to the montage's labels, typed ``'eeg'`` and placed
    on standard 10-05 positions; missing ones are interpolated with spherical
    splines. Annotations are kept.

    Parameters
    ----------
    raw : mne.io.BaseRaw
        The recording (preloaded or not).
    mapping : MontageMapping
        The result of `map_to_montage` for ``raw.ch_names``.

    Returns
    -------
    mne.io.RawArray
        ``len(mapping.channels)`` EEG channels, volts.

    Raises
    ------
    ValueError
        When the mapping says the montage cannot be fed.
    """
    if not mapping.can_feed:
        raise ValueError(mapping.message)
    rows = [row for row, source in enumerate(mapping.sources) if source is not None]
    picks = [raw.ch_names.index(mapping.sources[row]) for row in rows]
    data = np.zeros((len(mapping.channels), raw.n_times))
    data[rows] = raw.get_data(picks=picks)
    positions = standard_positions()
    types = [
        "eeg" if normalize_channel_name(name) in positions else "misc" for name in mapping.channels
    ]
    info = mne.create_info(mapping.channels, raw.info["sfreq"], types)
    out = mne.io.RawArray(data, info, first_samp=raw.first_samp, verbose="error")
    out.set_meas_date(raw.info["meas_date"])
    out.set_annotations(raw.annotations)
    out.set_montage(_dig_montage(mapping.channels), on_missing="ignore", verbose="error")
    if mapping.interpolated:
        out.info["bads"] = list(mapping.interpolated)
        out.interpolate_bads(reset_bads=True, method={"eeg": "spline"}, verbose="error")
    if "misc" in types:
        out.set_channel_types(dict.fromkeys(mapping.channels, "eeg"), on_unit_change="ignore")
    return out
