"""Small fixtures written in each data set's distributed layout."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import scipy.io

# Clip lengths (windows) and labels of the SEED fixture: 2 subjects, subject 1 with two
# sessions; labels in SEED's -1/0/1 coding.
SEED_CLIP_WINDOWS = [12, 10, 11, 9, 13, 10]
SEED_LABELS = [1, 0, -1, -1, 0, 1]


def seed_features(rng: np.random.Generator, n_windows: int, label: int) -> np.ndarray:
    """``62 x n_windows x 5`` features whose band 2 mean moves with the label.

    Like the distributed SEED features, every window's 310 values span [0, 1].
    """
    x = rng.uniform(0.0, 0.5, size=(62, n_windows, 5))
    x[:, :, 2] += 0.25 * (label + 1)
    x[0, :, 0], x[1, :, 1] = 0.0, 1.0
    return x


@pytest.fixture(autouse=True)
def one_torch_thread() -> None:
    """Tiny models run fastest on one thread (the machine's cores are shared)."""
    import torch

    torch.set_num_threads(1)


@pytest.fixture
def seed_dir(tmp_path: Path) -> Path:
    """SEED ``ExtractedFeatures`` layout: 3 subject-sessions of 6 clips."""
    rng = np.random.default_rng(0)
    folder = tmp_path / "ExtractedFeatures"
    folder.mkdir()
    scipy.io.savemat(folder / "label.mat", {"label": np.array([SEED_LABELS])})
    for stem in ["1_20140101", "1_20140205", "2_20140103"]:
        mat = {}
        for k, (n, label) in enumerate(zip(SEED_CLIP_WINDOWS, SEED_LABELS, strict=True), 1):
            mat[f"de_LDS{k}"] = seed_features(rng, n, label)
            mat[f"de_movingAve{k}"] = mat[f"de_LDS{k}"] + 1.0
        scipy.io.savemat(folder / f"{stem}.mat", mat)
    return folder
