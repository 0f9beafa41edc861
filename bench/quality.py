"""Accuracy of the SEED-trained models beside chance and linear baselines.

Run from the repository root: ``OMP_NUM_THREADS=1 nice python -m bench.quality
[--quick] [--curve] [--nested]``.

Data: the SEED subject-session in ``../shared/data/seed-one-session`` (clips 1-9 of
one subject's session, distributed ``de_LDS`` features min-max scaled per 1-s window;
see its README). The script skips, saying so, when the folder is absent.

Protocol: the split that mimics use, train on clips 1-6 and test on clips 7-9 (never
windows shuffled across clips). Each model is trained with the settings of its card's
training command (parsed with ``affectserve train``'s own parser: one source of truth)
once per seed, with z-score statistics fitted on the training clips only, exactly as
``affectserve train`` does; its accuracy on the test windows is printed as mean ± sd
over the seeds, beside

* chance: the share of the largest class among the test windows;
* a z-scored logistic regression and a z-scored linear SVM fitted on the same training
  samples as the model (its own inputs flattened: a stack of 9 windows is 9 x 310
  values), and, for the stacking models, the logistic regression on the single window
  each stack ends with (the 310 values per window the issue's target is stated on).

``--curve`` adds accuracy against the number of training clips (clips 1-2, 1-4, 1-6 ->
7-9) for the baselines and the models; ``--nested`` the honest check of the epoch
budget: the budget is chosen among the card's value and its half and double on clips
1-4 -> 5-6, then the model is trained on clips 1-6 with it and tested on 7-9.
``--quick`` uses one seed instead of three.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path

import numpy as np

from core.cards import CARDS_DIR, ModelCard
from model_store.training import objectives
from model_store.training.baselines import BASELINES, baseline_predictions, chance_level
from model_store.training.cli import add_arguments, loss_options
from model_store.training.crossval import FoldRun, run_folds
from model_store.training.datasets import load_dataset
from model_store.training.loop import TrainConfig
from model_store.training.protocols import Fold
from model_store.training.samples import Samples, build_samples
from model_store.training.standardise import without_stats

DATA_DIR = Path(__file__).resolve().parents[1] / "../shared/data/seed-one-session"
MODELS = ("maet", "strnn", "emotionclip")


def _card_args(card: ModelCard) -> argparse.Namespace:
    """The card's training command parsed by ``affectserve train``'s own parser."""
    words = shlex.split(card.training.command)[2:]
    return add_arguments(argparse.ArgumentParser()).parse_args(words)


def card_loss_options(card: ModelCard) -> dict[str, float]:
    """The loss settings of the card's command (``--loss-param``, the first value each)."""
    return {name: values[0] for name, values in loss_options(_card_args(card).loss_param).items()}


def card_config(card: ModelCard) -> TrainConfig:
    """The training settings of the card's command (the first of any listed values)."""
    args = _card_args(card)
    return TrainConfig(
        epochs=args.epochs[0],
        batch_size=args.batch_size[0],
        lr=args.lr[0],
        weight_decay=args.weight_decay[0],
        clip_norm=args.clip_norm,
        sample_every=args.sample_every,
        schedule=args.schedule[0],
        noise=args.noise[0],
        mask_channels=args.mask_channels[0],
        average_last=args.average_last[0],
    )


def model_runs(
    card: ModelCard,
    samples: Samples,
    fold: Fold,
    config: TrainConfig,
    seeds: list[int],
    views: Mapping[str, Callable[[Samples], Samples]] | None = None,
) -> list[FoldRun]:
    """The model trained on ``fold.train`` once per seed, predicting the test clips.

    ``views``: functions of the standardised test samples also predicted (`run_folds`).
    """
    loss = objectives.loss_factory(card)(**card_loss_options(card))
    return [
        run_folds(
            card,
            samples,
            [fold],
            replace(config, seed=seed),
            objectives.build_for_training,
            loss,
            watch_epochs=[config.epochs],
            views=views,
        )[0]
        for seed in seeds
    ]


