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
    # a feature constant in training is only shifted (its zero deviation counts as 1)
    np.testing.assert_array_equal(apply_normalization(np.full((1, 3), 4.0), norm), 3.0)
    message = r"statistics of shape \(1, 3\) do not fit features of shape \(2, 4\)"
    with pytest.raises(ValueError, match=message):
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


def test_statistics_of_float32_features_are_float64():
    # float32 DE features of a large offset: the statistics saved beside the weights keep
    # float64 precision, whatever the features' dtype
    features = (1000.0 + np.array([[0.0], [1e-4], [2e-4]])).astype(np.float32)
    norm = fit_normalization(features)
    assert norm.mean.dtype == norm.scale.dtype == np.float64
    np.testing.assert_allclose(norm.mean, features.astype(np.float64).mean(), rtol=1e-15)
