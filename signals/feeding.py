"""Which models a recording can feed, and the model inputs made from it.

Both questions are answered from the model cards: each input's modality, montage,
sampling rate, window and recipe. EEG and EDA come from the recording's channels;
face video, music audio and eye-tracking files come as companion files of the
upload, recognised by their extension (`companion_modality`). The windows of all
inputs are aligned by their start time, seconds from the recording's start (a
companion file is taken to start with the recording).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import reduce
from pathlib import Path
from typing import Any

import mne
import numpy as np
from numpy.typing import NDArray

from core.cards import InputSpec, Modality, ModelCard, RecipeStep
from core.config import get_settings
from core.metrics import FEATURE_SECONDS, timed
from core.schemas import MontageUse
from signals.channels import (
    ChannelLayout,
    MontagePlan,
    classify_channels,
    electrode_directions,
    interpolation_matrix,
    plan_montage,
    raw_directions,
)
from signals.features.eye import read_eye_csv, read_precomputed_eye
from signals.io import FeatureSet, read_signals
from signals.recipe import Stream, media_stream, recipe_tail, run_in_blocks, run_recipe
from signals.segments import trial_segments

#: SI units (V, S) to the micro units the features take (µV, µS).
SI_TO_MICRO = 1e6

#: Companion file extensions and the modality each feeds; others (an EEGLAB
#: ``.fdt``) belong to the recording's reader.
COMPANION_MODALITIES: dict[str, Modality] = {
    ".mp4": "face",
    ".avi": "face",
    ".mov": "face",
    ".mkv": "face",
    ".wav": "music",
    ".mp3": "music",
    ".flac": "music",
    ".ogg": "music",
    ".csv": "eye",
    ".tsv": "eye",
}

#: What each companion modality is, for messages.
_COMPANION_KINDS = {
    "face": "a face video",
    "music": "the music as an audio file",
    "eye": "eye-tracking samples or 33 eye features per window as a table",
}

#: Samples (channels x times) of the recording read per block for the EEG features
#: (32 MB as float32; with the interpolated channels, the block's peak is ~5 times this),
#: and the shortest block, seconds (its margins cost 2 x 2 s more).
_BLOCK_SAMPLES = 1 << 23
_MIN_BLOCK_S = 20.0

#: Time resolution of window start times, seconds (for aligning inputs).
_START_DECIMALS = 6


class CannotFeedError(ValueError):
    """The recording lacks what a model needs; the message says what."""


@dataclass(frozen=True)
class FeedCheck:
    """Whether a recording can feed a model, why not, and through which montage."""

    model: str
    can_feed: bool
    reason: str = ""
    montage: MontageUse | None = None


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
    montage : MontageUse or None
        Which accepted montage fed the EEG input, and its missing and interpolated
        channels (None without an EEG montage input).
    """

    arrays: dict[str, NDArray[np.floating]]
    window_starts: NDArray[np.float64]
    window_s: float
    notes: list[str] = field(default_factory=list)
    montage: MontageUse | None = None


def companion_modality(name: str) -> Modality | None:
    """The modality a companion file feeds, from its extension.

    Parameters
    ----------
    name : str
        The file's original name.

    Returns
    -------
    str or None
        ``'face'`` (mp4, avi, mov, mkv), ``'music'`` (wav, mp3, flac, ogg), ``'eye'``
        (csv, tsv: eye samples or precomputed eye features), or None for files that
        belong to the recording itself (an EEGLAB ``.fdt``).
    """
    return COMPANION_MODALITIES.get(Path(name).suffix.lower())


def _companion_request(modality: str) -> str:
    extensions = [e[1:] for e, m in COMPANION_MODALITIES.items() if m == modality]
    return (
        f"{_COMPANION_KINDS[modality]} ({', '.join(extensions)}) beside the recording: "
        "add it as a companion file"
    )


