"""Channel quality: flat, clipped and noisy channels among clean ones."""

from __future__ import annotations

import numpy as np

from signals.quality import channel_quality


def test_each_fault_is_found_in_its_channel() -> None:
    rng = np.random.default_rng(0)
    data = 20e-6 * rng.standard_normal((8, 2000))  # 20 µV EEG
    data[1] = 3e-6  # a constant offset: flat
    data[2] = np.clip(data[2], -15e-6, 15e-6)  # an amplifier at its range: clipped
    data[3] *= 10  # 200 µV: noisy
    data[4] *= 1.5  # a bit louder: still ok
    assert channel_quality(data) == ["ok", "flat", "clipped", "noisy", "ok", "ok", "ok", "ok"]


def test_clean_channels_are_ok_and_thresholds_apply() -> None:
    rng = np.random.default_rng(1)
    data = 20e-6 * rng.standard_normal((5, 1000))
    assert channel_quality(data) == ["ok"] * 5
    assert channel_quality(data, flat_std=1.0) == ["flat"] * 5
    quiet = data * 1e-3  # 0.02 µV: below 0.1 µV, flat
    assert channel_quality(quiet) == ["flat"] * 5
