from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import scipy.io

from core.cards import WEIGHTS_DIR, load_card
from model_store.training.datasets import load_dataset
from model_store.training.samples import build_samples, trial_inputs
from model_store.training.standardise import without_stats


def test_maet_inputs_from_seed_features(seed_dir: Path) -> None:
    card = load_card("maet")
    # training builds the samples without the z-scoring it fits (model_store.training.standardise)
    samples = build_samples(without_stats(card), load_dataset("seed", seed_dir))
    assert samples.inputs["eeg"].shape == (3 * 65, 310)
    assert samples.inputs["eeg"].dtype == np.float32
    assert np.bincount(samples.targets).tolist() == [3 * 20, 3 * 23, 3 * 22]
    # clip 1 of the first file; every fixture window spans [0, 1], so the card's
    # per-window min-max step leaves it unchanged; 310 = channel-major (channel 4's bands at 20-24)
    raw = scipy.io.loadmat(seed_dir / "1_20140101.mat")["de_LDS1"]
    np.testing.assert_allclose(samples.inputs["eeg"][7, 20:25], raw[4, 7, :], rtol=1e-6)
    # serving's recipe z-scores with the statistics shipped beside the weights
    served = build_samples(card, load_dataset("seed", seed_dir)).inputs["eeg"]
    with np.load(WEIGHTS_DIR / "maet_stats.npz") as stats:
        expected = (raw[4, 7, :] - stats["mean"][0, 4]) / stats["scale"][0, 4]
    np.testing.assert_allclose(served[7, 20:25], expected, rtol=1e-5)
    assert samples.trials[samples.trial_index[0]].trial == 1
    assert samples.targets[0] == card.labels.index("positive")


def test_strnn_stacks_nine_windows_within_each_clip(seed_dir: Path) -> None:
    card = load_card("strnn")
    samples = build_samples(without_stats(card), load_dataset("seed", seed_dir))
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


def test_a_training_sample_is_what_serving_makes_of_the_same_recording(tmp_path: Path) -> None:
    from core.cards import montage_channels
    from model_store.training.datasets import Signal, Trial
    from model_store.training.samples import serving_inputs
    from signals.feeding import prepare_inputs
    from signals.io import read_raw
    from signals.recipe import Stream

    # a 31-channel DEAP-order cap without Oz: serving interpolates it, so training must
    channels = [name for name in montage_channels("deap32") if name != "Oz"]
    rng = np.random.default_rng(0)
    data = rng.normal(0.0, 20.0, size=(31, 128 * 8))  # µV, 8 s at 128 Hz
    trial = Trial("s01", 1, 1, "HVHA", {"eeg": Signal(Stream(data, 128.0), channels=channels)})
    card = load_card("aimstf_ssff").model_copy()
    card.inputs = [card.input("eeg")]
    training = trial_inputs(card, trial)["eeg"]
    assert training.shape == (5, 32, 128)  # 8 one-second windows, 3 of baseline removed
    path = tmp_path / "upload.mat"
    scipy.io.savemat(path, {"data": data})
    options = {"sfreq": 128.0, "ch_names": channels, "unit": "uV", "variable": "data"}
    served = prepare_inputs(read_raw(path, options=options), card)
    np.testing.assert_allclose(training, served.arrays["eeg"], rtol=1e-5, atol=1e-4)
    np.testing.assert_array_equal(served.window_starts, [3.0, 4.0, 5.0, 6.0, 7.0])
    assert serving_inputs(card, trial).notes == served.notes
    assert any("Oz" in note for note in served.notes)
    oz = montage_channels("deap32").index("Oz")
    assert np.abs(training[:, oz]).mean() > 1.0  # interpolated from its neighbours, not zero
