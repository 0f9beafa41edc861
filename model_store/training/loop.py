"""The training loop: seeded, with a progress bar, checkpoints and epoch selection.

An epoch is selected only on an inner validation set made of training trials
(`model_store.training.protocols.inner_split`); test trials are evaluated after every
epoch for the record but never steer training.
"""

from __future__ import annotations

import copy
import math
import random
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, get_args

import numpy as np
import torch
from numpy.typing import NDArray
from torch import nn
from tqdm import tqdm

from model_store.training.samples import Samples

LossFn = Callable[
    [nn.Module, dict[str, torch.Tensor], torch.Tensor, torch.Tensor, float], torch.Tensor
]
"""``loss_fn(model, inputs, targets, domains, progress)``: ``domains`` numbers the
training subjects 0..D-1 (for domain-adversarial terms), ``progress`` is in [0, 1)."""

Schedule = Literal["constant", "cosine"]
SCHEDULES: tuple[str, ...] = get_args(Schedule)


@dataclass(frozen=True)
class TrainConfig:
    """Optimisation settings.

    Attributes
    ----------
    epochs : int
        Maximum number of passes over the training samples.
    batch_size : int
        Samples per optimiser step.
    lr : float
        AdamW learning rate: constant, or the peak of the cosine schedule.
    weight_decay : float
        AdamW decoupled weight decay.
    patience : int
        Stop after this many epochs without a better validation accuracy (0: never).
    seed : int
        Seeds the weights' initialisation, the batch order and dropout.
    clip_norm : float
        Clip the gradients' global norm to this value (0: no clipping).
    sample_every : int
        Fit on every n-th sample of each trial only (overlapping stacks of windows
        are nearly duplicates); evaluation always uses every sample.
    schedule : {"constant", "cosine"}
        Learning rate over the optimiser steps: constant, or a cosine decay from
        ``lr`` to 0 over ``epochs`` (with a constant rate, accuracy on later trials
        swings widely from one epoch to the next).
    noise : float
        Standard deviation of Gaussian noise added to every input value in training
        (inputs are z-scored, so this is in units of a feature's spread).
    mask_channels : float
        Probability that an EEG channel is set to 0 (its training mean, "missing") in a
        training sample; needs the channel layout given to `fit`.
    average_last : int
        Average the weights at the end of each of the last ``average_last`` epochs
        (stochastic weight averaging) and keep the average (0: the last weights). With
        inner validation trials the selected epoch's weights are kept instead.
    """

    epochs: int = 50
    batch_size: int = 64
    lr: float = 1e-3
    weight_decay: float = 1e-2
    patience: int = 0
    seed: int = 0
    clip_norm: float = 0.0
    sample_every: int = 1
    schedule: Schedule = "constant"
    noise: float = 0.0
    mask_channels: float = 0.0
    average_last: int = 0


@dataclass
class History:
    """What happened in each epoch of one fit."""

    train_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    predictions: dict[str, dict[int, NDArray[np.int64]]] = field(default_factory=dict)
    best_epoch: int = 0


@dataclass(frozen=True)
class ChannelLayout:
    """Where an input's EEG channels are, for channel masking.

    The input ``name`` of shape ``(n_samples, ...)`` is viewed as ``(n_samples, -1,
    n_channels, n_features)``: channel-major flat features (MAET's 310) or stacks of
    per-channel features (STRNN's ``(9, 62, 5)``).
    """

    name: str
    n_channels: int
    n_features: int


def augment(
    inputs: dict[str, torch.Tensor],
    config: TrainConfig,
    layout: ChannelLayout | None,
    generator: torch.Generator,
) -> dict[str, torch.Tensor]:
    """Training inputs with masked channels and Gaussian noise, as ``config`` asks."""
    out = dict(inputs)
    if config.mask_channels and layout is not None:
        x = out[layout.name]
        grouped = x.reshape(len(x), -1, layout.n_channels, layout.n_features)
        keep = torch.rand(len(x), 1, layout.n_channels, 1, generator=generator)
        out[layout.name] = (grouped * (keep >= config.mask_channels)).reshape(x.shape)
    if config.noise:
        out = {
            name: x + config.noise * torch.randn(x.shape, generator=generator)
            for name, x in out.items()
        }
    return out


