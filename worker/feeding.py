"""Which models a recording can feed, and the model inputs made from it.

Both questions are answered from the model cards: each input's modality, montage,
sampling rate, window and recipe.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import mne
import numpy as np
from numpy.typing import NDArray

from model_store.cards import InputSpec, ModelCard, montage_channels
from worker.channels import map_channels
from worker.recipe import Stream, run_recipe

VOLTS_TO_MICROVOLTS = 1e6


class CannotFeedError(ValueError):
    """The recording lacks what a model needs; the message says what."""


@dataclass(frozen=True)
class FeedCheck:
    """Whether a recording can feed a model, and why not."""

    model: str
    can_feed: bool
    reason: str = ""


@dataclass(frozen=True)
class ModelInputs:
    """Model inputs for every window of a recording.

    Attributes
    ----------
    arrays : dict of str to array
        Per input name, an array ``(n_windows, *card_shape)``.
    window_starts : array
        Start of each window, seconds from the recording's start.
    window_s : float
        Window length, seconds.
    notes : list of str
        What was done that the user should know (e.g. channels interpolated).
    """

    arrays: dict[str, NDArray[np.floating]]
    window_starts: NDArray[np.float64]
    window_s: float
    notes: list[str] = field(default_factory=list)


def _missing_channels(spec: InputSpec, channel_names: list[str]) -> list[str]:
    if spec.montage is None:
        return []
    return map_channels(channel_names, montage_channels(spec.montage)).missing


def check_feed(card: ModelCard, channel_names: list[str], duration_s: float) -> FeedCheck:
    """Decide from a header whether ``card``'s required inputs can be made."""
    for spec in card.inputs:
        if not spec.required:
            continue
        if spec.modality != "eeg":
            return FeedCheck(
                card.name, False, f"needs a {spec.modality} input, which this upload lacks"
            )
        missing = _missing_channels(spec, channel_names)
        if missing:
            return FeedCheck(
                card.name,
                False,
                f"the recording lacks {len(missing)} of the {spec.montage} channels "
                f"{card.name} needs: {', '.join(missing)}",
            )
        if spec.window_s is not None and duration_s < spec.window_s:
            return FeedCheck(
                card.name,
                False,
                f"the recording ({duration_s:.2f} s) is shorter than one {spec.window_s} s window",
            )
    return FeedCheck(card.name, True)


def eeg_stream(raw: mne.io.BaseRaw, spec: InputSpec) -> Stream:
    """The montage's channels of ``raw`` in montage order, in µV."""
    mapping = map_channels(raw.ch_names, montage_channels(spec.montage or ""))
    if not mapping.complete:
        raise CannotFeedError(f"missing channels: {', '.join(mapping.missing)}")
    data = raw.get_data(picks=[int(i) for i in mapping.indices if i is not None])
    return Stream(data=data * VOLTS_TO_MICROVOLTS, sfreq=float(raw.info["sfreq"]))


def prepare_inputs(raw: mne.io.BaseRaw, card: ModelCard) -> ModelInputs:
    """Run each required input's recipe on ``raw`` and align the windows."""
    check = check_feed(card, raw.ch_names, raw.n_times / raw.info["sfreq"])
    if not check.can_feed:
        raise CannotFeedError(f"{card.name}: {check.reason}")
    streams = {
        spec.name: run_recipe(eeg_stream(raw, spec), spec.recipe)
        for spec in card.inputs
        if spec.required
    }
    n_windows = min(len(s.data) for s in streams.values())
    first = next(iter(streams.values()))
    window_s = next(s.window_s for s in card.inputs if s.required) or 1.0
    return ModelInputs(
        arrays={name: s.data[:n_windows] for name, s in streams.items()},
        window_starts=np.asarray(first.window_starts)[:n_windows],
        window_s=float(window_s),
    )
