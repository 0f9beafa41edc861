"""A Celery app whose model client hangs, for the time-limit test.

Run as ``celery -A tests.worker.hanging_worker worker``: the real task and pipeline, with
every model request sleeping until Celery's time limit stops it.
"""

from __future__ import annotations

import time

import numpy as np
from numpy.typing import NDArray

from worker import tasks


class HangingClient:
    """A model server that never answers."""

    name = "hanging"

    def predict(self, model: str, inputs: dict[str, NDArray[np.floating]]) -> NDArray[np.float32]:
        time.sleep(600)
        raise AssertionError("the time limit did not stop the job")


tasks._client = HangingClient
app = tasks.celery_app