def _companion_names(companions: Any, modality: str) -> list[str]:
    return sorted(name for name in companions or () if companion_modality(name) == modality)


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
    feature = header.get("feature_name")
    if not feature:
        raise ValueError(
            "the stored header does not say which SEED feature the file holds; upload it "
            "again, naming the feature with the 'feature' option"
        )
    stage = _feature_stage(feature)
    if stage is None:
        raise ValueError(f"{feature} features are not differential entropy")
    return recipe_tail(spec, stage, bands="seed", window_s=1.0 / header["sfreq"], montage="seed62")


def _too_short(spec: InputSpec, header: Mapping[str, Any]) -> str:
    if spec.window_s is not None and header["duration_s"] < spec.window_s:
        return (
            f"the recording ({header['duration_s']:.2f} s) is shorter than one "
            f"{spec.window_s} s window"
        )
    return ""


def accepted_montages(card: ModelCard, spec: InputSpec) -> list[str]:
    """Montages ``spec`` accepts, largest first: the card's ``montages``, else its own."""
    return [figure.montage for figure in card.montages] or [spec.montage or ""]


def raw_header(raw: mne.io.BaseRaw, companions: Any = ()) -> dict[str, Any]:
    """The header `check_feed` reads, made from an open recording (positions included)."""
    return {
        "kind": "signals",
        "channel_names": raw.ch_names,
        "channel_types": raw.get_channel_types(),
        "directions": raw_directions(raw),
        "duration_s": raw.n_times / raw.info["sfreq"],
        "companions": list(companions),
    }


def montage_plan(spec: InputSpec, header: Mapping[str, Any], accepted: list[str]) -> MontagePlan:
    """How the recording described by ``header`` feeds ``spec``'s montage.

    See `signals.channels.plan_montage` (``accepted``: `accepted_montages`). Electrode
    positions come from ``header['directions']`` when given (`raw_header`), else from
    the labels and ``header['montage']``; the distance limit is the setting
    ``max_interpolation_mm``.
    """
    names = list(header["channel_names"])
    types = list(header.get("channel_types") or classify_channels(names))
    directions = header.get("directions")
    if directions is None:
        directions = electrode_directions(ChannelLayout(names, types, header.get("montage")))
    return plan_montage(
        names, types, directions, spec.montage or "", accepted, get_settings().max_interpolation_mm
    )


def _unfit(card: ModelCard, spec: InputSpec, header: Mapping[str, Any]) -> str:
    """Why ``spec`` cannot be made from the upload described by ``header`` ('' if it can)."""
    if header.get("kind") == "features":
        if spec.modality != "eeg":
            return f"its {spec.modality} input cannot come from a {header['format']} file"
        try:
            _feature_tail(spec, header)
        except ValueError as err:
            return str(err)
        return ""
    if spec.modality in _COMPANION_KINDS:
        if not _companion_names(header.get("companions"), spec.modality):
            return f"needs {_companion_request(spec.modality)}"
        return ""
    if spec.modality == "eda":
        types = header.get("channel_types") or classify_channels(header["channel_names"])
        if "gsr" not in types:
            return (
                "needs an EDA (skin conductance) channel in the recording, labelled GSR, "
                "EDA, SCL, SCR or SKIN; the recording has none"
            )
        return _too_short(spec, header)
    if spec.montage is not None:
        plan = montage_plan(spec, header, accepted_montages(card, spec))
        if not plan.can_feed:
            return plan.message
    return _too_short(spec, header)


def check_feed(card: ModelCard, header: Mapping[str, Any]) -> FeedCheck:
    """Decide from a stored header whether ``card``'s required inputs can be made.

    Parameters
    ----------
    card : ModelCard
        The model.
    header : mapping
        The stored header of the recording (`api.uploads.header_dict`), with the
        original names of the upload's companion files under ``'companions'``.

    Returns
    -------
    FeedCheck
        A few missing montage channels are allowed: they are interpolated (see
        `signals.channels.plan_montage`). Feature files feed the models whose
        recipe produces those features (their remaining steps run). Face, music
        and eye inputs need a companion file of their kind (`companion_modality`).
    """
    for spec in card.inputs:
        reason = _unfit(card, spec, header) if spec.required else ""
        if reason:
            return FeedCheck(card.name, False, reason)
    eeg = [spec for spec in card.inputs if spec.modality == "eeg" and spec.montage is not None]
    if eeg and header.get("kind") != "features":
        plan = montage_plan(eeg[0], header, accepted_montages(card, eeg[0]))
        return FeedCheck(card.name, True, montage=plan.use())
    return FeedCheck(card.name, True)


