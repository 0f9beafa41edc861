"""Band-power topomaps from a recording."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.cards import band_edges
from signals.features.spectral import band_power
from signals.io import read_raw
from signals.plots import topomap
from signals.plots.topomap import eeg_band_power, head_xy, plot_band_topomap, standard_1005
from tests.conftest import write_seed_edf


def test_band_power_finds_the_alpha_rhythm(tmp_path: Path) -> None:
    raw = read_raw(write_seed_edf(tmp_path / "s.edf", duration_s=20.0))
    bands = band_edges("seed")
    names, power = eeg_band_power(raw, bands)
    assert len(names) == 60  # CB1 and CB2 have no 10-05 position
    assert "Fp1" in names and "CB1" not in names
    assert power.shape == (60, 5)
    alpha = list(bands).index("alpha")
    assert (power.argmax(axis=1) == alpha).all()
    # band_power gives σ² for white noise: (20 µV)² in theta, where the 10 Hz sine is not.
    theta = list(bands).index("theta")
    np.testing.assert_allclose(power[:, theta].mean(), 400.0, rtol=0.1)


def test_band_power_of_a_long_recording_is_read_in_blocks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 45 s: 22 windows of 2 s, read 5 at a time (a partial block last), the mean of all
    raw = read_raw(write_seed_edf(tmp_path / "s.edf", duration_s=45.0))
    monkeypatch.setattr(topomap, "_BLOCK_SAMPLES", 5 * 60 * 400 + 1)
    names, power = eeg_band_power(raw, band_edges("seed"))
    data = raw.get_data(picks=[raw.ch_names.index(n.upper()) for n in names], stop=44 * 200)
    windows = data.reshape(len(names), 22, 400).transpose(1, 0, 2) * 1e6
    expected = band_power(windows, 200.0, band_edges("seed")).mean(axis=0)
    # float32 blocks against the float64 whole: equal to float32 precision
    np.testing.assert_allclose(power, expected, rtol=1e-5)


def test_topomap_has_one_head_per_band_on_one_scale() -> None:
    names = ["Fp1", "Fp2", "C3", "C4", "O1", "O2", "Cz", "Pz"]
    power = np.tile([1.0, 10.0, 100.0], (len(names), 1))
    fig = plot_band_topomap(names, power, ["a", "b", "c"], "topomap")
    heads, bar = fig.axes
    assert [text.get_text() for text in heads.texts] == ["a", "b", "c"]
    assert len(heads.images) == 3
    assert all(image.get_clim() == pytest.approx((0.0, 20.0)) for image in heads.images)
    # Each map holds its band's level everywhere on the head: 0, 10 and 20 dB.
    for image, level in zip(heads.images, (0.0, 10.0, 20.0), strict=True):
        inside = image.get_array()[28:36, 28:36]
        np.testing.assert_allclose(inside, level, atol=1e-9)
    assert len(heads.collections[-1].get_offsets()) == 3 * len(names)
    assert bar.get_xlabel() == "band power (dB re 1 µV²)"


def test_electrodes_lie_where_mne_draws_them() -> None:
    """`head_xy` matches MNE's own topomap positions (scaled to head radii)."""
    import mne
    from mne.channels.layout import _find_topomap_coords

    names = ["Fpz", "T7", "T8", "Oz", "Cz", "O1", "F3", "P4"]
    info = mne.create_info(names, 100.0, "eeg")
    info.set_montage(standard_1005())
    expected = _find_topomap_coords(info, picks=names, sphere=np.array([0, 0, 0, 0.095]))
    np.testing.assert_allclose(head_xy(names), expected / 0.095, atol=0.02)


def test_too_few_positioned_channels_is_an_error(tmp_path: Path) -> None:
    import mne

    info = mne.create_info(["X1", "X2", "Cz"], 100.0, "eeg")
    raw = mne.io.RawArray(np.zeros((3, 400)), info, verbose="error")
    with pytest.raises(ValueError, match="only 1 EEG channels"):
        eeg_band_power(raw, band_edges("seed"))
