from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import scipy.io

from core.cards import load_card
from model_store.training.datasets import load_dataset
from model_store.training.samples import build_samples, trial_inputs


def test_maet_inputs_from_seed_features(seed_dir: Path) -> None:
    card = load_card("maet")
    samples = build_samples(card, load_dataset("seed", seed_dir))
    assert samples.inputs["eeg"].shape == (3 * 65, 310)
    assert samples.inputs["eeg"].dtype == np.float32
    assert np.bincount(samples.targets).tolist() == [3 * 20, 3 * 23, 3 * 22]
    # clip 1 of the first file; every fixture window spans [0, 1], so the card's
    # per-window min-max step leaves it unchanged; 310 = channel-major (channel 4's bands at 20-24)
    raw = scipy.io.loadmat(seed_dir / "1_20140101.mat")["de_LDS1"]
    np.testing.assert_allclose(samples.inputs["eeg"][7, 20:25], raw[4, 7, :], rtol=1e-6)
    assert samples.trials[samples.trial_index[0]].trial == 1
    assert samples.targets[0] == card.labels.index("positive")


def test_strnn_stacks_nine_windows_within_each_clip(seed_dir: Path) -> None:
    card = load_card("strnn")
    samples = build_samples(card, load_dataset("seed", seed_dir))
    lengths = [12, 10, 11, 9, 13, 10]
    assert samples.inputs["eeg"].shape == (3 * sum(n - 8 for n in lengths), 9, 62, 5)
    raw = scipy.io.loadmat(seed_dir / "1_20140101.mat")["de_LDS2"]
    first_of_clip2 = np.flatnonzero(samples.trial_index == 1)[0]
    np.testing.assert_allclose(
        samples.inputs["eeg"][first_of_clip2 + 1, :, 3, 2], raw[3, 1:10, 2], rtol=1e-6
    )
    thinned = samples.every(3)
    assert len(thinned) == 3 * sum(len(range(0, n - 8, 3)) for n in lengths)


def test_features_made_otherwise_are_refused(tmp_path: Path) -> None:
    folder = tmp_path / "eeg_feature_smooth" / "1"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    mats = {f"de_LDS{k}": rng.random((62, 3, 5)) for k in range(1, 25)}
    scipy.io.savemat(folder / "1_1.mat", mats)
    trial = load_dataset("seed-iv", tmp_path).trials[0]
    with pytest.raises(ValueError, match=r"4\.0 s windows"):
        trial_inputs(load_card("maet"), trial)
