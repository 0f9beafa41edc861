"""EEGLAB datasets (``.set``, data embedded or in a ``.fdt`` beside it) through MNE.

An upload stores each file under a name of the service's choosing, while a
``.set`` names its ``.fdt`` by the name it was saved with. The reader lays the
uploaded files out in a private folder under the names MNE looks for: the
``.fdt`` under the name the ``.set`` gives (when it was uploaded under that name)
and the ``.set`` under the ``.fdt``'s stem (MNE's fallback).
"""

from __future__ import annotations

import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import h5py
import mne
import numpy as np
import scipy.io

from signals.channels import classify_channels
from signals.io.base import RecordingHeader, UnreadableRecordingError
from signals.io.mat import is_hdf5


def _data_file_name(path: Path) -> str | None:
    """Name of the ``.fdt`` a ``.set`` refers to, or None when data are embedded."""
    if is_hdf5(path):
        with h5py.File(path, "r") as fid:
            group = fid.get("EEG", fid)
            item = group.get("data")
            if item is None or item.attrs.get("MATLAB_class", b"") != b"char":
                return None
            return "".join(map(chr, np.asarray(item).ravel()))
    content = scipy.io.loadmat(path, squeeze_me=True, struct_as_record=False)
    eeg = content.get("EEG")
    data = getattr(eeg, "data", None) if eeg is not None else content.get("data")
    return data if isinstance(data, str) else None


@contextmanager
def _staged(path: Path, companions: dict[str, Path]) -> Iterator[Path]:
    fdts = {name: p for name, p in companions.items() if name.lower().endswith(".fdt")}
    stem = Path(next(iter(fdts))).stem if len(fdts) == 1 else path.stem
    with tempfile.TemporaryDirectory(prefix="affectserve-eeglab-") as folder:
        staged = Path(folder) / f"{stem}.set"
        staged.symlink_to(path.resolve())
        for name, companion in fdts.items():
            (Path(folder) / Path(name).name).symlink_to(companion.resolve())
        beside = path.with_suffix(".fdt")
        if not fdts and beside.is_file():
            (Path(folder) / beside.name).symlink_to(beside.resolve())
        yield staged


def _open(path: Path, companions: dict[str, Path], preload: bool) -> mne.io.BaseRaw:
    """Open with MNE; without ``preload`` only the metadata of the result is usable."""
    with _staged(path, companions) as staged:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                raw = mne.io.read_raw_eeglab(staged, preload=preload, verbose="error")
        except FileNotFoundError:
            wanted = _data_file_name(path) or f"{path.stem}.fdt"
            raise UnreadableRecordingError(
                f"the EEGLAB .set keeps its signals in a separate file '{wanted}', which was "
                "not uploaded: upload the .set and its .fdt together"
            ) from None
        except (ValueError, TypeError, KeyError, IndexError, OSError, NotImplementedError) as err:
            raise UnreadableRecordingError(
                f"the EEGLAB dataset could not be read ({err}); save it again in EEGLAB as a "
                "continuous dataset (File > Save current dataset as)"
            ) from err
    return raw


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
