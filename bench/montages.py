"""Accuracy of the SEED-trained models per accepted montage (channel subset).

Run from the repository root: ``OMP_NUM_THREADS=1 nice python -m bench.montages
[--data-dir DIR] [--models maet,strnn] [--seeds 0] [--write-cards]``.

Data and protocol as `bench.quality`: the SEED subject-session in
``../shared/data/seed-one-session``, train on clips 1-6, test on clips 7-9, each model
trained once per seed with its card's training settings. The model is trained on all
of its input montage (seed62; the cards' commands mask random channels in training) and
tested, for every montage of reference.json whose electrodes are all in it, on the test
windows with only that montage's channels: the others are filled as missing exactly as
serving fills them (``fill_missing``: the training mean after ``normalize``, i.e. zero
after the z-scoring). Beside each figure:

* a z-scored logistic regression fitted on the same channels, windows and split;
* chance: the share of the largest class among the test windows.

``--write-cards`` writes the figures into each card's ``montages`` (largest first), which
is what serving feeds smaller recordings through; rerun ``affectserve docs`` after it.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from functools import partial
from pathlib import Path

import numpy as np

from bench.quality import DATA_DIR, MODELS, baseline_accuracy, card_config, clip_fold, model_runs
from core.cards import CARDS_DIR, ModelCard, MontageFigure, montage_channels, reference
from model_store.training.baselines import chance_level
from model_store.training.cli import card_json
from model_store.training.datasets import load_dataset
from model_store.training.loop import ChannelLayout
from model_store.training.samples import Samples, build_samples
from model_store.training.standardise import channel_layout, without_stats
from signals.channels import normalize_channel_name

DATASET = "SEED ({name}): 1 subject, 1 session, {windows} test windows"
PROTOCOL = (
    "train clips 1-6, test clips 7-9, {seeds}; model trained on all {n} {montage} channels "
    "with the card's settings, the other channels filled as missing"
)


def montage_index(model_montage: str, montage: str) -> list[int] | None:
    """Positions of ``montage``'s channels in ``model_montage``; None if one is absent."""
    order = [normalize_channel_name(c) for c in montage_channels(model_montage)]
    names = [normalize_channel_name(c) for c in montage_channels(montage)]
    if not set(names) <= set(order):
        return None
    return sorted(order.index(name) for name in names)


def sub_montages(model_montage: str) -> dict[str, list[int]]:
    """Every montage of reference.json inside ``model_montage``, largest first."""
    found = {
        name: index
        for name in reference()["montages"]
        if (index := montage_index(model_montage, name)) is not None
    }
    return dict(sorted(found.items(), key=lambda item: -len(item[1])))


def keep_channels(
    samples: Samples, layout: ChannelLayout, index: list[int], fill: bool
) -> Samples:
    """The samples with only the channels ``index`` of the EEG input.

    ``fill``: the other channels set to zero (missing, after z-scoring) in place;
    otherwise left out (the input flattened to the kept channels' features).
    """
    x = samples.inputs[layout.name]
    grouped = x.reshape(len(x), -1, layout.n_channels, layout.n_features)
    if fill:
        out = np.zeros_like(grouped)
        out[:, :, index] = grouped[:, :, index]
        kept = out.reshape(x.shape)
    else:
        kept = grouped[:, :, index].reshape(len(x), -1)
    return replace(samples, inputs={**samples.inputs, layout.name: kept})


def montage_figures(
    card: ModelCard, data_dir: Path, seeds: list[int]
) -> tuple[list[MontageFigure], dict[str, int]]:
    """One figure per montage the card's EEG input contains, and its channel counts."""
    config = card_config(card)
    layout = channel_layout(card)
    if layout is None:
        raise ValueError(f"{card.name} has no EEG input with channels")
    spec = next(s for s in card.inputs if s.name == layout.name)
    montage = spec.montage or ""
    montages = sub_montages(montage)
    dataset = load_dataset("seed", data_dir)
    samples = build_samples(without_stats(card), dataset)
    split = clip_fold(list(range(6)), [6, 7, 8])
    test = samples.select(split.test).targets
    views = {
        name: partial(keep_channels, layout=layout, index=index, fill=True)
        for name, index in montages.items()
    }
    runs = model_runs(card, samples, split, config, seeds, views)
    chance = chance_level(test)
    text = {
        "dataset": DATASET.format(name=data_dir.name, windows=len(test)),
        "protocol": PROTOCOL.format(
            seeds=f"seed {seeds[0]}" if len(seeds) == 1 else f"mean over seeds {seeds}",
            n=layout.n_channels,
            montage=montage,
        ),
    }
    figures = []
    for name, index in montages.items():
        accuracy = np.mean(
            [np.mean(run.view_predictions[name][config.epochs] == run.targets) for run in runs]
        )
        lr = baseline_accuracy(
            "logistic_regression", keep_channels(samples, layout, index, fill=False), split
        )
        figures.append(
            MontageFigure(
                montage=name,
                accuracy=round(float(accuracy), 3),
                baseline_accuracy=round(lr, 3),
                chance=round(chance, 3),
                **text,
            )
        )
    return figures, {name: len(index) for name, index in montages.items()}


def write_figures(name: str, figures: list[MontageFigure]) -> Path:
    """Set the card's ``montages`` to ``figures``, keeping the rest of the file as it is."""
    path = CARDS_DIR / f"{name}.json"
    raw = json.loads(path.read_text())
    raw["montages"] = [figure.model_dump(mode="json") for figure in figures]
    path.write_text(card_json(raw) + "\n")
    return path


def main(argv: list[str] | None = None) -> int:
    """Print model x montage -> channels, accuracy, logistic regression, chance."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--seeds", default="0", help="comma-separated training seeds")
    parser.add_argument("--write-cards", action="store_true", help="write figures into cards")
    args = parser.parse_args(argv)
    if not (args.data_dir / "label.mat").is_file():
        print(f"skipped: the SEED session is not at {args.data_dir.resolve()}")
        return 0
    import torch

    torch.set_num_threads(1)
    seeds = [int(s) for s in args.seeds.split(",")]
    print("model        montage          channels  accuracy  logistic regression  chance")
    for name in args.models.split(","):
        card = ModelCard.model_validate_json((CARDS_DIR / f"{name}.json").read_text())
        figures, counts = montage_figures(card, args.data_dir, seeds)
        for figure in figures:
            print(
                f"{name:<12} {figure.montage:<16} {counts[figure.montage]:>8}  "
                f"{figure.accuracy:>8.3f}  {figure.baseline_accuracy:>19.3f}  "
                f"{figure.chance:>6.3f}",
                flush=True,
            )
        if args.write_cards:
            print(f"  wrote {write_figures(name, figures)}")
    print(f"({figures[0].dataset}; {figures[0].protocol})" if figures else "")
    return 0


if __name__ == "__main__":
    sys.exit(main())
