"""The MAT v5 structure check: valid files pass, damaged tags are refused before scipy."""

from __future__ import annotations

import re
import struct
from pathlib import Path

import numpy as np
import pytest
import scipy.io

from signals.io import UnreadableRecordingError, read_header
from signals.io.mat5_check import check_mat5

#: Byte offsets in a file holding one uncompressed double matrix named "data":
#: the array flags' class byte, the dimensions and the numbers' data type.
CLASS_BYTE, DIMS, REAL_TYPE = 144, 160, 176


def _variables() -> dict[str, object]:
    cells = np.empty((1, 2), dtype=object)
    cells[0, 0], cells[0, 1] = "Fp1", np.arange(3.0)
    return {
        "data": np.arange(8.0).reshape(2, 4),
        "name": "rest",
        "labels": cells,
        "cfg": {"fsample": 128.0, "trial": np.ones((2, 3), dtype=np.int16)},
        "complex": np.array([1 + 2j, 3 - 1j]),
        "sparse": scipy.sparse.eye(3, format="csc"),
    }


@pytest.mark.parametrize("compressed", [False, True], ids=["plain", "compressed"])
def test_files_written_by_scipy_pass(tmp_path: Path, compressed: bool) -> None:
    path = tmp_path / "ok.mat"
    scipy.io.savemat(path, _variables(), do_compression=compressed)
    check_mat5(path)


def _single_matrix(tmp_path: Path) -> bytes:
    path = tmp_path / "single.mat"
    scipy.io.savemat(path, {"data": np.arange(8.0).reshape(2, 4)})
    raw = path.read_bytes()
    # the layout the offsets above assume: double class, dims 2 x 4, miDOUBLE numbers
    assert raw[CLASS_BYTE] == 6
    assert struct.unpack_from("<2i", raw, DIMS) == (2, 4)
    assert struct.unpack_from("<I", raw, REAL_TYPE)[0] == 9
    return raw


def _damage(tmp_path: Path, raw: bytes, offset: int, value: bytes) -> Path:
    damaged = bytearray(raw)
    damaged[offset : offset + len(value)] = value
    path = tmp_path / "damaged.mat"
    path.write_bytes(bytes(damaged))
    return path


@pytest.mark.parametrize(
    ("offset", "value", "message"),
    [
        # scipy 1.17 reading these: a segmentation fault, then a ZeroDivisionError
        (REAL_TYPE, bytes([126]), "numbers at byte 176 have the unknown data type 126"),
        (REAL_TYPE + 1, bytes([187]), "numbers at byte 176 have the unknown data type 47881"),
        (CLASS_BYTE, bytes([73]), "an array of MATLAB class 73"),
        (DIMS, struct.pack("<i", 3), "numbers at byte 176 do not fill the array's dimensions"),
        (DIMS, struct.pack("<i", -2), "the dimensions at byte 160 are (-2, 4)"),
        (
            128 + 4,
            struct.pack("<I", 10**6),
            "the element at byte 128 runs past the end of its container: the file was cut short",
        ),
    ],
)
def test_damaged_tags_are_refused(tmp_path: Path, offset: int, value: bytes, message: str) -> None:
    path = _damage(tmp_path, _single_matrix(tmp_path), offset, value)
    with pytest.raises(UnreadableRecordingError, match=re.escape(f"damaged ({message}")):
        check_mat5(path)
    with pytest.raises(UnreadableRecordingError, match="save it again in MATLAB"):
        read_header(path, options={"sfreq": 128.0})


def test_a_compressed_variable_that_does_not_decompress(tmp_path: Path) -> None:
    path = tmp_path / "packed.mat"
    scipy.io.savemat(path, {"data": np.arange(64.0)}, do_compression=True)
    raw = path.read_bytes()
    assert struct.unpack_from("<I", raw, 128)[0] == 15  # miCOMPRESSED
    path = _damage(tmp_path, raw, 140, b"\x00\x00\x00\x00")
    with pytest.raises(UnreadableRecordingError, match="does not decompress"):
        check_mat5(path)


def test_large_compressed_variable_checked_in_one_chunk_of_memory(tmp_path: Path) -> None:
    """A compressed 400 MB matrix within the limits is checked with its numbers inflated
    chunk by chunk and dropped: the check's peak memory grows by a few MB, not 400."""
    import subprocess
    import sys

    from tests.signals.io.builders import write_mat5_bomb

    path = write_mat5_bomb(tmp_path / "big.mat", (4096, 12288), 24)
    code = (
        "import resource, sys\nfrom signals.io.mat5_check import check_mat5\n"
        "from core.config import Settings\nfrom signals.io import ReadLimits\n"
        "limits = ReadLimits.from_settings(Settings())\n"
        "def peak(): return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "before = peak()\ncheck_mat5(__import__('pathlib').Path(sys.argv[1]), limits)\n"
        "print((peak() - before) >> 10)"
    )
    grown_mb = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True
    ).stdout
    assert int(grown_mb) < 16
