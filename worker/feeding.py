"""Which models a recording can feed, and the model inputs made from it.

Both questions are answered from the model cards: each input's modality, montage,
sampling rate, window and recipe.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import mne
import numpy as np
from numpy.typing import NDArray

from model_store.cards import InputSpec, ModelCard, RecipeStep
from worker.channels import apply_montage_mapping, map_to_montage
from worker.io import FeatureSet
from worker.recipe import Stream, recipe_tail, run_recipe

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


def _feature_stage(feature_name: str) -> str | None:
    """The recipe step that SEED features named ``feature_name`` come out of."""
    if feature_name.startswith("de_LDS"):
        return "lds_smooth"
    if feature_name.startswith("de_"):
        return "differential_entropy"
    return None


def _feature_tail(spec: InputSpec, header: Mapping[str, Any]) -> list[RecipeStep]:
    """The steps of ``spec`` that remain for a SEED feature file; ValueError if none fit."""
    if header["format"] != "seed-features":
        raise ValueError(
            f"{header['format']} files hold trials or features that no served model takes "
            "directly; upload continuous recordings instead"
        )
    feature = header.get("feature_name") or "de_LDS"
    stage = _feature_stage(feature)
    if stage is None:
        raise ValueError(f"{feature} features are not differential entropy")
    return recipe_tail(spec, stage, bands="seed", window_s=1.0 / header["sfreq"], montage="seed62")


def check_feed(card: ModelCard, header: Mapping[str, Any]) -> FeedCheck:
    """Decide from a stored header whether ``card``'s required inputs can be made.

    A few missing montage channels are allowed: they are interpolated (see
    `worker.channels.map_to_montage`). Feature files feed the models whose recipe
    produces those features (their remaining steps run).
    """
    for spec in card.inputs:
        if not spec.required:
            continue
        if spec.modality != "eeg":
            return FeedCheck(
                card.name, False, f"needs a {spec.modality} input, which this upload lacks"
            )
        if header.get("kind") == "features":
            try:
                _feature_tail(spec, header)
            except ValueError as err:
                return FeedCheck(card.name, False, str(err))
            continue
        if spec.montage is not None:
            mapping = map_to_montage(
                header["channel_names"], spec.montage, ch_types=header.get("channel_types")
            )
            if not mapping.can_feed:
                return FeedCheck(card.name, False, mapping.message)
        if spec.window_s is not None and header["duration_s"] < spec.window_s:
            return FeedCheck(
                card.name,
                False,
                f"the recording ({header['duration_s']:.2f} s) is shorter than one "
                f"{spec.window_s} s window",
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


def _window_s(card: ModelCard) -> float:
    return float(next(s.window_s for s in card.inputs if s.required) or 1.0)


def _aligned(card: ModelCard, streams: dict[str, Stream], notes: list[str]) -> ModelInputs:
    n_windows = min(len(s.data) for s in streams.values())
    first = next(iter(streams.values()))
    return ModelInputs(
        arrays={name: s.data[:n_windows] for name, s in streams.items()},
        window_starts=np.asarray(first.window_starts)[:n_windows],
        window_s=_window_s(card),
        notes=notes,
    )


def prepare_inputs(raw: mne.io.BaseRaw, card: ModelCard) -> ModelInputs:
    """Run each required input's recipe on ``raw`` and align the windows."""
    header = {
        "kind": "signals",
        "channel_names": raw.ch_names,
        "channel_types": raw.get_channel_types(),
        "duration_s": raw.n_times / raw.info["sfreq"],
    }
    check = check_feed(card, header)
    if not check.can_feed:
        raise CannotFeedError(f"{card.name}: {check.reason}")
    streams, notes = {}, []
    for spec in card.inputs:
        if spec.required:
            stream, input_notes = eeg_stream(raw, spec)
            streams[spec.name] = run_recipe(stream, spec.recipe)
            notes.extend(input_notes)
    return _aligned(card, streams, notes)


def prepare_feature_inputs(features: FeatureSet, card: ModelCard) -> ModelInputs:
    """Feed SEED feature clips to ``card``: the recipe's remaining steps, clip by clip.

    Each clip runs the steps as one recording would (as in training); the clips are
    laid end to end in time, in file order.
    """
    header = {"format": features.source, "sfreq": features.sfreq, "kind": "features"}
    header["feature_name"] = features.feature_name
    check = check_feed(card, header)
    if not check.can_feed:
        raise CannotFeedError(f"{card.name}: {check.reason}")
    streams: dict[str, Stream] = {}
    for spec in card.inputs:
        if not spec.required:
            continue
        tail = _feature_tail(spec, header)
        parts, offset = [], 0.0
        for clip in features.arrays:
            n_windows = clip.shape[1]
            starts = offset + np.arange(n_windows) / features.sfreq
            stream = Stream(np.moveaxis(clip, 1, 0), features.sfreq, starts)
            parts.append(run_recipe(stream, tail))
            offset += n_windows / features.sfreq
        streams[spec.name] = Stream(
            np.concatenate([p.data for p in parts]),
            features.sfreq,
            np.concatenate([p.window_starts for p in parts]),
        )
    note = (
        f"{len(features.arrays)} clips of {features.feature_name} features "
        f"({', '.join(features.keys)}) laid end to end"
    )
    return _aligned(card, streams, [note])
