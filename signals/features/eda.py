"""Electrodermal activity: cleaning and cvxEDA tonic/phasic decomposition.

cvxEDA (Greco et al., IEEE TBME 2016) is run through NeuroKit2's implementation on
``cvxopt`` (both permissive licences; the ``eda`` extra). Parameters are the
reference implementation's defaults, stated in `CVXEDA_PARAMS`; the signal is
z-scored before the fit (as the reference expects) and the components are scaled
back to the input unit (µS).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from signals.features.filtering import filter_resample

#: cvxEDA parameters: Bateman time constants (s), spline knot spacing (s), sparsity
#: penalty of the phasic driver, penalty of the tonic spline coefficients.
CVXEDA_PARAMS: dict[str, float] = {
    "tau0": 2.0,
    "tau1": 0.7,
    "delta_knot": 10.0,
    "alpha": 8e-4,
    "gamma": 1e-2,
}


def clean_eda(eda: NDArray[np.floating], sfreq: float, h_freq: float = 3.0) -> NDArray[np.float64]:
    """Fill gaps and low-pass an EDA signal (NeuroKit2's default cleaning: 3 Hz).

    Parameters
    ----------
    eda : array, shape (n_times,)
        Skin conductance, µS; NaNs (dropouts) are linearly interpolated.
    sfreq : float
        Sampling rate, Hz.
    h_freq : float
        Low-pass cut-off, Hz (zero-phase 4th-order Butterworth response); skipped
        when it is not below the Nyquist frequency.

    Returns
    -------
    clean : array, shape (n_times,)
    """
    x = np.asarray(eda, dtype=np.float64)
    bad = ~np.isfinite(x)
    if bad.all():
        raise ValueError("the EDA signal holds no finite sample")
    if bad.any():
        index = np.arange(len(x))
        x = x.copy()
        x[bad] = np.interp(index[bad], index[~bad], x[~bad])
    if h_freq >= sfreq / 2:
        return x
    return filter_resample(x, sfreq, h_freq=h_freq)


def cvxeda(
    eda: NDArray[np.floating], sfreq: float, **params: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Decompose EDA into tonic and phasic components with cvxEDA.

    Parameters
    ----------
    eda : array, shape (n_times,)
        Skin conductance, µS.
    sfreq : float
        Sampling rate, Hz. cvxEDA's cost grows with the number of samples: feed it
        signals of at most a few tens of Hz (resample first).
    **params : float
        Overrides of `CVXEDA_PARAMS`.

    Returns
    -------
    tonic : array, shape (n_times,)
        Slow component (spline + linear drift), µS.
    phasic : array, shape (n_times,)
        Phasic component (sparse driver convolved with the Bateman response), µS.
    """
    try:
        from neurokit2.eda.eda_phasic import _eda_phasic_cvxeda
    except ImportError as err:
        raise ImportError(
            "cvxEDA needs NeuroKit2 and cvxopt: pip install 'affectserve[eda]'"
        ) from err
    unknown = set(params) - set(CVXEDA_PARAMS)
    if unknown:
        raise TypeError(f"unknown cvxEDA parameters {sorted(unknown)}")
    x = np.asarray(eda, dtype=np.float64)
    mean, std = float(x.mean()), float(x.std())
    std = std if std > 0 else 1.0
    tonic, phasic = _eda_phasic_cvxeda(
        (x - mean) / std, sampling_rate=sfreq, **{**CVXEDA_PARAMS, **params}
    )
    return np.asarray(tonic) * std + mean, np.asarray(phasic) * std


def eda_components(
    eda: NDArray[np.floating],
    sfreq: float,
    order: Sequence[str] = ("eda", "tonic", "phasic"),
    **params: float,
) -> NDArray[np.float64]:
    """Stack the EDA signal and its cvxEDA components in a model's channel order.

    RTCAN-1D feeds ``[eda, tonic, phasic]`` for PMEmo and ``[tonic, phasic, eda]``
    for DEAP and AMIGOS (spec §2.1).

    Parameters
    ----------
    eda : array, shape (n_times,)
        Skin conductance, µS.
    sfreq : float
        Sampling rate, Hz.
    order : sequence of {'eda', 'tonic', 'phasic'}
        Output channel order.
    **params : float
        Overrides of `CVXEDA_PARAMS`.

    Returns
    -------
    components : array, shape (len(order), n_times)
    """
    x = np.asarray(eda, dtype=np.float64)
    tonic, phasic = cvxeda(x, sfreq, **params)
    parts = {"eda": x, "tonic": tonic, "phasic": phasic}
    unknown = set(order) - set(parts)
    if unknown:
        raise ValueError(f"unknown EDA components {sorted(unknown)}; known: {sorted(parts)}")
    return np.stack([parts[name] for name in order])
