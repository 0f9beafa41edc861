"""Which models a recording can feed, and the model inputs made from it.

Both questions are answered from the model cards: each input's modality, montage,
sampling rate, window and recipe.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import mne
import numpy as np
from numpy.typing import NDArray

from model_store.cards import InputSpec, ModelCard
from worker.channels import apply_montage_mapping, map_to_montage
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


def check_feed(
    card: ModelCard,
    channel_names: list[str],
    duration_s: float,
    channel_types: list[str] | None = None,
) -> FeedCheck:
    """Decide from a header whether ``card``'s required inputs can be made.

    A few missing montage channels are allowed: they are interpolated (see
    `worker.channels.map_to_montage`).
    """
    for spec in card.inputs:
        if not spec.required:
            continue
        if spec.modality != "eeg":
            return FeedCheck(
                card.name, False, f"needs a {spec.modality} input, which this upload lacks"
            )
        if spec.montage is not None:
            mapping = map_to_montage(channel_names, spec.montage, ch_types=channel_types)
            if not mapping.can_feed:
                return FeedCheck(card.name, False, mapping.message)
        if spec.window_s is not None and duration_s < spec.window_s:
            return FeedCheck(
                card.name,
                False,
                f"the recording ({duration_s:.2f} s) is shorter than one {spec.window_s} s window",
            )
    return FeedCheck(card.name, True)


def eeg_stream(raw: mne.io.BaseRaw, spec: InputSpec) -> tuple[Stream, list[str]]:
    """The montage's channels of ``raw`` in montage order, in µV, and notes.

    Missing channels are interpolated when few enough; the note says which.
    """
    mapping = map_to_montage(raw.ch_names, spec.montage or "", ch_types=raw.get_channel_types())
    if not mapping.can_feed:
        raise CannotFeedError(mapping.message)
    mapped = apply_montage_mapping(raw, mapping)
    notes = [mapping.message] if mapping.interpolated else []
    stream = Stream(data=mapped.get_data() * VOLTS_TO_MICROVOLTS, sfreq=float(raw.info["sfreq"]))
    return stream, notes


def prepare_inputs(raw: mne.io.BaseRaw, card: ModelCard) -> ModelInputs:
    """Run each required input's recipe on ``raw`` and align the windows."""
    duration_s = raw.n_times / raw.info["sfreq"]
    check = check_feed(card, raw.ch_names, duration_s, raw.get_channel_types())
    if not check.can_feed:
        raise CannotFeedError(f"{card.name}: {check.reason}")
    streams, notes = {}, []
    for spec in card.inputs:
        if spec.required:
            stream, input_notes = eeg_stream(raw, spec)
            streams[spec.name] = run_recipe(stream, spec.recipe)
            notes.extend(input_notes)
    n_windows = min(len(s.data) for s in streams.values())
    first = next(iter(streams.values()))
    window_s = next(s.window_s for s in card.inputs if s.required) or 1.0
    return ModelInputs(
        arrays={name: s.data[:n_windows] for name, s in streams.items()},
        window_starts=np.asarray(first.window_starts)[:n_windows],
        window_s=float(window_s),
        notes=notes,
    )