class WeightAverage:
    """The mean of a model's weights at the end of epochs ``first_epoch`` onwards.

    A ``first_epoch`` after the last epoch averages nothing.

    Floating-point parameters and buffers are averaged; integer buffers (batch counts)
    keep their latest value.
    """

    def __init__(self, model: nn.Module, first_epoch: int) -> None:
        self.first_epoch = max(1, first_epoch)
        self.count = 0
        self.state: dict[str, torch.Tensor] = {}

    def update(self, model: nn.Module, epoch: int) -> None:
        """Add the weights after ``epoch`` (from 1) when it is an averaged epoch."""
        if epoch < self.first_epoch:
            return
        self.count += 1
        for key, value in model.state_dict().items():
            value = value.detach().clone()
            if key in self.state and value.is_floating_point():
                self.state[key] += (value - self.state[key]) / self.count
            else:
                self.state[key] = value

    def model(self, model: nn.Module, epoch: int) -> nn.Module:
        """``model`` itself, or after an averaged epoch a copy holding the average."""
        if not self.count or epoch < self.first_epoch:
            return model
        averaged = copy.deepcopy(model)
        averaged.load_state_dict(self.state)
        return averaged

    def apply(self, model: nn.Module) -> None:
        """Load the average into ``model`` (nothing when no epoch was averaged)."""
        if self.count:
            model.load_state_dict(self.state)


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and torch, and make torch pick deterministic kernels."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True, warn_only=True)


def cross_entropy_loss(
    model: nn.Module,
    inputs: dict[str, torch.Tensor],
    targets: torch.Tensor,
    domains: torch.Tensor,
    progress: float,
) -> torch.Tensor:
    """Cross-entropy of the model's logits (the loss of models without extra terms)."""
    return nn.functional.cross_entropy(model(**inputs), targets)


def _tensors(samples: Samples, index: NDArray[np.int64] | slice) -> dict[str, torch.Tensor]:
    return {name: torch.from_numpy(x[index]) for name, x in samples.inputs.items()}


def predict(model: nn.Module, samples: Samples, batch_size: int = 256) -> NDArray[np.float32]:
    """Class probabilities of every sample, ``(n_samples, n_classes)``."""
    model.eval()
    out = []
    with torch.no_grad():
        for start in range(0, len(samples), batch_size):
            logits = model(**_tensors(samples, slice(start, start + batch_size)))
            out.append(torch.softmax(logits, dim=-1).numpy())
    return np.concatenate(out)


def accuracy(model: nn.Module, samples: Samples) -> float:
    """Fraction of samples whose most probable class is the target."""
    return float(np.mean(predict(model, samples).argmax(1) == samples.targets))


