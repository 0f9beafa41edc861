"""Plots of model results: emotion timeline, summary bars, agreement between models.

Each function takes results as the job stores them (`core.schemas.ModelResult`) and
returns a Figure.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from functools import cache
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from core.schemas import ModelResult, Segment
from signals.plots.colours import label_colour
from signals.plots.render import (
    AXES_TITLE_IN,
    TITLE_IN,
    XLABEL_IN,
    YLABEL_IN,
    Margins,
    new_figure,
    pin_labels,
    text_width_in,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def window_centres(result: ModelResult) -> NDArray[np.float64]:
    """Centre time of each window, s."""
    return np.array([(w.start_s + w.end_s) / 2.0 for w in result.windows])


def probability_matrix(result: ModelResult) -> NDArray[np.float64]:
    """Class probabilities, shape (n_windows, n_labels), columns in ``result.labels`` order."""
    labels = result.labels
    return np.array(
        [[w.probabilities[label] for label in labels] for w in result.windows],
        dtype=float,
    ).reshape(len(result.windows), len(labels))


#: Height of a one-row figure legend below the axes, inches.
LEGEND_ROW_IN = 0.3
#: Width of a legend's frame, padding and colour patch beside the widest label, inches.
LEGEND_HANDLE_IN = 0.6

#: Probability axis of a timeline: 0 to 1 with a margin, so lines at 0 or 1 stay visible.
PROBABILITY_YLIM = (-0.03, 1.03)
#: Most segments whose names a timeline writes (more are only shaded).
MAX_SEGMENT_NAMES = 30
#: Most segments whose names are written upright (more are turned by 30°).
NAMES_UPRIGHT = 8


def mark_segments(axes: Sequence[Axes], segments: Sequence[Segment]) -> None:
    """Shade every other segment on ``axes`` and write the names above the first axes.

    Each segment's start is a dashed line; names are written for up to
    `MAX_SEGMENT_NAMES` segments.
    """
    for k, segment in enumerate(segments):
        for ax in axes:
            if k % 2 == 0:
                ax.axvspan(segment.start_s, segment.end_s, color="0.5", alpha=0.12, linewidth=0)
            ax.axvline(segment.start_s, color="0.35", linestyle="--", linewidth=0.8)
        if len(segments) <= MAX_SEGMENT_NAMES:
            axes[0].annotate(
                segment.name,
                xy=(segment.start_s, 1.0),
                xycoords=("data", "axes fraction"),
                xytext=(2, 2),
                textcoords="offset points",
                fontsize="x-small",
                rotation=30 if len(segments) > NAMES_UPRIGHT else 0,
                annotation_clip=False,
            )


def time_span(result: ModelResult, segments: Sequence[Segment] = ()) -> tuple[float, float]:
    """From the first start to the last end of the windows and segments, s.

    Time axes span exactly this (no margin), so that no tick is made outside the view.
    """
    starts = [w.start_s for w in result.windows] + [s.start_s for s in segments]
    ends = [w.end_s for w in result.windows] + [s.end_s for s in segments]
    return min(starts), max(ends)


def segment_names_in(segments: Sequence[Segment]) -> float:
    """Height the names `mark_segments` writes above the axes take, inches."""
    if not segments or len(segments) > MAX_SEGMENT_NAMES:
        return 0.0
    line = 0.16
    if len(segments) > NAMES_UPRIGHT:
        return line + np.sin(np.radians(30)) * text_width_in((s.name for s in segments), "x-small")
    return line


def plot_timeline(result: ModelResult, title: str, segments: Sequence[Segment] = ()) -> Figure:
    """Predicted class per window (top) and class probabilities over time (bottom).

    Parameters
    ----------
    result : ModelResult
        One model's result.
    title : str
        Figure title, e.g. the model and recording names.
    segments : sequence of Segment
        The recording's annotated segments or trials, marked on both axes
        (`mark_segments`).

    Returns
    -------
    fig : Figure
        Two axes sharing time (s): the top one a strip per label, coloured where a
        window predicts it (`draw_label_strip`: with more windows than pixels, a pixel
        column shows every label predicted by a window centred in it); the bottom one
        one line per label, probability 0–1 (`pixel_extremes`).
    """
    labels = list(result.labels)
    times = window_centres(result)
    probs = probability_matrix(result)
    predicted = [w.label for w in result.windows]
    fig = new_figure(9.0, 4.8)
    margins = Margins(
        left=YLABEL_IN + text_width_in([*labels, "0.0"]),
        top=TITLE_IN + segment_names_in(segments),
        right=LEGEND_HANDLE_IN + text_width_in(labels, "small"),
        hspace=0.12,
    )
    top, bottom = fig.subplots(
        2, 1, sharex=True, height_ratios=(1, 2), gridspec_kw=margins.gridspec(fig, 2, 1)
    )
    pin_labels(top)
    pin_labels(bottom)
    span = time_span(result, segments)
    rows = [[label if label == row else None for label in predicted] for row in labels]
    draw_label_strip(top, window_bounds(result), rows, span)
    top.set(yticks=range(len(labels)), yticklabels=labels, ylim=(-0.5, len(labels) - 0.5))
    top.set_ylabel("predicted class")
    top.grid(axis="x", alpha=0.3)
    for k, label in enumerate(labels):
        kept = pixel_extremes(times, probs[:, k], span, axes_width_px(bottom))
        bottom.plot(
            times[kept], probs[kept, k], color=label_colour(label), label=label, linewidth=1.2
        )
    # A little room beyond 0 and 1, so that a certain model's lines show above the spines.
    bottom.set(xlim=span, ylim=PROBABILITY_YLIM, xlabel="time (s)", ylabel="probability")
    bottom.grid(alpha=0.3)
    # Beside the axes, where it cannot hide a line (a certain model's lie along 0 and 1).
    bottom.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize="small")
    mark_segments([top, bottom], segments)
    fig.suptitle(title)
    return fig


def plot_summary(results: Mapping[str, ModelResult], title: str) -> Figure:
    """Share of windows given each label, one panel per model.

    Parameters
    ----------
    results : mapping of str to ModelResult
        Model name to that model's result.
    title : str
        Figure title.

    Returns
    -------
    fig : Figure
        One horizontal bar per label (percent of windows), coloured by label; a black
        tick marks the label's mean probability (percent).
    """
    n_models = len(results)
    fig = new_figure(
        4.0 * n_models + 1.0, 0.5 + 0.45 * max(len(r.labels) for r in results.values()) + 1.0
    )
    tick_labels = [text_width_in(result.labels) + 0.15 for result in results.values()]
    margins = Margins(
        left=tick_labels[0],
        bottom=XLABEL_IN + LEGEND_ROW_IN,
        top=TITLE_IN + AXES_TITLE_IN,
        wspace=max(tick_labels[1:], default=0.0) + 0.2,
    )
    axes = np.atleast_1d(
        fig.subplots(1, n_models, squeeze=False, gridspec_kw=margins.gridspec(fig, 1, n_models))[0]
    )
    for ax, (name, result) in zip(axes, results.items(), strict=True):
        pin_labels(ax)
        labels = list(result.labels)
        summary = result.summary
        n_windows = max(summary.n_windows, 1)
        shares = [100.0 * summary.label_counts[label] / n_windows for label in labels]
        means = [100.0 * summary.mean_probabilities[label] for label in labels]
        rows = np.arange(len(labels))
        ax.barh(rows, shares, color=[label_colour(label) for label in labels])
        ax.scatter(means, rows, marker="|", s=200, color="black", label="mean probability")
        ax.set(
            xlim=(0.0, 100.0),
            ylim=(len(labels) - 0.5, -0.5),
            xlabel="windows (%)",
            title=f"{name} ({summary.n_windows} windows)",
        )
        ax.set_yticks(rows, labels)
        ax.grid(axis="x", alpha=0.3)
    fig.legend(
        *axes[-1].get_legend_handles_labels(),
        loc="lower right",
        bbox_to_anchor=(1.0, 0.0),
        fontsize="small",
    )
    fig.suptitle(title)
    return fig


def agreement(results: Mapping[str, ModelResult]) -> NDArray[np.float64]:
    """Per window, the fraction of models that give the most common label.

    Windows are matched by index; the shortest result sets the number of windows.
    """
    predicted = [[w.label for w in r.windows] for r in results.values()]
    n_windows = min(len(p) for p in predicted)
    return np.array(
        [
            Counter(p[k] for p in predicted).most_common(1)[0][1] / len(predicted)
            for k in range(n_windows)
        ]
    )


def plot_agreement(results: Mapping[str, ModelResult], title: str) -> Figure:
    """Each model's predicted label per window, and how many models agree.

    Parameters
    ----------
    results : mapping of str to ModelResult
        Model name to that model's result, all from one recording.
    title : str
        Figure title.

    Returns
    -------
    fig : Figure
        Top: one row per model, one cell per window coloured by label (with more
        windows than pixels, each pixel column shows its most common label:
        `draw_label_strip`). Bottom: the fraction of models (percent) that give the
        most common label in each window.
    """
    shares = agreement(results)
    first = next(iter(results.values()))
    starts = np.array([w.start_s for w in first.windows])[: len(shares)]
    widths = np.array([w.end_s - w.start_s for w in first.windows])[: len(shares)]
    names = list(results)
    used = dict.fromkeys(label for result in results.values() for label in result.labels)
    fig = new_figure(9.0, 1.6 + 0.5 * len(results) + 1.6)
    margins = Margins(
        left=YLABEL_IN + text_width_in([*names, "100"]),
        right=LEGEND_HANDLE_IN + text_width_in(used, "small"),
        hspace=0.12,
    )
    top, bottom = fig.subplots(
        2,
        1,
        sharex=True,
        height_ratios=(max(len(results), 1), 2),
        gridspec_kw=margins.gridspec(fig, 2, 1),
    )
    pin_labels(top)
    pin_labels(bottom)
    predicted = [[w.label for w in r.windows][: len(shares)] for r in results.values()]
    span = (starts[0], starts[-1] + widths[-1])
    draw_label_strip(top, (starts, starts + widths), predicted, span)
    top.set(yticks=range(len(results)), yticklabels=names, ylim=(len(results) - 0.5, -0.5))
    top.set_ylabel("model")
    from matplotlib.patches import Patch

    top.legend(
        handles=[Patch(color=label_colour(label), label=label) for label in used],
        loc="upper left",
        bbox_to_anchor=(1.0, 1.0),
        fontsize="small",
    )
    centres = starts + widths / 2.0
    kept = pixel_extremes(centres, shares, span, axes_width_px(bottom))
    bottom.step(centres[kept], 100.0 * shares[kept], where="mid", color="black", linewidth=1.2)
    bottom.set(
        xlim=span,
        ylim=(0.0, 105.0),
        xlabel="time (s)",
        ylabel="models agreeing (%)",
    )
    bottom.grid(alpha=0.3)
    fig.suptitle(title)
    return fig


#: Share of a strip row's height its colour fills (the rest separates the rows).
STRIP_FILL = 0.8


def window_bounds(result: ModelResult) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Start and end time of each window, s."""
    return (
        np.array([w.start_s for w in result.windows], dtype=float),
        np.array([w.end_s for w in result.windows], dtype=float),
    )


