"""MATLAB files: v5 through scipy, v7.3 (HDF5) through h5py.

One MAT file can hold many layouts. `mat_layout` tells them apart from the
variables' names, shapes and classes (read without loading the arrays):

- ``'eeglab'``: an EEGLAB dataset (`signals.io.eeglab`);
- ``'fieldtrip'``: a FieldTrip raw struct (`signals.io.fieldtrip`);
- ``'seed-features'``: SEED ``ExtractedFeatures`` (``de_LDS1``, ... channels x
  windows x bands): features, not signals;
- ``'deap-preprocessed'``: DEAP ``data_preprocessed_matlab`` (``data`` trials x
  channels x samples, ``labels`` trials x 4);
- ``'mat'``: a plain channels x samples matrix; sampling rate and channel names
  come from the file when it holds them, else from the upload options.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import h5py
import mne
import numpy as np
import scipy.io
from numpy.typing import NDArray
from scipy.io.matlab import MatReadError

from core.cards import band_edges, montage_channels
from signals.channels import classify_channels
from signals.io.base import FeatureSet, ReadLimits, RecordingHeader, UnreadableRecordingError

_SEED_KEY = re.compile(r"^((?:de|psd|dasm|rasm|asm|dcau)_(?:LDS|movingAve))(\d+)$")
_SFREQ_NAMES = ("sfreq", "fs", "srate", "fsample", "sampling_rate", "sample_rate", "Fs")
_CH_NAME_NAMES = ("ch_names", "channel_names", "channels", "labels", "label", "chanlabels")
_NUMERIC = {"double", "single", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32"}
_UNITS = {"V": 1.0, "mV": 1e-3, "uV": 1e-6, "µV": 1e-6, "nV": 1e-9}

#: DEAP's sampling rate of the preprocessed files, Hz.
DEAP_SFREQ = 128.0
#: DEAP's label columns.
DEAP_LABELS = ["valence", "arousal", "dominance", "liking"]
#: DEAP's channels 33-40 (after the 32 EEG channels of the ``deap32`` montage).
DEAP_PERIPHERAL = [
    "hEOG",
    "vEOG",
    "zEMG",
    "tEMG",
    "GSR",
    "Respiration belt",
    "Plethysmograph",
    "Temperature",
]


@dataclass(frozen=True)
class MatVariable:
    """A top-level MAT variable, described without loading it.

    Attributes
    ----------
    name : str
    shape : tuple of int
        MATLAB shape (rows first), whatever the MAT version.
    mclass : str
        MATLAB class: ``'double'``, ``'single'``, ``'struct'``, ``'cell'``, ``'char'``, ...
    """

    name: str
    shape: tuple[int, ...]
    mclass: str


def is_hdf5(path: Path) -> bool:
    """True for MAT v7.3 (HDF5) files."""
    return bool(h5py.is_hdf5(path))


def _h5_open(path: Path) -> h5py.File:
    try:
        return h5py.File(path, "r")
    except OSError as err:
        raise UnreadableRecordingError(
            f"the MAT v7.3 (HDF5) file could not be opened ({err}): it is damaged or cut "
            "short; save it again in MATLAB and upload the complete file"
        ) from err


def check_hdf5(path: Path, limits: ReadLimits) -> None:
    """Refuse a MAT v7.3 (HDF5) file that declares too much or points outside itself.

    Walks every link and dataset of the file, reading only metadata: a dataset whose
    declared shape holds more than ``limits.max_samples`` values (or more than
    ``limits.max_bytes`` bytes) is refused before any chunk is decompressed, and so is
    a file that would make HDF5 open another file (external or soft links, external
    raw storage, virtual datasets).

    Parameters
    ----------
    path : Path
        A MAT v7.3 file.
    limits : ReadLimits
        Largest array accepted.

    Raises
    ------
    UnreadableRecordingError
    """
    with _h5_open(path) as fid:
        problem = fid.visititems_links(lambda name, link: _h5_problem(fid, name, link, limits))
    if problem is not None:
        raise problem


def _h5_problem(
    fid: h5py.File, name: str, link: h5py.HardLink | h5py.SoftLink, limits: ReadLimits
) -> UnreadableRecordingError | None:
    """What is wrong with one link of a v7.3 file, if anything (h5py stops at the first)."""
    item = fid.get(name) if isinstance(link, h5py.HardLink) else None
    if item is None or (
        isinstance(item, h5py.Dataset)
        and (item.is_virtual or item.id.get_create_plist().get_external_count())
    ):
        return UnreadableRecordingError(
            "the MAT v7.3 (HDF5) file refers to data outside itself (an external or soft "
            "link, external storage or a virtual dataset); save it again in MATLAB with "
            "save(..., '-v7.3') so that it holds all its data"
        )
    if not isinstance(item, h5py.Dataset):
        return None
    n_bytes = item.size * item.dtype.itemsize
    try:
        limits.check_array(item.shape, f"the MAT v7.3 array '{name}'")
    except UnreadableRecordingError as err:
        return err
    if n_bytes > limits.max_bytes:
        return UnreadableRecordingError(
            f"the MAT v7.3 array '{name}' declares {n_bytes:,} bytes; the limit is "
            f"{limits.max_bytes:,} (8 per value of AFFECTSERVE_MAX_SAMPLES): split the "
            "recording into shorter files"
        )
    return None


def list_variables(path: Path) -> list[MatVariable]:
    """Describe a MAT file's top-level variables without loading them.

    Parameters
    ----------
    path : Path
        A MAT v5 or v7.3 file.

    Returns
    -------
    list of MatVariable
    """
    if is_hdf5(path):
        with _h5_open(path) as fid:
            return [
                MatVariable(
                    name=name,
                    shape=tuple(reversed(item.shape)) if isinstance(item, h5py.Dataset) else (),
                    mclass=_h5_class(item),
                )
                for name, item in fid.items()
                if not name.startswith("#")
            ]
    try:
        return [MatVariable(n, tuple(s), c) for n, s, c in scipy.io.whosmat(path)]
    except (
        ValueError,
        TypeError,
        OSError,
        NotImplementedError,
        EOFError,
        IndexError,
        MatReadError,
    ) as err:
        raise UnreadableRecordingError(
            f"the MAT file could not be read ({err}): it is damaged, cut short or not a "
            "MATLAB v5/v7/v7.3 file; save it again in MATLAB with save(..., '-v7')"
        ) from err


def _h5_class(item: h5py.Group | h5py.Dataset) -> str:
    mclass = item.attrs.get("MATLAB_class", b"struct" if isinstance(item, h5py.Group) else b"")
    return mclass.decode() if isinstance(mclass, bytes) else str(mclass)


def load_variables(path: Path, names: list[str]) -> dict[str, Any]:
    """Load named top-level variables; numeric arrays keep MATLAB's axis order.

    Parameters
    ----------
    path : Path
        A MAT v5 or v7.3 file.
    names : list of str
        Variables to load (numeric arrays, char arrays or cell arrays of char).

    Returns
    -------
    dict
        Numeric variables as arrays (MATLAB shape, scalars squeezed), text as str,
        cell arrays of text as list of str.
    """
    if is_hdf5(path):
        with _h5_open(path) as fid:
            return {name: _h5_value(fid, fid[name]) for name in names}
    try:
        loaded = scipy.io.loadmat(path, variable_names=names, squeeze_me=True, mat_dtype=False)
    except (
        ValueError,
        TypeError,
        OSError,
        EOFError,
        MemoryError,
        IndexError,
        MatReadError,
    ) as err:
        raise UnreadableRecordingError(
            f"the MAT file could not be read ({err}): it is damaged or cut short; save it "
            "again in MATLAB and upload the complete file"
        ) from err
    return {name: _v5_value(loaded[name]) for name in names}


def _v5_value(value: Any) -> Any:
    if isinstance(value, np.ndarray) and value.dtype == object:
        return [str(item) for item in value.ravel()]
    return value


def _h5_value(fid: h5py.File, item: h5py.Dataset) -> Any:
    mclass = _h5_class(item)
    if mclass == "char":
        return "".join(map(chr, np.asarray(item).ravel()))
    if mclass == "cell":
        return [_h5_value(fid, fid[ref]) for ref in np.asarray(item).T.ravel()]
    return np.asarray(item).T.squeeze() if item.size == 1 else np.asarray(item).T


def mat_layout(path: Path, variables: list[MatVariable] | None = None) -> str:
    """Tell which layout a MAT file uses (see the module docstring).

    Parameters
    ----------
    path : Path
        The file; a ``.set`` suffix marks EEGLAB.
    variables : list of MatVariable or None
        The file's variables, if already listed.

    Returns
    -------
    str
        ``'eeglab'``, ``'fieldtrip'``, ``'seed-features'``, ``'deap-preprocessed'``
        or ``'mat'``.
    """
    variables = list_variables(path) if variables is None else variables
    names = {v.name: v for v in variables}
    if path.suffix.lower() == ".set" or "EEG" in names or {"srate", "nbchan"} <= set(names):
        return "eeglab"
    if any(_SEED_KEY.match(name) and len(v.shape) == 3 for name, v in names.items()):
        return "seed-features"
    if "data" in names and "labels" in names and len(names["data"].shape) == 3:
        return "deap-preprocessed"
    if any(v.mclass == "struct" for v in variables):
        return "fieldtrip"
    return "mat"


def seed_feature_keys(variables: list[MatVariable]) -> dict[str, list[str]]:
    """SEED feature arrays per feature name, in clip order.

    Returns
    -------
    dict of str to list of str
        E.g. ``{'de_LDS': ['de_LDS1', ..., 'de_LDS15'], ...}``.
    """
    found: dict[str, list[tuple[int, str]]] = {}
    for variable in variables:
        match = _SEED_KEY.match(variable.name)
        if match and len(variable.shape) == 3:
            found.setdefault(match.group(1), []).append((int(match.group(2)), variable.name))
    return {feature: [name for _, name in sorted(keys)] for feature, keys in found.items()}


def chosen_seed_feature(keys: dict[str, list[str]], options: dict[str, Any]) -> str:
    """The SEED feature an upload asked for (``options['feature']``), else ``de_LDS``.

    Without ``de_LDS`` in the file, its first feature is taken.

    Raises
    ------
    UnreadableRecordingError
        When the file holds no feature of the asked name.
    """
    feature = str(options.get("feature", "de_LDS" if "de_LDS" in keys else next(iter(keys))))
    if feature not in keys:
        raise UnreadableRecordingError(
            f"the file holds no {feature!r} features; it holds {', '.join(keys)}: choose "
            "one of these with the 'feature' option"
        )
    return feature


def _seed_axes(n_channels: int, n_bands: int) -> tuple[list[str], list[str]]:
    channels = montage_channels("seed62")
    bands = list(band_edges("seed"))
    return (
        channels if n_channels == len(channels) else [f"ch{i + 1}" for i in range(n_channels)],
        bands if n_bands == len(bands) else [f"band{i + 1}" for i in range(n_bands)],
    )


def _deap_channels(n_channels: int) -> list[str]:
    channels = montage_channels("deap32") + DEAP_PERIPHERAL
    return (
        channels[:n_channels]
        if n_channels <= len(channels)
        else channels + [f"ch{i + 1}" for i in range(len(channels), n_channels)]
    )


def read_feature_header(path: Path, layout: str, options: dict[str, Any]) -> RecordingHeader:
    """Header of a SEED feature file or a DEAP preprocessed file (nothing loaded).

    Parameters
    ----------
    path : Path
        The file.
    layout : str
        ``'seed-features'`` or ``'deap-preprocessed'``.
    options : dict
        ``feature`` (SEED: which feature, see `chosen_seed_feature`), ``window_s``
        (SEED: seconds per window, default 1) or ``sfreq`` (DEAP, Hz).

    Returns
    -------
    RecordingHeader
        ``kind='features'``; for SEED, ``feature_name`` is the feature chosen.
    """
    variables = list_variables(path)
    if layout == "seed-features":
        keys = seed_feature_keys(variables)
        feature = chosen_seed_feature(keys, options)
        shapes = {v.name: v.shape for v in variables}
        first = keys[feature]
        n_channels, _, n_bands = shapes[first[0]]
        channels, _ = _seed_axes(n_channels, n_bands)
        window_s = float(options.get("window_s", 1.0))
        return RecordingHeader(
            format=layout,
            channel_names=channels,
            channel_types=classify_channels(channels),
            sfreq=1.0 / window_s,
            channel_sfreqs=[1.0 / window_s] * n_channels,
            duration_s=float(sum(shapes[key][1] for key in first) * window_s),
            n_annotations=0,
            kind="features",
            feature_keys=[key for group in keys.values() for key in group],
            n_trials=len(first),
            feature_name=feature,
        )
    shape = next(v.shape for v in variables if v.name == "data")
    n_trials, n_channels, n_samples = shape
    channels = _deap_channels(n_channels)
    sfreq = float(options.get("sfreq", DEAP_SFREQ))
    return RecordingHeader(
        format=layout,
        channel_names=channels,
        channel_types=classify_channels(channels),
        sfreq=sfreq,
        channel_sfreqs=[sfreq] * n_channels,
        duration_s=float(n_trials * n_samples / sfreq),
        n_annotations=0,
        kind="features",
        feature_keys=["data", "labels"],
        n_trials=n_trials,
    )


def read_mat_features(path: Path, layout: str, options: dict[str, Any]) -> FeatureSet:
    """Read a SEED feature file or a DEAP preprocessed file.

    Parameters
    ----------
    path : Path
        The file.
    layout : str
        ``'seed-features'`` or ``'deap-preprocessed'``.
    options : dict
        ``feature`` (SEED: which feature, default ``'de_LDS'`` when present),
        ``window_s`` (SEED, seconds) or ``sfreq`` (DEAP, Hz).

    Returns
    -------
    FeatureSet
        SEED: one ``(channel, window, band)`` array per clip. DEAP: one
        ``(channel, sample)`` array per trial, in µV as DEAP stores them, with the
        trials' labels.
    """
    variables = list_variables(path)
    if layout == "seed-features":
        keys = seed_feature_keys(variables)
        feature = chosen_seed_feature(keys, options)
        values = load_variables(path, keys[feature])
        arrays = [np.asarray(values[key], dtype=np.float64) for key in keys[feature]]
        channels, bands = _seed_axes(arrays[0].shape[0], arrays[0].shape[2])
        return FeatureSet(
            source=layout,
            feature_name=feature,
            layout=("channel", "window", "band"),
            arrays=arrays,
            keys=keys[feature],
            channel_names=channels,
            sfreq=1.0 / float(options.get("window_s", 1.0)),
            bands=bands,
            available=list(keys),
        )
    values = load_variables(path, ["data", "labels"])
    data = np.asarray(values["data"], dtype=np.float64)
    return FeatureSet(
        source=layout,
        feature_name="signals",
        layout=("channel", "sample"),
        arrays=list(data),
        keys=[f"trial{i + 1}" for i in range(len(data))],
        channel_names=_deap_channels(data.shape[1]),
        sfreq=float(options.get("sfreq", DEAP_SFREQ)),
        labels=np.atleast_2d(np.asarray(values["labels"], dtype=np.float64)),
        label_names=list(DEAP_LABELS),
        available=["signals"],
    )


def unit_scale(options: dict[str, Any], default: str) -> float:
    """Factor from the ``unit`` upload option (or ``default``) to volts.

    Raises
    ------
    UnreadableRecordingError
        For a unit other than V, mV, uV (µV) or nV.
    """
    unit = str(options.get("unit", default))
    if unit not in _UNITS:
        raise UnreadableRecordingError(
            f"unknown unit {unit!r}: give the 'unit' option as one of {', '.join(_UNITS)}"
        )
    return _UNITS[unit]


@dataclass(frozen=True)
class MatrixPlan:
    """How a plain matrix becomes a recording: which variable, orientation, names, rate."""

    variable: str
    transpose: bool
    ch_names: list[str]
    sfreq: float
    scale: float
    n_times: int


def _matrix_plan(path: Path, options: dict[str, Any]) -> MatrixPlan:
    variables = list_variables(path)
    candidates = [
        v for v in variables if v.mclass in _NUMERIC and len(v.shape) == 2 and min(v.shape) > 1
    ]
    wanted = options.get("variable")
    if wanted is not None:
        candidates = [v for v in candidates if v.name == wanted]
        if not candidates:
            raise UnreadableRecordingError(
                f"the MAT file has no 2-D numeric variable {wanted!r}; its variables are "
                f"{', '.join(v.name for v in variables)}"
            )
    if len(candidates) != 1:
        listed = ", ".join(f"{v.name} {'x'.join(map(str, v.shape))}" for v in candidates)
        raise UnreadableRecordingError(
            "the MAT file holds no channels x samples matrix (nor an EEGLAB, FieldTrip, SEED "
            "or DEAP layout); save the signals as one 2-D numeric variable"
            if not candidates
            else f"the MAT file holds several matrices ({listed}): name the one to read "
            "with the 'variable' upload option"
        )
    matrix = candidates[0]
    present = {v.name for v in variables}
    ch_names = options.get("ch_names") or _first_present(path, present, _CH_NAME_NAMES)
    sfreq = options.get("sfreq") or _first_present(path, present, _SFREQ_NAMES)
    if not sfreq or not ch_names:
        lacking = [text for text, ok in (("sfreq", sfreq), ("ch_names", ch_names)) if not ok]
        raise UnreadableRecordingError(
            f"the MAT file holds a {'x'.join(map(str, matrix.shape))} matrix "
            f"'{matrix.name}' but not its {' and '.join(lacking)}: give them as upload "
            "options (sfreq in Hz; ch_names, one name per channel)"
        )
    ch_names = [ch_names] if isinstance(ch_names, str) else [str(n) for n in ch_names]
    rows, cols = matrix.shape
    if len(ch_names) not in (rows, cols):
        raise UnreadableRecordingError(
            f"{len(ch_names)} channel names were given but the matrix '{matrix.name}' is "
            f"{rows} x {cols}: give one name per channel"
        )
    transpose = len(ch_names) != rows
    return MatrixPlan(
        variable=matrix.name,
        transpose=transpose,
        ch_names=ch_names,
        sfreq=float(np.asarray(sfreq).ravel()[0]),
        scale=unit_scale(options, "uV"),
        n_times=rows if transpose else cols,
    )


def _first_present(path: Path, present: set[str], names: tuple[str, ...]) -> Any:
    for name in names:
        if name in present:
            return load_variables(path, [name])[name]
    return None


def read_matrix_header(path: Path, options: dict[str, Any]) -> RecordingHeader:
    """Header of a plain-matrix MAT file (the matrix itself is not loaded).

    Parameters
    ----------
    path : Path
        The file.
    options : dict
        ``sfreq`` (Hz) and ``ch_names`` when the file lacks them; ``variable``
        (which matrix); ``unit`` (``'V'``, ``'mV'``, ``'uV'`` (default), ``'nV'``).

    Returns
    -------
    RecordingHeader
    """
    plan = _matrix_plan(path, options)
    return RecordingHeader(
        format="mat",
        channel_names=plan.ch_names,
        channel_types=classify_channels(plan.ch_names),
        sfreq=plan.sfreq,
        channel_sfreqs=[plan.sfreq] * len(plan.ch_names),
        duration_s=float(plan.n_times / plan.sfreq),
        n_annotations=0,
    )


def read_matrix_raw(path: Path, options: dict[str, Any]) -> mne.io.RawArray:
    """Read a plain-matrix MAT file as an MNE Raw (volts).

    Parameters
    ----------
    path : Path
        The file.
    options : dict
        As for `read_matrix_header`.

    Returns
    -------
    mne.io.RawArray
    """
    plan = _matrix_plan(path, options)
    values: NDArray[np.floating] = np.asarray(
        load_variables(path, [plan.variable])[plan.variable], dtype=np.float64
    )
    data = values.T if plan.transpose else values
    data *= plan.scale
    info = mne.create_info(plan.ch_names, plan.sfreq, classify_channels(plan.ch_names))
    return mne.io.RawArray(data, info, verbose="error")
