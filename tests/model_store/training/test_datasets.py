from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import scipy.io

from model_store.training.datasets import load_dataset
from model_store.training.datasets.seed import SEED_IV_SESSION_LABELS

REAL_SEED = Path(__file__).resolve().parents[3] / "../shared/data/seed-one-session"


def test_seed_layout(seed_dir: Path) -> None:
    ds = load_dataset("seed", seed_dir)
    assert ds.labels == ["negative", "neutral", "positive"]
    assert len(ds.trials) == 18
    keys = [(t.subject, t.session, t.trial) for t in ds.trials]
    assert keys[:2] == [("1", 1, 1), ("1", 1, 2)]
    assert ("1", 2, 6) in keys and ("2", 1, 1) in keys
    assert [t.label for t in ds.trials[:3]] == ["positive", "neutral", "negative"]
    first = ds.trials[0].signals["eeg"]
    assert first.stream.data.shape == (12, 62, 5)
    assert (first.stage, first.bands, first.window_s, first.montage) == (
        "lds_smooth",
        "seed",
        1.0,
        "seed62",
    )
    raw = scipy.io.loadmat(seed_dir / "1_20140101.mat")["de_LDS1"]
    np.testing.assert_array_equal(first.stream.data[3, 10], raw[10, 3])


def test_seed_iv_layout(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    for session in (1, 3):
        folder = tmp_path / "eeg_feature_smooth" / str(session)
        folder.mkdir(parents=True)
        mat = {f"de_LDS{k}": rng.random((62, 3 + k, 5)) for k in range(1, 25)}
        scipy.io.savemat(folder / "7_20150101.mat", mat)
    ds = load_dataset("seed-iv", tmp_path)
    assert len(ds.trials) == 48
    assert {t.session for t in ds.trials} == {1, 3}
    last = ds.trials[-1]
    assert (last.subject, last.session, last.trial) == ("7", 3, 24)
    assert last.label == ds.labels[SEED_IV_SESSION_LABELS[3][23]]
    assert last.signals["eeg"].stream.data.shape == (27, 62, 5)
    assert last.signals["eeg"].window_s == 4.0


def test_seed_vii_layout(tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    (tmp_path / "EEG_features").mkdir()
    mat = {f"de_LDS_{k}": rng.random((4, 5, 62)) for k in range(1, 41)}
    scipy.io.savemat(tmp_path / "EEG_features" / "3.mat", mat)
    emotions = ["happy", "sad", "fear", "disgust", "surprise", "anger", "neutral"]
    rows = [f"{k},{emotions[k % 7].capitalize()}" for k in range(1, 81)]
    (tmp_path / "clip_labels.csv").write_text("clip,emotion\n" + "\n".join(rows) + "\n")
    ds = load_dataset("seed-vii", tmp_path)
    assert len(ds.trials) == 40
    clip_22 = ds.trials[21]
    assert (clip_22.session, clip_22.trial, clip_22.label) == (2, 2, emotions[22 % 7])
    np.testing.assert_array_equal(
        clip_22.signals["eeg"].stream.data[1, :, 3], mat["de_LDS_22"][1, 3, :]
    )


def test_seed_vii_needs_clip_labels(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="clip,emotion"):
        load_dataset("seed-vii", tmp_path)


def test_unknown_dataset(tmp_path: Path) -> None:
    with pytest.raises(KeyError, match="known"):
        load_dataset("nope", tmp_path)


def test_real_seed_session() -> None:
    if not REAL_SEED.is_dir():
        pytest.skip("shared SEED data not available")
    ds = load_dataset("seed", REAL_SEED)
    lengths = [t.signals["eeg"].stream.data.shape[0] for t in ds.trials]
    assert lengths == [235, 233, 206, 238, 185, 195, 237, 216, 265]
    assert [t.label for t in ds.trials].count("positive") == 3
