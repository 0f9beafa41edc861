"""Electrode grids: place per-channel features on a 2-D scalp image.

The grid layouts live in ``model_store/cards/reference.json`` (``grids``); nothing
here keeps a copy of them. `to_grid` is the one scatter onto a grid: the recipe step
``grid_9x9`` calls it on numpy arrays and the grid models (STRNN, EmotionCLIP) on
torch tensors inside their forward pass, so both place every electrode in the same
cell with the same axis order ``(..., n_features, n_rows, n_cols)``.
"""

from __future__ import annotations

from functools import cache
from typing import Any, TypeVar

import numpy as np

from core.cards import montage_channels, reference

#: A numpy array or a torch tensor (any array that supports numpy-style indexing).
Array = TypeVar("Array", bound=Any)


@cache
def grid_cells(grid: str) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, int]]:
    """Row and column of each channel of the grid's montage, in montage order.

    Parameters
    ----------
    grid : str
        Name of a grid in the reference tables, e.g. ``'seed62_9x9'``.

    Returns
    -------
    rows, cols : tuple of int
        0-based row and column of each montage channel (model input order).
    shape : (int, int)
        Number of rows and columns.

    Raises
    ------
    ValueError
        When a montage channel has no cell in the grid.
    """
    table = reference()["grids"][grid]
    layout = [row.split() for row in table["rows"]]
    cell = {
        name: (r, c) for r, row in enumerate(layout) for c, name in enumerate(row) if name != "."
    }
    channels = montage_channels(table["montage"])
    missing = sorted(set(channels) - set(cell))
    if missing:
        raise ValueError(f"grid {grid!r} has no cell for channels {missing}")
    rows, cols = zip(*(cell[name] for name in channels), strict=True)
    return rows, cols, (len(layout), max(len(row) for row in layout))


def montage_grid(montage: str) -> str:
    """The name of the electrode grid drawn for ``montage`` in the reference tables.

    Raises
    ------
    ValueError
        When no grid, or more than one, is drawn for the montage.
    """
    names = [name for name, table in reference()["grids"].items() if table["montage"] == montage]
    if len(names) != 1:
        raise ValueError(f"montage {montage!r} has {len(names)} electrode grids: {names}")
    return names[0]


def grid_occupied(grid: str) -> np.ndarray:
    """Boolean mask ``(n_rows, n_cols)`` of the cells that hold an electrode."""
    rows, cols, shape = grid_cells(grid)
    mask = np.zeros(shape, dtype=bool)
    mask[list(rows), list(cols)] = True
    return mask


def to_grid(features: Array, grid: str = "seed62_9x9") -> Array:
    """Scatter per-channel features onto the electrode grid; empty cells are 0.

    Parameters
    ----------
    features : array or torch.Tensor, shape (..., n_channels, n_features)
        Features in the grid's montage order (e.g. DE: windows x channels x bands).
        A torch tensor stays a tensor (same dtype and device, differentiable).
    grid : str
        Grid name in the reference tables.

    Returns
    -------
    image : same type as ``features``, shape (..., n_features, n_rows, n_cols)
        One grid image per feature (band), as EmotionCLIP and STRNN take them.
    """
    rows, cols, (n_rows, n_cols) = grid_cells(grid)
    if features.shape[-2] != len(rows):
        raise ValueError(
            f"grid {grid!r} needs {len(rows)} channels on axis -2, got {features.shape[-2]}"
        )
    shape = (*features.shape[:-2], features.shape[-1], n_rows, n_cols)
    new_zeros = getattr(features, "new_zeros", None)  # torch tensors
    image = new_zeros(shape) if new_zeros is not None else np.zeros(shape, features.dtype)
    image[..., list(rows), list(cols)] = features.swapaxes(-1, -2)
    return image
