"""Statistics fitted per feature or per band, applied to flat and stacked samples."""

from __future__ import annotations

import numpy as np
import pytest

from core.cards import RecipeStep, load_card
from model_store.training.samples import Samples
from model_store.training.standardise import fit_stats, standardise, stats_pooling


def _stacked_card(per: str | None):
    """STRNN's card (stacks of 9 windows of 62 x 5) with its ``normalize`` step's ``per``."""
    card = load_card("strnn")
    spec = card.input("eeg")
    params = {"stats": "strnn_stats.npz", **({"per": per} if per else {})}
    recipe = [
        RecipeStep(step="normalize", params=params) if s.step == "normalize" else s
        for s in spec.recipe
    ]
    return card.model_copy(update={"inputs": [spec.model_copy(update={"recipe": recipe})]})


def _samples(x: np.ndarray) -> Samples:
    n = len(x)
    return Samples({"eeg": x}, np.zeros(n, np.int64), np.zeros(n, np.int64), [])


@pytest.mark.parametrize("per", [None, "feature"])
def test_feature_statistics_are_per_channel_and_band(per: str | None) -> None:
    card = _stacked_card(per)
    x = np.random.default_rng(0).normal(size=(20, 9, 62, 5)).astype(np.float32)
    x[..., 7, 2] += 3.0
    assert stats_pooling(card.input("eeg")) == "feature"
    norm = fit_stats(card, _samples(x))["eeg"]
    assert norm.mean.shape == (1, 62, 5)
    windows = x.reshape(-1, 62, 5).astype(np.float64)
    assert norm.mean[0, 7, 2] == pytest.approx(windows[:, 7, 2].mean())
    scaled = standardise(_samples(x), {"eeg": norm}).inputs["eeg"]
    np.testing.assert_allclose(scaled.reshape(-1, 62, 5).mean(axis=0), 0.0, atol=1e-5)


def test_band_statistics_pool_the_channels_and_keep_their_offsets() -> None:
    card = _stacked_card("band")
    x = np.random.default_rng(0).normal(size=(20, 9, 62, 5)).astype(np.float32)
    x[..., 2] = 2.0 * x[..., 2] + 1.0
    x[..., 7, :] += 3.0
    norm = fit_stats(card, _samples(x))["eeg"]
    assert norm.mean.shape == norm.scale.shape == (1, 1, 5)
    band = x[..., 2].astype(np.float64)
    assert norm.mean[0, 0, 2] == pytest.approx(band.mean())
    assert norm.scale[0, 0, 2] == pytest.approx(band.std())
    scaled = standardise(_samples(x), {"eeg": norm}).inputs["eeg"]
    np.testing.assert_allclose(scaled[..., 2], (band - band.mean()) / band.std(), rtol=1e-4)
    # channel 7's offset survives: 3 / sd of its band above the others
    offset = scaled[..., 7, :].mean() - scaled[..., 8, :].mean()
    assert offset > 1.0