def model_accuracy(
    card: ModelCard, samples: Samples, fold: Fold, config: TrainConfig, seeds: list[int]
) -> list[float]:
    """Test accuracy of the model trained on ``fold.train``, once per seed."""
    return [
        float(np.mean(run.predictions[config.epochs] == run.targets))
        for run in model_runs(card, samples, fold, config, seeds)
    ]


def baseline_accuracy(kind: str, samples: Samples, fold: Fold, last_window: bool = False) -> float:
    """Accuracy of the linear baseline ``kind`` on the fold (``last_window``: a stack's last)."""
    if last_window:
        samples = replace(samples, inputs={k: x[:, -1] for k, x in samples.inputs.items()})
    train, test = samples.select(fold.train), samples.select(fold.test)
    return float(np.mean(baseline_predictions(kind, train, test) == test.targets))


def _clips(ids: list[int]) -> str:
    return f"{ids[0] + 1}-{ids[-1] + 1}"


def clip_fold(train: list[int], test: list[int]) -> Fold:
    return Fold(f"clips {_clips(train)} -> {_clips(test)}", train, test)


def _mean_sd(values: list[float]) -> str:
    return f"{np.mean(values):.3f} ± {np.std(values):.3f}"


def main(argv: list[str] | None = None) -> int:
    """Print the table (and the curve, the nested check); 0 also when skipped."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--quick", action="store_true", help="one seed instead of three")
    parser.add_argument("--curve", action="store_true", help="accuracy against training clips")
    parser.add_argument("--nested", action="store_true", help="epoch budget chosen on 1-4 -> 5-6")
    args = parser.parse_args(argv)
    if not (args.data_dir / "label.mat").is_file():
        print(f"skipped: the SEED session is not at {args.data_dir.resolve()}")
        return 0
    import torch

    torch.set_num_threads(1)
    seeds = [0] if args.quick else [0, 1, 2]
    dataset = load_dataset("seed", args.data_dir)
    split = clip_fold(list(range(6)), [6, 7, 8])
    print(
        f"SEED one subject-session ({args.data_dir.name}), {split.name}; model accuracy "
        f"mean ± sd over seeds {seeds}"
    )
    for name in args.models.split(","):
        card = ModelCard.model_validate_json((CARDS_DIR / f"{name}.json").read_text())
        config = card_config(card)
        samples = build_samples(without_stats(card), dataset)
        test = samples.select(split.test).targets
        start = time.perf_counter()
        acc = model_accuracy(card, samples, split, config, seeds)
        lines = [
            f"{name}: {_mean_sd(acc)} (per seed {', '.join(f'{a:.3f}' for a in acc)}; "
            f"{time.perf_counter() - start:.0f} s)",
            f"  chance {chance_level(test):.3f}",
            *[
                f"  {kind.replace('_', ' ')} (z-scored, same samples) "
                f"{baseline_accuracy(kind, samples, split):.3f}"
                for kind in BASELINES
            ],
        ]
        if samples.inputs["eeg"].ndim > 2:
            lines.append(
                "  logistic regression on each stack's last window (310 values) "
                f"{baseline_accuracy('logistic_regression', samples, split, True):.3f}"
            )
        print("\n".join(lines), flush=True)
        if args.curve:
            for n in (2, 4, 6):
                fold = clip_fold(list(range(n)), [6, 7, 8])
                lr = baseline_accuracy("logistic_regression", samples, fold)
                model = model_accuracy(card, samples, fold, config, seeds)
                print(
                    f"  curve {fold.name}: {name} {_mean_sd(model)}, logistic regression {lr:.3f}"
                )
        if args.nested:
            inner = clip_fold([0, 1, 2, 3], [4, 5])
            budgets = sorted({max(1, config.epochs // 2), config.epochs, 2 * config.epochs})
            scores = {
                n: np.mean(model_accuracy(card, samples, inner, replace(config, epochs=n), seeds))
                for n in budgets
            }
            chosen = max(scores, key=lambda n: (scores[n], -n))
            outer = model_accuracy(card, samples, split, replace(config, epochs=chosen), seeds)
            tried = ", ".join(f"{n}: {s:.3f}" for n, s in scores.items())
            print(
                f"  nested: epochs chosen on {inner.name} ({tried}) -> {chosen}; "
                f"{split.name} {_mean_sd(outer)}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
