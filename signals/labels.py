"""Trial labels from what researchers have: annotations, a labels CSV, SEED's label.mat.

Every source becomes the same list of `Segment` (one labelled trial each), checked by
`check_segments` before anything trains on it. A segment is a time span of a continuous
recording, or a whole trial of a trial file (SEED features: ``trial`` numbers from 1).
Every problem raises `LabelError` with a sentence that names it and says how to fix it.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import mne
import numpy as np

from core.trainings import LabelSource

#: SEED's label.mat codes, in its own order.
SEED_CODES = {-1: "negative", 0: "neutral", 1: "positive"}


class LabelError(ValueError):
    """The labels given for a training cannot be used as they are."""


@dataclass(frozen=True)
class Segment:
    """One labelled trial.

    Attributes
    ----------
    label : str
        Class name.
    start_s, end_s : float or None
        Span of a continuous recording, seconds from its start; None for a whole trial
        of a trial file.
    trial : int or None
        Trial number (from 1) of a trial file; None for a span.
    name : str
        Where the segment came from (an annotation's text, a CSV line), for messages.
    """

    label: str
    start_s: float | None = None
    end_s: float | None = None
    trial: int | None = None
    name: str = ""


def segments_from_annotations(
    annotations: Iterable[tuple[float, float, str]], table: Mapping[str, str]
) -> list[Segment]:
    """One segment per annotation whose description the table maps to a class.

    Parameters
    ----------
    annotations : iterable of (onset_s, duration_s, description)
        The recording's annotations (EDF+/BDF+ TAL, as MNE reads them).
    table : mapping of str to str
        Annotation description -> class name, e.g. ``{"film_happy": "positive"}``.
        Annotations not in the table (a "start" marker) are not trials.

    Returns
    -------
    list of Segment
        In onset order.
    """
    if not table:
        raise LabelError(
            "the annotation table is empty; map each annotation text that marks a trial to "
            'its class, e.g. {"film_happy": "positive"}'
        )
    found = []
    seen = set()
    for onset, duration, description in annotations:
        if description not in table:
            continue
        seen.add(description)
        if duration <= 0:
            raise LabelError(
                f"the annotation {description!r} at {onset:g} s has no duration, so it marks "
                "no trial span; annotate each trial with its duration, or give the spans in a "
                "labels CSV (start_s,end_s,label)"
            )
        found.append(
            Segment(table[description], float(onset), float(onset + duration), name=description)
        )
    unused = sorted(set(table) - seen)
    if unused:
        raise LabelError(
            f"the recording has no annotation {unused[0]!r} of the table; its annotations are "
            f"{sorted({d for _, _, d in annotations})[:20]}"
        )
    return sorted(found, key=lambda s: s.start_s or 0.0)


def segments_from_csv(text: str) -> list[Segment]:
    """Segments from a labels CSV: ``start_s,end_s,label`` or ``trial,label`` columns.

    The first line names the columns; commas, semicolons or tabs separate them.
    """
    try:
        dialect = csv.Sniffer().sniff(text.splitlines()[0] if text.strip() else ",", ",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.DictReader(io.StringIO(text.strip()), dialect=dialect))
    if not rows:
        raise LabelError("the labels CSV has no rows; give a header line and one row per trial")
    columns = {name.strip().lower() for name in rows[0] if name}
    spans = {"start_s", "end_s", "label"} <= columns
    trials = {"trial", "label"} <= columns
    if not (spans or trials):
        raise LabelError(
            f"the labels CSV has columns {sorted(columns)}; it needs start_s,end_s,label "
            "(spans of a continuous recording) or trial,label (trials of a trial file)"
        )
    out = []
    for line, row in enumerate(rows, start=2):
        row = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
        try:
            if spans:
                start, end = float(row["start_s"]), float(row["end_s"])
                if end <= start:
                    raise LabelError(
                        f"line {line} of the labels CSV ends ({end:g} s) before it starts "
                        f"({start:g} s)"
                    )
                out.append(Segment(row["label"], start, end, name=f"CSV line {line}"))
            else:
                out.append(Segment(row["label"], trial=int(row["trial"]), name=f"CSV line {line}"))
        except ValueError as err:
            if isinstance(err, LabelError):
                raise
            raise LabelError(
                f"line {line} of the labels CSV has no number where one is expected: {row}"
            ) from None
    return out


def segments_from_seed_labels(path: Path) -> list[Segment]:
    """Segments from SEED's ``label.mat`` (one code per clip: -1, 0, 1)."""
    import scipy.io

    try:
        codes = np.asarray(scipy.io.loadmat(path)["label"]).ravel()
    except (KeyError, ValueError, OSError) as err:
        raise LabelError(
            f"{path.name} is not SEED's label.mat (a MATLAB file with a 'label' vector): {err}"
        ) from None
    unknown = sorted({int(c) for c in codes} - set(SEED_CODES))
    if unknown:
        raise LabelError(f"{path.name} holds codes {unknown}; SEED's label.mat uses -1, 0 and 1")
    return [
        Segment(SEED_CODES[int(code)], trial=k, name=f"clip {k}")
        for k, code in enumerate(codes, start=1)
    ]


def check_segments(
    segments: list[Segment],
    classes: list[str],
    duration_s: float | None = None,
    n_trials: int | None = None,
) -> None:
    """Refuse labels a model cannot be trained and honestly evaluated on.

    Parameters
    ----------
    segments : list of Segment
        The trials of one recording.
    classes : list of str
        Class names the model can be trained to (its card's labels).
    duration_s : float, optional
        Length of a continuous recording, seconds: spans must lie inside it.
    n_trials : int, optional
        Number of trials of a trial file: trial numbers must exist.

    Raises
    ------
    LabelError
        On an unknown label, a span outside the recording or overlapping another, a
        trial number the file lacks or given twice.
    """
    if not segments:
        raise LabelError("no labelled trials were found; give at least two trials per class")
    for seg in segments:
        if seg.label not in classes:
            raise LabelError(
                f"unknown label {seg.label!r} ({seg.name}); the model's classes are {classes}"
            )
    spans = sorted((s for s in segments if s.trial is None), key=lambda s: s.start_s or 0.0)
    for seg in spans:
        assert seg.start_s is not None and seg.end_s is not None
        if seg.start_s < 0 or (duration_s is not None and seg.end_s > duration_s + 1e-6):
            raise LabelError(
                f"the trial {seg.name} ({seg.start_s:g}-{seg.end_s:g} s) lies outside the "
                f"recording (0-{duration_s:g} s)"
            )
    for first, second in itertools.pairwise(spans):
        if second.start_s < first.end_s:  # type: ignore[operator]
            raise LabelError(
                f"the trials {first.name} ({first.start_s:g}-{first.end_s:g} s) and "
                f"{second.name} ({second.start_s:g}-{second.end_s:g} s) overlap; each moment "
                "can belong to one trial only"
            )
    numbers = Counter(s.trial for s in segments if s.trial is not None)
    for trial, count in sorted(numbers.items()):
        if count > 1:
            raise LabelError(f"trial {trial} is labelled {count} times; label each trial once")
        if trial < 1 or (n_trials is not None and trial > n_trials):
            raise LabelError(f"trial {trial} does not exist: the file has trials 1-{n_trials}")


def check_classes(segments: list[Segment]) -> None:
    """Refuse a training set in which some class has fewer than two trials.

    Trial-grouped evaluation holds out whole trials: a class with one trial can never
    be both trained on and tested, so its accuracy would mean nothing.
    """
    counts = Counter(s.label for s in segments)
    if len(counts) < 2:
        raise LabelError(
            f"all trials are labelled {next(iter(counts))!r}; a classifier needs at least two "
            "classes"
        )
    few = sorted(label for label, n in counts.items() if n < 2)
    if few:
        raise LabelError(
            f"the class {few[0]!r} has {counts[few[0]]} trial; every class needs at least two "
            "trials, so that one can be held out for evaluation while another trains"
        )


def segments_for(
    source: LabelSource,
    annotations: Iterable[tuple[float, float, str]] = (),
    companions: Mapping[str, Path] | None = None,
) -> list[Segment]:
    """The labelled trials of one recording, from whichever source the user gave.

    Parameters
    ----------
    source : LabelSource
        The user's label source for this recording.
    annotations : iterable of (onset_s, duration_s, description)
        The recording's annotations (used by an annotation table).
    companions : mapping of str to Path, optional
        The recording's companion files by name (``label.mat`` for ``seed_labels``).
    """
    if source.annotations is not None:
        return segments_from_annotations(list(annotations), source.annotations)
    if source.csv is not None:
        return segments_from_csv(source.csv)
    if source.label is not None:
        return [Segment(source.label, 0.0, float("inf"), name="the whole recording")]
    path = next((p for name, p in (companions or {}).items() if name.lower() == "label.mat"), None)
    if path is None:
        raise LabelError(
            "seed_labels needs SEED's label.mat uploaded as a companion file of the features"
        )
    return segments_from_seed_labels(path)


def trial_spans(segments: list[Segment], trial_lengths_s: list[float]) -> list[Segment]:
    """Turn trial-numbered segments of a trial file into time spans of its trials laid
    end to end (as `signals.feeding.prepare_feature_inputs` lays them)."""
    offsets = np.concatenate([[0.0], np.cumsum(trial_lengths_s)])
    return [
        seg
        if seg.trial is None
        else Segment(
            seg.label, float(offsets[seg.trial - 1]), float(offsets[seg.trial]), name=seg.name
        )
        for seg in segments
    ]


def whole_recording(segments: list[Segment], duration_s: float) -> list[Segment]:
    """Give a whole-recording segment its real end."""
    return [
        Segment(s.label, s.start_s, duration_s, s.trial, s.name) if s.end_s == float("inf") else s
        for s in segments
    ]


def raw_annotations(raw: mne.io.BaseRaw) -> list[tuple[float, float, str]]:
    """``(onset_s, duration_s, description)`` of a Raw's annotations, onsets from its start."""
    start = raw.first_time if raw.annotations.orig_time is not None else 0.0
    return [
        (float(a["onset"]) - start, float(a["duration"]), str(a["description"]))
        for a in raw.annotations
    ]
