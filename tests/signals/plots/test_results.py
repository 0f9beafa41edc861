"""Timeline, summary and agreement plots of model results."""

from __future__ import annotations

import io

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import to_hex
from PIL import Image

from core.schemas import Segment
from signals.plots.colours import LABEL_COLOURS, label_colour
from signals.plots.render import figure_bytes
from signals.plots.results import (
    agreement,
    axes_width_px,
    column_labels,
    pixel_extremes,
    plot_agreement,
    plot_summary,
    plot_timeline,
)
from tests.results import model_result


def strip_colour(ax: Axes, time_s: float, row: int) -> str | None:
    """Hex colour of the label strip on ``ax`` at ``time_s`` in row ``row``; None if blank."""
    (image,) = ax.images
    pixels = image.get_array()
    first, last, low, high = image.get_extent()
    column = int((time_s - first) / (last - first) * pixels.shape[1])
    pixel = pixels[int((row + 0.5) / (high - low) * pixels.shape[0]), column]
    return to_hex(pixel / 255.0) if pixel[3] > 0 else None


def test_timeline_strip_shows_each_window_in_its_label_row_and_colour() -> None:
    result = model_result("maet", n_windows=37)
    fig = plot_timeline(result, "maet on s01.edf")
    top, bottom = fig.axes
    labels = result.labels
    assert top.images[0].get_array().shape[1] == axes_width_px(top)
    for window in result.windows:
        centre = (window.start_s + window.end_s) / 2.0
        for row, label in enumerate(labels):
            expected = LABEL_COLOURS[label] if label == window.label else None
            assert strip_colour(top, centre, row) == expected
    lines = bottom.get_lines()
    assert [line.get_label() for line in lines] == labels
    assert [line.get_color() for line in lines] == [LABEL_COLOURS[k] for k in labels]
    for k, line in enumerate(lines):
        np.testing.assert_allclose(
            line.get_ydata(), [w.probabilities[labels[k]] for w in result.windows]
        )
    assert bottom.get_xlabel() == "time (s)" and bottom.get_ylabel() == "probability"
    low, high = bottom.get_ylim()
    assert low < 0.0 and high > 1.0  # a line at 0 or 1 is drawn inside the frame
    assert fig.get_suptitle() == "maet on s01.edf"
    renderer = fig.canvas.get_renderer()
    legend = bottom.get_legend().get_window_extent(renderer)
    assert [t.get_text() for t in bottom.get_legend().get_texts()] == labels
    assert legend.x0 >= bottom.get_window_extent(renderer).x1  # it hides no line
    assert legend.x1 <= fig.bbox.x1  # and is not cut off


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
    for row, result in enumerate((a, b, c)):
        for window in result.windows:
            centre = (window.start_s + window.end_s) / 2.0
            assert strip_colour(top, centre, row) == LABEL_COLOURS[window.label]
    assert top.images[0].get_extent() == [0.0, 5.0, -0.5, 2.5]
    np.testing.assert_allclose(
        bottom.get_lines()[0].get_ydata(), [100, 200 / 3, 100 / 3, 100 / 3, 100]
    )
    assert bottom.get_ylabel() == "models agreeing (%)"


def test_a_strip_column_shows_the_most_common_label_of_the_windows_centred_in_it() -> None:
    starts = np.array([0.0, 1.0, 2.0, 3.0, 6.0, 7.0, 9.0])
    bounds = (starts, starts + 1.0)
    labels = ["sad", "happy", "happy", "sad", "fear", None, "sad"]
    # Columns of 4 s: [0, 4) holds two happy and two sad centres (tie: the first met,
    # sad), [4, 8) fear and an unlabelled window, [8, 12) only the window 9-10 s.
    assert column_labels(bounds, labels, (0.0, 12.0), 3) == ["sad", "fear", "sad"]
    # Columns of 0.5 s: a column without a window centre takes the window over its
    # centre; none over 4-6 s and after 10 s.
    shown = column_labels(bounds, labels, (0.0, 12.0), 24)
    assert shown[:8] == ["sad", "sad", "happy", "happy", "happy", "happy", "sad", "sad"]
    assert shown[8:12] == [None] * 4
    assert shown[12:16] == ["fear", "fear", None, None]
    assert shown[16:] == [None, None, "sad", "sad", None, None, None, None]


def test_an_hour_of_windows_fits_the_strip_in_one_column_per_pixel() -> None:
    results = {name: model_result(name, 3600, seed=k) for k, name in enumerate(("maet", "strnn"))}
    fig = plot_agreement(results, "agreement")
    top = fig.axes[0]
    (image,) = top.images
    assert image.get_array().shape[1] == axes_width_px(top) < 3600
    svg = figure_bytes(fig, "svg")
    assert svg.count(b"<image") == 1 and len(svg) < 400_000


def test_a_long_line_keeps_the_first_last_lowest_and_highest_point_of_each_pixel() -> None:
    times = np.arange(3600) + 0.5
    values = np.random.default_rng(0).random(3600)
    kept = pixel_extremes(times, values, (0.0, 3600.0), 100)
    assert len(kept) <= 400 and np.all(np.diff(kept) > 0)
    for column in range(100):
        whole = np.arange(36 * column, 36 * (column + 1))
        mine = kept[(kept >= whole[0]) & (kept <= whole[-1])]
        assert {whole[0], whole[-1]} <= set(mine)
        assert values[mine].min() == values[whole].min()
        assert values[mine].max() == values[whole].max()
    short = pixel_extremes(times[:400], values[:400], (0.0, 400.0), 100)
    np.testing.assert_array_equal(short, np.arange(400))


def test_png_decodes_at_the_figure_size_and_svg_is_svg() -> None:
    fig = plot_timeline(model_result("maet", 10), "t")
    image = Image.open(io.BytesIO(figure_bytes(fig, "png")))
    assert image.format == "PNG" and image.size == (900, 480)
    assert figure_bytes(fig, "svg").lstrip().startswith(b"<?xml")


def test_unknown_labels_get_a_stable_colour() -> None:
    assert label_colour("positive") == LABEL_COLOURS["positive"]
    assert label_colour("awe") == label_colour("awe")
    assert label_colour("awe").startswith("#") and len(label_colour("awe")) == 7
