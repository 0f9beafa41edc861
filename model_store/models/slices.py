"""Per-slice work of the slice-stack models, done once per slice of a recording.

STRNN and EmotionCLIP take stacks of T consecutive 1-s DE slices, and the worker sends
the overlapping stacks of one recording in order (stack ``k`` holds slices ``k*step``
to ``k*step + T - 1``), so a batch holds each slice up to T times. Their per-slice part
(STRNN's spatial RNN, EmotionCLIP's convolution stem) depends on the slice alone: it
runs here once per distinct slice and its result is gathered back into the stacks.
"""

from __future__ import annotations

from collections.abc import Callable

import torch


def sliding_step(stacks: torch.Tensor) -> int | None:
    """The step, in slices, between consecutive overlapping stacks of one sequence.

    Parameters
    ----------
    stacks : torch.Tensor
        ``(B, T, ...)`` stacks of T slices.

    Returns
    -------
    int or None
        The smallest ``s < T`` such that every stack is the previous one moved on by
        ``s`` slices (exact equality, so stacks holding NaN never match); None when the
        stacks do not overlap that way or there is only one.
    """
    n_stacks, n_slices = stacks.shape[:2]
    if n_stacks < 2:
        return None
    for step in range(1, n_slices):
        if torch.equal(stacks[1:, : n_slices - step], stacks[:-1, step:]):
            return step
    return None


def per_slice(
    fn: Callable[[torch.Tensor], torch.Tensor], stacks: torch.Tensor, share: bool = True
) -> torch.Tensor:
    """Apply ``fn`` to every slice of ``stacks``, each distinct slice once when they overlap.

    Parameters
    ----------
    fn : callable
        Maps slices ``(N, ...)`` to per-slice results ``(N, ...)``, each row depending on
        its own slice only (no batch statistics: eval mode).
    stacks : torch.Tensor
        ``(B, T, ...)`` stacks of T slices.
    share : bool
        Compute a slice shared by overlapping stacks once (see :func:`sliding_step`);
        False runs ``fn`` on all ``B * T`` slices.

    Returns
    -------
    torch.Tensor
        ``(B, T, ...)``: ``fn`` of every slice of every stack.
    """
    n_stacks, n_slices = stacks.shape[:2]
    step = sliding_step(stacks) if share else None
    if step is None:
        return fn(stacks.flatten(0, 1)).unflatten(0, (n_stacks, n_slices))
    sequence = torch.cat([stacks[0], stacks[1:, n_slices - step :].flatten(0, 1)])
    positions = torch.arange(n_slices, device=stacks.device)
    starts = step * torch.arange(n_stacks, device=stacks.device)
    return fn(sequence)[starts[:, None] + positions]
