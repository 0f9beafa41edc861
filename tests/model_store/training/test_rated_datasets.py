from __future__ import annotations

import pickle
from pathlib import Path

import mne
import numpy as np
import pytest
import scipy.io

from core.cards import load_card, montage_channels
from model_store.training.datasets import load_dataset
from model_store.training.datasets.ratings import rating_label
from model_store.training.protocols import make_folds
from model_store.training.samples import trial_inputs

# (valence, arousal) of the fixture trials
RATINGS = [(7.0, 2.0), (3.0, 8.0), (5.0, 5.0)]


def test_rating_rules() -> None:
    assert [rating_label(v, a, "valence") for v, a in RATINGS] == ["high", "low", "high"]
    assert [rating_label(v, a, "arousal") for v, a in RATINGS] == ["low", "high", "high"]
    assert [rating_label(v, a, "quadrant") for v, a in RATINGS] == ["HVLA", "LVHA", "LVLA"]
    with pytest.raises(ValueError, match="quadrant"):
        rating_label(1, 1, "dominance")


def test_deap_layout(tmp_path: Path) -> None:
    folder = tmp_path / "data_preprocessed_python"
    folder.mkdir()
    rng = np.random.default_rng(0)
    data = rng.normal(size=(3, 40, 8064)).astype(np.float32)
    data[:, 36] += 1000.0  # GSR row
    labels = np.array([[v, a, 5.0, 5.0] for v, a in RATINGS])
    for subject in ("s01", "s02"):
        with open(folder / f"{subject}.dat", "wb") as fid:
            pickle.dump({"data": data, "labels": labels}, fid, protocol=2)
    ds = load_dataset("deap", tmp_path, task="arousal")
    assert [t.label for t in ds.trials] == ["low", "high", "high"] * 2
    trial = ds.trials[1]
    assert (trial.subject, trial.trial) == ("s01", 2)
    eeg, eda = trial.signals["eeg"], trial.signals["eda"]
    assert eeg.stream.data.shape == (32, 8064) and eeg.stream.sfreq == 128.0
    assert eeg.channels == montage_channels("deap32")
    np.testing.assert_allclose(eda.stream.data[0], data[1, 36])
    # AIMSTF-SSFF's EEG recipe runs on it: the 3 baseline windows are removed
    card = load_card("aimstf_ssff").model_copy()
    card.inputs = [spec for spec in card.inputs if spec.modality == "eeg"]
    windows = trial_inputs(card, trial)["eeg"]
    assert windows.shape == (60, 32, 128)
    folds = make_folds("per-subject-trial-split", ds.trials, seed=1)
    assert [len(f.test) for f in folds] == [1, 1]  # 3 trials, half rounded to 2 train


def test_amigos_layout(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    videos = np.empty((1, 20), dtype=object)
    ratings = np.empty((1, 20), dtype=object)
    for k in range(20):
        videos[0, k] = rng.normal(size=(640 + k, 17))
        arousal, valence = (2.0, 8.0) if k % 2 else (8.0, 2.0)
        ratings[0, k] = np.array([[arousal, valence, 5, 5, 1, 0, 0, 0, 0, 0, 0, 0]])
    videos[0, 3] = np.zeros((0, 17))  # a missing recording
    folder = tmp_path / "Data_Preprocessed_P07"
    folder.mkdir()
    scipy.io.savemat(
        folder / "Data_Preprocessed_P07.mat",
        {"joined_data": videos, "labels_selfassessment": ratings},
    )
    ds = load_dataset("amigos", tmp_path, task="valence")
    assert len(ds.trials) == 15  # 16 short videos, one empty
    first = ds.trials[0]
    assert (first.subject, first.trial, first.label) == ("P07", 1, "low")
    assert ds.trials[1].label == "high"
    np.testing.assert_allclose(first.signals["eda"].stream.data[0], videos[0, 0][:, 16])
    assert first.signals["eeg"].stream.data.shape == (14, 640)


def _mahnob_session(folder: Path, subject: int, valence: int, arousal: int) -> None:
    folder.mkdir(parents=True)
    (folder / "session.xml").write_text(
        f'<session sessionId="{folder.name}" feltVlnc="{valence}" feltArsl="{arousal}">'
        f'<subject id="{subject}"/></session>'
    )
    sfreq, n = 256.0, (256 * 65)
    names = [*montage_channels("deap32"), "GSR1"]
    t = np.arange(n) / sfreq
    data = np.tile(20e-6 * np.sin(2 * np.pi * 10 * t), (len(names), 1))
    data[-1] = 1e-3 * t  # a slow GSR ramp
    info = mne.create_info(names, sfreq, ["eeg"] * 32 + ["misc"])
    mne.export.export_raw(folder / "Part_1_S_Trial1.bdf", mne.io.RawArray(data, info), fmt="bdf")


def test_mahnob_layout(tmp_path: Path) -> None:
    _mahnob_session(tmp_path / "Sessions" / "12", 3, 8, 2)
    _mahnob_session(tmp_path / "Sessions" / "4", 3, 2, 8)
    (tmp_path / "Sessions" / "5").mkdir()
    (tmp_path / "Sessions" / "5" / "session.xml").write_text('<session sessionId="5"/>')
    ds = load_dataset("mahnob-hci", tmp_path, task="quadrant")
    assert [(t.subject, t.trial, t.label) for t in ds.trials] == [
        ("3", 1, "LVHA"),
        ("3", 2, "HVLA"),
    ]
    eeg = ds.trials[0].signals["eeg"]
    assert eeg.stream.data.shape[1] == 5 * 256  # the 30-s margins removed
    fp1 = eeg.channels.index("Fp1")
    assert np.abs(eeg.stream.data[fp1]).max() == pytest.approx(20.0, rel=0.01)  # µV
