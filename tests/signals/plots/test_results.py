"""Timeline, summary and agreement plots of model results."""

from __future__ import annotations

import io

import numpy as np
from matplotlib.colors import to_hex
from PIL import Image

from core.schemas import Segment
from signals.plots.colours import LABEL_COLOURS, label_colour
from signals.plots.render import figure_bytes
from signals.plots.results import agreement, plot_agreement, plot_summary, plot_timeline
from tests.results import model_result


def test_timeline_has_one_point_per_window_in_the_label_colours() -> None:
    result = model_result("maet", n_windows=37)
    fig = plot_timeline(result, "maet on s01.edf")
    top, bottom = fig.axes
    offsets = top.collections[0].get_offsets()
    assert len(offsets) == 37
    np.testing.assert_allclose(offsets[:, 0], np.arange(37) + 0.5)
    labels = result.labels
    assert list(offsets[:, 1]) == [labels.index(w.label) for w in result.windows]
    faces = [to_hex(c) for c in top.collections[0].get_facecolors()]
    assert faces == [LABEL_COLOURS[w.label] for w in result.windows]
    lines = bottom.get_lines()
    assert [line.get_label() for line in lines] == labels
    assert [line.get_color() for line in lines] == [LABEL_COLOURS[k] for k in labels]
    for k, line in enumerate(lines):
        np.testing.assert_allclose(
            line.get_ydata(), [w.probabilities[labels[k]] for w in result.windows]
        )
    assert bottom.get_xlabel() == "time (s)" and bottom.get_ylabel() == "probability"
    assert fig.get_suptitle() == "maet on s01.edf"


def test_timeline_marks_the_segments_with_their_names() -> None:
    segments = [
        Segment(name="film A", start_s=2.0, end_s=12.5, source="annotation"),
        Segment(name="film B", start_s=12.5, end_s=30.0, source="annotation"),
    ]
    fig = plot_timeline(model_result("maet", n_windows=20), "maet", segments)
    top, bottom = fig.axes
    assert bottom.get_xlim() == (0.0, 30.0)  # the windows end at 20 s, the segments at 30 s
    assert [t.get_text() for t in top.texts] == ["film A", "film B"]
    for ax in (top, bottom):
        starts = [line.get_xdata()[0] for line in ax.get_lines() if line.get_linestyle() == "--"]
        assert starts == [2.0, 12.5]
        shaded = [patch.get_x() for patch in ax.patches]
        assert shaded == [2.0]


def test_summary_bars_are_shares_of_windows() -> None:
    results = {"maet": model_result("maet", 40, seed=1), "strnn": model_result("strnn", 40)}
    fig = plot_summary(results, "summary")
    assert len(fig.axes) == 2
    for ax, result in zip(fig.axes, results.values(), strict=True):
        bars = ax.patches
        counts = result.summary.label_counts
        widths = [bar.get_width() for bar in bars]
        np.testing.assert_allclose(widths, [100 * counts[k] / 40 for k in result.labels])
        assert [to_hex(bar.get_facecolor()) for bar in bars] == [
            LABEL_COLOURS[k] for k in result.labels
        ]
        assert ax.get_xlabel() == "windows (%)"


def test_agreement_counts_the_majority_share() -> None:
    a, b, c = (model_result("maet", 5, seed=s) for s in (0, 1, 2))
    for result, labels in zip(
        (a, b, c),
        (
            ["negative", "neutral", "positive", "neutral", "neutral"],
            ["negative", "neutral", "neutral", "positive", "neutral"],
            ["negative", "positive", "negative", "negative", "neutral"],
        ),
        strict=True,
    ):
        for window, label in zip(result.windows, labels, strict=True):
            window.label = label
    np.testing.assert_allclose(
        agreement({"a": a, "b": b, "c": c}), [1.0, 2 / 3, 1 / 3, 1 / 3, 1.0]
    )
    fig = plot_agreement({"a": a, "b": b, "c": c}, "agreement")
    top, bottom = fig.axes[:2]
    (cells,) = top.collections
    assert [to_hex(colour) for colour in cells.get_facecolors()] == [
        LABEL_COLOURS[w.label] for r in (a, b, c) for w in r.windows
    ]
    corners = np.array([path.vertices[:4] for path in cells.get_paths()])
    np.testing.assert_allclose(corners[5], [[0, 0.6], [0, 1.4], [1, 1.4], [1, 0.6]])
    np.testing.assert_allclose(corners[14, 2], [5, 2.4])
    np.testing.assert_allclose(
        bottom.get_lines()[0].get_ydata(), [100, 200 / 3, 100 / 3, 100 / 3, 100]
    )
    assert bottom.get_ylabel() == "models agreeing (%)"


def test_png_decodes_at_the_figure_size_and_svg_is_svg() -> None:
    fig = plot_timeline(model_result("maet", 10), "t")
    image = Image.open(io.BytesIO(figure_bytes(fig, "png")))
    assert image.format == "PNG" and image.size == (900, 480)
    assert figure_bytes(fig, "svg").lstrip().startswith(b"<?xml")


def test_unknown_labels_get_a_stable_colour() -> None:
    assert label_colour("positive") == LABEL_COLOURS["positive"]
    assert label_colour("awe") == label_colour("awe")
    assert label_colour("awe").startswith("#") and len(label_colour("awe")) == 7
