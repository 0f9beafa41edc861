"""Per-channel signal quality of an EEG recording: flat, clipped or noisy channels.

A channel is *flat* when its standard deviation is (nearly) zero; *noisy* when its
robust amplitude (interquartile range, as in the PREP pipeline's deviation criterion,
Bigdely-Shamlo et al. 2015) is several times the median of the recording's live
channels; *clipped* when many samples sit exactly at its extreme values (an amplifier
at its range limit).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import NDArray

Quality = Literal["ok", "flat", "clipped", "noisy"]

#: A channel whose standard deviation is below this is flat, V (0.1 µV).
FLAT_STD_V = 1e-7
#: A channel whose robust amplitude is this many times the channels' median is noisy.
NOISY_RATIO = 4.0
#: A channel with at least this share of samples at its minimum or maximum is clipped.
CLIPPED_SHARE = 0.01


def channel_quality(
    data: NDArray[np.floating],
    flat_std: float = FLAT_STD_V,
    noisy_ratio: float = NOISY_RATIO,
    clipped_share: float = CLIPPED_SHARE,
) -> list[Quality]:
    """The quality of each channel of one modality.

    Parameters
    ----------
    data : array, shape (n_channels, n_times)
        Signals of channels of one type, in volts.
    flat_std : float
        Standard deviation below which a channel is flat, V.
    noisy_ratio : float
        Ratio of a channel's robust amplitude (interquartile range) to the median of the
        live channels' from which it is noisy.
    clipped_share : float
        Share of samples at the channel's own minimum or maximum from which it is clipped.

    Returns
    -------
    list of str
        Per channel: ``flat``, ``clipped``, ``noisy`` or ``ok`` (the first that applies).
    """
    data = np.asarray(data, dtype=float)
    std = data.std(axis=1)
    q75, q25 = np.percentile(data, [75, 25], axis=1)
    amplitude = q75 - q25
    live = amplitude[std >= flat_std]
    typical = float(np.median(live)) if live.size else 0.0
    n_times = max(data.shape[1], 1)
    at_extremes = (
        (data == data.max(axis=1, keepdims=True)).sum(axis=1)
        + (data == data.min(axis=1, keepdims=True)).sum(axis=1)
    ) / n_times
    out: list[Quality] = []
    for k in range(data.shape[0]):
        if std[k] < flat_std:
            out.append("flat")
        elif at_extremes[k] >= clipped_share:
            out.append("clipped")
        elif typical > 0 and amplitude[k] > noisy_ratio * typical:
            out.append("noisy")
        else:
            out.append("ok")
    return out
