from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from torch import nn

from model_store.training.datasets import Trial
from model_store.training.loop import (
    ChannelLayout,
    TrainConfig,
    WeightAverage,
    accuracy,
    augment,
    fit,
    seed_everything,
)
from model_store.training.samples import Samples


class TinyNet(nn.Module):
    """Stand-in model: one hidden layer with dropout over a 4-vector input ``x``."""

    def __init__(self) -> None:
        super().__init__()
        self.net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Dropout(0.2), nn.Linear(8, 2))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


def _samples(seed: int, n_trials: int = 6, per_trial: int = 20) -> Samples:
    """Two separable classes: class 1 has +2 on feature 0; trials alternate classes."""
    rng = np.random.default_rng(seed)
    targets = np.repeat(np.arange(n_trials) % 2, per_trial)
    x = rng.normal(size=(len(targets), 4)).astype(np.float32)
    x[:, 0] += 2.0 * targets
    trials = [Trial("1", 1, k + 1, "ab"[k % 2]) for k in range(n_trials)]
    return Samples({"x": x}, targets, np.repeat(np.arange(n_trials), per_trial), trials)


def _train(config: TrainConfig, **kwargs: object) -> tuple[TinyNet, object]:
    seed_everything(config.seed)
    model = TinyNet()
    return model, fit(model, _samples(0), config, **kwargs)


def test_fit_learns_and_records_watch_predictions() -> None:
    test = _samples(1, n_trials=2)
    model, history = _train(TrainConfig(epochs=15, batch_size=16, lr=1e-2), watch={"test": test})
    assert accuracy(model, test) > 0.9
    assert len(history.train_loss) == 15 and history.train_loss[-1] < history.train_loss[0]
    assert sorted(history.predictions["test"]) == list(range(1, 16))
    assert history.predictions["test"][15].shape == (40,)
    assert history.best_epoch == 15


def test_fit_is_reproducible() -> None:
    config = TrainConfig(epochs=3, batch_size=16, seed=7)
    a, _ = _train(config)
    b, _ = _train(config)
    c, _ = _train(TrainConfig(epochs=3, batch_size=16, seed=8))
    for name, value in a.state_dict().items():
        torch.testing.assert_close(value, b.state_dict()[name], rtol=0, atol=0)
    assert not torch.equal(a.net[0].weight, c.net[0].weight)


def test_validation_selects_epoch_and_patience_stops() -> None:
    val = _samples(2, n_trials=2)
    model, history = _train(TrainConfig(epochs=40, batch_size=16, patience=3), val=val)
    assert len(history.val_accuracy) < 40
    assert len(history.val_accuracy) - history.best_epoch == 3
    assert accuracy(model, val) == max(history.val_accuracy)


def test_resume_from_checkpoint_matches_uninterrupted(tmp_path: Path) -> None:
    path = tmp_path / "ckpt.pt"
    full, _ = _train(TrainConfig(epochs=4, batch_size=16))
    _train(TrainConfig(epochs=2, batch_size=16), checkpoint=path)
    seed_everything(0)
    resumed = TinyNet()
    history = fit(
        resumed, _samples(0), TrainConfig(epochs=4, batch_size=16), checkpoint=path, resume=True
    )
    assert len(history.train_loss) == 4
    for name, value in full.state_dict().items():
        torch.testing.assert_close(value, resumed.state_dict()[name])


def test_sample_every_fits_on_fewer_samples() -> None:
    samples = _samples(0)
    assert len(samples.every(4)) == 6 * 5
    assert samples.every(4).trial_index.tolist()[:6] == [0] * 5 + [1]


def test_channel_masking_zeroes_whole_channels_and_noise_has_its_spread() -> None:
    # two samples of 3 channels x 2 features, channel-major flat (as MAET's 310)
    x = torch.arange(1.0, 13.0).reshape(2, 6)
    layout = ChannelLayout("x", n_channels=3, n_features=2)
    generator = torch.Generator().manual_seed(0)
    masked = augment({"x": x}, TrainConfig(mask_channels=0.5), layout, generator)["x"]
    channels = masked.reshape(2, 3, 2)
    zeroed = (channels == 0).all(dim=-1)
    assert zeroed.any() and not zeroed.all()
    kept = ~zeroed
    np.testing.assert_array_equal(channels[kept], x.reshape(2, 3, 2)[kept])
    assert augment({"x": x}, TrainConfig(mask_channels=1.0), layout, generator)["x"].eq(0).all()
    big = torch.zeros(20_000, 6)
    noisy = augment({"x": big}, TrainConfig(noise=0.5), None, generator)["x"]
    assert abs(float(noisy.std()) - 0.5) < 0.01


def test_weight_average_is_the_mean_of_the_averaged_epochs() -> None:
    model = nn.Linear(2, 1)
    average = WeightAverage(model, first_epoch=2)
    for epoch, value in enumerate([10.0, 1.0, 2.0, 6.0], start=1):
        nn.init.constant_(model.weight, value)
        average.update(model, epoch)
    averaged = average.model(model, 4)
    torch.testing.assert_close(averaged.weight, torch.full((1, 2), 3.0))  # (1 + 2 + 6) / 3
    assert float(model.weight[0, 0]) == 6.0  # the model itself is left as it is
    average.apply(model)
    assert float(model.weight[0, 0]) == 3.0


def test_cosine_schedule_changes_the_result_and_averaging_is_kept() -> None:
    constant, _ = _train(TrainConfig(epochs=6, batch_size=16, lr=1e-2))
    cosine, _ = _train(TrainConfig(epochs=6, batch_size=16, lr=1e-2, schedule="cosine"))
    assert not torch.equal(constant.net[0].weight, cosine.net[0].weight)
    averaged, _ = _train(
        TrainConfig(epochs=6, batch_size=16, lr=1e-2, schedule="cosine", average_last=3)
    )
    assert accuracy(averaged, _samples(1)) > 0.8  # the best possible is 0.84 (Phi(1))
