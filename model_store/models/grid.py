"""Electrode grids: place per-channel features on a 2-D scalp grid (spec section 0.3)."""

from __future__ import annotations

import torch

from core.cards import montage_channels, reference


def grid_positions(grid: str) -> tuple[torch.Tensor, int, int]:
    """Flat grid cell of every channel of the grid's montage, in montage order.

    Parameters
    ----------
    grid : str
        Name of a grid in ``reference()['grids']``.

    Returns
    -------
    positions : torch.Tensor
        Long tensor ``(n_channels,)`` of ``row * n_cols + col``.
    n_rows, n_cols : int
        Grid size.
    """
    table = reference()["grids"][grid]
    rows = [row.split() for row in table["rows"]]
    cell = {name: r * len(row) + c for r, row in enumerate(rows) for c, name in enumerate(row)}
    channels = montage_channels(table["montage"])
    return torch.tensor([cell[ch] for ch in channels]), len(rows), len(rows[0])


def to_grid(x: torch.Tensor, positions: torch.Tensor, n_rows: int, n_cols: int) -> torch.Tensor:
    """Scatter channel features onto the grid; empty cells are 0.

    Parameters
    ----------
    x : torch.Tensor
        ``(N, n_channels, F)`` features in montage order.
    positions : torch.Tensor
        Flat grid cell of each channel (see :func:`grid_positions`).
    n_rows, n_cols : int
        Grid size.

    Returns
    -------
    torch.Tensor
        ``(N, n_rows, n_cols, F)``.
    """
    dense = x.new_zeros(x.shape[0], n_rows * n_cols, x.shape[-1])
    dense[:, positions] = x
    return dense.view(x.shape[0], n_rows, n_cols, -1)
