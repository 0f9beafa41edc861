"""Cross-validation over a protocol's folds, and the choice of settings by it."""

from __future__ import annotations

import itertools
import multiprocessing
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from functools import partial

import numpy as np
from numpy.typing import NDArray
from torch import nn

from core.cards import ModelCard
from model_store.training.loop import LossFn, TrainConfig, fit, seed_everything
from model_store.training.protocols import Fold, inner_split
from model_store.training.samples import Samples
from model_store.training.standardise import channel_layout, fit_stats, standardise

Builder = Callable[[ModelCard], nn.Module]
LossFactory = Callable[..., LossFn]


@dataclass(frozen=True)
class FoldRun:
    """Test targets of one fold and the predicted classes by epoch number.

    ``view_predictions`` holds, per view of the test samples given to `run_folds`, the
    predicted classes by epoch number.
    """

    name: str
    targets: NDArray[np.int64]
    predictions: dict[int, NDArray[np.int64]]
    best_epoch: int
    view_predictions: dict[str, dict[int, NDArray[np.int64]]] = field(default_factory=dict)


@dataclass(frozen=True)
class Score:
    """Cross-validated accuracy of one setting.

    Attributes
    ----------
    settings : dict
        Optimisation and loss settings, with ``epochs`` the epoch count scored (None
        when each fold's epoch was selected on its inner validation trials).
    fold_accuracy : list of float
        Test accuracy of each fold.
    pooled_accuracy : float
        Accuracy over the test windows of all folds together.
    confusion : array, shape (n_classes, n_classes)
        Pooled counts, rows true class, columns predicted class.
    """

    settings: dict[str, float | int | None]
    fold_accuracy: list[float]
    pooled_accuracy: float
    confusion: NDArray[np.int64]

    @property
    def mean_accuracy(self) -> float:
        """Mean of the folds' accuracies."""
        return float(np.mean(self.fold_accuracy))

    @property
    def std_accuracy(self) -> float:
        """Standard deviation of the folds' accuracies."""
        return float(np.std(self.fold_accuracy))


def run_folds(
    card: ModelCard,
    samples: Samples,
    folds: list[Fold],
    config: TrainConfig,
    builder: Builder,
    loss_fn: LossFn,
    val_trials: int = 0,
    watch_epochs: list[int] | None = None,
    views: Mapping[str, Callable[[Samples], Samples]] | None = None,
) -> list[FoldRun]:
    """Train a fresh, identically seeded model per fold; record test predictions.

    Standardised inputs (`model_store.training.standardise`) are z-scored with
    statistics of the fold's fitting trials only. Test predictions are kept after the
    epochs ``watch_epochs`` (None: every epoch), also for each of ``views``: functions
    of the standardised test samples (e.g. with some channels filled as missing).
    """
    runs = []
    for k, fold in enumerate(folds):
        fit_ids, val_ids = inner_split(samples.trials, fold.train, val_trials, config.seed + k)
        scaled = standardise(samples, fit_stats(card, samples.select(fit_ids)))
        seed_everything(config.seed)
        model = builder(card)
        test = scaled.select(fold.test)
        seen = {name: view(test) for name, view in (views or {}).items()}
        history = fit(
            model,
            scaled.select(fit_ids),
            config,
            val=scaled.select(val_ids) if val_ids else None,
            watch={"test": test, **{f"view {name}": x for name, x in seen.items()}},
            watch_epochs=watch_epochs,
            loss_fn=loss_fn,
            desc=f"fold {k + 1}/{len(folds)} seed {config.seed}",
            layout=channel_layout(card),
        )
        runs.append(
            FoldRun(
                fold.name,
                test.targets,
                history.predictions["test"],
                history.best_epoch,
                {name: history.predictions[f"view {name}"] for name in seen},
            )
        )
    return runs


def score(runs: list[FoldRun], n_classes: int, epochs: int | None) -> Score:
    """Accuracy after ``epochs`` epochs in every fold (None: each fold's selected epoch)."""
    preds = [run.predictions[epochs or run.best_epoch] for run in runs]
    targets = np.concatenate([run.targets for run in runs])
    pooled = np.concatenate(preds)
    confusion = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(confusion, (targets, pooled), 1)
    return Score(
        settings={"epochs": epochs},
        fold_accuracy=[
            float(np.mean(p == run.targets)) for p, run in zip(preds, runs, strict=True)
        ],
        pooled_accuracy=float(np.mean(pooled == targets)),
        confusion=confusion,
    )


