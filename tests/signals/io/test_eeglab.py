"""EEGLAB .set files: data embedded, or in a .fdt uploaded beside them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import scipy.io
from eeglabio.raw import export_set

from signals.io import UnreadableRecordingError, read_header, read_raw
from tests.signals.io.builders import sine_signals

NAMES = ["Fp1", "Fz", "Cz", "VEOG"]
SFREQ = 128.0


@pytest.fixture
def signals() -> np.ndarray:
    """4 channels x 640 samples (5 s at 128 Hz), volts."""
    return sine_signals(4, SFREQ, 5.0) * 1e-6


def _export(path: Path, signals: np.ndarray, fmt: str = "v5") -> Path:
    annotations = (["stim A", "stim B"], np.array([1.0, 3.0]), np.array([0.5, 0.5]))
    export_set(str(path), signals, SFREQ, NAMES, annotations=annotations, fmt=fmt)
    return path


@pytest.mark.parametrize("fmt", ["v5", "v7.3"])
def test_embedded_data(tmp_path: Path, signals: np.ndarray, fmt: str) -> None:
    path = _export(tmp_path / "rec.set", signals, fmt)
    header = read_header(path)
    assert header.format == "eeglab"
    assert header.channel_names == NAMES
    assert header.channel_types == ["eeg", "eeg", "eeg", "eog"]
    assert (header.sfreq, header.duration_s, header.n_annotations) == (SFREQ, 5.0, 2)
    raw = read_raw(path)
    # eeglabio stores single precision µV.
    np.testing.assert_allclose(raw.get_data(), signals, rtol=1e-6, atol=1e-12)
    assert list(raw.annotations.description) == ["stim A", "stim B"]


def _split(tmp_path: Path, signals: np.ndarray) -> tuple[Path, Path]:
    """A .set naming 'session1.fdt', stored (as an upload stores) under other names."""
    embedded = _export(tmp_path / "embedded.set", signals)
    content = scipy.io.loadmat(embedded)
    content = {k: v for k, v in content.items() if not k.startswith("__")}
    content["data"] = "session1.fdt"
    stored_set = tmp_path / "upload-7f3a.set"
    scipy.io.savemat(stored_set, content)
    stored_fdt = tmp_path / "upload-7f3b.bin"
    (signals * 1e6).T.astype("<f4").tofile(stored_fdt)
    return stored_set, stored_fdt


def test_data_in_a_companion_fdt(tmp_path: Path, signals: np.ndarray) -> None:
    stored_set, stored_fdt = _split(tmp_path, signals)
    companions = {"session1.fdt": stored_fdt}
    header = read_header(stored_set, companions)
    assert (header.channel_names, header.duration_s) == (NAMES, 5.0)
    raw = read_raw(stored_set, companions)
    np.testing.assert_allclose(raw.get_data(), signals, rtol=1e-6, atol=1e-12)


def test_companion_fdt_under_another_name(tmp_path: Path, signals: np.ndarray) -> None:
    stored_set, stored_fdt = _split(tmp_path, signals)
    raw = read_raw(stored_set, {"renamed.fdt": stored_fdt})
    np.testing.assert_allclose(raw.get_data(), signals, rtol=1e-6, atol=1e-12)


def test_missing_fdt_is_named(tmp_path: Path, signals: np.ndarray) -> None:
    stored_set, _ = _split(tmp_path, signals)
    with pytest.raises(UnreadableRecordingError, match=r"'session1\.fdt', which was not uploaded"):
        read_header(stored_set)
    with pytest.raises(UnreadableRecordingError, match=r"upload the \.set and its \.fdt together"):
        read_raw(stored_set)


def test_fdt_alone_is_refused(tmp_path: Path, signals: np.ndarray) -> None:
    _, stored_fdt = _split(tmp_path, signals)
    fdt = stored_fdt.rename(tmp_path / "session1.fdt")
    with pytest.raises(UnreadableRecordingError, match=r"together with its \.set"):
        read_header(fdt)
