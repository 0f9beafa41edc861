"""The pipeline under faults: duplicate deliveries, lost workers, unexpected errors."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray
from prometheus_client import REGISTRY
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from core.cards import load_card
from core.config import Settings
from core.store import Job, Recording, session_factory
from model_store.clients import ModelServerUnavailableError, ServerHealth
from tests.conftest import write_seed_edf
from worker.pipeline import run_job


class UniformClient:
    """A model server that answers equal probabilities (or fails when told to)."""

    name = "uniform"

    def __init__(self, error: Exception | None = None) -> None:
        self.error = error
        self.calls = 0

    def predict(self, model: str, inputs: dict[str, NDArray[np.floating]]) -> NDArray[np.float32]:
        self.calls += 1
        if self.error is not None:
            raise self.error
        n_windows = len(next(iter(inputs.values())))
        n_classes = len(load_card(model).labels)
        return np.full((n_windows, n_classes), 1.0 / n_classes, dtype=np.float32)

    def health(self, models: Sequence[str] = ()) -> ServerHealth:
        raise NotImplementedError


class MisshapenClient(UniformClient):
    """A model server whose answer has ``rows`` rows and ``columns`` columns too many."""

    def __init__(self, rows: int, columns: int) -> None:
        super().__init__()
        self.rows, self.columns = rows, columns

    def predict(self, model: str, inputs: dict[str, NDArray[np.floating]]) -> NDArray[np.float32]:
        probs = super().predict(model, inputs)
        shape = (len(probs) + self.rows, probs.shape[1] + self.columns)
        return np.full(shape, 1.0 / shape[1], dtype=np.float32)


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Settings, sessionmaker[Session], str]:
    """Settings on a fresh data dir, and a queued MAET job on a 20-s recording."""
    settings = Settings(data_dir=tmp_path / "data", heartbeat_s=0.2)
    settings.ensure_dirs()
    path = write_seed_edf(settings.uploads_dir / "rec.edf", duration_s=20.0)
    sessions = session_factory(settings.store_url)
    with sessions() as session:
        recording = Recording(
            filename="rec.edf", sha256="0" * 64, path=str(path), format="edf", header={}
        )
        session.add(recording)
        session.flush()
        job = Job(recording_ids=[recording.id], models=["maet"], options={}, progress={})
        session.add(job)
        session.commit()
        return settings, sessions, job.id


def _job(sessions: sessionmaker[Session], job_id: str) -> Job:
    with sessions() as session:
        return session.get(Job, job_id)


def _count(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(f"{name}_count", labels) or 0.0


def test_runs_once_and_duplicates_do_nothing(setup: tuple) -> None:
    settings, sessions, job_id = setup
    client = UniformClient()
    stages = ("reading", "features", "inference", "aggregating")
    before = [_count("affectserve_stage_seconds", stage=stage) for stage in stages]
    requests = _count("affectserve_model_request_seconds", model="maet", backend="uniform")
    eeg = _count("affectserve_feature_seconds", modality="eeg")
    run_job(job_id, sessions, client, settings, "w1")
    after = [_count("affectserve_stage_seconds", stage=stage) for stage in stages]
    assert [b - a for a, b in zip(before, after, strict=True)] == [1, 1, 1, 1]
    assert _count("affectserve_feature_seconds", modality="eeg") == eeg + 1  # MAET's input
    assert client.calls == 1
    assert _count("affectserve_model_request_seconds", model="maet", backend="uniform") == (
        requests + 1
    )
    job = _job(sessions, job_id)
    assert (job.state, job.attempts, job.worker) == ("succeeded", 1, "w1")
    assert job.result_path.startswith("results/")  # a storage key, not a host's path
    result = settings.data_dir / job.result_path
    assert result.parent == settings.results_dir
    assert result.stem == hashlib.sha256(result.read_bytes()).hexdigest()
    assert result.stat().st_mode & 0o777 == 0o600
    calls = client.calls
    run_job(job_id, sessions, client, settings, "w2")
    assert client.calls == calls
    assert _job(sessions, job_id).attempts == 1


def test_takes_over_a_job_whose_worker_was_lost(setup: tuple) -> None:
    settings, sessions, job_id = setup
    lost_at = datetime.now(UTC) - timedelta(seconds=10)
    with sessions() as session:
        session.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(state="running", attempts=1, worker="dead", updated_at=lost_at)
        )
        session.commit()
    run_job(job_id, sessions, UniformClient(), settings, "w2")
    job = _job(sessions, job_id)
    assert (job.state, job.attempts, job.worker) == ("succeeded", 2, "w2")
    assert job.progress.percent == 100.0


def test_gives_up_after_max_attempts(setup: tuple) -> None:
    settings, sessions, job_id = setup
    with sessions() as session:
        session.execute(update(Job).where(Job.id == job_id).values(attempts=3))
        session.commit()
    client = UniformClient()
    run_job(job_id, sessions, client, settings, "w")
    job = _job(sessions, job_id)
    assert (job.state, job.attempts, client.calls) == ("failed", 4, 0)
    assert job.error.startswith("the worker was lost 3 times while running this job")


def test_unexpected_error_fails_the_job_with_its_reason(setup: tuple) -> None:
    settings, sessions, job_id = setup
    run_job(job_id, sessions, UniformClient(RuntimeError("boom")), settings, "w")
    job = _job(sessions, job_id)
    assert job.state == "failed"
    assert job.error == "internal error (RuntimeError: boom); see the worker log"


@pytest.mark.parametrize(
    ("rows", "columns", "shape"),
    [(-1, 0, "(19, 3)"), (1, 0, "(21, 3)"), (0, 1, "(20, 4)"), (0, -1, "(20, 2)")],
)
def test_a_misshapen_model_answer_fails_the_job_and_says_so(
    setup: tuple, rows: int, columns: int, shape: str
) -> None:
    settings, sessions, job_id = setup
    run_job(job_id, sessions, MisshapenClient(rows, columns), settings, "w")
    job = _job(sessions, job_id)
    assert job.state == "failed" and job.result_path is None
    assert job.error == (
        f"the maet model answered probabilities of shape {shape} for 20 windows of 3 "
        "classes; check that the model server runs the model this card describes"
    )


class OutageClient(UniformClient):
    """A model server that cannot serve anything for ``outage_s`` from its first request;
    its ``health`` records the job's progress message each time it is asked."""

    def __init__(self, sessions: sessionmaker[Session], job_id: str, outage_s: float) -> None:
        super().__init__()
        self.sessions, self.job_id, self.outage_s = sessions, job_id, outage_s
        self.down_since: float | None = None
        self.messages: list[str | None] = []

    def down(self) -> bool:
        return self.down_since is not None and time.monotonic() - self.down_since < self.outage_s

    def predict(self, model: str, inputs: dict[str, NDArray[np.floating]]) -> NDArray[np.float32]:
        if self.down_since is None:
            self.down_since = time.monotonic()
        if self.down():
            self.calls += 1
            raise ModelServerUnavailableError("TorchServe at http://ts could not be reached")
        return super().predict(model, inputs)

    def health(self, models: Sequence[str] = ()) -> ServerHealth:
        self.messages.append(_job(self.sessions, self.job_id).progress.message)
        return ServerHealth(not self.down(), "test server")


