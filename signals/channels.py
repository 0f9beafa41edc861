"""Channel names: normalise, classify, place on the head, and plan a model's montage.

Montage channel lists come only from `core.cards.montage_channels`. Electrode
positions are directions from the head's centre: 10-05 names from MNE's 10-05 template,
SEED's two cerebellar electrodes from SEED's own location file (`SEED_LOCS`), and caps
with other labels (BioSemi ``A1``..``D32``, EGI ``E1``..) from the MNE montage that
names them (`channel_layout`). Distances are great-circle distances on a head of
`HEAD_RADIUS_MM`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache

import mne
import numpy as np
from numpy.typing import NDArray
from scipy.spatial.transform import Rotation

from core.cards import montage_channels, reference
from core.schemas import MontageUse

_PREFIX = re.compile(r"^(EEG|EOG|EMG|ECG|EKG)[\s_:-]+", re.IGNORECASE)
_SUFFIX = re.compile(r"[-_](REF|LE|RE|AVG|AR|A1|A2|M1|M2|CZ)$", re.IGNORECASE)

#: Old 10-20 names and the 10-10 names of the same electrodes.
OLD_NAMES = {"T3": "T7", "T4": "T8", "T5": "P7", "T6": "P8"}

#: SEED's electrodes without a 10-05 name, as SEED's ``channel_62_pos.locs`` places them
#: (MAET repository, spec section 0.3; EEGLAB polar form: azimuth in degrees from the nose,
#: positive to the right, and radius with 0.5 on the head's equator). CB1 and CB2 lie on
#: the ring of PO7, O1 and O2, half-way between PO7 and O1 (PO8 and O2).
SEED_LOCS = {"CB1": (-150.0, 0.51111), "CB2": (150.0, 0.51111)}

#: Radius of the head on which distances are stated, mm (MNE's spherical templates).
HEAD_RADIUS_MM = 95.0

#: Largest distance between a labelled electrode and the 10-05 position of its name for the
#: label to count as that electrode, mm (caps differ from the template by a few mm).
SAME_PLACE_MM = 15.0

#: A BioSemi ActiView label: a letter per 32 electrodes and the electrode's number.
_BIOSEMI_LABEL = re.compile(r"^([A-H])([1-9]|[12][0-9]|3[0-2])$")
#: BioSemi cap sizes (in letters of 32 electrodes) and MNE's montage of each.
_BIOSEMI_CAPS = (
    (1, "biosemi32"),
    (2, "biosemi64"),
    (4, "biosemi128"),
    (5, "biosemi160"),
    (8, "biosemi256"),
)

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
    ``'C3-A1'``), PhysioNet's trailing dots (``'Fp1.'``) and case, and gives old 10-20
    names their 10-10 name (`OLD_NAMES`: T3 is T7).

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
    >>> normalize_channel_name("EEG T3-Ref")
    'T7'
    """
    out = name.strip().rstrip(".").strip()
    out = _PREFIX.sub("", out)
    out = _SUFFIX.sub("", out).strip().upper()
    return OLD_NAMES.get(out, out)


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


def _directions(montage: mne.channels.DigMontage) -> dict[str, NDArray[np.float64]]:
    """Unit vectors from the centre of the sphere fitted to a montage's electrodes."""
    info = mne.create_info(montage.ch_names, 100.0, "eeg")
    info.set_montage(montage, verbose="error")
    _, origin, _ = mne.bem.fit_sphere_to_headshape(
        info, dig_kinds=("eeg",), units="m", verbose="error"
    )
    out = {}
    for ch in info["chs"]:
        vector = ch["loc"][:3] - origin
        out[ch["ch_name"]] = vector / np.linalg.norm(vector)
    return out


def _locs_direction(azimuth_deg: float, radius: float) -> NDArray[np.float64]:
    """Unit vector (x right, y nose, z up) of an EEGLAB polar location."""
    azimuth, polar = math.radians(azimuth_deg), math.radians(radius * 180.0)
    return np.array(
        [math.sin(polar) * math.sin(azimuth), math.sin(polar) * math.cos(azimuth), math.cos(polar)]
    )