def fit(
    model: nn.Module,
    train: Samples,
    config: TrainConfig,
    val: Samples | None = None,
    watch: dict[str, Samples] | None = None,
    watch_epochs: Collection[int] | None = None,
    loss_fn: LossFn = cross_entropy_loss,
    checkpoint: Path | None = None,
    resume: bool = False,
    desc: str = "train",
    on_epoch: Callable[[int], None] | None = None,
    layout: ChannelLayout | None = None,
) -> History:
    """Train ``model`` in place and leave it at the selected epoch.

    Parameters
    ----------
    model : nn.Module
        Freshly initialised model; ``model(**inputs)`` returns logits.
    train : Samples
        Training samples.
    config : TrainConfig
        Optimisation settings.
    val : Samples or None
        Inner validation samples (training trials held out). With them the model is
        restored to the epoch of best validation accuracy; without, the last epoch.
    watch : dict of str to Samples, optional
        Sets whose predicted classes are recorded, by epoch number (test folds).
    watch_epochs : collection of int, optional
        Epoch numbers (from 1) after which ``watch`` is predicted; None: every epoch.
    loss_fn : LossFn
        The training loss.
    checkpoint : Path or None
        Saved after every epoch (model, optimiser, RNG states, history).
    resume : bool
        Continue from ``checkpoint`` when that file exists.
    desc : str
        Label of the progress bar.
    on_epoch : callable, optional
        Called with the number of epochs done after each epoch (progress reports); an
        exception it raises stops the training (a cancelled job).
    layout : ChannelLayout, optional
        The EEG channels of the inputs, for ``config.mask_channels``.

    Returns
    -------
    history : History
    """
    generator = torch.Generator().manual_seed(config.seed)
    optimizer = torch.optim.AdamW(
        model.parameters(), lr=config.lr, weight_decay=config.weight_decay
    )
    train = train.every(config.sample_every)
    n_batches = max(1, -(-len(train) // config.batch_size))
    total_steps = config.epochs * n_batches
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer,
        lambda step: (
            0.5 * (1.0 + math.cos(math.pi * min(step, total_steps) / total_steps))
            if config.schedule == "cosine"
            else 1.0
        ),
    )
    average = WeightAverage(model, first_epoch=config.epochs - config.average_last + 1)
    history = History(predictions={name: {} for name in watch or {}})
    best_state, best_key, start = copy.deepcopy(model.state_dict()), (-1.0, 0.0), 0
    if resume and checkpoint is not None and checkpoint.is_file():
        state = torch.load(checkpoint, weights_only=False)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        average.count, average.state = state["average"]
        generator.set_state(state["generator"])
        torch.set_rng_state(state["torch_rng"])
        history, best_state, best_key, start = (
            state["history"],
            state["best_state"],
            state["best_key"],
            state["epoch"],
        )
    targets = torch.from_numpy(train.targets)
    subjects = [train.trials[i].subject for i in train.trial_index]
    domains = torch.from_numpy(np.unique(subjects, return_inverse=True)[1].astype(np.int64))
    bar = tqdm(range(start, config.epochs), desc=desc, unit="epoch", leave=False)
    for epoch in bar:
        model.train()
        order = torch.randperm(len(train), generator=generator).numpy()
        total = 0.0
        for b in range(n_batches):
            index = order[b * config.batch_size : (b + 1) * config.batch_size]
            progress = (epoch + b / n_batches) / config.epochs
            inputs = augment(_tensors(train, index), config, layout, generator)
            loss = loss_fn(model, inputs, targets[index], domains[index], progress)
            optimizer.zero_grad()
            loss.backward()
            if config.clip_norm:
                nn.utils.clip_grad_norm_(model.parameters(), config.clip_norm)
            optimizer.step()
            scheduler.step()
            total += float(loss.detach()) * len(index)
        history.train_loss.append(total / len(train))
        average.update(model, epoch + 1)
        if watch_epochs is None or epoch + 1 in watch_epochs:
            for name, samples in (watch or {}).items():
                history.predictions[name][epoch + 1] = predict(
                    average.model(model, epoch + 1), samples
                ).argmax(1)
        postfix = {"loss": f"{history.train_loss[-1]:.4f}"}
        if val is not None:
            history.val_accuracy.append(accuracy(model, val))
            key = (history.val_accuracy[-1], -history.train_loss[-1])
            if key > best_key:
                best_key, best_state = key, copy.deepcopy(model.state_dict())
                history.best_epoch = epoch + 1
            postfix["val_acc"] = f"{history.val_accuracy[-1]:.3f}"
        else:
            history.best_epoch = epoch + 1
        bar.set_postfix(postfix)
        if checkpoint is not None:
            torch.save(
                {
                    "model": model.state_dict(),
                    "optimizer": optimizer.state_dict(),
                    "scheduler": scheduler.state_dict(),
                    "average": (average.count, average.state),
                    "generator": generator.get_state(),
                    "torch_rng": torch.get_rng_state(),
                    "history": history,
                    "best_state": best_state,
                    "best_key": best_key,
                    "epoch": epoch + 1,
                },
                checkpoint,
            )
        if on_epoch is not None:
            on_epoch(epoch + 1)
        if (
            val is not None
            and config.patience
            and epoch + 1 - history.best_epoch >= config.patience
        ):
            break
    if val is not None:
        model.load_state_dict(best_state)
    else:
        average.apply(model)
    return history
