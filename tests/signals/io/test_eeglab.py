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


def _naming(tmp_path: Path, signals: np.ndarray, data_name: str) -> Path:
    """An upload's .set whose EEG.data names ``data_name``."""
    stored_set, _ = _split(tmp_path, signals)
    content = {k: v for k, v in scipy.io.loadmat(stored_set).items() if not k.startswith("__")}
    content["data"] = data_name
    scipy.io.savemat(stored_set, content)
    return stored_set


@pytest.mark.parametrize("where", ["absolute", "relative"])
def test_data_file_outside_the_upload_is_never_read(
    tmp_path: Path, signals: np.ndarray, where: str
) -> None:
    """A planted .fdt elsewhere on the server, named by the .set, is refused unread."""
    planted = tmp_path / "elsewhere" / "planted.fdt"
    planted.parent.mkdir()
    (signals * 1e6).T.astype("<f4").tofile(planted)
    upload = tmp_path / "uploads"
    upload.mkdir()
    name = str(planted) if where == "absolute" else "../elsewhere/planted.fdt"
    stored_set = _naming(upload, signals, name)
    for read in (read_header, read_raw):
        with pytest.raises(UnreadableRecordingError) as caught:
            read(stored_set, {})
        assert str(caught.value) == (
            "the EEGLAB .set names its data file (EEG.data) with a folder path; it must name "
            "the .fdt uploaded with it by file name only: save it again in EEGLAB as a "
            "continuous dataset (File > Save current dataset as)"
        )


def test_data_file_beside_the_upload_is_not_read(tmp_path: Path, signals: np.ndarray) -> None:
    """A file beside the stored .set that was not uploaded with it stays unread, and the
    answer is the same as for a file that exists nowhere."""
    stored_set = _naming(tmp_path, signals, "beside.fdt")
    (signals * 1e6).T.astype("<f4").tofile(tmp_path / "beside.fdt")
    (signals * 1e6).T.astype("<f4").tofile(stored_set.with_suffix(".fdt"))
    with pytest.raises(UnreadableRecordingError) as beside:
        read_header(stored_set)
    (tmp_path / "beside.fdt").unlink()
    stored_set.with_suffix(".fdt").unlink()
    with pytest.raises(UnreadableRecordingError) as nowhere:
        read_header(stored_set)
    assert (
        str(beside.value)
        == str(nowhere.value)
        == (
            "the EEGLAB .set keeps its signals in a separate file 'beside.fdt', which was not "
            "uploaded: upload the .set and its .fdt together"
        )
    )


def test_malformed_struct_is_a_clear_refusal(tmp_path: Path, signals: np.ndarray) -> None:
    path = _export(tmp_path / "rec.set", signals)
    content = {k: v for k, v in scipy.io.loadmat(path).items() if not k.startswith("__")}
    content["event"] = 3.0
    scipy.io.savemat(path, content)
    with pytest.raises(UnreadableRecordingError, match=r"could not be read \(AttributeError: "):
        read_header(path)


def test_fdt_cut_short_is_refused_at_the_header(tmp_path: Path, signals: np.ndarray) -> None:
    stored_set, stored_fdt = _split(tmp_path, signals)
    stored_fdt.write_bytes(stored_fdt.read_bytes()[:100])
    for read in (read_header, read_raw):
        with pytest.raises(UnreadableRecordingError) as caught:
            read(stored_set, {"session1.fdt": stored_fdt})
        assert str(caught.value) == (
            "the .fdt holds 100 bytes, fewer than the 4 channels x 640 samples x 4 bytes = "
            "10,240 its .set declares: it was cut short; upload the complete .fdt"
        )
