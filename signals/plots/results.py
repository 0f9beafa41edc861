"""Plots of model results: emotion timeline, summary bars, agreement between models.

Each function takes results as the job stores them (`core.schemas.ModelResult`) and
returns a Figure.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
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
    from matplotlib.collections import PolyCollection
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
        Two axes sharing time (s): the top one has one marker per window, coloured by
        the predicted label; the bottom one one line per label, probability 0–1.
    """
    labels = list(result.labels)
    times = window_centres(result)
    probs = probability_matrix(result)
    predicted = [w.label for w in result.windows]
    fig = new_figure(9.0, 4.8)
    margins = Margins(
        left=YLABEL_IN + text_width_in([*labels, "0.0"]),
        top=TITLE_IN + segment_names_in(segments),
        hspace=0.12,
    )
    top, bottom = fig.subplots(
        2, 1, sharex=True, height_ratios=(1, 2), gridspec_kw=margins.gridspec(fig, 2, 1)
    )
    pin_labels(top)
    pin_labels(bottom)
    top.scatter(
        times,
        [labels.index(label) for label in predicted],
        c=[label_colour(label) for label in predicted],
        s=18,
        marker="s",
        linewidths=0,
    )
    top.set(yticks=range(len(labels)), yticklabels=labels, ylim=(-0.5, len(labels) - 0.5))
    top.set_ylabel("predicted class")
    top.grid(axis="x", alpha=0.3)
    for k, label in enumerate(labels):
        bottom.plot(times, probs[:, k], color=label_colour(label), label=label, linewidth=1.2)
    bottom.set(
        xlim=time_span(result, segments), ylim=(0.0, 1.0), xlabel="time (s)", ylabel="probability"
    )
    bottom.grid(alpha=0.3)
    bottom.legend(loc="upper right", fontsize="small", ncols=min(len(labels), 4))
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
        Top: one row per model, one cell per window coloured by label. Bottom: the
        fraction of models (percent) that give the most common label in each window.
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
    top.add_collection(
        label_cells(starts, widths, predicted),
    )
    top.set(yticks=range(len(results)), yticklabels=names, ylim=(len(results) - 0.5, -0.5))
    top.set_ylabel("model")
    from matplotlib.patches import Patch

    top.legend(
        handles=[Patch(color=label_colour(label), label=label) for label in used],
        loc="upper left",
        bbox_to_anchor=(1.0, 1.0),
        fontsize="small",
    )
    bottom.step(starts + widths / 2.0, 100.0 * shares, where="mid", color="black", linewidth=1.2)
    bottom.set(
        xlim=(starts[0], starts[-1] + widths[-1]),
        ylim=(0.0, 105.0),
        xlabel="time (s)",
        ylabel="models agreeing (%)",
    )
    bottom.grid(alpha=0.3)
    fig.suptitle(title)
    return fig


def label_cells(
    starts: NDArray[np.floating], widths: NDArray[np.floating], rows: Sequence[Sequence[str]]
) -> PolyCollection:
    """One rectangle per window and row, coloured by label, as a single collection.

    Row ``k`` spans ``k - 0.4`` to ``k + 0.4``; its cells are the windows that start at
    ``starts`` (s) and last ``widths`` (s). Cells are listed row by row.
    """
    from matplotlib.collections import PolyCollection

    n_rows, n_windows = len(rows), len(starts)
    left = np.tile(starts, n_rows)
    right = left + np.tile(widths, n_rows)
    low = np.repeat(np.arange(n_rows) - 0.4, n_windows)
    high = low + 0.8
    corners = np.stack([[left, low], [left, high], [right, high], [right, low]])
    return PolyCollection(
        corners.transpose(2, 0, 1),
        facecolors=[label_colour(label) for row in rows for label in row],
        linewidths=0,
    )
