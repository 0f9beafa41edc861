"""Band power and differential entropy (DE) from one FFT over all windows."""

from __future__ import annotations

import numpy as np
import scipy.fft
from numpy.typing import NDArray


def band_power(
    windows: NDArray[np.floating],
    sfreq: float,
    bands: dict[str, tuple[float, float]],
    n_fft: int | None = None,
) -> NDArray[np.float64]:
    """Mean spectral power in each band, scaled so white noise of variance σ² gives σ².

    Each window is tapered with a Hann window; the periodogram ``|X(f)|² / Σ w²``
    is averaged over the FFT bins with ``lo <= f <= hi``. Zero-padding to ``n_fft``
    samples interpolates the spectrum, for bands narrower than ``sfreq / n_times``
    (e.g. the sub-hertz pupil bands of a 4-s window); it does not change the scaling.

    Parameters
    ----------
    windows : array, shape (..., n_times)
        Signal windows, any leading axes (windows, channels).
    sfreq : float
        Sampling rate, Hz.
    bands : dict of str to (float, float)
        Band edges, Hz, inclusive.
    n_fft : int or None
        FFT length (zero-padding); None uses the window length.

    Returns
    -------
    power : array, shape (..., n_bands)
        Band power in the signal's unit squared (e.g. V²).
    """
    x = np.asarray(windows)
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(np.float64)
    n_times = x.shape[-1]
    n_fft = n_times if n_fft is None else max(n_fft, n_times)
    freqs = np.fft.rfftfreq(n_fft, d=1.0 / sfreq)
    masks = np.stack([(freqs >= lo) & (freqs <= hi) for lo, hi in bands.values()])
    for (lo, hi), mask in zip(bands.values(), masks, strict=True):
        if not mask.any():
            raise ValueError(
                f"band {lo}-{hi} Hz holds no FFT bin for windows of {n_times} samples "
                f"at {sfreq} Hz; use longer windows"
            )
    taper = np.hanning(n_times).astype(x.dtype)
    n_bins = int(np.flatnonzero(masks.any(axis=0))[-1]) + 1
    spectrum = scipy.fft.rfft(x * taper, n=n_fft, axis=-1)[..., :n_bins]
    periodogram = spectrum.real**2 + spectrum.imag**2
    weights = masks[:, :n_bins] / (masks.sum(axis=1, keepdims=True) * np.sum(taper**2))
    return (periodogram @ weights.T.astype(periodogram.dtype)).astype(np.float64)


def differential_entropy(
    windows: NDArray[np.floating],
    sfreq: float,
    bands: dict[str, tuple[float, float]],
    n_fft: int | None = None,
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
    n_fft : int or None
        FFT length (zero-padding), see `band_power`.

    Returns
    -------
    de : array, shape (..., n_bands)
    """
    power = band_power(windows, sfreq, bands, n_fft)
    return 0.5 * np.log(2.0 * np.pi * np.e * np.maximum(power, np.finfo(float).tiny))
