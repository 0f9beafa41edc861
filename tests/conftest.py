"""Fixtures shared by the test suite."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import mne
import numpy as np
import pytest

from core.cards import montage_channels

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def write_seed_edf(
    path: Path,
    duration_s: float = 60.0,
    sfreq: float = 200.0,
    seed: int = 0,
    annotations: tuple[tuple[float, float, str], ...] = (),
) -> Path:
    """Write an EDF with the 62 SEED channels of Gaussian noise (20 µV) and a 10 Hz rhythm.

    ``annotations`` are (onset s, duration s, text), written as EDF+ annotations.
    """
    channels = montage_channels("seed62")
    n_times = int(duration_s * sfreq)
    rng = np.random.default_rng(seed)
    times = np.arange(n_times) / sfreq
    data = rng.normal(0.0, 20e-6, (len(channels), n_times))
    data += 10e-6 * np.sin(2 * np.pi * 10.0 * times)
    raw = mne.io.RawArray(data, mne.create_info(channels, sfreq, "eeg"), verbose="error")
    if annotations:
        raw.set_annotations(mne.Annotations(*zip(*annotations, strict=True)))
    mne.export.export_raw(path, raw, fmt="edf", overwrite=True, verbose="error")
    return path


@pytest.fixture
def seed_edf(tmp_path: Path) -> Path:
    """A 60-s, 200 Hz, 62-channel EDF with SEED channel names."""
    return write_seed_edf(tmp_path / "seed62.edf")


@pytest.fixture
def settings_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point the settings at a fresh data folder for one test."""
    from core.config import get_settings

    data_dir = tmp_path / "data"
    monkeypatch.setenv("AFFECTSERVE_DATA_DIR", str(data_dir))
    monkeypatch.setenv("AFFECTSERVE_MAX_UPLOAD_MB", "4")
    get_settings.cache_clear()
    yield data_dir
    get_settings.cache_clear()


#: Frequency of the rhythm planted in the trials of each SEED class (Hz): theta, alpha, beta.
PLANTED_HZ = {"negative": 6.0, "neutral": 10.0, "positive": 22.0}


def write_labelled_edf(
    path: Path, trials: list[tuple[str, float]], sfreq: float = 200.0, seed: int = 0
) -> Path:
    """Write a 62-channel SEED-named EDF+ whose trials differ by a planted rhythm.

    Each ``(label, duration_s)`` trial carries a 25 µV sine at ``PLANTED_HZ[label]`` over
    20 µV Gaussian noise and is annotated ``film_<label>`` with its duration; 15 s of
    noise separate the trials.
    """
    channels = montage_channels("seed62")
    rng = np.random.default_rng(seed)
    pieces, onsets, gap = [], [], 15.0
    t = 0.0
    for label, duration in trials:
        n = int(gap * sfreq)
        pieces.append(rng.normal(0.0, 20e-6, (len(channels), n)))
        t += gap
        n = int(duration * sfreq)
        times = np.arange(n) / sfreq
        phase = rng.uniform(0, 2 * np.pi, (len(channels), 1))
        rhythm = 25e-6 * np.sin(2 * np.pi * PLANTED_HZ[label] * times + phase)
        pieces.append(rng.normal(0.0, 20e-6, (len(channels), n)) + rhythm)
        onsets.append((t, duration, f"film_{label}"))
        t += duration
    raw = mne.io.RawArray(
        np.concatenate(pieces, axis=1), mne.create_info(channels, sfreq, "eeg"), verbose="error"
    )
    raw.set_annotations(mne.Annotations(*zip(*onsets, strict=True)))
    mne.export.export_raw(path, raw, fmt="edf", overwrite=True, verbose="error")
    return path
