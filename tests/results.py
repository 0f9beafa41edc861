"""Model results in their stored JSON form, made by the pipeline's own `summarise`."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np

from core.cards import load_card
from core.reliability import reliability
from signals.feeding import ModelInputs
from worker.pipeline import provenance, summarise


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
        "warnings": [f"{model}: made up by tests.results, not a prediction"],
        "provenance": provenance(card, SimpleNamespace(name="inprocess")),
        "reliability": reliability(card).model_dump(),
    }


def store_succeeded_job(
    recording_id: str, filename: str, models: dict[str, int], state: str = "succeeded"
) -> str:
    """Record a finished job with a stored result, as the worker would; returns its id.

    ``models`` maps model names to their number of windows.
    """
    from core.config import get_settings
    from core.store import Job, session_factory
    from worker.pipeline import write_json_atomic

    settings = get_settings()
    with session_factory(settings.store_url)() as session:
        job = Job(
            recording_ids=[recording_id],
            models=list(models),
            options={"allow_untrained": True},
            progress={"stage": "done", "done": 1, "total": 1, "percent": 100.0},
            state=state,
        )
        session.add(job)
        session.commit()
        result = {
            "job_id": job.id,
            "recordings": [
                {
                    "recording_id": recording_id,
                    "filename": filename,
                    "models": {
                        name: model_result(name, n, seed=k)
                        for k, (name, n) in enumerate(models.items())
                    },
                }
            ],
        }
        job.result_path = str(write_json_atomic(settings.results_dir, result))
        session.commit()
        return job.id