def column_labels(
    bounds: tuple[NDArray[np.floating], NDArray[np.floating]],
    labels: Sequence[str | None],
    span: tuple[float, float],
    n_columns: int,
) -> list[str | None]:
    """The label each of ``n_columns`` equal columns of the time ``span`` shows.

    A column shows the most common label of the windows whose centres fall in it (ties:
    the label met first); a column without a window centre shows the label of the
    window that covers its own centre; None where no window does, or where the windows
    have no label (None). So a strip costs the same for an hour of windows as for a
    minute, and where a window is wider than a column the strip is the windows' cells.

    Parameters
    ----------
    bounds : (array, array)
        Start and end of each window, s (starts in increasing order).
    labels : sequence of str or None
        Label of each window.
    span : (float, float)
        First and last time of the strip, s.
    n_columns : int
        Columns across the span (e.g. the axes' width in pixels).
    """
    starts, ends = (np.asarray(edge, dtype=float) for edge in bounds)
    first, last = span
    width = (last - first) / n_columns
    names = list(dict.fromkeys(label for label in labels if label is not None))
    if not names:
        return [None] * n_columns
    index = {name: k for k, name in enumerate(names)}
    codes = np.array([index.get(label, -1) for label in labels])  # None: -1
    column = np.floor(((starts + ends) / 2.0 - first) / width).astype(int)
    inside = (codes >= 0) & (column >= 0) & (column < n_columns)
    counts = np.zeros((n_columns, len(names)), dtype=int)
    np.add.at(counts, (column[inside], codes[inside]), 1)
    centres = first + (np.arange(n_columns) + 0.5) * width
    covering = np.searchsorted(starts, centres, side="right") - 1
    under = np.clip(covering, 0, None)
    covered = (covering >= 0) & (ends[under] > centres)
    chosen = np.where(
        counts.any(axis=1), counts.argmax(axis=1), np.where(covered, codes[under], -1)
    )
    return [names[k] if k >= 0 else None for k in chosen]