def eeg_stream(
    raw: mne.io.BaseRaw, plan: MontagePlan, start: int = 0, stop: int | None = None
) -> Stream:
    """The input channels ``plan.rows`` of ``raw`` in montage order, in µV (float32).

    Channels the recording has are read alone (`signals.io.read_signals`); the
    interpolated ones are computed from every placed EEG channel (`raw_directions`)
    with MNE's spherical splines. ``start`` and ``stop`` (samples; None: the end)
    take one block of a long recording.
    """
    if not plan.can_feed:
        raise CannotFeedError(plan.message)
    stop = raw.n_times if stop is None else min(stop, raw.n_times)
    rows = plan.rows
    direct = [k for k, row in enumerate(rows) if plan.sources[row]]
    picks = [raw.ch_names.index(plan.sources[rows[k]] or "") for k in direct]
    if len(direct) == len(rows):  # every row read from the file: no copy into place
        data = read_signals(raw, picks, scale=SI_TO_MICRO, start=start, stop=stop)
        return Stream(data=data, sfreq=float(raw.info["sfreq"]))
    data = np.empty((len(rows), stop - start), dtype=np.float32)
    if direct:
        data[direct] = read_signals(raw, picks, scale=SI_TO_MICRO, start=start, stop=stop)
    if plan.interpolated:
        directions = raw_directions(raw)
        recorded = read_signals(
            raw,
            [raw.ch_names.index(name) for name in directions],
            scale=SI_TO_MICRO,
            start=start,
            stop=stop,
        )
        targets = list(plan.interpolated)
        matrix = interpolation_matrix(list(directions.values()), targets)
        data[[rows.index(plan.channels.index(name)) for name in targets]] = (
            matrix.astype(np.float32) @ recorded
        )
    return Stream(data=data, sfreq=float(raw.info["sfreq"]))


#: Recipe steps that turn windows into per-channel features (the end of a shared prefix's
#: signal stage: their results are small and worth keeping).
FEATURE_STEPS = ("differential_entropy", "psd")


@dataclass
class RecipeMemo:
    """Feature streams already computed from one recording, to share between models.

    Models whose EEG inputs run the same first steps on the same montage plan (MAET,
    STRNN and EmotionCLIP: resample, 1-s windows, DE, LDS, min-max scaling) compute
    them once: `eeg_input` starts from the longest prefix of its recipe found here and
    keeps each further step's result. Only per-window features are kept (from the
    feature step on, `FEATURE_STEPS`), never continuous signals or a model's final
    input; made `for_cards`, only the prefixes that two of the cards' recipes share
    (the longest each pair shares), so the memo stays small. One memo belongs to one
    recording.

    Attributes
    ----------
    streams : dict
        Results by (montage plan, steps that made them), see `RecipeMemo.key`.
    shared : frozenset of str or None
        The step keys worth keeping (`steps_key`); None keeps every prefix.
    """

    streams: dict[tuple[str, str], Stream] = field(default_factory=dict)
    shared: frozenset[str] | None = None

    @classmethod
    def for_cards(cls, cards: Iterable[ModelCard]) -> RecipeMemo:
        """A memo that keeps the longest prefix each pair of the cards' EEG recipes shares."""
        recipes = [
            list(spec.recipe) for card in cards for spec in card.inputs if spec.modality == "eeg"
        ]
        shared = set()
        for k, first in enumerate(recipes):
            for second in recipes[k + 1 :]:
                common = 0
                while common < min(len(first), len(second)) and first[common] == second[common]:
                    common += 1
                shared.add(cls.steps_key(first[:common]))
        return cls(shared=frozenset(shared))

    @staticmethod
    def steps_key(steps: list[RecipeStep]) -> str:
        """The steps' names and parameters, as one string."""
        return "|".join(step.model_dump_json() for step in steps)

    @classmethod
    def key(cls, plan: MontagePlan, steps: list[RecipeStep]) -> tuple[str, str]:
        """What identifies a result: the plan's fields and the steps (`steps_key`)."""
        return repr(plan), cls.steps_key(steps)

    def longest(self, plan: MontagePlan, recipe: list[RecipeStep]) -> tuple[int, Stream | None]:
        """The number of steps of the longest prefix of ``recipe`` computed, and its result."""
        for done in range(len(recipe), 0, -1):
            stream = self.streams.get(self.key(plan, recipe[:done]))
            if stream is not None:
                return done, stream
        return 0, None

    def keep(
        self, plan: MontagePlan, steps: list[RecipeStep], stream: Stream, *, final: bool
    ) -> None:
        """Keep the result of ``steps`` unless it is continuous, a model's ``final`` input or
        shared by no two recipes."""
        if final or stream.window_starts is None:
            return
        if self.shared is None or self.steps_key(steps) in self.shared:
            self.streams[self.key(plan, steps)] = stream