@pytest.fixture
def fast_polls(monkeypatch: pytest.MonkeyPatch) -> None:
    """A waiting job asks the model server every 50 ms instead of every 2 s."""
    monkeypatch.setattr("worker.pipeline.MODEL_SERVER_POLL_S", 0.05)


@pytest.mark.usefixtures("fast_polls")
def test_waits_for_the_model_server_and_goes_on_when_it_is_back(setup: tuple) -> None:
    settings, sessions, job_id = setup
    settings = settings.model_copy(update={"model_server_patience_s": 30.0})
    client = OutageClient(sessions, job_id, outage_s=0.5)
    run_job(job_id, sessions, client, settings, "w")
    job = _job(sessions, job_id)
    assert (job.state, job.attempts, job.progress.message) == ("succeeded", 1, None)
    assert client.calls == 2  # refused once, then the batch went through
    assert len(client.messages) >= 5
    assert client.messages[0].startswith(
        "waiting for the model server to serve maet (0 s so far, at most 30 s): TorchServe "
        "at http://ts could not be reached"
    )


@pytest.mark.usefixtures("fast_polls")
def test_fails_when_the_model_server_outlasts_the_patience(setup: tuple) -> None:
    settings, sessions, job_id = setup
    settings = settings.model_copy(update={"model_server_patience_s": 0.3})
    client = OutageClient(sessions, job_id, outage_s=60.0)
    started = time.monotonic()
    run_job(job_id, sessions, client, settings, "w")
    assert time.monotonic() - started < 5.0
    job = _job(sessions, job_id)
    assert job.state == "failed"
    assert job.error == (
        "the model server could not serve maet for 0.3 s (AFFECTSERVE_MODEL_SERVER_PATIENCE_S): "
        "TorchServe at http://ts could not be reached; submit the job again once the model "
        "server is back"
    )
