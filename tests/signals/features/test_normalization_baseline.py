"""Normalisation statistics saved beside weights, and DEAP baseline removal."""

import numpy as np
import pytest

from signals.features.baseline import remove_baseline
from signals.features.normalization import (
    apply_normalization,
    fit_normalization,
    load_normalization,
    save_normalization,
)


def test_statistics_round_trip_and_standardise(tmp_path):
    rng = np.random.default_rng(0)
    train = rng.normal(5.0, 3.0, size=(500, 62, 5))
    norm = fit_normalization(train)
    save_normalization(tmp_path / "stats.npz", norm)
    loaded = load_normalization(tmp_path / "stats.npz")
    np.testing.assert_array_equal(loaded.mean, norm.mean)
    scaled = apply_normalization(train, loaded)
    np.testing.assert_allclose(scaled.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(scaled.std(axis=0), 1.0, atol=1e-12)


def test_constant_features_and_mismatches():
    norm = fit_normalization(np.ones((10, 3)))
    np.testing.assert_array_equal(apply_normalization(np.ones((2, 3)), norm), 0.0)
    with pytest.raises(ValueError, match="do not fit"):
        apply_normalization(np.ones((2, 4)), norm)


def test_missing_statistics_say_so(tmp_path):
    with pytest.raises(FileNotFoundError, match="train the model"):
        load_normalization(tmp_path / "absent.npz")


def test_baseline_mean_is_subtracted_sample_by_sample():
    baseline = np.stack([np.full((2, 4), v) for v in (1.0, 2.0, 3.0)])
    stimulus = np.arange(5 * 2 * 4, dtype=float).reshape(5, 2, 4)
    out = remove_baseline(np.concatenate([baseline, stimulus]), 3)
    np.testing.assert_array_equal(out, stimulus - 2.0)
    with pytest.raises(ValueError):
        remove_baseline(baseline, 3)
