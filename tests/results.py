"""Model results in their stored JSON form, made by the pipeline's own `summarise`."""

from __future__ import annotations

from typing import Any

import numpy as np

from model_store.cards import load_card
from worker.feeding import ModelInputs
from worker.pipeline import summarise


def model_result(model: str, n_windows: int, seed: int = 0) -> dict[str, Any]:
    """A result of ``model`` over ``n_windows`` one-second windows of random probabilities."""
    card = load_card(model)
    probs = np.random.default_rng(seed).dirichlet(np.ones(len(card.labels)), n_windows)
    inputs = ModelInputs(arrays={}, window_starts=np.arange(n_windows, dtype=float), window_s=1.0)
    return {
        "model": model,
        "labels": card.labels,
        "window_s": 1.0,
        **summarise(card, inputs, probs),
        "warnings": [],
    }
