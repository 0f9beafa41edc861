"""Linear dynamical system (Kalman) smoothing of feature series over windows."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


def lds_smooth(
    features: NDArray[np.floating],
    transition_cov: float = 1e-3,
    observation_cov: float = 1.0,
    initial_cov: float = 0.1,
) -> NDArray[np.float64]:
    """Smooth each feature over windows with SEED's random-walk Kalman smoother.

    The state is a random walk observed with noise; the initial state mean is the
    series mean. Forward Kalman filter, then Rauch-Tung-Striebel smoother. The gains
    depend only on the covariances, so every series shares them and the whole array
    is smoothed at once.

    Parameters
    ----------
    features : array, shape (n_windows, ...)
        Feature series, windows on the first axis.
    transition_cov, observation_cov, initial_cov : float
        State transition, observation and initial state variances.

    Returns
    -------
    smoothed : array, same shape as ``features``
    """
    x = np.asarray(features, dtype=np.float64)
    n = x.shape[0]
    means = np.empty_like(x)
    covs = np.empty(n)
    mean, cov = x.mean(axis=0), initial_cov
    for t in range(n):
        if t > 0:
            cov = cov + transition_cov
        gain = cov / (cov + observation_cov)
        mean = mean + gain * (x[t] - mean)
        cov = (1.0 - gain) * cov
        means[t], covs[t] = mean, cov
    smoothed = means.copy()
    for t in range(n - 2, -1, -1):
        back_gain = covs[t] / (covs[t] + transition_cov)
        smoothed[t] = means[t] + back_gain * (smoothed[t + 1] - means[t])
    return smoothed
