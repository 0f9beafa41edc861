"""Recording readers: one module per format family, one entry point for all.

``read_header`` reads only what the upload needs (fast, nothing queued yet);
``read_raw`` opens the signals in the worker and ``read_signals`` takes the
channels a model needs from it; ``read_features`` reads feature and
trial files (SEED ``ExtractedFeatures``, DEAP preprocessed). Every failure raises
`UnreadableRecordingError` with a message that says what is wrong and what to do,
and never names a server path.

Upload ``options`` (all optional): ``sfreq`` (Hz) and ``ch_names`` for a plain MAT
matrix that lacks them, ``variable`` (which MAT variable), ``unit`` (of a plain
matrix, default ``'uV'``, or of a FieldTrip struct, default ``'V'``: one of
``'V'``, ``'mV'``, ``'uV'``, ``'nV'``), ``feature`` (SEED feature name),
``window_s`` (SEED window, s), ``max_gap_s`` (EDF+D: longest total gap filled, s),
``channel_map`` (labels renamed) and ``montage`` (MNE montage naming the electrodes), see
`core.schemas.UploadOptions` and `signals.channels.channel_layout`.
``companions`` maps the original names of the other uploaded files (an EEGLAB
``.fdt``) to where they are stored; a reader opens no other file. ``limits``
(`ReadLimits`) are checked on the sizes a file declares before its samples are read
or decompressed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import mne
import numpy as np
from mne.io.edf.edf import RawBDF, RawEDF
from numpy.typing import NDArray

from signals.channels import ChannelLayout, channel_layout, set_positions
from signals.io import edf, eeglab, fieldtrip, mat
from signals.io.base import (
    NO_LIMITS,
    FeatureSet,
    Gap,
    ReadLimits,
    RecordingHeader,
    UnreadableRecordingError,
    without_paths,
)
from signals.io.mat5_check import check_mat5

__all__ = [
    "FeatureSet",
    "Gap",
    "ReadLimits",
    "RecordingHeader",
    "UnreadableRecordingError",
    "detect_format",
    "read_features",
    "read_header",
    "read_raw",
    "read_signals",
]

_MAGIC = (
    (edf.EDF_MAGIC, "edf"),
    (edf.BDF_MAGIC, "bdf"),
    (b"MATLAB 5.0 MAT-file", "mat"),
    (b"MATLAB 7.3 MAT-file", "mat"),
    (b"\x89HDF\r\n\x1a\n", "mat"),
)
_ARCHIVES = (
    (b"PK\x03\x04", "a zip archive"),
    (b"PK\x05\x06", "an empty zip archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
)
_SUPPORTED = "EDF, EDF+, BDF, BDF+, MATLAB .mat (v5 or v7.3) or EEGLAB .set (+ .fdt)"


def detect_format(path: Path) -> str:
    """Return the container format of the file at ``path`` from its first bytes.

    Parameters
    ----------
    path : Path
        The uploaded file.

    Returns
    -------
    str
        ``'edf'``, ``'bdf'`` or ``'mat'`` (MAT v5, or v7.3 / HDF5).

    Raises
    ------
    UnreadableRecordingError
        When the bytes match no supported format; the message says what the file
        seems to be (empty, an archive, text, an EEGLAB ``.fdt`` alone).
    """
    with open(path, "rb") as fid:
        head = fid.read(512)
    for magic, fmt in _MAGIC:
        if head.startswith(magic):
            return fmt
    if mat.is_hdf5(path):
        return "mat"
    raise UnreadableRecordingError(_not_supported(path, head))


def _not_supported(path: Path, head: bytes) -> str:
    if not head:
        return f"the file is empty; upload an {_SUPPORTED} file"
    for magic, what in _ARCHIVES:
        if head.startswith(magic):
            return f"the file is {what}: unpack it and upload the recording files inside"
    if path.suffix.lower() == ".fdt":
        return "an EEGLAB .fdt file holds only samples; upload it together with its .set file"
    if b"\x00" not in head:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            return (
                "the file is text (for example CSV or a log), not a recording; upload an "
                f"{_SUPPORTED} file"
            )
    return f"the file matches no supported format; upload an {_SUPPORTED} file"


def _layout(path: Path, limits: ReadLimits) -> str:
    fmt = detect_format(path)
    if fmt in ("edf", "bdf"):
        return fmt
    if mat.is_hdf5(path):
        mat.check_hdf5(path, limits)
    else:
        check_mat5(path, limits)
    return mat.mat_layout(path)


def read_header(
    path: Path,
    companions: dict[str, Path] | None = None,
    options: dict[str, Any] | None = None,
    limits: ReadLimits = NO_LIMITS,
) -> RecordingHeader:
    """Read what an upload needs to know about a recording, without its signals.

    EDF/BDF and MAT v7.3 headers are read without touching the samples; MAT v5
    structs (EEGLAB with embedded data, FieldTrip) are read whole, as MATLAB
    stores them in one piece.

    Parameters
    ----------
    path : Path
        The main uploaded file.
    companions : dict of str to Path or None
        Other files of the same upload, by original name (an EEGLAB ``.fdt``).
    options : dict or None
        Upload options (see the module docstring).
    limits : ReadLimits
        Largest recording accepted; the declared sizes are checked before reading.

    Returns
    -------
    RecordingHeader
        Never holds identifying fields (patient name, birth date, ...).

    Raises
    ------
    UnreadableRecordingError
        The file is not a readable recording, or is over ``limits``.
    """
    with _no_server_paths():
        header = _read_header(path, companions or {}, options or {}, limits)
        limits.check_recording(
            len(header.channel_names), max(header.channel_sfreqs, default=0.0), header.duration_s
        )
    return header


@contextmanager
def _no_server_paths() -> Iterator[None]:
    """Raise a reader's refusal again with the server paths taken out of its message."""
    try:
        yield
    except UnreadableRecordingError as err:
        if without_paths(str(err)) == str(err):
            raise
        raise UnreadableRecordingError(without_paths(str(err))) from err


