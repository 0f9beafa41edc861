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
from signals.plots.render import new_figure

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


#: Most segments whose names a timeline writes (more are only shaded).
MAX_SEGMENT_NAMES = 30


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
                rotation=30 if len(segments) > 8 else 0,
                annotation_clip=False,
            )


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
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=(1, 2))
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
    bottom.set(ylim=(0.0, 1.0), xlabel="time (s)", ylabel="probability")
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
    axes = np.atleast_1d(fig.subplots(1, n_models, squeeze=False)[0])
    for ax, (name, result) in zip(axes, results.items(), strict=True):
        labels = list(result.labels)
        summary = result.summary
        n_windows = max(summary.n_windows, 1)
        shares = [100.0 * summary.label_counts[label] / n_windows for label in labels]
        means = [100.0 * summary.mean_probabilities[label] for label in labels]
        ax.barh(labels, shares, color=[label_colour(label) for label in labels])
        ax.scatter(means, labels, marker="|", s=200, color="black", label="mean probability")
        ax.set(
            xlim=(0.0, 100.0),
            xlabel="windows (%)",
            title=f"{name} ({summary.n_windows} windows)",
        )
        ax.invert_yaxis()
        ax.grid(axis="x", alpha=0.3)
    fig.legend(*axes[-1].get_legend_handles_labels(), loc="outside lower right", fontsize="small")
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
    fig = new_figure(9.0, 1.6 + 0.5 * len(results) + 1.6)
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=(max(len(results), 1), 2))
    from matplotlib.patches import Patch

    used = dict.fromkeys(label for result in results.values() for label in result.labels)
    for row, result in enumerate(results.values()):
        predicted = [w.label for w in result.windows][: len(shares)]
        top.barh(
            np.full(len(predicted), row),
            widths,
            left=starts,
            height=0.8,
            color=[label_colour(label) for label in predicted],
        )
    top.set(yticks=range(len(results)), yticklabels=list(results), ylim=(len(results) - 0.5, -0.5))
    top.set_ylabel("model")
    top.legend(
        handles=[Patch(color=label_colour(label), label=label) for label in used],
        loc="upper left",
        bbox_to_anchor=(1.0, 1.0),
        fontsize="small",
    )
    bottom.step(starts + widths / 2.0, 100.0 * shares, where="mid", color="black", linewidth=1.2)
    bottom.set(ylim=(0.0, 105.0), xlabel="time (s)", ylabel="models agreeing (%)")
    bottom.grid(alpha=0.3)
    fig.suptitle(title)
    return fig
