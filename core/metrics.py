"""Prometheus metrics of the API and the workers, and their text exposition.

The API and the workers are separate processes: under ``affectserve up`` both write to
``PROMETHEUS_MULTIPROC_DIR`` (``data_dir/metrics``) and ``GET /metrics`` adds them up.
Jobs by state and the queue depth are read from the job store and the broker at scrape
time, so they are right even after restarts.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from time import perf_counter

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from core.config import Settings
from core.store import ACTIVE_STATES, FINAL_STATES, Job, session_factory

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

STAGE_SECONDS = Histogram(
    "affectserve_stage_seconds",
    "Time spent in each stage of a job, per recording and model.",
    ["stage"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900),
)
FEATURE_SECONDS = Histogram(
    "affectserve_feature_seconds",
    "Time making one model input from a recording, per modality (work a recipe prefix "
    "shares with an earlier model of the job is not done again).",
    ["modality"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900),
)
MODEL_SECONDS = Histogram(
    "affectserve_model_request_seconds",
    "Latency of one model request (a batch of windows), retries included.",
    ["model", "backend"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
UPLOAD_BYTES = Counter("affectserve_upload_bytes", "Bytes of uploaded files stored.")
ERRORS = Counter(
    "affectserve_errors",
    "Refused uploads and failed jobs, by kind.",
    ["kind"],
)


@contextmanager
def timed(histogram: Histogram, **labels: str) -> Iterator[None]:
    """Observe the duration of the block, in seconds, in ``histogram``."""
    start = perf_counter()
    try:
        yield
    finally:
        histogram.labels(**labels).observe(perf_counter() - start)


def queue_depth(settings: Settings) -> float:
    """Messages waiting in the broker's queue (NaN when the broker cannot be read)."""
    from core.broker import broker_messages

    messages = broker_messages(settings)
    return float("nan") if messages is None else float(len(messages.waiting))


class StoreCollector(Collector):
    """Jobs by state (from the job store) and queue depth (from the broker)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def collect(self) -> Iterator[GaugeMetricFamily]:
        """Read the store and the broker now."""
        jobs = GaugeMetricFamily(
            "affectserve_jobs", "Jobs in the store, by state.", labels=["state"]
        )
        query = select(Job.state, func.count()).group_by(Job.state)
        with session_factory(self.settings.store_url)() as session:
            counts = dict(session.execute(query).all())
        for state in ACTIVE_STATES + FINAL_STATES:
            jobs.add_metric([state], float(counts.get(state, 0)))
        yield jobs
        depth = GaugeMetricFamily(
            "affectserve_queue_depth", "Job messages waiting in the broker's queue."
        )
        depth.add_metric([], queue_depth(self.settings))
        yield depth


class AllProcessesCollector(Collector):
    """The metrics of every process that writes under ``folder``, added up: the files in it
    and in its subfolders.

    Processes on one host write to the folder itself (their pids differ); a container or
    host that shares the folder writes to a subfolder of its own, as its pids may repeat
    another's.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def collect(self) -> Iterable[Metric]:
        """Merge the files of the live and the finished processes now."""
        from prometheus_client import multiprocess

        files = sorted(str(path) for path in self.folder.rglob("*.db"))
        return multiprocess.MultiProcessCollector.merge(files, accumulate=True)


def exposition(settings: Settings) -> tuple[bytes, str]:
    """The metrics in Prometheus' text format, and its content type."""
    registry = CollectorRegistry()
    if os.environ.get(MULTIPROC_ENV):
        registry.register(AllProcessesCollector(Path(os.environ[MULTIPROC_ENV])))
    else:
        registry = REGISTRY
    body = generate_latest(registry)
    store = CollectorRegistry()
    store.register(StoreCollector(settings))
    return body + generate_latest(store), CONTENT_TYPE_LATEST