def pixel_extremes(
    times: NDArray[np.floating],
    values: NDArray[np.floating],
    span: tuple[float, float],
    n_columns: int,
) -> NDArray[np.intp]:
    """Indices of the points of a line that draw the same pixels as all of them.

    With more than four points per column of ``n_columns`` equal columns of the time
    ``span``, keeps in each column its first, last, lowest and highest point (M4
    aggregation, Jugel et al. 2014: a line through them covers the same pixels as the
    whole series, up to antialiasing: 0.1 % of a 3,600-window timeline's pixels differ
    by more than a quarter of full scale); otherwise every point. Indices in increasing
    order (``times`` sorted).
    """
    if len(times) <= 4 * n_columns:
        return np.arange(len(times))
    first, last = span
    column = np.clip(((times - first) / (last - first) * n_columns).astype(int), 0, n_columns - 1)
    by_value = np.lexsort((values, column))
    edges = np.flatnonzero(np.diff(column)) + 1
    group_first = np.r_[0, edges]
    group_last = np.r_[edges, len(times)] - 1
    return np.unique(
        np.concatenate([group_first, group_last, by_value[group_first], by_value[group_last]])
    )


def axes_width_px(ax: Axes) -> int:
    """Width of ``ax`` in pixels at its figure's dpi."""
    fig = ax.figure
    return max(1, round(ax.get_position().width * fig.get_figwidth() * fig.dpi))


