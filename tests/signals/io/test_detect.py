"""Format detection: what a file is, and a clear refusal for what is not a recording."""

from __future__ import annotations

import gzip
import zipfile
from pathlib import Path

import numpy as np
import pytest
import scipy.io

from signals.io import UnreadableRecordingError, detect_format, read_header, read_raw
from tests.signals.io.builders import write_edf, write_mat73


def test_detects_each_container(tmp_path: Path) -> None:
    edf = write_edf(tmp_path / "a.edf", np.zeros((1, 100)), 100.0, ["Cz"])
    bdf = write_edf(tmp_path / "a.bdf", np.zeros((1, 100)), 100.0, ["Cz"], bdf=True)
    mat5 = tmp_path / "a.mat"
    scipy.io.savemat(mat5, {"x": np.zeros((2, 2))})
    mat73 = write_mat73(tmp_path / "b.mat", {"x": np.zeros((2, 2))})
    assert [detect_format(p) for p in (edf, bdf, mat5, mat73)] == ["edf", "bdf", "mat", "mat"]


def _zip(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("rec.edf", b"0       ")


@pytest.mark.parametrize(
    ("name", "write", "message"),
    [
        ("rec.zip", _zip, "a zip archive: unpack it"),
        ("rec.edf.gz", lambda p: p.write_bytes(gzip.compress(b"0" * 100)), "a gzip archive"),
        ("rec.csv", lambda p: p.write_text("time,ECG,EDA\n0.0,0.1,13.2\n"), "the file is text"),
        ("notes.edf", lambda p: p.write_text("Ärger und Freude\n", "utf-8"), "the file is text"),
        ("empty.edf", lambda p: p.write_bytes(b""), "the file is empty"),
        ("noise.bin", lambda p: p.write_bytes(bytes(range(256)) * 4), "matches no supported"),
    ],
)
def test_refuses_what_is_not_a_recording(tmp_path: Path, name, write, message) -> None:
    path = tmp_path / name
    write(path)
    with pytest.raises(UnreadableRecordingError, match=message):
        read_header(path)
    with pytest.raises(UnreadableRecordingError, match=message):
        read_raw(path)
