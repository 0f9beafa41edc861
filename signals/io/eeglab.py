"""EEGLAB datasets (``.set``, data embedded or in a ``.fdt`` beside it) through MNE.

An upload stores each file under a name of the service's choosing, while a
``.set`` names its ``.fdt`` by the name it was saved with. The reader lays the
uploaded files out in a private folder under the names MNE looks for: the
``.fdt`` under the name the ``.set`` gives (when it was uploaded under that name)
and the ``.set`` under the ``.fdt``'s stem (MNE's fallback). Nothing else is in
that folder, and a ``.set`` whose ``EEG.data`` names a folder path (absolute, or
with ``..``) is refused before MNE reads it: a data file is only ever one of the
upload's own companions, and no message says whether some other path exists.
"""

from __future__ import annotations

import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath, PureWindowsPath

import h5py
import mne
import numpy as np
import scipy.io

from signals.channels import classify_channels
from signals.io.base import RecordingHeader, UnreadableRecordingError
from signals.io.mat import is_hdf5

#: What a malformed struct makes scipy, h5py or MNE raise.
_READ_ERRORS = (
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    AttributeError,
    OSError,
    NotImplementedError,
)
#: Bytes per sample in a ``.fdt`` (EEGLAB writes float32).
FDT_VALUE_BYTES = 4
_RESAVE = "save it again in EEGLAB as a continuous dataset (File > Save current dataset as)"


def _data_file_name(path: Path) -> str | None:
    """Name of the ``.fdt`` a ``.set`` refers to, or None when data are embedded."""
    if is_hdf5(path):
        with h5py.File(path, "r") as fid:
            group = fid.get("EEG", fid)
            item = group.get("data") if isinstance(group, h5py.Group) else None
            if not isinstance(item, h5py.Dataset) or item.attrs.get("MATLAB_class") != b"char":
                return None
            return "".join(map(chr, np.asarray(item).ravel()))
    content = scipy.io.loadmat(
        path, variable_names=["EEG", "data"], squeeze_me=True, struct_as_record=False
    )
    eeg = content.get("EEG")
    data = getattr(eeg, "data", None) if eeg is not None else content.get("data")
    return data if isinstance(data, str) else None


def _checked_data_file_name(path: Path) -> str | None:
    """`_data_file_name`, refusing one that MNE would look for outside the upload."""
    try:
        name = _data_file_name(path)
    except _READ_ERRORS as err:
        raise UnreadableRecordingError(
            f"the EEGLAB dataset could not be read ({type(err).__name__}); {_RESAVE}"
        ) from err
    if name is not None and any(
        flavour(name).is_absolute() or ".." in flavour(name).parts
        for flavour in (PurePosixPath, PureWindowsPath)
    ):
        raise UnreadableRecordingError(
            "the EEGLAB .set names its data file (EEG.data) with a folder path; it must "
            f"name the .fdt uploaded with it by file name only: {_RESAVE}"
        )
    return name


@contextmanager
def _staged(path: Path, companions: dict[str, Path]) -> Iterator[Path]:
    fdts = {name: p for name, p in companions.items() if name.lower().endswith(".fdt")}
    stem = Path(next(iter(fdts))).stem if len(fdts) == 1 else path.stem
    with tempfile.TemporaryDirectory(prefix="affectserve-eeglab-") as folder:
        staged = Path(folder) / f"{stem}.set"
        staged.symlink_to(path.resolve())
        for name, companion in fdts.items():
            (Path(folder) / Path(name).name).symlink_to(companion.resolve())
        yield staged


def _open(path: Path, companions: dict[str, Path], preload: bool) -> mne.io.BaseRaw:
    """Open with MNE; without ``preload`` only the metadata of the result is usable."""
    wanted = _checked_data_file_name(path)
    with _staged(path, companions) as staged:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                raw = mne.io.read_raw_eeglab(staged, preload=False, verbose="error")
                data_file = Path(raw.filenames[0])
                if data_file.suffix.lower() == ".fdt":
                    _check_fdt_size(data_file.stat().st_size, len(raw.ch_names), raw.n_times)
                if preload:
                    raw.load_data(verbose="error")
        except FileNotFoundError:
            raise UnreadableRecordingError(
                f"the EEGLAB .set keeps its signals in a separate file "
                f"'{PureWindowsPath(wanted or path.with_suffix('.fdt').name).name}', which "
                "was not uploaded: upload the .set and its .fdt together"
            ) from None
        except UnreadableRecordingError:
            raise
        except (*_READ_ERRORS, RuntimeError) as err:
            raise UnreadableRecordingError(
                f"the EEGLAB dataset could not be read ({type(err).__name__}: {err}); {_RESAVE}"
            ) from err
    return raw


def _check_fdt_size(n_bytes: int, n_channels: int, n_times: int) -> None:
    """Refuse a ``.fdt`` too short for the float32 samples its ``.set`` declares."""
    needed = n_channels * n_times * FDT_VALUE_BYTES
    if n_bytes < needed:
        raise UnreadableRecordingError(
            f"the .fdt holds {n_bytes:,} bytes, fewer than the {n_channels} channels x "
            f"{n_times} samples x {FDT_VALUE_BYTES} bytes = {needed:,} its .set declares: it "
            "was cut short; upload the complete .fdt"
        )


def read_eeglab_header(path: Path, companions: dict[str, Path]) -> RecordingHeader:
    """Header of an EEGLAB dataset.

    Parameters
    ----------
    path : Path
        The ``.set`` file.
    companions : dict of str to Path
        Other uploaded files by their original names (the ``.fdt``).

    Returns
    -------
    RecordingHeader
    """
    raw = _open(path, companions, preload=False)
    return RecordingHeader(
        format="eeglab",
        channel_names=list(raw.ch_names),
        channel_types=classify_channels(raw.ch_names),
        sfreq=float(raw.info["sfreq"]),
        channel_sfreqs=[float(raw.info["sfreq"])] * len(raw.ch_names),
        duration_s=float(raw.n_times / raw.info["sfreq"]),
        n_annotations=len(raw.annotations),
    )


def read_eeglab_raw(path: Path, companions: dict[str, Path]) -> mne.io.BaseRaw:
    """Read an EEGLAB dataset into memory (volts), channel types classified."""
    raw = _open(path, companions, preload=True)
    raw.set_channel_types(
        dict(zip(raw.ch_names, classify_channels(raw.ch_names), strict=True)),
        on_unit_change="ignore",
        verbose="error",
    )
    return raw
