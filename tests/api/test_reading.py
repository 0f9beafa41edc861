"""Decompression bombs against the header reader child: refused from their declared sizes,
and the child's peak memory (measured by the child) stays under its cap."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.reading import read_header_limited, read_in_child
from signals.io import ReadLimits, UnreadableRecordingError
from signals.io.base import NO_LIMITS, without_paths
from tests.signals.io.builders import write_mat5_bomb, write_mat73_bomb

#: The service's default limits (250 M values: 2 GB of doubles per array).
LIMITS = ReadLimits(250_000_000, 50_000.0, 512, 6 * 3600.0)
CAP_MB = 1024.0
#: 600 x 16 MiB of zeros: ~10 MB on disk, ~10 GB inflated.
BOMB_BLOCKS = 600


def _read(path: Path, limits: ReadLimits, options: dict | None = None):
    outcome = read_in_child(path, {}, options or {}, limits, 120.0, CAP_MB)
    assert outcome.peak_rss_bytes < CAP_MB * 2**20, outcome
    return outcome


def test_mat5_bomb_refused_from_its_declared_size(tmp_path: Path) -> None:
    bomb = write_mat5_bomb(tmp_path / "bomb.mat", (20_000, 20_000), BOMB_BLOCKS)
    assert 9e6 < bomb.stat().st_size < 12e6
    outcome = _read(bomb, LIMITS)
    assert outcome.kind == "unreadable"
    assert outcome.value == (
        "a compressed MAT variable declares 3,200,000,048 bytes once decompressed; the limit "
        "is 2,000,000,000 bytes (8 per value of AFFECTSERVE_MAX_SAMPLES): split the recording "
        "into shorter files"
    )
    assert outcome.peak_rss_bytes < 150 * 2**20


def test_mat5_bomb_that_understates_its_size_inflates_no_further(tmp_path: Path) -> None:
    bomb = write_mat5_bomb(tmp_path / "bomb.mat", (100, 100), BOMB_BLOCKS)
    outcome = _read(bomb, LIMITS, {"sfreq": 100.0})
    assert outcome.value == (
        "the MAT file is damaged (a compressed variable does not inflate to exactly the "
        "80,048 bytes it declares); save it again in MATLAB with save(..., '-v7') and upload "
        "the complete file"
    )
    assert outcome.peak_rss_bytes < 150 * 2**20


def test_mat73_bomb_refused_from_its_declared_shape(tmp_path: Path) -> None:
    bomb = write_mat73_bomb(tmp_path / "bomb.mat", (50_000, 50_000))
    outcome = _read(bomb, LIMITS)
    assert outcome.value == (
        "the MAT v7.3 array 'labels' declares 50000x50000 = 2,500,000,000 values; the limit "
        "is 250,000,000 (AFFECTSERVE_MAX_SAMPLES): split the recording into shorter files"
    )


def test_memory_cap_stops_a_reader_that_allocates_past_it(tmp_path: Path) -> None:
    """With no size limits the reader loads the v7.3 bomb's 20 GB ``labels``: the
    address-space cap makes that allocation fail in the child, which answers 422."""
    bomb = write_mat73_bomb(tmp_path / "bomb.mat", (50_000, 50_000))
    outcome = _read(bomb, NO_LIMITS, {"variable": "data"})
    assert outcome.kind == "unreadable"
    assert outcome.value.startswith(
        "reading its header needs more than 1024 MB of memory (AFFECTSERVE_READER_MEMORY_MB)"
    )


def test_messages_never_name_server_paths(tmp_path: Path) -> None:
    assert without_paths(
        "Unable to open file (name = '/srv/data/tmp/abc.mat', errno = 2) at 10 µV/s, 1/2"
    ) == ("Unable to open file (name = '<file>', errno = 2) at 10 µV/s, 1/2")
    damaged = tmp_path / "cut.mat"
    damaged.write_bytes(b"MATLAB 7.3 MAT-file".ljust(512) + b"\x89HDF\r\n\x1a\n" + bytes(64))
    with pytest.raises(UnreadableRecordingError) as caught:
        read_header_limited(damaged, {}, {}, LIMITS, 60.0, CAP_MB)
    assert str(tmp_path) not in str(caught.value)
