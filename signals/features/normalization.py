"""Per-model feature normalisation with statistics stored beside the weights.

Format: an ``.npz`` file with two float arrays, ``mean`` and ``scale``, each of the
shape of one window's features (or broadcastable to it). Applying it computes
``(x - mean) / scale``. Training writes the file from the training windows with
`fit_normalization` + `save_normalization`; serving reads it with
`load_normalization`, so both sides scale features identically.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True)
class Normalization:
    """Affine feature normalisation ``(x - mean) / scale``.

    Attributes
    ----------
    mean : array
        Value subtracted, shape of one window's features.
    scale : array
        Divisor (positive), same shape.
    """

    mean: NDArray[np.float64]
    scale: NDArray[np.float64]


def fit_normalization(
    features: NDArray[np.floating], axis: int | tuple[int, ...] = 0
) -> Normalization:
    """Z-score statistics of ``features`` over ``axis`` (windows by default).

    Parameters
    ----------
    features : array, shape (n_windows, ...)
        Training features.
    axis : int or tuple of int
        Axes averaged over.

    Returns
    -------
    norm : Normalization
        Mean and standard deviation; a zero deviation is replaced by 1.
    """
    x = np.asarray(features, dtype=np.float64)
    mean = x.mean(axis=axis, keepdims=True)
    scale = x.std(axis=axis, keepdims=True)
    return Normalization(mean=mean, scale=np.where(scale > 0, scale, 1.0))


def apply_normalization(
    features: NDArray[np.floating], norm: Normalization
) -> NDArray[np.float64]:
    """Return ``(features - norm.mean) / norm.scale``.

    Parameters
    ----------
    features : array, shape (n_windows, ...)
        Features to scale.
    norm : Normalization
        Statistics, broadcastable to ``features``.

    Returns
    -------
    scaled : array, same shape as ``features``
    """
    try:
        return (np.asarray(features, dtype=np.float64) - norm.mean) / norm.scale
    except ValueError as err:
        raise ValueError(
            f"normalisation statistics of shape {norm.mean.shape} do not fit features of "
            f"shape {np.shape(features)}"
        ) from err


def save_normalization(path: Path, norm: Normalization) -> None:
    """Write ``norm`` to ``path`` (``.npz`` with arrays ``mean`` and ``scale``)."""
    np.savez(path, mean=norm.mean, scale=norm.scale)


def load_normalization(path: Path) -> Normalization:
    """Read statistics written by `save_normalization`.

    Raises
    ------
    FileNotFoundError
        When ``path`` does not exist (the model's statistics were not shipped).
    """
    if not Path(path).is_file():
        raise FileNotFoundError(f"normalisation statistics {path} not found; train the model")
    with np.load(path) as stats:
        return Normalization(mean=stats["mean"], scale=stats["scale"])
