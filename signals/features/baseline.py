"""DEAP-style baseline removal: subtract the mean pre-trial window from every window."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


def remove_baseline(windows: NDArray[np.floating], n_baseline: int) -> NDArray[np.floating]:
    """Subtract the sample-wise mean of the first ``n_baseline`` windows from the rest.

    DEAP trials start with 3 s of pre-trial baseline; DeepVANet and AIMSTF-SSFF cut
    them into three 1-s windows, average those sample by sample and subtract the
    average from every 1-s stimulus window (spec §1.1).

    Parameters
    ----------
    windows : array, shape (n_windows, ...)
        Consecutive windows of one trial, baseline windows first.
    n_baseline : int
        Number of leading baseline windows.

    Returns
    -------
    corrected : array, shape (n_windows - n_baseline, ...)
        The stimulus windows minus the baseline average.
    """
    if not 0 < n_baseline < len(windows):
        raise ValueError(
            f"need at least one baseline and one stimulus window; got {len(windows)} "
            f"windows and n_baseline={n_baseline}"
        )
    return windows[n_baseline:] - windows[:n_baseline].mean(axis=0)
