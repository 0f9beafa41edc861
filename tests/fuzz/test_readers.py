"""Fuzz the readers with mutated EDF/BDF headers and MAT files (bounded runs).

Each mutated file must read, or fail with `UnreadableRecordingError`, within a time
limit: any other exception, or a read that runs past the limit, is a bug. The upload
path (`api.reading.read_header_limited`) must hold the same promise for every file,
whatever the readers let slip.
"""

from __future__ import annotations

import time
from pathlib import Path

import mne
import numpy as np
import pytest
import scipy.io
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.reading import read_header_limited
from core.config import Settings
from signals.io import ReadLimits, UnreadableRecordingError, read_header, read_raw

LIMIT_S = 10.0
FUZZ = settings(
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
N_CHANNELS = 4
EDF_FIELDS = (
    (0, 8),
    (168, 8),
    (176, 8),
    (184, 8),
    (192, 44),
    (236, 8),
    (244, 8),
    (252, 4),
)
"""Offset and width of the fixed EDF header fields that readers parse."""

SIGNAL_FIELDS = (16, 80, 8, 8, 8, 8, 8, 80, 8, 32)
"""Width of each per-signal field (label ... reserved), stored field by field."""

NUMBERS = (b"0", b"-1", b"1", b"99999999", b"1e308", b"nan", b"inf", b"-0", b"", b"x", b"+")

DEFAULT_LIMITS = ReadLimits.from_settings(Settings())


def read_or_refuse(path: Path) -> None:
    """Read header and signals; only `UnreadableRecordingError` may come out, within
    `LIMIT_S` (a reader that hangs is stopped by pytest-timeout)."""
    started = time.monotonic()
    try:
        read_header(path)
        read_raw(path)
    except UnreadableRecordingError as err:
        assert str(err), "an error without a message"
    assert time.monotonic() - started < LIMIT_S, "a reader took too long"


def _signal_fields() -> tuple[tuple[int, int], ...]:
    fields, offset = [], 256
    for width in SIGNAL_FIELDS:
        fields.extend((offset + k * width, width) for k in range(N_CHANNELS))
        offset += width * N_CHANNELS
    return tuple(fields)


@pytest.fixture(scope="module", params=["edf", "bdf"])
def seed_file(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A valid 4-channel, 5-s EDF or BDF, as bytes."""
    rng = np.random.default_rng(0)
    info = mne.create_info(["Fp1", "Fp2", "Cz", "Oz"], 128.0, "eeg")
    raw = mne.io.RawArray(rng.normal(0, 20e-6, (N_CHANNELS, 640)), info, verbose="error")
    path = tmp_path_factory.mktemp("fuzz") / f"seed.{request.param}"
    mne.export.export_raw(path, raw, fmt=request.param, overwrite=True, verbose="error")
    return path.read_bytes()


field_values = st.one_of(
    st.sampled_from(NUMBERS),
    st.binary(max_size=96),
    st.text(alphabet="0123456789.-+eE ", max_size=12).map(str.encode),
)


@FUZZ
@given(
    field=st.sampled_from(EDF_FIELDS + _signal_fields()),
    value=field_values,
    cut=st.one_of(st.none(), st.integers(min_value=0, max_value=4000)),
)
def test_mutated_edf_headers(
    seed_file: bytes, tmp_path: Path, field: tuple[int, int], value: bytes, cut: int | None
) -> None:
    offset, width = field
    data = bytearray(seed_file)
    data[offset : offset + width] = value[:width].ljust(width, b" ")
    path = tmp_path / "mutated.bin"
    path.write_bytes(bytes(data[:cut] if cut is not None else data))
    read_or_refuse(path)


@FUZZ
@given(flips=st.lists(st.tuples(st.integers(0, 1279), st.integers(0, 255)), max_size=8))
def test_flipped_header_bytes(
    seed_file: bytes, tmp_path: Path, flips: list[tuple[int, int]]
) -> None:
    data = bytearray(seed_file)
    for position, byte in flips:
        data[position] = byte
    path = tmp_path / "flipped.bin"
    path.write_bytes(bytes(data))
    read_or_refuse(path)


@pytest.fixture(scope="module")
def mat_file(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A valid MAT v5 file: a 4 x 640 matrix with its rate and channel names."""
    path = tmp_path_factory.mktemp("fuzz") / "seed.mat"
    rng = np.random.default_rng(1)
    scipy.io.savemat(
        path,
        {
            "data": rng.normal(0, 20, (N_CHANNELS, 640)),
            "sfreq": 128.0,
            "ch_names": np.array(["Fp1", "Fp2", "Cz", "Oz"], dtype=object),
        },
    )
    return path.read_bytes()


def _mutate(data: bytes, flips: list[tuple[int, int]], cut: int | None) -> bytes:
    mutated = bytearray(data)
    for position, byte in flips:
        mutated[position % len(mutated)] = byte
    return bytes(mutated[:cut] if cut is not None else mutated)


mat_flips = st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), max_size=8)
mat_cuts = st.one_of(st.none(), st.integers(min_value=0, max_value=22_000))


@settings(FUZZ, report_multiple_bugs=False)
@given(flips=mat_flips, cut=mat_cuts)
def test_mutated_mat_files(
    mat_file: bytes, tmp_path: Path, flips: list[tuple[int, int]], cut: int | None
) -> None:
    path = tmp_path / "mutated.mat"
    path.write_bytes(_mutate(mat_file, flips, cut))
    read_or_refuse(path)


@settings(FUZZ, max_examples=60)
@given(flips=mat_flips, cut=mat_cuts)
def test_upload_path_refuses_mutated_mat_files_cleanly(
    mat_file: bytes, tmp_path: Path, flips: list[tuple[int, int]], cut: int | None
) -> None:
    path = tmp_path / "mutated.mat"
    path.write_bytes(_mutate(mat_file, flips, cut))
    try:
        header = read_header_limited(path, {}, {}, DEFAULT_LIMITS, LIMIT_S, memory_mb=2048)
    except UnreadableRecordingError as err:
        assert str(err)
    else:
        assert header.channel_names
