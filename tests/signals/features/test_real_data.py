"""The feature functions on real recordings in ../shared/data (skipped when absent)."""

from pathlib import Path

import mne
import numpy as np
import pytest
from scipy.io import loadmat

from core.cards import RecipeStep
from signals.features.asymmetry import dasm, symmetric_pairs
from signals.features.grid import to_grid
from signals.recipe import Stream, run_recipe

SHARED = Path(__file__).resolve().parents[3] / "../shared/data"


def _need(path: Path) -> Path:
    if not path.is_file():
        pytest.skip(f"{path} is absent (shared data not available)")
    return path


def test_real_eeg_de_follows_the_falling_eeg_spectrum():
    raw = mne.io.read_raw_eeglab(
        _need(SHARED / "formats/eeglab_data.set"), preload=True, verbose="error"
    )
    stream = Stream(raw.get_data().astype(np.float32), raw.info["sfreq"])
    recipe = [
        RecipeStep(step="filter", params={"l_freq": 1.0, "h_freq": 50.0}),
        RecipeStep(step="average_reference"),
        RecipeStep(step="windows", params={"length_s": 1.0, "step_s": 1.0}),
        RecipeStep(step="differential_entropy", params={"bands": "seed"}),
    ]
    de = run_recipe(stream, recipe).data
    assert de.shape == (238, 32, 5)  # 238 s at 128 Hz, 32 channels
    delta, _, _, beta, gamma = de.mean(axis=(0, 1))
    assert delta > beta > gamma
    assert np.isfinite(de).all() and -14.0 < de.mean() < -7.0  # nats of V² band power


def test_seed_features_layout_grid_and_asymmetry():
    mat = loadmat(_need(SHARED / "seed-one-session/seed_subject_session_clips_1-9.mat"))
    flat = np.load(_need(SHARED / "seed-one-session/seed_subject_session_clips_1-9.npz"))
    de = mat["de_LDS1"].transpose(1, 0, 2)  # (windows, channels, bands)
    assert de.shape == (235, 62, 5)
    out = run_recipe(Stream(de, 1.0, np.arange(235.0)), [RecipeStep(step="flatten")])
    np.testing.assert_allclose(out.data, flat["X"][:235], atol=1e-6)  # channel-major 310
    image = to_grid(de)
    assert image.shape == (235, 5, 9, 9)
    assert np.count_nonzero(image[:, 0].reshape(235, -1).any(axis=0)) == 62
    left, right = np.array(symmetric_pairs()).T
    np.testing.assert_allclose(dasm(de), de[:, left] - de[:, right])
