"""Segments of a recording (annotated stretches, trigger codes, trials) and their windows.

Researchers report results per trial or per annotated segment, not per recording. A
segment is one `core.schemas.Segment`: a span annotation as given, or a marker (an event
without duration) running until the next marker or the end of the recording.
`recording_segments` reads them from a recording's annotations (EDF+/BDF+ annotations,
EEGLAB events) or, without any, from its trigger channel; `trial_segments` lays the
trials of a feature file end to end, as `signals.feeding.prepare_feature_inputs` does.
`inside` says which windows lie wholly inside a segment.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np
from numpy.typing import NDArray

from core.schemas import Segment
from signals.labels import raw_annotations

if TYPE_CHECKING:
    import mne

    from signals.io.base import FeatureSet

#: Annotations that name no segment: MNE's bad spans and edges, EEGLAB's boundaries
#: (case-insensitive prefixes of the description).
SKIPPED_PREFIXES = ("bad", "edge", "boundary")
#: Most events a trigger channel may hold to be read as segments; more are no simple
#: trial codes (a noisy or bit-coded Status channel) and give no segments.
MAX_TRIGGER_EVENTS = 1000
#: Trigger bits of a BioSemi Status channel (the upper bits report the device's state).
TRIGGER_MASK = 2**16 - 1
#: Tolerance on segment and window edges, s.
EDGE_TOLERANCE_S = 1e-6


def marked_segments(
    onsets: Sequence[float],
    durations: Sequence[float],
    names: Sequence[str],
    end_s: float,
    source: Literal["annotation", "trigger"],
    marker_s: float = 0.0,
) -> list[Segment]:
    """Segments from annotations: spans as given, markers up to the next marker.

    Parameters
    ----------
    onsets, durations : sequence of float
        Start and length of each annotation, s from the start of the recording.
    names : sequence of str
        Text of each annotation.
    end_s : float
        End of the recording, s: the last marker runs to it, and spans are cut at it.
    source : {'annotation', 'trigger'}
        Where the annotations come from.
    marker_s : float
        Annotations this long or shorter are markers (EEGLAB events last one sample), s.

    Returns
    -------
    list of Segment
        In time order, without empty ones (two markers at one time give one segment).
    """
    markers = sorted(
        (round(float(onset), 6), name)
        for onset, duration, name in zip(onsets, durations, names, strict=True)
        if duration <= marker_s
    )
    segments = [
        Segment(
            name=name,
            start_s=round(float(onset), 6),
            end_s=round(min(float(onset + duration), end_s), 6),
            source=source,
        )
        for onset, duration, name in zip(onsets, durations, names, strict=True)
        if duration > marker_s
    ]
    ends = [onset for onset, _ in markers[1:]] + [round(end_s, 6)] * bool(markers)
    segments += [
        Segment(name=name, start_s=onset, end_s=end, source=source)
        for (onset, name), end in zip(markers, ends, strict=True)
    ]
    kept = [s for s in segments if s.end_s - s.start_s > EDGE_TOLERANCE_S and s.start_s < end_s]
    return sorted(kept, key=lambda s: (s.start_s, s.end_s))


def annotation_segments(raw: mne.io.BaseRaw) -> list[Segment]:
    """Segments from the annotations of ``raw`` (EDF+/BDF+ annotations, EEGLAB events).

    Bad spans, edges and boundaries (`SKIPPED_PREFIXES`) are left out; annotations of
    one sample or less are markers (see `marked_segments`).
    """
    kept = [
        (onset, duration, text.strip())
        for onset, duration, text in raw_annotations(raw)
        if text.strip() and not text.strip().lower().startswith(SKIPPED_PREFIXES)
    ]
    onsets, durations, names = zip(*kept, strict=True) if kept else ((), (), ())
    sfreq = raw.info["sfreq"]
    return marked_segments(
        onsets, durations, names, raw.n_times / sfreq, "annotation", marker_s=1.0 / sfreq
    )


def trigger_segments(raw: mne.io.BaseRaw) -> list[Segment]:
    """Segments from the first trigger (stim) channel of ``raw``: one per code onset.

    Each change to a non-zero code (the lower 16 bits, `TRIGGER_MASK`) is a marker named
    by its code; none when there is no trigger channel or it holds more than
    `MAX_TRIGGER_EVENTS` events.
    """
    import mne

    types = raw.get_channel_types()
    stim = [name for name, kind in zip(raw.ch_names, types, strict=True) if kind == "stim"]
    if not stim:
        return []
    events = mne.find_events(
        raw,
        stim_channel=stim[0],
        shortest_event=1,
        consecutive=True,
        initial_event=True,
        mask=TRIGGER_MASK,
        mask_type="and",
        verbose="error",
    )
    if not 0 < len(events) <= MAX_TRIGGER_EVENTS:
        return []
    sfreq = raw.info["sfreq"]
    onsets = (events[:, 0] - raw.first_samp) / sfreq
    return marked_segments(
        onsets.tolist(),
        [0.0] * len(events),
        [str(int(code)) for code in events[:, 2]],
        raw.n_times / sfreq,
        "trigger",
    )


def recording_segments(raw: mne.io.BaseRaw) -> list[Segment]:
    """The segments of a continuous recording: its annotations, else its trigger codes."""
    return annotation_segments(raw) or trigger_segments(raw)


def trial_segments(features: FeatureSet) -> list[Segment]:
    """The trials of a feature file laid end to end in file order, named by their keys.

    A trial lasts its number of windows (or samples) over ``features.sfreq``.
    """
    axis = "window" if "window" in features.layout else "sample"
    position = features.layout.index(axis)
    segments, offset = [], 0.0
    for key, array in zip(features.keys, features.arrays, strict=True):
        length = array.shape[position] / features.sfreq
        segments.append(Segment(name=key, start_s=offset, end_s=offset + length, source="trial"))
        offset += length
    return segments


def inside(segment: Segment, starts: NDArray[np.floating], window_s: float) -> NDArray[np.bool_]:
    """Which windows (starting at ``starts``, lasting ``window_s``) lie wholly in ``segment``."""
    starts = np.asarray(starts, dtype=float)
    return (starts >= segment.start_s - EDGE_TOLERANCE_S) & (
        starts + window_s <= segment.end_s + EDGE_TOLERANCE_S
    )
