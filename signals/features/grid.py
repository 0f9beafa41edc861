"""Electrode grids: place per-channel features on a 2-D scalp image.

The grid layouts live in ``model_store/cards/reference.json`` (``grids``); nothing
here keeps a copy of them.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from core.cards import montage_channels, reference


def grid_layout(grid: str) -> tuple[list[str], dict[str, tuple[int, int]], tuple[int, int]]:
    """Montage, (row, column) of each channel (0-based) and shape of grid ``grid``.

    Parameters
    ----------
    grid : str
        Name of a grid in the reference tables, e.g. ``'seed62_9x9'``.

    Returns
    -------
    channels : list of str
        The montage the grid is drawn for, in model input order.
    positions : dict of str to (int, int)
        Row and column of each channel.
    shape : (int, int)
        Number of rows and columns.
    """
    table = reference()["grids"][grid]
    rows = [row.split() for row in table["rows"]]
    positions = {
        name: (r, c) for r, row in enumerate(rows) for c, name in enumerate(row) if name != "."
    }
    channels = montage_channels(table["montage"])
    missing = set(channels) - set(positions)
    if missing:
        raise ValueError(f"grid {grid!r} has no cell for channels {sorted(missing)}")
    return channels, positions, (len(rows), max(len(row) for row in rows))


def to_grid(features: NDArray[np.floating], grid: str = "seed62_9x9") -> NDArray[np.floating]:
    """Scatter per-channel features onto the electrode grid; empty cells are 0.

    Parameters
    ----------
    features : array, shape (..., n_channels, n_features)
        Features in the grid's montage order (e.g. DE: windows x channels x bands).
    grid : str
        Grid name in the reference tables.

    Returns
    -------
    image : array, shape (..., n_features, n_rows, n_cols)
        One grid image per feature (band), as EmotionCLIP and STRNN take them.
    """
    channels, positions, (n_rows, n_cols) = grid_layout(grid)
    if features.shape[-2] != len(channels):
        raise ValueError(
            f"grid {grid!r} needs {len(channels)} channels on axis -2, got {features.shape[-2]}"
        )
    rows, cols = np.array([positions[name] for name in channels]).T
    image = np.zeros((*features.shape[:-2], features.shape[-1], n_rows, n_cols), features.dtype)
    image[..., rows, cols] = np.swapaxes(features, -1, -2)
    return image
