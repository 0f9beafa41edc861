"""Per-slice work shared by overlapping stacks: same outputs, each slice computed once."""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType

import numpy as np
import pytest
import torch

from core.cards import load_card
from model_store.models import emotionclip, strnn
from model_store.models.slices import per_slice, sliding_step
from model_store.serving import LoadedModel


@pytest.fixture(autouse=True)
def _one_torch_thread() -> Iterator[None]:
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def stacks_of(slices: torch.Tensor, n: int = 9, step: int = 1) -> torch.Tensor:
    """Overlapping stacks as the ``stack_slices`` recipe step makes them."""
    view = np.lib.stride_tricks.sliding_window_view(slices.numpy(), n, axis=0)[::step]
    return torch.as_tensor(np.moveaxis(view, -1, 1).copy())


def recording(n_slices: int, seed: int = 0) -> torch.Tensor:
    """Seeded DE-like slices ``(n_slices, 62, 5)`` in [0, 1] (min-max scaled)."""
    return torch.rand(n_slices, 62, 5, generator=torch.Generator().manual_seed(seed))


def test_sliding_step_finds_the_stack_step() -> None:
    slices = recording(40)
    assert sliding_step(stacks_of(slices, step=1)) == 1
    assert sliding_step(stacks_of(slices, step=4)) == 4
    assert sliding_step(stacks_of(slices, step=9)) is None  # no overlap, nothing to share
    assert sliding_step(stacks_of(slices)[[0, 2, 1]]) is None  # out of order
    assert sliding_step(stacks_of(slices)[:1]) is None
    with_nan = slices.clone()
    with_nan[20, 3, 1] = float("nan")
    assert sliding_step(stacks_of(with_nan)) is None


@pytest.mark.parametrize("step", [1, 2, 4, 9])
def test_per_slice_equals_every_slice_of_every_stack(step: int) -> None:
    stacks = stacks_of(recording(60), step=step)
    seen: list[int] = []

    def fn(x: torch.Tensor) -> torch.Tensor:
        seen.append(x.shape[0])
        return x.sum(dim=-1) * torch.arange(62.0)

    shared = per_slice(fn, stacks)
    every = fn(stacks.flatten(0, 1)).unflatten(0, stacks.shape[:2])
    torch.testing.assert_close(shared, every, rtol=0, atol=0)
    n_stacks = stacks.shape[0]
    # step < 9: the recording's slices once each; step 9: nothing overlaps
    assert seen[0] == (9 + (n_stacks - 1) * step if step < 9 else n_stacks * 9)
    assert per_slice(fn, stacks, share=False).shape == (n_stacks, 9, 62)


@pytest.mark.parametrize(("name", "module"), [("strnn", strnn), ("emotionclip", emotionclip)])
def test_shipped_model_gives_the_per_stack_outputs(
    name: str, module: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    card = load_card(name)
    loaded = LoadedModel(card, card.weights_path if card.weights_status == "ready" else None)
    model = loaded.model
    # 3 requests of one recording's stacks as the worker batches them, then unrelated stacks
    batches = [*stacks_of(recording(150)).split(64), recording(45, seed=1).view(5, 9, 62, 5)]
    part = model.spatial if name == "strnn" else model.stem
    rows: list[int] = []
    part.register_forward_hook(lambda _m, args, _out: rows.append(args[0].shape[0]))
    with torch.inference_mode():
        shared = [model(batch) for batch in batches]
        monkeypatch.setattr(module, "per_slice", lambda fn, x, share: per_slice(fn, x, False))
        every = [model(batch) for batch in batches]
    assert rows[:4] == [64 + 8, 64 + 8, 14 + 8, 5 * 9]
    assert rows[4:] == [64 * 9, 64 * 9, 14 * 9, 5 * 9]
    for fast, slow in zip(shared, every, strict=True):
        torch.testing.assert_close(fast, slow, rtol=1e-5, atol=1e-5)
    assert shared[0].std() > 0.01  # real logits, not a constant


def test_training_mode_computes_every_slice() -> None:
    # EmotionCLIP's stem has BatchNorm: batch statistics must see every slice
    model = emotionclip.EmotionCLIP().train()
    rows: list[int] = []
    model.stem.register_forward_hook(lambda _m, args, _out: rows.append(args[0].shape[0]))
    model(stacks_of(recording(20)))
    assert rows == [12 * 9]
