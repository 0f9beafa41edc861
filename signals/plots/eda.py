"""Electrodermal activity split into its tonic and phasic parts."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from signals.plots.render import YLABEL_IN, Margins, new_figure, pin_labels, text_width_in

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def plot_eda_decomposition(
    times: NDArray[np.floating],
    eda: NDArray[np.floating],
    tonic: NDArray[np.floating],
    phasic: NDArray[np.floating],
    title: str,
    peaks_s: NDArray[np.floating] | None = None,
) -> Figure:
    """Skin conductance with its tonic level (top) and phasic responses (bottom).

    Parameters
    ----------
    times : array, shape (n_times,)
        Sample times, s.
    eda : array, shape (n_times,)
        Skin conductance, µS.
    tonic, phasic : array, shape (n_times,)
        Tonic (slow) and phasic (fast) components, µS.
    title : str
        Figure title.
    peaks_s : array, shape (n_peaks,) | None
        Onsets of skin-conductance responses, s, marked on the phasic trace.

    Returns
    -------
    fig : Figure
    """
    fig = new_figure(9.0, 4.8)
    margins = Margins(left=YLABEL_IN + text_width_in(["−00.00"]), hspace=0.12)
    top, bottom = fig.subplots(2, 1, sharex=True, gridspec_kw=margins.gridspec(fig, 2, 1))
    pin_labels(top)
    pin_labels(bottom)
    top.plot(times, eda, color="black", linewidth=1.0, label="measured")
    top.plot(times, tonic, color="tab:blue", linewidth=1.5, label="tonic")
    top.set_ylabel("conductance (µS)")
    top.legend(loc="upper right", fontsize="small")
    top.grid(alpha=0.3)
    bottom.plot(times, phasic, color="tab:orange", linewidth=1.0, label="phasic")
    if peaks_s is not None and len(peaks_s):
        bottom.plot(
            peaks_s, np.interp(peaks_s, times, phasic), "v", color="tab:red", label="responses"
        )
    bottom.set(xlabel="time (s)", ylabel="phasic (µS)")
    bottom.legend(loc="upper right", fontsize="small")
    bottom.grid(alpha=0.3)
    fig.suptitle(title)
    return fig