def _feature_split(recipe: list[RecipeStep]) -> int:
    """Steps up to and including the first feature step (all steps when there is none)."""
    names = [step.step for step in recipe]
    return next((k + 1 for k, name in enumerate(names) if name in FEATURE_STEPS), len(names))


def eeg_input(
    raw: mne.io.BaseRaw, spec: InputSpec, plan: MontagePlan, memo: RecipeMemo | None = None
) -> Stream:
    """``spec``'s EEG input from ``raw`` through ``plan``, sharing prefixes through ``memo``.

    ``eeg_features(eeg_stream(raw, plan), spec, plan)``, with the steps up to the
    features run a block at a time when the recipe allows (`signals.recipe.run_in_blocks`:
    memory bounded by one block of signals), and, with a memo, the steps that an
    earlier input of the same recording already ran on the same plan not run again
    (see `RecipeMemo`).
    """
    memo = memo or RecipeMemo(shared=frozenset())
    recipe = list(spec.recipe)
    done, stream = memo.longest(plan, recipe)
    if stream is None:
        done = _feature_split(recipe)
        stream = _eeg_head(raw, spec.model_copy(update={"recipe": recipe[:done]}), plan)
        memo.keep(plan, recipe[:done], stream, final=done == len(recipe))
    for k in range(done, len(recipe)):
        stream = run_recipe(stream, recipe[k : k + 1])
        memo.keep(plan, recipe[: k + 1], stream, final=k + 1 == len(recipe))
    return stream


def _eeg_head(raw: mne.io.BaseRaw, spec: InputSpec, plan: MontagePlan) -> Stream:
    """``spec``'s recipe on ``raw``: in blocks when it allows (`run_in_blocks`), else whole."""
    missing_ok = not plan.missing or "differential_entropy" in [s.step for s in spec.recipe]
    if plan.can_feed and missing_ok:
        sfreq = float(raw.info["sfreq"])
        features = run_in_blocks(
            lambda start, stop: eeg_stream(raw, plan, start, stop),
            raw.n_times,
            sfreq,
            list(spec.recipe),
            block_s=max(_MIN_BLOCK_S, _BLOCK_SAMPLES / (len(raw.ch_names) * sfreq)),
        )
        if features is not None:
            return _with_missing(features, plan)
    return eeg_features(eeg_stream(raw, plan), spec, plan)


def _with_missing(features: Stream, plan: MontagePlan) -> Stream:
    """Features of the channels ``plan.rows`` placed in the input's channels; others NaN."""
    if not plan.missing:
        return features
    data = features.data
    full = np.full((data.shape[0], len(plan.channels), *data.shape[2:]), np.nan)
    full[:, plan.rows] = data
    return replace(features, data=full)