@cache
def standard_directions() -> dict[str, NDArray[np.float64]]:
    """Direction of every 10-05 electrode and of SEED's CB1/CB2, by normalised name.

    Returns
    -------
    dict of str to array of shape (3,)
        Unit vectors from the centre of the head (x right, y nose, z up).
    """
    out = {normalize_channel_name(k): v for k, v in _directions(_standard_montage()).items()}
    out.update({name: _locs_direction(*loc) for name, loc in SEED_LOCS.items()})
    return out


@cache
def montage_directions(montage: str) -> dict[str, NDArray[np.float64]]:
    """Direction of each electrode of one of MNE's built-in montages, by upper-case label.

    MNE's spherical templates (BioSemi, easycap) tilt about 8 degrees from the 10-05
    template: each is turned onto it by the rotation that best aligns its own 10-05-named
    electrodes (at least 10), or, for a BioSemi cap labelled ``A1``..``H32``, the rotation
    of BioSemi 64. Aligned, a named electrode lies a median 3.5 mm (at most 12 mm) from
    its 10-05 position.

    Parameters
    ----------
    montage : str
        One of `mne.channels.get_builtin_montages` (``'biosemi128'``, ``'easycap-M1'``).
    """
    placed = _directions(mne.channels.make_standard_montage(montage))
    made = {name.upper(): vector for name, vector in placed.items()}
    rotation = _rotation_to_1005(made)
    if rotation is None and montage.startswith("biosemi"):
        rotation = _rotation_to_1005(montage_directions("biosemi64"))
    if rotation is None:
        return made
    return {name: rotation.apply(vector) for name, vector in made.items()}


