"""What each file in ``../shared/data/formats`` must read as: MNE's own reading.

Used by the reader tests here and by the API's upload tests: each `FormatCase`
names the uploaded file, its companions (by original name) and either MNE's own
reader for it or the refusal it must get.
"""

from __future__ import annotations

import tempfile
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import mne
import numpy as np

#: Where the licensed format files live, beside the repository (may be absent).
FORMATS_DIR = (Path(__file__).resolve().parents[3] / "../shared/data/formats").resolve()
#: How many samples of each channel the tests compare.
N_FIRST = 16


@dataclass(frozen=True)
class FormatCase:
    """One upload of files from `FORMATS_DIR`.

    Attributes
    ----------
    name : str
        The main file.
    companions : dict of str to str
        Other uploaded files: the name they are uploaded under, and the file in
        `FORMATS_DIR` that is uploaded.
    mne_reader : callable or None
        MNE's own reader for the staged main file (files staged under their
        upload names in one folder), or None when the upload must be refused.
    error : str
        Text the refusal must contain (when ``mne_reader`` is None).
    """

    name: str
    companions: dict[str, str] = field(default_factory=dict)
    mne_reader: Callable[[Path], mne.io.BaseRaw] | None = None
    error: str = ""

    @property
    def id(self) -> str:
        """A test id: the main file and its companions."""
        return "+".join([self.name, *self.companions])

    def companion_paths(self) -> dict[str, Path]:
        """Companions by upload name, as paths in `FORMATS_DIR`."""
        return {name: FORMATS_DIR / source for name, source in self.companions.items()}


@dataclass(frozen=True)
class Expectation:
    """What MNE reads from a case: names, rate, duration and the first samples."""

    channel_names: list[str]
    sfreq: float
    duration_s: float
    n_times: int
    first_samples: np.ndarray


def _edf(path: Path) -> mne.io.BaseRaw:
    return mne.io.read_raw_edf(path, preload=True, verbose="error")


def _bdf(path: Path) -> mne.io.BaseRaw:
    return mne.io.read_raw_bdf(path, preload=True, verbose="error")


def _eeglab(path: Path) -> mne.io.BaseRaw:
    return mne.io.read_raw_eeglab(path, preload=True, verbose="error")


def _fieldtrip(path: Path) -> mne.io.BaseRaw:
    return mne.io.read_raw_fieldtrip(path, info=None)


def format_cases() -> list[FormatCase]:
    """Every upload the tests make from `FORMATS_DIR` (empty when it is absent)."""
    if not FORMATS_DIR.is_dir():
        return []
    readers = {".edf": _edf, ".bdf": _bdf}
    cases = [
        FormatCase(path.name, mne_reader=readers[path.suffix])
        for path in sorted(FORMATS_DIR.iterdir())
        if path.suffix in readers
    ]
    return [
        *cases,
        FormatCase("eeglab_data.set", {"eeglab_data.fdt": "eeglab_data.fdt"}, _eeglab),
        FormatCase("eeglab_data.fdt", error="upload it together with its .set"),
        FormatCase("test_raw_h5.set", {"test_raw.fdt": "eeglab_data.fdt"}, _eeglab),
        FormatCase("test_raw_h5.set", error="'test_raw.fdt', which was not uploaded"),
        FormatCase("fieldtrip_raw_v7.mat", mne_reader=_fieldtrip),
    ]


def mne_expectation(case: FormatCase) -> Expectation:
    """Read a case with MNE's own reader, its files staged under their upload names."""
    assert case.mne_reader is not None
    with tempfile.TemporaryDirectory() as folder:
        staged = Path(folder) / case.name
        staged.symlink_to(FORMATS_DIR / case.name)
        for name, source in case.companion_paths().items():
            (Path(folder) / name).symlink_to(source)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            raw = case.mne_reader(staged)
    return Expectation(
        channel_names=list(raw.ch_names),
        sfreq=float(raw.info["sfreq"]),
        duration_s=raw.n_times / raw.info["sfreq"],
        n_times=raw.n_times,
        first_samples=raw.get_data(stop=N_FIRST),
    )
