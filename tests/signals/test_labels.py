"""Trial labels from annotations, CSV and SEED's label.mat, and every bad-label message."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import scipy.io

from core.trainings import LabelSource
from signals.labels import (
    LabelError,
    Segment,
    check_classes,
    check_segments,
    segments_for,
    segments_from_annotations,
    segments_from_csv,
    segments_from_seed_labels,
    trial_spans,
    whole_recording,
)

CLASSES = ["negative", "neutral", "positive"]
ANNOTATIONS = [
    (0.0, 0.0, "start"),
    (2.0, 40.0, "film_sad"),
    (57.0, 40.0, "film_calm"),
    (112.0, 40.0, "film_happy"),
]
TABLE = {"film_sad": "negative", "film_calm": "neutral", "film_happy": "positive"}


def test_annotations_mapped_by_the_table_are_trials() -> None:
    segments = segments_from_annotations(ANNOTATIONS, TABLE)
    assert [(s.label, s.start_s, s.end_s) for s in segments] == [
        ("negative", 2.0, 42.0),
        ("neutral", 57.0, 97.0),
        ("positive", 112.0, 152.0),
    ]


def test_annotation_table_naming_an_absent_annotation_is_refused() -> None:
    with pytest.raises(LabelError, match="no annotation 'film_fear'"):
        segments_from_annotations(ANNOTATIONS, {**TABLE, "film_fear": "negative"})


def test_annotation_without_duration_is_refused() -> None:
    with pytest.raises(LabelError, match="has no duration"):
        segments_from_annotations([(3.0, 0.0, "film_sad")], TABLE)


def test_csv_of_spans_and_of_trials() -> None:
    spans = segments_from_csv("start_s,end_s,label\n0,30,negative\n30.5,60,positive\n")
    assert [(s.label, s.start_s, s.end_s) for s in spans] == [
        ("negative", 0.0, 30.0),
        ("positive", 30.5, 60.0),
    ]
    trials = segments_from_csv("trial;label\n1;positive\n2;neutral\n")
    assert [(s.label, s.trial) for s in trials] == [("positive", 1), ("neutral", 2)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("onset,label\n1,positive\n", "needs start_s,end_s,label"),
        ("start_s,end_s,label\n10,5,positive\n", "ends \\(5 s\\) before it starts"),
        ("start_s,end_s,label\nten,20,positive\n", "no number where one is expected"),
        ("", "no rows"),
    ],
)
def test_bad_csv_says_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(LabelError, match=message):
        segments_from_csv(text)


def test_seed_label_mat(tmp_path: Path) -> None:
    path = tmp_path / "label.mat"
    scipy.io.savemat(path, {"label": np.array([[1, 0, -1, -1, 0, 1]])})
    segments = segments_from_seed_labels(path)
    assert [(s.trial, s.label) for s in segments] == [
        (1, "positive"),
        (2, "neutral"),
        (3, "negative"),
        (4, "negative"),
        (5, "neutral"),
        (6, "positive"),
    ]
    source = LabelSource(seed_labels=True)
    assert segments_for(source, (), {"label.mat": path}) == segments
    with pytest.raises(LabelError, match=r"label\.mat uploaded as a companion"):
        segments_for(source, (), {})


@pytest.mark.parametrize(
    ("segments", "message"),
    [
        ([Segment("happy", 0.0, 10.0, name="x")], "unknown label 'happy'"),
        (
            [Segment("negative", 0.0, 10.0, name="a"), Segment("neutral", 9.0, 20.0, name="b")],
            "the trials a \\(0-10 s\\) and b \\(9-20 s\\) overlap",
        ),
        ([Segment("negative", 50.0, 70.0, name="a")], "lies outside the recording \\(0-60 s\\)"),
        ([], "no labelled trials"),
    ],
)
def test_bad_spans_are_refused(segments: list[Segment], message: str) -> None:
    with pytest.raises(LabelError, match=message):
        check_segments(segments, CLASSES, duration_s=60.0)


def test_bad_trial_numbers_are_refused() -> None:
    with pytest.raises(LabelError, match="trial 4 does not exist: the file has trials 1-3"):
        check_segments([Segment("negative", trial=4)], CLASSES, n_trials=3)
    with pytest.raises(LabelError, match="trial 2 is labelled 2 times"):
        check_segments([Segment("negative", trial=2)] * 2, CLASSES, n_trials=3)


def test_a_class_with_one_trial_is_refused() -> None:
    segments = [Segment("negative"), Segment("negative"), Segment("positive")]
    with pytest.raises(LabelError, match="the class 'positive' has 1 trial"):
        check_classes(segments)
    with pytest.raises(LabelError, match="at least two classes"):
        check_classes([Segment("negative")] * 3)
    check_classes([*segments, Segment("positive")])


def test_one_source_per_recording() -> None:
    with pytest.raises(ValueError, match="exactly one label source"):
        LabelSource(csv="trial,label\n1,positive", label="positive")
    with pytest.raises(ValueError, match="given: none"):
        LabelSource()


def test_trials_laid_end_to_end_and_whole_recordings() -> None:
    spans = trial_spans([Segment("neutral", trial=2), Segment("negative", trial=1)], [10.0, 5.0])
    assert [(s.start_s, s.end_s) for s in spans] == [(10.0, 15.0), (0.0, 10.0)]
    whole = whole_recording(segments_for(LabelSource(label="positive")), 42.0)
    assert [(s.label, s.start_s, s.end_s) for s in whole] == [("positive", 0.0, 42.0)]