def _rotation_to_1005(
    directions: dict[str, NDArray[np.float64]],
) -> Rotation | None:
    template = standard_directions()
    common = [n for n in directions if normalize_channel_name(n) in template]
    if len(common) < 10:
        return None
    rotation, _ = Rotation.align_vectors(
        np.array([template[normalize_channel_name(n)] for n in common]),
        np.array([directions[n] for n in common]),
    )
    return rotation


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
        ``'EDA'``, ``'Resp'``, ``'Thorax'``) takes that type; an electrode name
        (10-05, old 10-20 or SEED's CB1/CB2, with or without an ``'EEG'`` prefix)
        is ``'eeg'``; anything else (``'EEG Photic'``, SpO2, temperature,
        plethysmograph, test signals) is ``'misc'``. Other labels become EEG only
        through the ``channel_map`` or ``montage`` option (`channel_layout`).
    """
    upper = name.strip().rstrip(".").upper()
    for kind, pattern in _TYPE_PATTERNS:
        if pattern.search(upper):
            return kind
    return "eeg" if normalize_channel_name(name) in standard_directions() else "misc"


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
class ChannelLayout:
    """A recording's channel names, types and the montage that places its electrodes.

    Attributes
    ----------
    names : list of str
        Channel labels after the ``channel_map`` option and BioSemi 32/64 renaming.
    types : list of str
        Type of each channel (`CHANNEL_TYPES`).
    montage : str or None
        MNE built-in montage whose labels place the electrodes (the ``montage``
        option, or a BioSemi cap recognised from its labels); None: 10-05 names.
    """

    names: list[str]
    types: list[str]
    montage: str | None = None


def biosemi_cap(names: list[str]) -> str | None:
    """The BioSemi montage whose ActiView labels (``A1``..``D32``) a recording has.

    A cap is recognised when at least 32 labels are ActiView electrode labels, they
    start at ``A1`` and their letters fit one cap size (32, 64, 128, 160 or 256
    electrodes); other labels (``EXG1``, ``Status``) may sit beside them.

    Parameters
    ----------
    names : list of str
        The recording's labels.

    Returns
    -------
    str or None
        ``'biosemi32'``, ``'biosemi64'``, ``'biosemi128'``, ... or None.
    """
    matches = [_BIOSEMI_LABEL.match(name.strip().upper()) for name in names]
    letters = {m.group(1) for m in matches if m}
    if sum(m is not None for m in matches) < 32 or "A1" not in {n.strip().upper() for n in names}:
        return None
    span = ord(max(letters)) - ord("A") + 1
    return next((cap for size, cap in _BIOSEMI_CAPS if size >= span), None)


def channel_layout(
    names: list[str], channel_map: dict[str, str] | None = None, montage: str | None = None
) -> ChannelLayout:
    """Name, type and place a recording's channels, with the upload's options.

    Parameters
    ----------
    names : list of str
        Labels as the file stores them.
    channel_map : dict of str to str or None
        The ``channel_map`` option: labels of the file to new labels (``{"E1": "Fp1"}``).
    montage : str or None
        The ``montage`` option: an MNE built-in montage whose labels the file uses.

    Returns
    -------
    ChannelLayout
        Channels named in ``montage`` (or in a recognised BioSemi cap) are EEG and
        placed by it, never by their likeness to 10-20 names; BioSemi 32 and 64 caps
        get their 10-10 names. Others are typed by `classify_channel`.

    Raises
    ------
    ValueError
        When ``channel_map`` names labels the file lacks, or renames two channels alike.
    """
    if channel_map:
        unknown = [old for old in channel_map if old not in names]
        if unknown:
            raise ValueError(
                f"channel_map renames {', '.join(unknown)}, which the file does not have; its "
                f"channels are {', '.join(names)}"
            )
        names = [channel_map.get(name, name) for name in names]
        if len(set(names)) < len(names):
            raise ValueError("channel_map gives two channels the same name; rename each once")
    montage = montage or biosemi_cap(names)
    if montage is None:
        return ChannelLayout(names, classify_channels(names))
    labels = montage_directions(montage)
    made = mne.channels.make_standard_montage(montage).ch_names
    if montage in ("biosemi32", "biosemi64") and biosemi_cap(names) == montage:
        # ActiView labels A1..B32 are the cap's electrodes in MNE's order, named 10-10.
        actiview = [f"{chr(ord('A') + k // 32)}{k % 32 + 1}" for k in range(len(made))]
        renamed = dict(zip(actiview, made, strict=True))
        names = [renamed.get(name.strip().upper(), name) for name in names]
    types = ["eeg" if name.strip().upper() in labels else classify_channel(name) for name in names]
    if not any(name.strip().upper() in labels for name in names):
        raise ValueError(
            f"no channel is named as in the {montage} montage (its labels: "
            f"{', '.join(made[:6])}, ...); rename them with the channel_map option"
        )
    return ChannelLayout(names, types, montage)


def electrode_directions(layout: ChannelLayout) -> dict[str, NDArray[np.float64]]:
    """Direction of each EEG channel whose position is known, by channel label."""
    table = standard_directions() if layout.montage is None else montage_directions(layout.montage)
    key = normalize_channel_name if layout.montage is None else str.upper
    return {
        name: table[key(name.strip())]
        for name, kind in zip(layout.names, layout.types, strict=True)
        if kind == "eeg" and key(name.strip()) in table
    }


def placed_as_named(name: str, direction: NDArray[np.float64] | None) -> bool:
    """True when ``name`` is a 10-05 electrode and its position (if known) is that one.

    A label such as BioSemi's ``C3`` (an electrode of the cap's C group, far from the
    10-20 C3) never stands in for the 10-20 electrode of the same name.
    """
    template = standard_directions().get(normalize_channel_name(name))
    if template is None:
        return False
    if direction is None:
        return True
    angle = float(np.arccos(np.clip(direction @ template, -1.0, 1.0)))
    return angle * HEAD_RADIUS_MM <= SAME_PLACE_MM


@dataclass(frozen=True)
class MontagePlan:
    """How a recording feeds a model input: the montage that runs and each channel's source.

    Attributes
    ----------
    montage : str
        The accepted montage that runs (reference.json name); '' when refused.
    channels : list of str
        The model input's channels, in model order.
    sources : list of str or None
        For each input channel, the recording channel that feeds it directly, or None.
    interpolated : dict of str to float
        Input channels interpolated (spherical splines) -> great-circle distance to the
        nearest recorded electrode, mm.
    missing : list of str
        Input channels left missing (NaN features, as in training with masked channels).
    can_feed : bool
        True when an accepted montage is covered.
    message : str
        One sentence: what runs, or why nothing can and what would work.
    """

    montage: str
    channels: list[str]
    sources: list[str | None]
    interpolated: dict[str, float]
    missing: list[str]
    can_feed: bool
    message: str

    @property
    def rows(self) -> list[int]:
        """Indices of the input channels that get a signal (direct or interpolated)."""
        return [k for k, name in enumerate(self.channels) if name not in self.missing]

    def use(self) -> MontageUse:
        """The `MontageUse` a result states."""
        return MontageUse(
            montage=self.montage,
            channels=[c for c, s in zip(self.channels, self.sources, strict=True) if s],
            missing=list(self.missing),
            interpolated=dict(self.interpolated),
        )


def _nearest_mm(channels: list[str], recorded: dict[str, NDArray[np.float64]]) -> dict[str, float]:
    """Great-circle distance from each channel's position to the nearest recorded one, mm."""
    targets = standard_directions()
    if not recorded:
        return {}
    real = np.array(list(recorded.values()))
    out = {}
    for name in channels:
        key = normalize_channel_name(name)
        if key in targets:
            cosine = np.clip(real @ targets[key], -1.0, 1.0).max()
            out[name] = round(float(np.arccos(cosine)) * HEAD_RADIUS_MM, 1)
    return out


