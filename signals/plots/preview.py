"""A few seconds of every channel, stacked as in MNE's browser, bad channels in red."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from signals.plots.render import AXES_TITLE_IN, Margins, new_figure, pin_labels, text_width_in

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Height of one channel's row, inches.
ROW_IN = 0.16


def plot_preview(
    data: NDArray[np.floating],
    sfreq: float,
    ch_names: Sequence[str],
    ch_types: Sequence[str],
    flags: Sequence[str],
    title: str,
) -> Figure:
    """Stacked traces of every channel, one scale per channel type (as MNE's browser).

    Parameters
    ----------
    data : array, shape (n_channels, n_times)
        Signals, any unit. The channels of one type share a scale (the median of their
        95th percentiles of absolute deviation from the median), so that a noisy channel
        stands out and a flat one lies flat; traces are clipped at their neighbours.
    sfreq : float
        Sampling rate, Hz.
    ch_names : sequence of str
        Channel names, top to bottom.
    ch_types : sequence of str
        Channel types (``eeg``, ``gsr``, ...).
    flags : sequence of str
        Quality of each channel (``ok``, ``flat``, ``clipped``, ``noisy`` or ``not
        checked``); channels other than ``ok``/``not checked`` are drawn in red.
    title : str
        Figure title.

    Returns
    -------
    fig : Figure
    """
    n_channels, n_times = data.shape
    labels = [
        f"{name} ({flag})" if flag not in ("ok", "not checked") else name
        for name, flag in zip(ch_names, flags, strict=True)
    ]
    fig = new_figure(9.0, max(2.5, 0.9 + ROW_IN * n_channels))
    margins = Margins(left=text_width_in(labels, 6) + 0.15, top=AXES_TITLE_IN)
    axes = fig.subplots(gridspec_kw=margins.gridspec(fig))
    pin_labels(axes)
    times = np.arange(n_times) / sfreq
    centred = data - np.median(data, axis=1, keepdims=True)
    spread = np.percentile(np.abs(centred), 95, axis=1)
    types = np.asarray(ch_types)
    scale = np.ones(n_channels)
    for kind in set(ch_types):
        typical = float(np.median(spread[types == kind]))
        scale[types == kind] = typical if typical > 0 else 1.0
    traces = 0.45 * centred / scale[:, None]
    for k in range(n_channels):
        bad = flags[k] not in ("ok", "not checked")
        axes.plot(
            times,
            np.clip(traces[k], -1.0, 1.0) - k,
            color="tab:red" if bad else "black",
            linewidth=0.5,
        )
    axes.set_yticks(-np.arange(n_channels), labels, fontsize=6)
    for tick, flag in zip(axes.get_yticklabels(), flags, strict=True):
        if flag not in ("ok", "not checked"):
            tick.set_color("tab:red")
    axes.set(xlabel="time (s)", xlim=(0, n_times / sfreq), ylim=(-n_channels + 0.4, 0.6))
    axes.grid(axis="x", alpha=0.3)
    axes.set_title(title, fontsize="medium")
    return fig
