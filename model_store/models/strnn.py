"""STRNN: Spatial-Temporal Recurrent Neural Network (spec section 4).

Every time slice of differential-entropy features (62 electrodes x 5 bands) is placed on
the 9 x 9 scalp grid and traversed by a spatial Elman RNN from each of the four corners;
a node's state sums the states of its three already-visited grid neighbours. Sparse
(l1-penalised, see :func:`model_store.losses.strnn_loss`) projections over the electrodes
and over time reduce the spatial and the bi-directional temporal RNN states before the
classifier. Sizes follow the LibEER re-implementation (hidden 30, projections 10 and 5).

Fixed behaviour by default, the LibEER code's choices behind flags:

* ``libeer_direction4``: the fourth traversal reuses the top-left neighbourhood of the
  first one instead of the bottom-right one.
* ``sum_temporal_heads``: the forward and backward temporal branches each get their own
  classifier and the two logits are summed (default: their projected features are
  concatenated before one classifier).
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from core.cards import ModelCard
from model_store.models.base import CardModel
from model_store.models.slices import per_slice
from signals.features.grid import grid_cells, grid_occupied, montage_grid, to_grid

# grid flips that turn each corner into the top-left one: (flip rows, flip columns)
CORNERS = {
    "top_left": (False, False),
    "top_right": (False, True),
    "bottom_left": (True, False),
    "bottom_right": (True, True),
}


def _flip(x: torch.Tensor, rows: bool, cols: bool, row_dim: int) -> torch.Tensor:
    """Flip the grid axes ``row_dim`` and ``row_dim + 1`` of ``x`` as requested."""
    dims = [d for d, on in ((row_dim, rows), (row_dim + 1, cols)) if on]
    return x.flip(dims) if dims else x


class SpatialRNN(nn.Module):
    """Four-corner spatial Elman RNN over a grid plus the sparse electrode projection.

    Parameters
    ----------
    grid : str
        Name of the electrode grid in the reference tables.
    in_features : int
        Features per electrode (bands).
    hidden : int
        Hidden size of every direction.
    projection : int
        Outputs of the projection over the electrodes, per direction.
    corners : list of str
        Neighbourhood (start corner) of each traversal direction.
    """

    def __init__(
        self, grid: str, in_features: int, hidden: int, projection: int, corners: list[str]
    ) -> None:
        super().__init__()
        rows, cols, (n_rows, n_cols) = grid_cells(grid)
        n_dir, n_channels = len(corners), len(rows)
        self.grid, self.n_rows, self.n_cols = grid, n_rows, n_cols
        self.flips = [CORNERS[c] for c in corners]
        positions = torch.tensor(rows) * n_cols + torch.tensor(cols)
        self.register_buffer("positions", positions, persistent=False)
        occupied = torch.from_numpy(grid_occupied(grid)).float()
        self.register_buffer("occupied", occupied, persistent=False)
        self.input_weight = nn.Parameter(torch.empty(n_dir, hidden, in_features))
        self.input_bias = nn.Parameter(torch.zeros(n_dir, hidden))
        self.recurrent_weight = nn.Parameter(torch.empty(n_dir, hidden, hidden))
        self.recurrent_bias = nn.Parameter(torch.zeros(n_dir, hidden))
        self.bias = nn.Parameter(torch.zeros(n_dir, hidden))
        self.projection_weight = nn.Parameter(torch.empty(n_dir, projection, n_channels))
        self.projection_bias = nn.Parameter(torch.zeros(n_dir, projection))
        self.merge = nn.Linear(n_dir * projection, 1)
        for weight in (self.input_weight, self.projection_weight):
            for matrix in weight:
                nn.init.xavier_normal_(matrix)
        # a node sums the states of three neighbours, along up to 17 diagonals: with the
        # plain Xavier gain the states grow with the number of paths from the corner
        # (logits of about 150 at initialisation), so each neighbour's weight starts at
        # a third of it and the summed recurrent input keeps unit gain
        for matrix in self.recurrent_weight:
            nn.init.xavier_normal_(matrix, gain=1.0 / 3.0)
        nn.init.xavier_normal_(self.merge.weight)
        nn.init.zeros_(self.merge.bias)

    def _states(self, x: torch.Tensor) -> torch.Tensor:
        """Hidden states ``(D, N, n_channels, hidden)`` of every direction and electrode.

        The grid cells lead the working layout ``(D, rows, cols, N, hidden)``, so that the
        cells of one diagonal are whole contiguous blocks and their recurrent step is one
        batched matrix product per direction.
        """
        n = x.shape[0]
        dense = to_grid(x, self.grid).permute(2, 3, 0, 1)  # (rows, cols, N, F)
        grids = torch.stack([_flip(dense, *flip, row_dim=0) for flip in self.flips])
        masks = torch.stack([_flip(self.occupied, *flip, row_dim=0) for flip in self.flips])
        drive = torch.einsum("dijnf,dhf->dijnh", grids, self.input_weight)
        drive = drive + (self.input_bias + self.recurrent_bias + self.bias)[:, None, None, None]
        n_dir, hidden = drive.shape[0], drive.shape[-1]
        recurrent_weight = self.recurrent_weight.transpose(1, 2)
        # states padded with a zero row above and a zero column left of the grid
        states = x.new_zeros(n_dir, self.n_rows + 1, self.n_cols + 1, n, hidden)
        for diagonal in range(self.n_rows + self.n_cols - 1):
            i = torch.arange(
                max(0, diagonal - self.n_cols + 1), min(diagonal, self.n_rows - 1) + 1
            )
            j = diagonal - i
            # neighbours left, upper-left and upper (in padded coordinates)
            neighbours = states[:, i + 1, j] + states[:, i, j] + states[:, i, j + 1]
            recurrent = torch.bmm(neighbours.view(n_dir, -1, hidden), recurrent_weight)
            mask = masks[:, i, j][:, :, None, None]
            states[:, i + 1, j + 1] = (
                torch.relu(drive[:, i, j] + recurrent.view(neighbours.shape)) * mask
            )
        states = states[:, 1:, 1:]
        unflipped = torch.stack(
            [_flip(s, *flip, row_dim=0) for s, flip in zip(states, self.flips, strict=True)]
        )
        return unflipped.flatten(1, 2)[:, self.positions].transpose(1, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Map slices ``(N, n_channels, in_features)`` to slice features ``(N, hidden)``."""
        states = self._states(x)
        projected = torch.einsum("dnch,dkc->ndhk", states, self.projection_weight)
        projected = projected + self.projection_bias[None, :, None, :]
        n, n_dir, hidden, k = projected.shape
        merged = projected.permute(0, 2, 1, 3).reshape(n, hidden, n_dir * k)
        return self.merge(merged).squeeze(-1)