def _devices(montage: str) -> str:
    devices = reference()["montages"][montage].get("devices") or [montage]
    return f"{montage} ({'; '.join(devices)})"


def plan_montage(
    names: list[str],
    types: list[str],
    directions: dict[str, NDArray[np.float64]],
    input_montage: str,
    accepted: list[str],
    max_distance_mm: float,
) -> MontagePlan:
    """Choose the largest accepted montage the recording covers, and each channel's source.

    An input channel comes straight from the recording when it has it (by name, when
    the recording's labels are 10-05 names), else it is interpolated when the nearest
    recorded electrode is within ``max_distance_mm``. The montage that runs is the
    first of ``accepted`` (largest first) all of whose channels come either way; input
    channels outside it come straight from the recording when it has them and are
    otherwise missing (NaN features), as in training with masked channels.

    Parameters
    ----------
    names, types : list of str
        The recording's channel labels and types.
    directions : dict of str to array
        Position (unit vector) of each EEG channel whose position is known
        (`electrode_directions`); a label matches a 10-05 name only where
        `placed_as_named`.
    input_montage : str
        The model input's montage (reference.json name).
    accepted : list of str
        Montages the model accepts, largest first (subsets of ``input_montage``).
    max_distance_mm : float
        Farthest an interpolated electrode may be from a recorded one, mm.

    Returns
    -------
    MontagePlan
    """
    channels = montage_channels(input_montage)
    lookup: dict[str, str] = {}
    for name, kind in zip(names, types, strict=True):
        if kind == "eeg" and placed_as_named(name, directions.get(name)):
            lookup.setdefault(normalize_channel_name(name), name)
    sources = [lookup.get(normalize_channel_name(name)) for name in channels]
    direct = {c for c, s in zip(channels, sources, strict=True) if s}
    distance = _nearest_mm([c for c in channels if c not in direct], directions)
    reachable = direct | {c for c, mm in distance.items() if mm <= max_distance_mm}
    norm = {normalize_channel_name(c): c for c in channels}
    for montage in accepted:
        wanted = [norm[normalize_channel_name(c)] for c in montage_channels(montage)]
        if all(c in reachable for c in wanted):
            interpolated = {c: distance[c] for c in wanted if c not in direct}
            missing = [c for c in channels if c not in direct and c not in interpolated]
            return MontagePlan(
                montage=montage,
                channels=channels,
                sources=sources,
                interpolated=interpolated,
                missing=missing,
                can_feed=True,
                message=_fed_message(montage, len(direct), interpolated, missing),
            )
    return MontagePlan(
        montage="",
        channels=channels,
        sources=sources,
        interpolated={},
        missing=[c for c in channels if c not in direct],
        can_feed=False,
        message=_refusal(bool(directions), accepted, norm, reachable, distance, max_distance_mm),
    )


def _fed_message(
    montage: str, n_direct: int, interpolated: dict[str, float], missing: list[str]
) -> str:
    parts = [f"montage {montage}: {n_direct} channels recorded"]
    if interpolated:
        listed = ", ".join(f"{c} ({mm:g} mm)" for c, mm in interpolated.items())
        parts.append(
            f"{len(interpolated)} interpolated (spherical splines; distance to the nearest "
            f"recorded electrode): {listed}"
        )
    if missing:
        parts.append(f"{len(missing)} missing, filled as in training: {', '.join(missing)}")
    return "; ".join(parts)


