"""Turn a data set's trials into a model's input tensors with the serving functions.

A trial is fed exactly as an upload is: its continuous EEG and EDA become one MNE
recording given to `signals.feeding.prepare_inputs` (the worker's channel mapping,
aliases, interpolation, recipe and window alignment), with the trial's media files
(face video) as companion files. Data sets that ship features enter as uploaded
feature files do (`signals.feeding.prepare_feature_inputs` for SEED's ``de_LDS``);
per-recording vectors (PMEmo's music features) run the rest of their recipe.
"""

from __future__ import annotations

from dataclasses import dataclass

import mne
import numpy as np
from numpy.typing import NDArray

from core.cards import ModelCard, montage_channels
from model_store.training.datasets.base import DataSet, Signal, Trial
from signals.channels import classify_channels
from signals.feeding import (
    SI_TO_MICRO,
    CannotFeedError,
    ModelInputs,
    prepare_feature_inputs,
    prepare_inputs,
)
from signals.io import FeatureSet
from signals.recipe import recipe_tail, run_recipe

#: SEED feature names of the recipe stages that data sets ship EEG features at.
FEATURE_NAMES = {"lds_smooth": "de_LDS"}


class MissingSignalError(ValueError):
    """A trial lacks a modality that a model requires."""


@dataclass(frozen=True)
class Samples:
    """Model inputs of every window of a data set, with the trial each came from.

    Attributes
    ----------
    inputs : dict of str to array
        Per card input name, ``(n_samples, *shape)`` float32.
    targets : array of int, shape (n_samples,)
        Class index into the card's labels.
    trial_index : array of int, shape (n_samples,)
        Index into ``trials`` of each sample's trial.
    trials : list of Trial
        The data set's trials (signals dropped), in order.
    """

    inputs: dict[str, NDArray[np.float32]]
    targets: NDArray[np.int64]
    trial_index: NDArray[np.int64]
    trials: list[Trial]

    def __len__(self) -> int:
        return len(self.targets)

    def select(self, trial_ids: list[int] | NDArray[np.int64]) -> Samples:
        """The samples of the trials ``trial_ids`` (indices into ``trials``)."""
        return self._masked(np.isin(self.trial_index, np.asarray(trial_ids)))

    def every(self, n: int) -> Samples:
        """Every ``n``-th sample of each trial, from its first (fewer overlapping stacks)."""
        if n <= 1:
            return self
        first = np.searchsorted(self.trial_index, self.trial_index)  # trials are contiguous
        return self._masked((np.arange(len(self)) - first) % n == 0)

    def _masked(self, mask: NDArray[np.bool_]) -> Samples:
        return Samples(
            inputs={name: x[mask] for name, x in self.inputs.items()},
            targets=self.targets[mask],
            trial_index=self.trial_index[mask],
            trials=self.trials,
        )


def _channel_names(signal: Signal) -> list[str]:
    """The signal's channel names, or its montage's when the data set fixes the order."""
    if signal.channels is not None:
        return list(signal.channels)
    if signal.montage is None:
        raise ValueError("a data set signal needs channel names or a montage")
    return montage_channels(signal.montage)


def _recording(trial: Trial) -> mne.io.RawArray:
    """The trial's continuous EEG and EDA as one recording in SI units (V, S)."""
    names: list[str] = []
    types: list[str] = []
    rows: list[NDArray[np.floating]] = []
    rates = set()
    for modality in ("eeg", "eda"):
        signal = trial.signals.get(modality)
        if signal is None or signal.stage is not None or signal.stream.source is not None:
            continue
        channels = _channel_names(signal)
        names += channels
        types += classify_channels(channels) if modality == "eeg" else ["gsr"] * len(channels)
        rows.append(np.asarray(signal.stream.data, dtype=np.float64) / SI_TO_MICRO)
        rates.add(float(signal.stream.sfreq))
    if len(rates) != 1:
        raise ValueError(
            f"trial {trial.trial} of subject {trial.subject}: continuous signals at "
            f"{sorted(rates)} Hz; one recording needs one sampling rate"
        )
    info = mne.create_info(names, rates.pop(), types)
    return mne.io.RawArray(np.concatenate(rows), info, verbose="error")


def _feature_set(signal: Signal) -> FeatureSet:
    """Distributed EEG features ``(n_windows, n_channels, n_bands)`` as an uploaded file."""
    if signal.stage not in FEATURE_NAMES or signal.window_s is None:
        raise ValueError(
            f"EEG features at stage {signal.stage!r} have no feature-file counterpart"
        )
    channels = _channel_names(signal)
    return FeatureSet(
        source="seed-features",
        feature_name=FEATURE_NAMES[signal.stage],
        layout=("channel", "window", "band"),
        arrays=[np.moveaxis(np.asarray(signal.stream.data, dtype=np.float64), 0, 1)],
        keys=[FEATURE_NAMES[signal.stage]],
        channel_names=channels,
        sfreq=1.0 / signal.window_s,
    )