def grid(options: dict[str, list[float | int]]) -> list[dict[str, float | int]]:
    """Every combination of the listed values, in the order given."""
    keys = list(options)
    return [
        dict(zip(keys, values, strict=True)) for values in itertools.product(*options.values())
    ]


def _seed_runs(
    card: ModelCard,
    samples: Samples,
    folds: list[Fold],
    builder: Builder,
    loss_factory: LossFactory,
    loss_kw: dict[str, float | int],
    val_trials: int,
    watch: list[int] | None,
    config: TrainConfig,
) -> list[FoldRun]:
    """`run_folds` with the loss made here, so that a process pool can run it."""
    loss_fn = loss_factory(**loss_kw)
    return run_folds(card, samples, folds, config, builder, loss_fn, val_trials, watch)


def _one_thread() -> None:
    import torch

    torch.set_num_threads(1)


def _map(
    task: Callable[[TrainConfig], list[FoldRun]], configs: list[TrainConfig], jobs: int
) -> list[list[FoldRun]]:
    """``task`` of every config, in order: here, or in ``jobs`` spawned processes."""
    if jobs <= 1 or len(configs) == 1:
        return [task(config) for config in configs]
    context = multiprocessing.get_context("spawn")
    workers = min(jobs, len(configs))
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_one_thread) as pool:
        return list(pool.map(task, configs))


def _runs(config: TrainConfig, epochs: list[int], val_trials: int) -> list[tuple[int, list[int]]]:
    """The fits to run, as (epochs of the fit, epoch counts scored from it)."""
    counts = sorted(set(epochs))
    if val_trials or (config.schedule == "constant" and not config.average_last):
        return [(max(counts), counts)]
    return [(n, [n]) for n in counts]


def search(
    card: ModelCard,
    samples: Samples,
    folds: list[Fold],
    base: TrainConfig,
    options: dict[str, list[float | int]],
    epochs: list[int],
    builder: Builder,
    loss_factory: LossFactory,
    val_trials: int = 0,
    seeds: list[int] | None = None,
    jobs: int = 1,
) -> list[Score]:
    """Cross-validate every setting of ``options`` x ``epochs``, over seeds.

    ``options`` holds lists of `TrainConfig` fields (``lr``, ``weight_decay``,
    ``batch_size``, ``noise``, ...) and loss keywords (passed to ``loss_factory``).
    With a constant learning rate and no weight averaging, epoch counts are scored from
    one run of ``max(epochs)`` epochs per fold (stopping earlier gives the same model);
    otherwise (a cosine schedule decays over the epochs) each count is a run of its own.
    With ``val_trials`` the epoch is instead selected per fold on inner validation
    trials. Every fold is trained once per seed of ``seeds`` (default: ``base.seed``),
    and the score's fold accuracies hold every (seed, fold) run; with ``jobs`` > 1 the
    seeds train in that many processes at once (each with one torch thread).

    Returns
    -------
    scores : list of Score
        Best first (mean fold accuracy, then pooled accuracy, then fewer epochs).
    """
    fields = set(TrainConfig.__dataclass_fields__)
    scores = []
    for setting in grid(options):
        train_kw = {k: v for k, v in setting.items() if k in fields}
        loss_kw = {k: v for k, v in setting.items() if k not in fields}
        config = replace(base, **{"epochs": max(epochs), **train_kw})
        for n_epochs, scored in _runs(config, epochs, val_trials):
            watch = None if val_trials else scored
            configs = [
                replace(config, epochs=n_epochs, seed=seed) for seed in seeds or [base.seed]
            ]
            task = partial(
                _seed_runs, card, samples, folds, builder, loss_factory, loss_kw, val_trials, watch
            )
            runs = [run for seed_runs in _map(task, configs, jobs) for run in seed_runs]
            for n in [None] if val_trials else scored:
                result = score(runs, len(card.labels), n)
                scores.append(replace(result, settings={**setting, "epochs": n}))
    return sorted(
        scores,
        key=lambda s: (-s.mean_accuracy, -s.pooled_accuracy, s.settings["epochs"] or 0),
    )