def _read_header(
    path: Path, companions: dict[str, Path], options: dict[str, Any], limits: ReadLimits
) -> RecordingHeader:
    layout = _layout(path, limits)
    if layout in ("seed-features", "deap-preprocessed"):
        return mat.read_feature_header(path, layout, options)
    if layout in ("edf", "bdf"):
        header = edf.read_edf_header(path, layout, limits)
    elif layout == "eeglab":
        header = eeglab.read_eeglab_header(path, companions)
    elif layout == "fieldtrip":
        header = fieldtrip.read_fieldtrip_header(path, options)
    else:
        header = _checked(mat.read_matrix_header, path, options)
    channels = _channel_layout(header.channel_names, options)
    return replace(
        header,
        channel_names=channels.names,
        channel_types=channels.types,
        montage=channels.montage,
    )


def read_raw(
    path: Path, companions: dict[str, Path] | None = None, options: dict[str, Any] | None = None
) -> mne.io.BaseRaw:
    """Read a whole signal recording into memory as an MNE Raw object.

    Parameters
    ----------
    path, companions, options
        As for `read_header`.

    Returns
    -------
    mne.io.BaseRaw
        Channels named, typed and placed by `signals.channels.channel_layout` (with
        the ``channel_map`` and ``montage`` options); an EDF+D
        recording's gaps kept as flat stretches annotated ``BAD_ACQ_SKIP``.
        Continuous EDF/BDF recordings stay on disk until read (`read_signals`).

    Raises
    ------
    UnreadableRecordingError
        Also for feature files, which `read_features` reads.
    """
    with _no_server_paths():
        return _read_raw(path, companions or {}, options or {})


