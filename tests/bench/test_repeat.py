from pathlib import Path

import numpy as np

from bench.chain import write_recording
from bench.memory import write_long_bdf
from signals.io import read_raw


def test_long_edf_repeats_its_minute(tmp_path: Path) -> None:
    raw = read_raw(write_recording(tmp_path / "three.edf", 3))
    assert raw.n_times == 3 * 60_000
    data = raw.get_data(picks=[0, 61])
    np.testing.assert_array_equal(data[:, 120_000:], data[:, :60_000])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["three.edf"]


def test_long_bdf_repeats_its_minute(tmp_path: Path) -> None:
    raw = read_raw(write_long_bdf(tmp_path / "two.bdf", 2, 8, 256.0))
    assert raw.n_times == 2 * 60 * 256
    data = raw.get_data(picks=[0, 7])
    np.testing.assert_array_equal(data[:, 60 * 256 :], data[:, : 60 * 256])