def _refusal(
    has_positions: bool,
    accepted: list[str],
    norm: dict[str, str],
    reachable: set[str],
    distance: dict[str, float],
    max_distance_mm: float,
) -> str:
    """Why no accepted montage is covered: what is needed, what is closest, what would work."""

    def lacking(montage: str) -> list[str]:
        wanted = [norm[normalize_channel_name(c)] for c in montage_channels(montage)]
        return [c for c in wanted if c not in reachable]

    closest = min(accepted, key=lambda m: len(lacking(m)) / len(montage_channels(m)))
    gaps = lacking(closest)
    far = [f"{c} ({distance[c]:g} mm)" if c in distance else f"{c} (no position)" for c in gaps]
    return (
        f"needs one of the montages {'; '.join(_devices(m) for m in accepted)}. Closest is "
        f"{closest}, but the recording lacks {len(gaps)} of its "
        f"{len(montage_channels(closest))} channels, "
        + (
            f"too far from a recorded electrode to interpolate (limit {max_distance_mm:g} mm, "
            f"AFFECTSERVE_MAX_INTERPOLATION_MM): {', '.join(far)}. "
            if has_positions
            else f"and no electrode has a known position: {', '.join(gaps)}. "
        )
        + "Record with one of those devices or a denser cap; if the channels are there under "
        'other labels, rename them with the upload option channel_map ({"E1": "Fp1"}), or '
        'name the cap\'s layout with the montage option ("montage": "biosemi128")'
    )


def set_positions(raw: mne.io.BaseRaw, layout: ChannelLayout) -> None:
    """Place the EEG channels of ``raw`` whose position is known (`electrode_directions`).

    Positions lie on a sphere of `HEAD_RADIUS_MM` centred on the head frame's origin;
    other channels get none. `raw_directions` reads them back.
    """
    radius = HEAD_RADIUS_MM / 1000.0
    raw.set_montage(
        _sphere_montage(electrode_directions(layout), radius), on_missing="ignore", verbose="error"
    )


def raw_directions(raw: mne.io.BaseRaw) -> dict[str, NDArray[np.float64]]:
    """Direction of each EEG channel of ``raw`` whose position is known, by channel label.

    Positions that `set_positions` gave (on its sphere) are read back; EEG channels
    without them (a recording made in memory) are placed by their 10-05 name.
    """
    radius = HEAD_RADIUS_MM / 1000.0
    by_name = electrode_directions(ChannelLayout(raw.ch_names, raw.get_channel_types()))
    out = {}
    for ch, kind in zip(raw.info["chs"], raw.get_channel_types(), strict=True):
        position = ch["loc"][:3]
        if kind == "eeg" and abs(np.linalg.norm(position) - radius) < 1e-6:
            out[ch["ch_name"]] = position / radius
        elif ch["ch_name"] in by_name:
            out[ch["ch_name"]] = by_name[ch["ch_name"]]
    return out


def interpolation_matrix(
    directions: list[NDArray[np.float64]], targets: list[str]
) -> NDArray[np.float64]:
    """MNE's spherical-spline map from recorded electrodes to the electrodes ``targets``.

    MNE's `Raw.interpolate_to` (``method='spline'``) applied to the identity: column
    ``k`` is what each target gets from a unit signal on recorded electrode ``k``, so
    the map can be applied to signals of any length, block by block, in float32.

    Parameters
    ----------
    directions : list of array of shape (3,)
        Position (unit vector) of each recorded electrode.
    targets : list of str
        Electrodes to interpolate, named as in `standard_directions`.

    Returns
    -------
    array, shape (len(targets), len(directions))
    """
    names = [f"ch{k}" for k in range(len(directions))]
    identity = mne.io.RawArray(
        np.eye(len(names)), mne.create_info(names, 1.0, "eeg"), verbose="error"
    )
    radius = HEAD_RADIUS_MM / 1000.0
    identity.set_montage(_sphere_montage(dict(zip(names, directions, strict=True)), radius))
    table = standard_directions()
    wanted = {name: table[normalize_channel_name(name)] for name in targets}
    with mne.utils.use_log_level("error"):
        out = identity.interpolate_to(
            _sphere_montage(wanted, radius), origin=(0.0, 0.0, 0.0), method="spline"
        )
    return out.get_data()


def _sphere_montage(
    directions: dict[str, NDArray[np.float64]], radius: float
) -> mne.channels.DigMontage:
    return mne.channels.make_dig_montage(
        ch_pos={name: radius * vector for name, vector in directions.items()}, coord_frame="head"
    )
