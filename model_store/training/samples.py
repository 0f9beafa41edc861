"""Turn a data set's trials into a model's input tensors with the card's own recipe.

The worker feeds a model by running its card's recipe on a recording; training runs
the same `signals.recipe.run_recipe` on each trial. Data sets that ship features
(SEED's ``de_LDS``) enter the recipe after the step that made them, so only the
remaining steps run, and they are the very functions the worker calls.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from core.cards import InputSpec, ModelCard, montage_channels
from model_store.training.datasets.base import DataSet, Signal, Trial
from signals.channels import map_channels
from signals.recipe import Stream, recipe_tail, run_recipe


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


def _select_channels(spec: InputSpec, signal: Signal) -> Stream:
    """The signal's channels in the order of the card's montage."""
    if spec.montage is None or signal.channels is None:
        return signal.stream
    montage = montage_channels(spec.montage)
    mapping = map_channels(signal.channels, montage)
    if not mapping.complete:
        raise ValueError(f"input {spec.name!r} needs channels {mapping.missing}")
    picks = [index for index in mapping.indices if index is not None]
    return Stream(data=signal.stream.data[picks], sfreq=signal.stream.sfreq)


def trial_inputs(card: ModelCard, trial: Trial) -> dict[str, NDArray[np.float32]]:
    """Run each card input's recipe on the matching signal of one trial.

    Optional inputs whose modality the trial lacks are left out.

    Returns
    -------
    inputs : dict of str to array
        Per input name, ``(n_windows, *spec.shape)`` float32.
    """
    out = {}
    for spec in card.inputs:
        signal = trial.signals.get(spec.modality)
        if signal is None:
            if spec.required:
                raise ValueError(
                    f"model {card.name!r} needs {spec.modality!r} signals, which trial "
                    f"{trial.trial} of subject {trial.subject} lacks"
                )
            continue
        steps = recipe_tail(spec, signal.stage, signal.bands, signal.window_s, signal.montage)
        data = run_recipe(_select_channels(spec, signal), steps).data
        if data.ndim == 1:  # one vector per trial (a song's music features)
            data = data[np.newaxis]
        if list(data.shape[1:]) != list(spec.shape):
            raise ValueError(
                f"the recipe of input {spec.name!r} gives windows of shape "
                f"{list(data.shape[1:])}, the card declares {spec.shape}"
            )
        out[spec.name] = data.astype(np.float32)
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

    Every input of one trial must give the same number of windows, or one row that
    then goes with each window; a trial too short for one window (or one sequence
    of windows) is left out.
    """
    index = class_index(card, dataset)
    inputs: dict[str, list[NDArray[np.float32]]] = {}
    targets, trial_ids, trials = [], [], []
    for trial in dataset.trials:
        trials.append(Trial(trial.subject, trial.session, trial.trial, trial.label))
        try:
            arrays = trial_inputs(card, trial)
        except ValueError as err:
            if "shorter than one" not in str(err):
                raise
            continue
        n = max(len(x) for x in arrays.values())
        if {len(x) for x in arrays.values()} - {1, n}:
            raise ValueError(
                f"inputs of one trial give different window counts: "
                f"{ {name: len(x) for name, x in arrays.items()} }"
            )
        # a one-row input (a song's music features) goes with every window
        arrays = {name: np.repeat(x, n, axis=0) if len(x) < n else x for name, x in arrays.items()}
        for name, x in arrays.items():
            inputs.setdefault(name, []).append(x)
        targets.append(np.full(n, index[trial.label], dtype=np.int64))
        trial_ids.append(np.full(n, len(trials) - 1, dtype=np.int64))
    return Samples(
        inputs={name: np.concatenate(xs) for name, xs in inputs.items()},
        targets=np.concatenate(targets),
        trial_index=np.concatenate(trial_ids),
        trials=trials,
    )
