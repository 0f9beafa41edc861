"""Calibration on a user's own labelled recordings: samples, honest evaluation, final fit.

The samples are the serving inputs themselves (`signals.feeding.prepare_inputs` on the
recording, as a job makes them), each window labelled by the trial segment it lies in,
so a calibrated model sees in training exactly what it will see when it serves.
Evaluation holds out whole trials (never windows) and scores a z-scored logistic
regression on the same folds, so the model's accuracy always stands beside chance and
a linear baseline.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from numpy.typing import NDArray

from core.cards import Metric, ModelCard, Training, file_sha256
from core.trainings import LabelSource, TrainingEvaluation
from model_store.models import build_model
from model_store.training.baselines import baseline_predictions
from model_store.training.datasets.base import Trial
from model_store.training.loop import TrainConfig, fit, predict
from model_store.training.protocols import Fold, trial_kfold
from model_store.training.samples import Samples
from signals.feeding import ModelInputs, prepare_feature_inputs, prepare_inputs
from signals.io import read_features, read_raw
from signals.labels import (
    Segment,
    check_classes,
    raw_annotations,
    segments_for,
    trial_spans,
    whole_recording,
)

#: Called after each epoch with (epochs done, epochs in all); raising stops the training.
EpochHook = Callable[[int, int], None]


@dataclass(frozen=True)
class LabelledInputs:
    """One recording's model inputs and its labelled trials (time spans)."""

    name: str
    inputs: ModelInputs
    segments: list[Segment]


def labelled_recording(
    card: ModelCard,
    path: Path,
    source: LabelSource,
    kind: str = "signals",
    companions: dict[str, Path] | None = None,
    options: dict[str, Any] | None = None,
    name: str | None = None,
) -> LabelledInputs:
    """A recording's serving inputs for ``card`` with its labelled trial spans.

    Parameters
    ----------
    card : ModelCard
        The model to train.
    path : Path
        The recording (any format the service reads).
    source : LabelSource
        Where its trial labels come from.
    kind : {'signals', 'features'}
        As its header says: continuous signals, or a trial file (SEED features).
    companions, options
        As for `signals.io.read_raw`.
    name : str, optional
        Name in messages (default: the file name).
    """
    companions, options = companions or {}, options or {}
    if kind == "features":
        features = read_features(path, companions, options)
        inputs = prepare_feature_inputs(features, card)
        lengths = [clip.shape[1] / features.sfreq for clip in features.arrays]
        segments = trial_spans(segments_for(source, (), companions), lengths)
        duration = sum(lengths)
    else:
        raw = read_raw(path, companions, options)
        inputs = prepare_inputs(raw, card, companions)
        segments = segments_for(source, raw_annotations(raw), companions)
        duration = raw.n_times / raw.info["sfreq"]
    return LabelledInputs(name or path.name, inputs, whole_recording(segments, duration))


def samples_from_inputs(card: ModelCard, recordings: list[LabelledInputs]) -> Samples:
    """Label each window by the trial span it lies wholly inside; drop the others.

    Raises
    ------
    ValueError
        When a trial span holds no whole window (shorter than the model's window).
    """
    index = {label: k for k, label in enumerate(card.labels)}
    inputs: dict[str, list[NDArray[np.float32]]] = {}
    targets, trial_ids, trials = [], [], []
    for recording in recordings:
        starts = recording.inputs.window_starts
        ends = starts + recording.inputs.window_s
        for k, seg in enumerate(recording.segments, start=1):
            inside = (starts >= seg.start_s - 1e-6) & (ends <= seg.end_s + 1e-6)
            if not inside.any():
                raise ValueError(
                    f"the trial {seg.name} of {recording.name} ({seg.start_s:g}-{seg.end_s:g} s) "
                    f"is shorter than one {card.name} window ({recording.inputs.window_s:g} s)"
                )
            trials.append(Trial(recording.name, 1, k, seg.label))
            for name, array in recording.inputs.arrays.items():
                inputs.setdefault(name, []).append(np.asarray(array[inside], dtype=np.float32))
            targets.append(np.full(int(inside.sum()), index[seg.label], dtype=np.int64))
            trial_ids.append(np.full(int(inside.sum()), len(trials) - 1, dtype=np.int64))
    return Samples(
        inputs={name: np.concatenate(xs) for name, xs in inputs.items()},
        targets=np.concatenate(targets),
        trial_index=np.concatenate(trial_ids),
        trials=trials,
    )


def trial_folds(samples: Samples, max_folds: int = 5) -> list[Fold]:
    """Folds over trials, each class's trials dealt round-robin (all recordings together).

    As many folds as the rarest class has trials (at most ``max_folds``), so every fold
    tests every class it can.
    """
    pooled = [Trial("all", 1, k + 1, t.label) for k, t in enumerate(samples.trials)]
    check_classes([Segment(t.label) for t in pooled])
    labels = [t.label for t in pooled]
    n_folds = min(max_folds, min(labels.count(label) for label in set(labels)))
    return trial_kfold(pooled, n_folds=n_folds)


