"""Hemispheric asymmetry of band features: SEED's DASM and RASM.

SEED defines DASM as ``DE(left) - DE(right)`` and RASM as ``DE(left) / DE(right)``
over the symmetric electrode pairs. The pairs are read off the electrode grid: the
cells mirrored about the midline column (27 pairs for the 62 SEED channels).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from signals.features.grid import grid_cells


def symmetric_pairs(grid: str = "seed62_9x9") -> list[tuple[int, int]]:
    """Indices (left, right) in montage order of the mirror-image electrode pairs.

    Parameters
    ----------
    grid : str
        Grid name in the reference tables; its middle column is the midline.

    Returns
    -------
    pairs : list of (int, int)
        Left-hemisphere channel index, right-hemisphere channel index; pairs are
        ordered front to back, then lateral to medial.
    """
    rows, cols, (_, n_cols) = grid_cells(grid)
    at = {cell: index for index, cell in enumerate(zip(rows, cols, strict=True))}
    pairs = []
    for (row, col), left in sorted(at.items()):
        mirror = (row, n_cols - 1 - col)
        if col < n_cols // 2 and mirror in at:
            pairs.append((left, at[mirror]))
    return pairs


def dasm(features: NDArray[np.floating], grid: str = "seed62_9x9") -> NDArray[np.floating]:
    """Differential asymmetry: left minus right, for every symmetric pair.

    Parameters
    ----------
    features : array, shape (..., n_channels, n_bands)
        DE (or another per-channel feature) in the grid's montage order.
    grid : str
        Grid name that defines the pairs.

    Returns
    -------
    asym : array, shape (..., n_pairs, n_bands)
    """
    left, right = np.array(symmetric_pairs(grid)).T
    return features[..., left, :] - features[..., right, :]


def rasm(features: NDArray[np.floating], grid: str = "seed62_9x9") -> NDArray[np.floating]:
    """Rational asymmetry: left divided by right, for every symmetric pair.

    Parameters
    ----------
    features : array, shape (..., n_channels, n_bands)
        DE in the grid's montage order.
    grid : str
        Grid name that defines the pairs.

    Returns
    -------
    asym : array, shape (..., n_pairs, n_bands)
    """
    left, right = np.array(symmetric_pairs(grid)).T
    return features[..., left, :] / features[..., right, :]
