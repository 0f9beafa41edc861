"""Skin conductance follows the physical dimension its EDF stores: S, mS, µS or nS."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from edfio import Edf, EdfSignal

from signals.feeding import eda_stream
from signals.io import read_raw, read_signals

SFREQ = 32
#: 4 s of skin conductance around 2.5 µS, in µS.
MICROSIEMENS = 2.5 + 0.5 * np.sin(np.arange(4 * SFREQ) / 5.0)


def _write(path: Path, dimension: str, per_microsiemens: float, rates: tuple[int, int]) -> Path:
    """An EDF with one EEG channel and a GSR channel stored in ``dimension``."""
    eeg = EdfSignal(
        np.random.default_rng(0).normal(0, 20, 4 * rates[0]),
        sampling_frequency=rates[0],
        label="Fz",
        physical_dimension="uV",
    )
    gsr = EdfSignal(
        np.repeat(MICROSIEMENS * per_microsiemens, rates[1] // SFREQ),
        sampling_frequency=rates[1],
        label="GSR",
        physical_dimension=dimension,
    )
    Edf([eeg, gsr]).write(path)
    return path


@pytest.mark.parametrize(
    ("dimension", "per_microsiemens"),
    [("S", 1e-6), ("mS", 1e-3), ("uS", 1.0), ("nS", 1e3)],
)
@pytest.mark.parametrize("rates", [(SFREQ, SFREQ), (2 * SFREQ, SFREQ)], ids=["on-disk", "loaded"])
def test_conductance_is_read_in_its_unit(
    tmp_path: Path, dimension: str, per_microsiemens: float, rates: tuple[int, int]
) -> None:
    path = _write(tmp_path / "eda.edf", dimension, per_microsiemens, rates)
    raw = read_raw(path)
    assert raw.get_channel_types() == ["eeg", "gsr"]
    step = raw.n_times // len(MICROSIEMENS)
    # EDF stores 16-bit integers over the physical range (about 1e-4 of it); MNE
    # upsamples the slower signal of a mixed-rate file (compare at its own samples).
    tolerance = 2e-3 if step == 1 else 5e-2

    def check(microsiemens: np.ndarray) -> None:
        np.testing.assert_allclose(microsiemens[::step], MICROSIEMENS, atol=tolerance)

    check(raw.get_data(picks=[1])[0] * 1e6)
    stream, _ = eda_stream(raw)
    check(stream.data[0])
    check(read_signals(raw, [1], scale=1e6, dtype=np.float64)[0])
    eeg = read_signals(raw, [0], scale=1e6, dtype=np.float64)[0]
    assert 10 < eeg.std() < 30