def linear_baseline(train: Samples, test: Samples) -> NDArray[np.int64]:
    """Predicted classes of a z-scored logistic regression fitted on ``train``."""
    return baseline_predictions("logistic_regression", train, test)


def _model(card: ModelCard, base: Path | None) -> torch.nn.Module:
    torch.manual_seed(card.seed)
    model = build_model(card)
    if base is not None:
        model.load_state_dict(torch.load(base, map_location="cpu", weights_only=True))
    return model


def evaluate(
    card: ModelCard,
    samples: Samples,
    config: TrainConfig,
    base: Path | None = None,
    on_epoch: EpochHook | None = None,
    epochs_done: int = 0,
    epochs_total: int | None = None,
) -> TrainingEvaluation:
    """Trial-grouped cross-validation of the model and of the linear baseline.

    Each fold trains a fresh model (from ``base`` weights when given) on its training
    trials for ``config.epochs`` epochs and tests it on its held-out trials.
    """
    folds = trial_folds(samples)
    total = epochs_total or config.epochs * (len(folds) + 1)
    n_classes = len(card.labels)
    confusion = np.zeros((n_classes, n_classes), dtype=np.int64)
    baseline_right, fold_accuracy = 0, []
    for k, fold in enumerate(folds):
        train, test = samples.select(fold.train), samples.select(fold.test)
        model = _model(card, base)
        done = epochs_done + k * config.epochs
        fit(model, train, config, on_epoch=_offset(on_epoch, done, total), desc=fold.name)
        predicted = predict(model, test).argmax(1)
        np.add.at(confusion, (test.targets, predicted), 1)
        fold_accuracy.append(float(np.mean(predicted == test.targets)))
        baseline_right += int(np.sum(linear_baseline(train, test) == test.targets))
    n = int(confusion.sum())
    counts = np.bincount(samples.targets, minlength=n_classes)
    chance = float(counts.max() / counts.sum())
    accuracy = float(np.trace(confusion) / n)
    return TrainingEvaluation(
        protocol=(
            f"{len(folds)}-fold cross-validation over {len(samples.trials)} trials (whole "
            "trials held out, classes dealt evenly across folds)"
        ),
        n_trials=len(samples.trials),
        n_windows=len(samples),
        labels=card.labels,
        accuracy=accuracy,
        fold_accuracy=fold_accuracy,
        baseline_accuracy=baseline_right / n,
        chance=chance,
        confusion=confusion.tolist(),
        beats_chance=accuracy > chance,
    )


def _offset(hook: EpochHook | None, done: int, total: int) -> Callable[[int], None] | None:
    if hook is None:
        return None
    return lambda epoch: hook(done + epoch, total)


def final_fit(
    card: ModelCard,
    samples: Samples,
    config: TrainConfig,
    base: Path | None = None,
    on_epoch: Callable[[int], None] | None = None,
) -> torch.nn.Module:
    """The served model: trained on every trial with the evaluated settings."""
    model = _model(card, base)
    fit(model, samples, config, on_epoch=on_epoch, desc="final fit")
    return model.eval()


def write_version(
    folder: Path,
    card: ModelCard,
    model: torch.nn.Module,
    evaluation: TrainingEvaluation,
    version: str,
    dataset: str,
    parent: str | None,
) -> ModelCard:
    """Save the weights and the version's card (data, protocol, figures, parent) in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    weights = folder / "weights.pt"
    torch.save(model.state_dict(), weights)
    figures = (
        f"model {evaluation.accuracy:.3f}, z-scored logistic regression "
        f"{evaluation.baseline_accuracy:.3f}, chance {evaluation.chance:.3f}"
    )
    new = card.model_copy(
        update={
            "version": version,
            "weights": str(weights),
            "weights_sha256": file_sha256(weights),
            "training": Training(
                dataset=dataset,
                protocol=evaluation.protocol,
                command=card.training.command,
                note=(
                    f"calibrated through the service from {parent or 'a random initialisation'}; "
                    f"{figures}"
                ),
            ),
            "metrics": [
                Metric(
                    name="accuracy_pooled",
                    value=round(evaluation.accuracy, 4),
                    dataset=dataset,
                    protocol=evaluation.protocol,
                    note=f"{figures}; confusion {evaluation.confusion}",
                )
            ],
            "montages": [],
        }
    )
    (folder / "card.json").write_text(
        json.dumps(new.model_dump(mode="json", exclude={"weights_status", "modalities"}), indent=2)
    )
    return new
