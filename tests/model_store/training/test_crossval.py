"""run_folds: test predictions, also of views of the test samples."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from core.cards import ModelCard, load_card
from model_store.training.crossval import run_folds
from model_store.training.datasets.base import Trial
from model_store.training.loop import TrainConfig, cross_entropy_loss
from model_store.training.protocols import Fold
from model_store.training.samples import Samples
from model_store.training.standardise import without_stats


class _Linear(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.layer = nn.Linear(2, 2)

    def forward(self, eeg: torch.Tensor) -> torch.Tensor:
        return self.layer(eeg)


def _linear(card: ModelCard) -> nn.Module:
    return _Linear()


def test_views_are_predicted_beside_the_test_samples() -> None:
    rng = np.random.default_rng(0)
    targets = np.repeat([0, 1, 0, 1], 50).astype(np.int64)
    x = np.stack([np.where(targets == 1, 3.0, -3.0), rng.normal(size=200)], axis=1)
    trials = [Trial("s1", 1, k + 1, str(k % 2), {}) for k in range(4)]
    samples = Samples(
        inputs={"eeg": (x + rng.normal(scale=0.3, size=x.shape)).astype(np.float32)},
        targets=targets,
        trial_index=np.repeat(np.arange(4), 50),
        trials=trials,
    )

    def blank_first(s: Samples) -> Samples:
        eeg = s.inputs["eeg"].copy()
        eeg[:, 0] = 0.0
        return Samples({"eeg": eeg}, s.targets, s.trial_index, s.trials)

    (run,) = run_folds(
        without_stats(load_card("maet")),
        samples,
        [Fold("1-2 -> 3-4", [0, 1], [2, 3])],
        TrainConfig(epochs=30, batch_size=20, lr=0.1, weight_decay=0.0),
        _linear,
        cross_entropy_loss,
        watch_epochs=[30],
        views={"blank": blank_first},
    )
    assert np.mean(run.predictions[30] == run.targets) == 1.0
    blank = run.view_predictions["blank"][30]
    assert blank.shape == run.targets.shape
    assert np.mean(blank == run.targets) < 0.9