class TemporalRNN(nn.Module):
    """Unidirectional Elman RNN over slice features with a projection over time.

    Parameters
    ----------
    in_features : int
        Size of each slice feature.
    hidden : int
        Hidden size.
    sample_length : int
        Number of time slices.
    projection : int
        Outputs of the projection over time.
    """

    def __init__(self, in_features: int, hidden: int, sample_length: int, projection: int):
        super().__init__()
        self.input = nn.Linear(in_features, hidden)
        self.recurrent = nn.Linear(hidden, hidden)
        self.bias = nn.Parameter(torch.zeros(hidden))
        self.time_projection = nn.Linear(sample_length, projection)
        self.reduce = nn.Linear(hidden, 1)
        for layer in (self.input, self.recurrent, self.time_projection, self.reduce):
            nn.init.xavier_normal_(layer.weight)
            nn.init.zeros_(layer.bias)

    def forward(self, m: torch.Tensor) -> torch.Tensor:
        """Map slice features ``(B, T, in_features)`` to a ``(B, projection)`` vector."""
        state = m.new_zeros(m.shape[0], self.recurrent.in_features)
        states = []
        for t in range(m.shape[1]):
            state = torch.relu(self.input(m[:, t]) + self.recurrent(state) + self.bias)
            states.append(state)
        projected = self.time_projection(torch.stack(states, dim=2))
        return self.reduce(projected.transpose(1, 2)).squeeze(-1)


