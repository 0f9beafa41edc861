"""Band power and differential entropy (DE) from one FFT over all windows."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


def band_power(
    windows: NDArray[np.floating], sfreq: float, bands: dict[str, tuple[float, float]]
) -> NDArray[np.float64]:
    """Mean spectral power in each band, scaled so white noise of variance σ² gives σ².

    Each window is tapered with a Hann window; the periodogram ``|X(f)|² / Σ w²``
    is averaged over the FFT bins with ``lo <= f <= hi``.

    Parameters
    ----------
    windows : array, shape (..., n_times)
        Signal windows, any leading axes (windows, channels).
    sfreq : float
        Sampling rate, Hz.
    bands : dict of str to (float, float)
        Band edges, Hz, inclusive.

    Returns
    -------
    power : array, shape (..., n_bands)
        Band power in the signal's unit squared (e.g. V²).
    """
    n_times = windows.shape[-1]
    taper = np.hanning(n_times)
    spectrum = np.fft.rfft(windows * taper, axis=-1)
    periodogram = (spectrum.real**2 + spectrum.imag**2) / np.sum(taper**2)
    freqs = np.fft.rfftfreq(n_times, d=1.0 / sfreq)
    out = np.empty((*windows.shape[:-1], len(bands)))
    for k, (lo, hi) in enumerate(bands.values()):
        mask = (freqs >= lo) & (freqs <= hi)
        if not mask.any():
            raise ValueError(
                f"band {lo}-{hi} Hz holds no FFT bin for windows of {n_times} samples "
                f"at {sfreq} Hz; use longer windows"
            )
        out[..., k] = periodogram[..., mask].mean(axis=-1)
    return out


def differential_entropy(
    windows: NDArray[np.floating], sfreq: float, bands: dict[str, tuple[float, float]]
) -> NDArray[np.float64]:
    """Differential entropy of each band, in nats: ``½ ln(2πe P_band)``.

    ``P_band`` is the band power of `band_power`: a Gaussian signal of variance σ²
    with flat power in a band has DE ``½ ln(2πeσ²)`` there.

    Parameters
    ----------
    windows : array, shape (..., n_times)
        Signal windows.
    sfreq : float
        Sampling rate, Hz.
    bands : dict of str to (float, float)
        Band edges, Hz, inclusive.

    Returns
    -------
    de : array, shape (..., n_bands)
    """
    power = band_power(windows, sfreq, bands)
    return 0.5 * np.log(2.0 * np.pi * np.e * np.maximum(power, np.finfo(float).tiny))