def eeg_features(stream: Stream, spec: InputSpec, plan: MontagePlan) -> Stream:
    """Run ``spec``'s recipe on the recorded channels; missing ones become NaN features.

    Features are computed for the channels in ``plan.rows`` only; after the
    ``differential_entropy`` step the input's other channels are NaN rows, which the
    rest of the recipe treats as missing (as training does with masked channels).
    """
    if not plan.missing:
        return run_recipe(stream, spec.recipe)
    steps = [step.step for step in spec.recipe]
    if "differential_entropy" not in steps:
        raise CannotFeedError(
            f"input {spec.name!r} has no per-channel features to leave missing; it needs all "
            f"of {', '.join(plan.missing)}"
        )
    split = steps.index("differential_entropy") + 1
    features = run_recipe(stream, spec.recipe[:split])
    return run_recipe(_with_missing(features, plan), spec.recipe[split:])


def eda_stream(raw: mne.io.BaseRaw) -> tuple[Stream, list[str]]:
    """The first EDA (``gsr``-typed) channel of ``raw``, in µS, and notes."""
    picks = [k for k, kind in enumerate(raw.get_channel_types()) if kind == "gsr"]
    if not picks:
        raise CannotFeedError("the recording has no EDA (GSR) channel")
    names = [raw.ch_names[k] for k in picks]
    notes = (
        [f"EDA taken from channel {names[0]} (of {', '.join(names)})"] if len(picks) > 1 else []
    )
    data = read_signals(raw, picks[:1], scale=SI_TO_MICRO, dtype=np.float64)
    return Stream(data=data, sfreq=float(raw.info["sfreq"])), notes


def eye_stream(path: Path, spec: InputSpec) -> Stream:
    """Eye features per window from gaze/pupil samples (the recipe runs) or precomputed rows.

    Precomputed rows are taken as consecutive windows ``spec.step_s`` apart.
    """
    try:
        samples = read_eye_csv(path)
    except ValueError as sample_error:
        try:
            rows = read_precomputed_eye(path)
        except ValueError as table_error:
            raise ValueError(
                f"{path.name} is neither eye samples ({sample_error}) nor precomputed eye "
                f"features ({table_error})"
            ) from table_error
        step_s = float(spec.step_s or spec.window_s or 1.0)
        return Stream(data=rows, sfreq=1.0 / step_s, window_starts=np.arange(len(rows)) * step_s)
    data = np.stack([samples.gaze_x, samples.gaze_y, samples.pupil_left, samples.pupil_right])
    return run_recipe(Stream(data=data, sfreq=samples.sfreq), spec.recipe)


def _window_s(card: ModelCard) -> float:
    return float(next(s.window_s for s in card.inputs if s.required) or 1.0)


def _aligned(
    card: ModelCard,
    streams: dict[str, Stream],
    notes: list[str],
    per_recording: Mapping[str, NDArray[np.floating]] | None = None,
    montage: MontageUse | None = None,
) -> ModelInputs:
    """Keep the windows whose start time every stream has; repeat per-recording vectors."""
    starts = {name: np.round(s.window_starts, _START_DECIMALS) for name, s in streams.items()}
    common = reduce(np.intersect1d, starts.values())
    if common.size == 0:
        raise CannotFeedError(
            f"{card.name}: the inputs {', '.join(streams)} share no window in time "
            "(does the companion file cover the recording?)"
        )
    first = next(iter(starts))
    if common.size < starts[first].size:
        short = [name for name, s in starts.items() if not np.isin(starts[first], s).all()]
        notes = [
            *notes,
            f"{starts[first].size - common.size} of {starts[first].size} windows left out: "
            f"{', '.join(short)} did not cover them",
        ]
    arrays = {name: s.data[np.searchsorted(starts[name], common)] for name, s in streams.items()}
    for name, vector in (per_recording or {}).items():
        arrays[name] = np.repeat(vector[np.newaxis], common.size, axis=0)
    return ModelInputs(
        arrays=arrays,
        window_starts=common.astype(np.float64),
        window_s=_window_s(card),
        notes=notes,
        montage=montage,
    )


