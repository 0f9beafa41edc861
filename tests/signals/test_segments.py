"""Segments from annotations, trigger codes and trials, and the windows inside them."""

from __future__ import annotations

from pathlib import Path

import edfio
import numpy as np

from core.schemas import Segment
from signals.io import FeatureSet, read_raw
from signals.segments import inside, marked_segments, recording_segments, trial_segments
from tests.signals.io.builders import write_edf

SFREQ = 256.0


def _spans(segments: list[Segment]) -> list[tuple[str, float, float, str]]:
    return [(s.name, s.start_s, s.end_s, s.source) for s in segments]


def test_markers_run_to_the_next_marker_and_spans_stay_as_given() -> None:
    segments = marked_segments(
        onsets=[30.0, 2.0, 12.0, 2.0, 40.0],
        durations=[0.0, 0.0, 3.0, 0.0, 20.0],
        names=["end", "start", "probe", "start again", "late"],
        end_s=50.0,
        source="annotation",
    )
    assert _spans(segments) == [
        ("start again", 2.0, 30.0, "annotation"),
        ("probe", 12.0, 15.0, "annotation"),
        ("end", 30.0, 50.0, "annotation"),
        ("late", 40.0, 50.0, "annotation"),
    ]


def test_edf_annotations_give_segments_without_bad_spans(tmp_path: Path) -> None:
    n_times = int(20 * SFREQ)
    path = write_edf(
        tmp_path / "annotated.edf",
        np.zeros((2, n_times)),
        SFREQ,
        ["Fp1", "Fp2"],
        annotations=[
            (1.0, None, "rest"),
            (5.0, None, "film"),
            (12.0, 3.0, "sad"),
            (13.0, 2.0, "BAD_blink"),
        ],
    )
    assert _spans(recording_segments(read_raw(path))) == [
        ("rest", 1.0, 5.0, "annotation"),
        ("film", 5.0, 20.0, "annotation"),
        ("sad", 12.0, 15.0, "annotation"),
    ]


def test_eeglab_events_give_segments(tmp_path: Path) -> None:
    from eeglabio.raw import export_set

    path = tmp_path / "events.set"
    events = (["boundary", "film A", "film B"], np.array([0.5, 1.0, 6.0]), np.zeros(3))
    export_set(str(path), np.zeros((2, 1280)), 128.0, ["Fp1", "Fp2"], annotations=events)
    assert _spans(recording_segments(read_raw(path))) == [
        ("film A", 1.0, 6.0, "annotation"),
        ("film B", 6.0, 10.0, "annotation"),
    ]


def test_bdf_status_codes_give_segments_from_the_lower_16_bits(tmp_path: Path) -> None:
    n_times = int(20 * SFREQ)
    status = np.full(n_times, float(2**20))  # an upper (device state) bit, always on
    status[int(2 * SFREQ) : int(2.5 * SFREQ)] += 3
    status[int(10 * SFREQ) : int(11 * SFREQ)] += 5
    signals = [
        edfio.BdfSignal(
            np.zeros(n_times), sampling_frequency=SFREQ, label=label, physical_range=(-500, 500)
        )
        for label in ("Fp1", "Fp2")
    ]
    full = (-(2**23), 2**23 - 1)
    signals.append(
        edfio.BdfSignal(
            status,
            sampling_frequency=SFREQ,
            label="Status",
            physical_range=full,
            digital_range=full,
        )
    )
    path = tmp_path / "triggers.bdf"
    edfio.Bdf(signals).write(path)
    assert _spans(recording_segments(read_raw(path))) == [
        ("3", 2.0, 10.0, "trigger"),
        ("5", 10.0, 20.0, "trigger"),
    ]


def test_a_recording_without_annotations_or_triggers_has_no_segments(tmp_path: Path) -> None:
    path = write_edf(tmp_path / "plain.edf", np.zeros((2, 2560)), SFREQ, ["Fp1", "Fp2"])
    assert recording_segments(read_raw(path)) == []


def test_trials_of_a_feature_file_lie_end_to_end() -> None:
    features = FeatureSet(
        source="seed-features",
        feature_name="de_LDS",
        layout=("channel", "window", "band"),
        arrays=[np.zeros((62, n, 5)) for n in (30, 12, 20)],
        keys=["de_LDS1", "de_LDS2", "de_LDS3"],
        channel_names=[],
        sfreq=1.0,
    )
    assert _spans(trial_segments(features)) == [
        ("de_LDS1", 0.0, 30.0, "trial"),
        ("de_LDS2", 30.0, 42.0, "trial"),
        ("de_LDS3", 42.0, 62.0, "trial"),
    ]


def test_only_windows_wholly_inside_a_segment_count() -> None:
    segment = Segment(name="film", start_s=2.0, end_s=6.5, source="annotation")
    starts = np.arange(0.0, 8.0, 0.5)
    chosen = inside(segment, starts, window_s=2.0)
    assert starts[chosen].tolist() == [2.0, 2.5, 3.0, 3.5, 4.0, 4.5]