def _vectors(card: ModelCard, trial: Trial) -> dict[str, NDArray[np.floating]]:
    """Per-recording vectors the trial ships (music features), through their recipe's rest."""
    out = {}
    for spec in card.inputs:
        signal = trial.signals.get(spec.modality)
        if spec.modality == "eeg" or signal is None or signal.stage is None:
            continue
        steps = recipe_tail(spec, signal.stage, signal.bands, signal.window_s, signal.montage)
        out[spec.name] = run_recipe(signal.stream, steps).data
    return out


def serving_inputs(card: ModelCard, trial: Trial) -> ModelInputs:
    """The inputs the worker makes for ``card`` from a recording holding this trial.

    Raises
    ------
    MissingSignalError
        When the trial lacks a modality the model requires.
    CannotFeedError
        When the trial cannot feed the model (too short, too few channels, ...).
    """
    missing = [s.modality for s in card.inputs if s.required and s.modality not in trial.signals]
    if missing:
        raise MissingSignalError(
            f"model {card.name!r} needs {missing} signals, which trial {trial.trial} of "
            f"subject {trial.subject} lacks"
        )
    eeg = trial.signals.get("eeg")
    if eeg is not None and eeg.stage is not None:
        return prepare_feature_inputs(_feature_set(eeg), card)
    companions = {
        signal.stream.source.name: signal.stream.source
        for signal in trial.signals.values()
        if signal.stream.source is not None
    }
    return prepare_inputs(_recording(trial), card, companions, _vectors(card, trial))


def trial_inputs(card: ModelCard, trial: Trial) -> dict[str, NDArray[np.float32]]:
    """Every window's inputs of one trial, as `serving_inputs` makes them.

    Returns
    -------
    inputs : dict of str to array
        Per input name, ``(n_windows, *spec.shape)`` float32; optional inputs whose
        modality the trial lacks are left out.
    """
    out = {}
    for name, data in serving_inputs(card, trial).arrays.items():
        shape = card.input(name).shape
        if list(data.shape[1:]) != list(shape):
            raise ValueError(
                f"the recipe of input {name!r} gives windows of shape "
                f"{list(data.shape[1:])}, the card declares {shape}"
            )
        out[name] = data.astype(np.float32)
    return out


def class_index(card: ModelCard, dataset: DataSet) -> dict[str, int]:
    """Map the data set's class names onto the card's label indices (case-insensitive)."""
    card_labels = [label.lower() for label in card.labels]
    missing = [label for label in dataset.labels if label.lower() not in card_labels]
    if missing:
        raise ValueError(
            f"the classes {missing} of data set {dataset.name!r} are not labels of model "
            f"{card.name!r} ({card.labels})"
        )
    return {label: card_labels.index(label.lower()) for label in dataset.labels}


def build_samples(card: ModelCard, dataset: DataSet) -> Samples:
    """All windows of all trials of ``dataset``, as the model ``card`` takes them.

    A trial too short for one window (or one sequence of windows), or without a
    modality the model requires (DEAP's face video exists for 22 of 32 subjects), is
    left out.

    Raises
    ------
    ValueError
        When no trial gives inputs (the first trial's reason is given).
    """
    index = class_index(card, dataset)
    inputs: dict[str, list[NDArray[np.float32]]] = {}
    targets, trial_ids, trials = [], [], []
    reasons = []
    for trial in dataset.trials:
        trials.append(Trial(trial.subject, trial.session, trial.trial, trial.label))
        try:
            arrays = trial_inputs(card, trial)
        except (MissingSignalError, CannotFeedError) as err:
            if not isinstance(err, MissingSignalError) and "shorter than one" not in str(err):
                raise
            reasons.append(str(err))
            continue
        n = len(next(iter(arrays.values())))
        for name, x in arrays.items():
            inputs.setdefault(name, []).append(x)
        targets.append(np.full(n, index[trial.label], dtype=np.int64))
        trial_ids.append(np.full(n, len(trials) - 1, dtype=np.int64))
    if not targets:
        raise ValueError(f"no trial of {dataset.name!r} can feed {card.name}: {reasons[0]}")
    return Samples(
        inputs={name: np.concatenate(xs) for name, xs in inputs.items()},
        targets=np.concatenate(targets),
        trial_index=np.concatenate(trial_ids),
        trials=trials,
    )
