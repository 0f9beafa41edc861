"""One colour per emotion label, the same in every plot and on the web page."""

from __future__ import annotations

import zlib

LABEL_COLOURS: dict[str, str] = {
    "negative": "#d62728",
    "neutral": "#7f7f7f",
    "positive": "#2ca02c",
    "sad": "#1f77b4",
    "fear": "#9467bd",
    "happy": "#ff7f0e",
    "disgust": "#8c564b",
    "surprise": "#e377c2",
    "anger": "#a50f15",
    "low_valence": "#6baed6",
    "high_valence": "#fd8d3c",
    "low_arousal": "#74c476",
    "high_arousal": "#de2d26",
}
"""Colours of the labels our models emit, keyed by label name."""

SPARE_COLOURS = ("#17becf", "#bcbd22", "#393b79", "#637939", "#843c39", "#7b4173")
"""Colours for labels outside the table, picked by a stable hash of the name."""


def label_colour(label: str) -> str:
    """The hex colour of ``label``: from `LABEL_COLOURS`, else stable for that name."""
    if label in LABEL_COLOURS:
        return LABEL_COLOURS[label]
    return SPARE_COLOURS[zlib.crc32(label.encode()) % len(SPARE_COLOURS)]