def _companion_path(companions: Mapping[str, Path], modality: str) -> tuple[Path, list[str]]:
    names = _companion_names(companions, modality)
    notes = [f"{modality} taken from {names[0]} (of {', '.join(names)})"] if len(names) > 1 else []
    return Path(companions[names[0]]), notes


def _make_input(
    spec: InputSpec,
    raw: mne.io.BaseRaw,
    companions: Mapping[str, Path],
    plan: MontagePlan | None = None,
    memo: RecipeMemo | None = None,
) -> tuple[Stream | NDArray[np.floating], list[str]]:
    """One input: windows (a `Stream`) or one vector for the whole recording, and notes."""
    if spec.modality == "eeg" and plan is not None:
        notes = [plan.message] if plan.interpolated or plan.missing else []
        return eeg_input(raw, spec, plan, memo), notes
    if spec.modality == "eda":
        stream, notes = eda_stream(raw)
        return run_recipe(stream, spec.recipe), notes
    path, notes = _companion_path(companions, spec.modality)
    if spec.modality == "eye":
        return eye_stream(path, spec), notes
    made = run_recipe(media_stream(path), spec.recipe)  # face windows, or a song's vector
    return (made if made.window_starts is not None else made.data), notes


def prepare_inputs(
    raw: mne.io.BaseRaw,
    card: ModelCard,
    companions: Mapping[str, Path] | None = None,
    vectors: Mapping[str, NDArray[np.floating]] | None = None,
    memo: RecipeMemo | None = None,
) -> ModelInputs:
    """Make every input of ``card`` from ``raw`` and the companion files; align the windows.

    The worker and the training code (`model_store.training.samples`) both call
    this, so a model is trained on exactly what it is served.

    Parameters
    ----------
    raw : mne.io.BaseRaw
        The recording (EEG and EDA channels).
    card : ModelCard
        The model.
    companions : mapping of str to Path or None
        The upload's companion files by original name (face video, music audio,
        eye table; others are ignored).
    vectors : mapping of str to array or None
        Per-recording vectors already made for optional inputs, by input name (a
        data set's distributed music features); they go with every window.
    memo : RecipeMemo or None
        Features already computed from ``raw`` for other cards: pass the same memo for
        every card of one recording so that a shared recipe prefix runs once.

    Returns
    -------
    ModelInputs
        Required inputs always; optional ones when their source was uploaded.

    Raises
    ------
    CannotFeedError
        When a required source is missing or unusable (no face in the video, ...).
    """
    companions = companions or {}
    header = raw_header(raw, companions)
    check = check_feed(card, header)
    if not check.can_feed:
        raise CannotFeedError(f"{card.name}: {check.reason}")
    plans = {
        spec.name: montage_plan(spec, header, accepted_montages(card, spec))
        for spec in card.inputs
        if spec.modality == "eeg" and spec.montage is not None
    }
    streams: dict[str, Stream] = {}
    per_recording = dict(vectors or {})
    notes: list[str] = []
    for spec in card.inputs:
        if spec.name in per_recording or (not spec.required and _unfit(card, spec, header)):
            continue
        try:
            with timed(FEATURE_SECONDS, modality=spec.modality):
                made, input_notes = _make_input(spec, raw, companions, plans.get(spec.name), memo)
        except ImportError as err:
            if spec.required:
                raise CannotFeedError(f"{card.name}: {err}") from err
            notes.append(f"the {spec.name} input was left out: {err}")
            continue
        except CannotFeedError:
            raise
        except ValueError as err:
            raise CannotFeedError(f"{card.name}, {spec.name} input: {err}") from err
        if isinstance(made, Stream):
            streams[spec.name] = made
        else:
            per_recording[spec.name] = made
        notes.extend(input_notes)
    montage = next((plan.use() for plan in plans.values()), None)
    return _aligned(card, streams, notes, per_recording, montage)


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
        parts = []
        for clip, trial in zip(features.arrays, trial_segments(features), strict=True):
            starts = trial.start_s + np.arange(clip.shape[1]) / features.sfreq
            stream = Stream(np.moveaxis(clip, 1, 0), features.sfreq, starts)
            parts.append(run_recipe(stream, tail))
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