def _read_raw(path: Path, companions: dict[str, Path], options: dict[str, Any]) -> mne.io.BaseRaw:
    layout = _layout(path, NO_LIMITS)
    if layout in ("edf", "bdf"):
        raw = edf.read_edf_raw(path, layout, float(options.get("max_gap_s", 600.0)))
    elif layout == "eeglab":
        raw = eeglab.read_eeglab_raw(path, companions)
    elif layout == "fieldtrip":
        raw = fieldtrip.read_fieldtrip_raw(path, options)
    elif layout in ("seed-features", "deap-preprocessed"):
        raise UnreadableRecordingError(
            f"the file holds {layout} (features or cut trials), not a continuous recording; "
            "read it with read_features"
        )
    else:
        raw = _checked(mat.read_matrix_raw, path, options)
    channels = _channel_layout(raw.ch_names, options)
    if channels.names != raw.ch_names:
        raw.rename_channels(dict(zip(raw.ch_names, channels.names, strict=True)))
    raw.set_channel_types(
        dict(zip(channels.names, channels.types, strict=True)),
        on_unit_change="ignore",
        verbose="error",
    )
    set_positions(raw, channels)
    return raw


def _channel_layout(names: list[str], options: dict[str, Any]) -> ChannelLayout:
    """Channel names, types and montage with the ``channel_map`` and ``montage`` options."""
    try:
        return channel_layout(names, options.get("channel_map"), options.get("montage"))
    except ValueError as err:
        raise UnreadableRecordingError(str(err)) from err


def read_signals(
    raw: mne.io.BaseRaw,
    picks: list[int],
    *,
    scale: float = 1.0,
    dtype: type[np.floating] = np.float32,
    start: int = 0,
    stop: int | None = None,
) -> NDArray[np.floating]:
    """The samples of some channels of a recording, times ``scale``, as ``dtype``.

    EDF/BDF recordings that `read_raw` left on disk are read straight from the file
    into ``dtype`` (`signals.io.edf.read_edf_signals`); other recordings, and
    channels of other rates or trigger channels, through ``raw.get_data``.

    Parameters
    ----------
    raw : mne.io.BaseRaw
        A recording from `read_raw`.
    picks : list of int
        Channel indices into ``raw.ch_names``.
    scale : float
        Factor applied to the stored unit (volts, siemens): ``1e6`` gives µV, µS.
    dtype : numpy floating type
        Output precision.
    start, stop : int
        First sample and the sample after the last (None: the end), to read a long
        recording in blocks.

    Returns
    -------
    data : array, shape (len(picks), stop - start)
    """
    stop = raw.n_times if stop is None else min(stop, raw.n_times)
    on_disk = isinstance(raw, RawEDF | RawBDF) and not raw.preload
    if on_disk and "stim" not in raw.get_channel_types(picks=picks):
        fmt = "bdf" if isinstance(raw, RawBDF) else "edf"
        data = edf.read_edf_signals(
            Path(raw.filenames[0]),
            fmt,
            list(picks),
            scale=scale,
            dtype=dtype,
            start=start,
            stop=stop,
            n_times=raw.n_times,
        )
        if data is not None:
            return data
    data = raw.get_data(picks=picks, start=start, stop=stop)
    data *= scale
    return data.astype(dtype, copy=False)


def read_features(
    path: Path, companions: dict[str, Path] | None = None, options: dict[str, Any] | None = None
) -> FeatureSet:
    """Read a feature or trial file (SEED ``ExtractedFeatures``, DEAP preprocessed).

    Parameters
    ----------
    path, companions, options
        As for `read_header`; ``options['feature']`` picks the SEED feature
        (default ``'de_LDS'``).

    Returns
    -------
    FeatureSet
    """
    with _no_server_paths():
        layout = _layout(path, NO_LIMITS)
        if layout not in ("seed-features", "deap-preprocessed"):
            raise UnreadableRecordingError(
                f"the file is a {layout} recording of signals, not a feature file; read it "
                "with read_raw"
            )
        return mat.read_mat_features(path, layout, options or {})


def _checked(reader: Any, path: Path, options: dict[str, Any]) -> Any:
    try:
        return reader(path, options)
    except (ValueError, TypeError) as err:
        if isinstance(err, UnreadableRecordingError):
            raise
        raise UnreadableRecordingError(
            f"the matrix could not be read as a recording ({err}); check the sfreq, ch_names "
            "and unit upload options"
        ) from err