@cache
def label_rgba8(label: str | None) -> tuple[int, int, int, int]:
    """The colour of ``label`` (`label_colour`) as 8-bit RGBA; transparent for None."""
    from matplotlib.colors import to_rgba

    if label is None:
        return (0, 0, 0, 0)
    red, green, blue, alpha = (round(255 * c) for c in to_rgba(label_colour(label)))
    return red, green, blue, alpha


def draw_label_strip(
    ax: Axes,
    bounds: tuple[NDArray[np.floating], NDArray[np.floating]],
    rows: Sequence[Sequence[str | None]],
    span: tuple[float, float],
) -> None:
    """Draw one strip per row of window labels on ``ax`` as a single image.

    Row ``k`` is centred on ``y = k`` and fills `STRIP_FILL` of its height; across the
    time ``span`` it has one column per pixel of the axes, coloured by `column_labels`
    (blank for None). One image instead of one rectangle per window: the PNG shows the
    same pixels for any number of windows, and the SVG embeds the small image.
    """
    n_columns = axes_width_px(ax)
    sub_rows = 10
    image = np.zeros((len(rows) * sub_rows, n_columns, 4), dtype=np.uint8)
    filled = np.abs(np.arange(sub_rows) + 0.5 - sub_rows / 2.0) < STRIP_FILL * sub_rows / 2.0
    for k, row in enumerate(rows):
        shown = column_labels(bounds, row, span, n_columns)
        cells = np.array([label_rgba8(label) for label in shown], dtype=np.uint8)
        image[k * sub_rows : (k + 1) * sub_rows][filled] = cells
    ax.imshow(
        image,
        extent=(span[0], span[1], -0.5, len(rows) - 0.5),
        origin="lower",
        aspect="auto",
        interpolation="nearest",
    )