class STRNN(CardModel):
    """Spatial-temporal RNN classifier of DE feature sequences.

    Parameters
    ----------
    n_classes : int
        Number of classes.
    sample_length : int
        Time slices per sample (T).
    in_features : int
        Features per electrode (5 DE bands).
    grid : str
        Electrode grid in the reference tables; its montage fixes the channel order.
    spatial_hidden, temporal_hidden : int
        Hidden sizes of the spatial and temporal RNNs.
    spatial_projection, temporal_projection : int
        Outputs of the sparse projections over electrodes (per direction) and over time.
    libeer_direction4 : bool
        Reproduce LibEER: the fourth direction uses the top-left neighbourhood.
    sum_temporal_heads : bool
        Reproduce LibEER: one classifier per temporal direction, logits summed.
    """

    @classmethod
    def card_kwargs(cls, card: ModelCard) -> dict[str, Any]:
        """What the card states: classes, slices, bands and the electrode grid.

        ``n_classes`` from the labels, slices and bands from the ``eeg`` shape
        ``(T, 62, 5)``, the grid from the ``eeg`` montage (`montage_grid`).
        """
        eeg = card.input("eeg")
        sample_length, _, in_features = eeg.shape
        return {
            "n_classes": len(card.labels),
            "grid": montage_grid(eeg.montage or ""),
            "sample_length": sample_length,
            "in_features": in_features,
        }

    def __init__(
        self,
        n_classes: int = 3,
        sample_length: int = 9,
        in_features: int = 5,
        grid: str = "seed62_9x9",
        spatial_hidden: int = 30,
        temporal_hidden: int = 30,
        spatial_projection: int = 10,
        temporal_projection: int = 5,
        libeer_direction4: bool = False,
        sum_temporal_heads: bool = False,
    ) -> None:
        super().__init__()
        corners = list(CORNERS)
        if libeer_direction4:
            corners[3] = "top_left"
        self.spatial = SpatialRNN(grid, in_features, spatial_hidden, spatial_projection, corners)
        self.temporal = nn.ModuleList(
            TemporalRNN(spatial_hidden, temporal_hidden, sample_length, temporal_projection)
            for _ in range(2)
        )
        n_heads = 2 if sum_temporal_heads else 1
        head_in = temporal_projection * (1 if sum_temporal_heads else 2)
        self.heads = nn.ModuleList(nn.Linear(head_in, n_classes) for _ in range(n_heads))
        for head in self.heads:
            nn.init.xavier_normal_(head.weight)
            nn.init.zeros_(head.bias)

    def forward(self, eeg: torch.Tensor) -> torch.Tensor:
        """Class logits ``(B, n_classes)`` from DE slices ``eeg`` ``(B, T, 62, 5)``.

        In eval mode the spatial RNN runs once per slice of overlapping stacks
        (:func:`~model_store.models.slices.per_slice`).
        """
        m = per_slice(self.spatial, eeg, share=not self.training)
        forward_q = self.temporal[0](m)
        backward_q = self.temporal[1](m.flip(1))
        if len(self.heads) == 2:
            return self.heads[0](forward_q) + self.heads[1](backward_q)
        return self.heads[0](torch.cat([forward_q, backward_q], dim=1))

    def spatial_projections(self) -> list[torch.Tensor]:
        """Projection matrices over the electrodes (one per direction) for the l1 term."""
        return list(self.spatial.projection_weight)

    def temporal_projections(self) -> list[torch.Tensor]:
        """Projection matrices over time (one per temporal direction) for the l1 term."""
        return [rnn.time_projection.weight for rnn in self.temporal]
