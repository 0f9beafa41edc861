"""The training loop: seeded, with a progress bar, checkpoints and epoch selection.

An epoch is selected only on an inner validation set made of training trials
(`model_store.training.protocols.inner_split`); test trials are evaluated after every
epoch for the record but never steer training.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path

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
        AdamW learning rate (constant).
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
    """

    epochs: int = 50
    batch_size: int = 64
    lr: float = 1e-3
    weight_decay: float = 1e-2
    patience: int = 0
    seed: int = 0
    clip_norm: float = 0.0
    sample_every: int = 1


@dataclass
class History:
    """What happened in each epoch of one fit."""

    train_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    predictions: dict[str, dict[int, NDArray[np.int64]]] = field(default_factory=dict)
    best_epoch: int = 0


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

    Returns
    -------
    history : History
    """
    generator = torch.Generator().manual_seed(config.seed)
    optimizer = torch.optim.AdamW(
        model.parameters(), lr=config.lr, weight_decay=config.weight_decay
    )
    history = History(predictions={name: {} for name in watch or {}})
    best_state, best_key, start = copy.deepcopy(model.state_dict()), (-1.0, 0.0), 0
    if resume and checkpoint is not None and checkpoint.is_file():
        state = torch.load(checkpoint, weights_only=False)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        generator.set_state(state["generator"])
        torch.set_rng_state(state["torch_rng"])
        history, best_state, best_key, start = (
            state["history"],
            state["best_state"],
            state["best_key"],
            state["epoch"],
        )
    train = train.every(config.sample_every)
    targets = torch.from_numpy(train.targets)
    subjects = [train.trials[i].subject for i in train.trial_index]
    domains = torch.from_numpy(np.unique(subjects, return_inverse=True)[1].astype(np.int64))
    n_batches = max(1, -(-len(train) // config.batch_size))
    bar = tqdm(range(start, config.epochs), desc=desc, unit="epoch", leave=False)
    for epoch in bar:
        model.train()
        order = torch.randperm(len(train), generator=generator).numpy()
        total = 0.0
        for b in range(n_batches):
            index = order[b * config.batch_size : (b + 1) * config.batch_size]
            progress = (epoch + b / n_batches) / config.epochs
            loss = loss_fn(model, _tensors(train, index), targets[index], domains[index], progress)
            optimizer.zero_grad()
            loss.backward()
            if config.clip_norm:
                nn.utils.clip_grad_norm_(model.parameters(), config.clip_norm)
            optimizer.step()
            total += float(loss.detach()) * len(index)
        history.train_loss.append(total / len(train))
        if watch_epochs is None or epoch + 1 in watch_epochs:
            for name, samples in (watch or {}).items():
                history.predictions[name][epoch + 1] = predict(model, samples).argmax(1)
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
    return history
