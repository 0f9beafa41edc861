"""Zero-phase filtering, resampling and re-referencing of continuous signals.

Band-pass, notch and resampling are done in one pass in the frequency domain: the
(padded) signal is transformed once, multiplied by the squared magnitude response of
the requested Butterworth and notch filters (the response of the same filters run
forward and backward, as ``scipy.signal.sosfiltfilt`` does), truncated or zero-padded
to the new sampling rate, and transformed back. One FFT at the source rate replaces
a time-domain filter plus a polyphase resampler, which is several times faster for
long multichannel recordings.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import numpy as np
import scipy.fft
from numpy.typing import NDArray

#: Samples processed per FFT block (channels x padded length), to bound memory.
_BLOCK_SAMPLES = 1 << 21
#: pocketfft transforms float32 rows this many at a time (SIMD); others one by one, about
#: twice as slow per sample (163,840-sample rows: 3.0 ns a sample in 8 rows, 4.3 in 6, 7.1
#: alone), so FFT blocks hold a multiple of it.
_SIMD_ROWS = 4


def _squared_response(
    freqs: NDArray[np.float64],
    l_freq: float | None,
    h_freq: float | None,
    notch_freqs: Sequence[float],
    order: int,
    notch_q: float,
) -> NDArray[np.float64]:
    """Power response ``|H(f)|²`` of the analog Butterworth and notch prototypes."""
    gain = np.ones_like(freqs)
    if l_freq is not None:
        with np.errstate(divide="ignore"):
            gain /= 1.0 + (l_freq / freqs) ** (2 * order)
    if h_freq is not None:
        gain /= 1.0 + (freqs / h_freq) ** (2 * order)
    for f0 in notch_freqs:
        num = (f0**2 - freqs**2) ** 2
        gain *= num / (num + (freqs * f0 / notch_q) ** 2)
    return gain


def filter_reach_s(l_freq: float | None) -> float:
    """How far in time the filters of `filter_resample` reach, seconds.

    Three periods of the high-pass cut-off ``l_freq``, at least 1 s: the odd-reflection
    padding at the edges of a signal, and the margin a block of a long recording is
    read with on each side (`signals.recipe.run_in_blocks`).
    """
    return max(1.0, 3.0 / l_freq) if l_freq else 1.0


def fft_length(n_min: int, step: int = 1) -> int:
    """The FFT length `filter_resample` uses for ``n_min`` samples: a multiple of ``step``.

    The smallest ``step * 2**k`` or ``3 * step * 2**k`` of at least ``n_min`` when it is
    at most a quarter longer than the smallest 5-smooth multiple of ``step``
    (`scipy.fft.next_fast_len`), else that one. pocketfft runs the former lengths
    faster, enough to pay for the zero-padding (measured on 6 float32 rows, a forward
    and a 1/5-length inverse transform: 81,920 samples in 2.13 ms against 2.32 ms for
    67,500; 163,840 in 4.96 ms against 5.49 ms for 155,520).
    """
    smooth = scipy.fft.next_fast_len(n_min, real=True)
    while smooth % step:
        smooth = scipy.fft.next_fast_len(smooth + 1, real=True)
    binary = step
    while binary < n_min:
        binary *= 2
    if binary % (4 * step) == 0 and 3 * binary // 4 >= n_min:
        binary = 3 * binary // 4
    return binary if 4 * binary <= 5 * smooth else smooth


def resample_ratio(sfreq: float, new_sfreq: float) -> Fraction:
    """``new_sfreq / sfreq`` as a fraction; ValueError when it is not rational enough."""
    ratio = Fraction(new_sfreq / sfreq).limit_denominator(10_000)
    if abs(float(ratio) - new_sfreq / sfreq) > 1e-9:
        raise ValueError(f"cannot resample {sfreq} Hz to {new_sfreq} Hz by a rational ratio")
    return ratio


def filter_resample(
    data: NDArray[np.floating],
    sfreq: float,
    *,
    l_freq: float | None = None,
    h_freq: float | None = None,
    notch_freqs: Sequence[float] = (),
    new_sfreq: float | None = None,
    order: int = 4,
    notch_q: float = 30.0,
    dtype: type[np.floating] | None = None,
) -> NDArray[np.floating]:
    """Zero-phase band-pass/notch filter and resample continuous signals in one FFT.

    The gain at each frequency is ``|H(f)|²`` of an order-``order`` Butterworth
    high-pass at ``l_freq`` and low-pass at ``h_freq`` and of second-order notches of
    quality ``notch_q`` (so -6 dB at each cut-off, zero phase), like forward-backward
    IIR filtering. Resampling keeps the spectrum below the new Nyquist frequency
    (an ideal anti-alias low-pass). Edges are padded by odd reflection (3 periods of
    ``l_freq``, at least 1 s) to keep the circular FFT from wrapping one end into
    the other.

    Parameters
    ----------
    data : array, shape (..., n_times)
        Continuous signals, time on the last axis. float32 input stays float32.
    sfreq : float
        Sampling rate of ``data``, Hz.
    l_freq, h_freq : float or None
        High-pass and low-pass cut-offs, Hz; None skips that side.
    notch_freqs : sequence of float
        Centre frequencies of notch filters, Hz (e.g. ``(50.0,)``).
    new_sfreq : float or None
        Output sampling rate, Hz; None keeps ``sfreq``.
    order : int
        Butterworth order of each side.
    notch_q : float
        Quality factor of the notches (centre frequency / bandwidth).
    dtype : numpy floating type or None
        Working and output precision; None keeps the input's. ``np.float32`` halves
        time and memory for float64 recordings (blocks are converted as they go).

    Returns
    -------
    out : array, shape (..., n_out)
        Filtered signals; ``n_out = round(n_times * new_sfreq / sfreq)``.
    """
    x = np.asarray(data)
    work = np.dtype(dtype or (x.dtype if np.issubdtype(x.dtype, np.floating) else np.float64))
    new_sfreq = float(sfreq if new_sfreq is None else new_sfreq)
    ratio = resample_ratio(sfreq, new_sfreq)
    n_times = x.shape[-1]
    n_out = round(n_times * ratio)
    step = ratio.denominator  # pad lengths in multiples of this map to whole output samples
    pad = min(
        int(np.ceil(filter_reach_s(l_freq) * sfreq / step)) * step, (n_times - 1) // step * step
    )
    n_fft = fft_length(n_times + 2 * pad, step)
    n_fft_out = n_fft * ratio.numerator // ratio.denominator
    n_keep = min(n_fft, n_fft_out) // 2 + 1
    freqs = np.arange(n_keep) * (sfreq / n_fft)
    gain = _squared_response(freqs, l_freq, h_freq, notch_freqs, order, notch_q)
    gain = (gain * (n_fft_out / n_fft)).astype(work)
    out_pad = pad * ratio.numerator // ratio.denominator

    flat = x.reshape(-1, n_times)
    out = np.empty((flat.shape[0], n_out), dtype=work)
    block = max(1, _BLOCK_SAMPLES // n_fft)
    block -= block % _SIMD_ROWS if block > _SIMD_ROWS else 0
    buffer = np.zeros((min(block, flat.shape[0]), n_fft), dtype=work)
    for start in range(0, flat.shape[0], block):
        rows = flat[start : start + block]
        buf = buffer[: rows.shape[0]]
        buf[:, pad : pad + n_times] = rows
        if pad:
            buf[:, :pad] = 2 * rows[:, :1] - rows[:, pad:0:-1]
            buf[:, pad + n_times : 2 * pad + n_times] = (
                2 * rows[:, -1:] - rows[:, -2 : -pad - 2 : -1]
            )
        spectrum = scipy.fft.rfft(buf, axis=-1)[:, :n_keep]
        spectrum *= gain
        filtered = scipy.fft.irfft(spectrum, n=n_fft_out, axis=-1)
        out[start : start + rows.shape[0]] = filtered[:, out_pad : out_pad + n_out]
    return out.reshape(*x.shape[:-1], n_out)


def average_reference(data: NDArray[np.floating]) -> NDArray[np.floating]:
    """Re-reference to the common average: subtract the mean over channels.

    Parameters
    ----------
    data : array, shape (..., n_channels, n_times)

    Returns
    -------
    referenced : array, same shape
    """
    return data - data.mean(axis=-2, keepdims=True)


def resample_to_length(
    data: NDArray[np.floating], n_samples: int, *, image_quirk: bool = False
) -> NDArray[np.float64]:
    """Resample signals to exactly ``n_samples`` points (RTCAN-1D's fixed input).

    By default a 1-D anti-aliased polyphase resample of each signal (spec §2.1's
    recommended resolution). With ``image_quirk`` the original RTCAN-1D trick is
    reproduced: the first ``s²`` samples (``s = ⌊√n_times⌋``) are reshaped row-major
    into an ``s × s`` image, resized bilinearly with PIL to ``m × m``
    (``m = √n_samples``) and flattened; this mixes samples across row ends and is
    meant only to match released checkpoints.

    Parameters
    ----------
    data : array, shape (..., n_times)
        Signals, time on the last axis.
    n_samples : int
        Output length.
    image_quirk : bool
        Reproduce the reshape-resize-flatten trick; ``n_samples`` must be a square.

    Returns
    -------
    out : array, shape (..., n_samples)
    """
    x = np.asarray(data, dtype=np.float64)
    if image_quirk:
        return _image_resize(x, n_samples)
    from scipy.signal import resample_poly

    return resample_poly(x, n_samples, x.shape[-1], axis=-1, padtype="line")


def _image_resize(x: NDArray[np.float64], n_samples: int) -> NDArray[np.float64]:
    from PIL import Image

    side_out = round(np.sqrt(n_samples))
    if side_out**2 != n_samples:
        raise ValueError(f"image_quirk needs a square output length, not {n_samples}")
    side_in = int(np.sqrt(x.shape[-1]))
    flat = x.reshape(-1, x.shape[-1])[:, : side_in**2]
    out = np.empty((flat.shape[0], n_samples))
    for k, row in enumerate(flat):
        image = Image.fromarray(row.reshape(side_in, side_in).astype(np.float32), mode="F")
        resized = image.resize((side_out, side_out), Image.Resampling.BILINEAR)
        out[k] = np.asarray(resized, dtype=np.float64).ravel()
    return out.reshape(*x.shape[:-1], n_samples)
