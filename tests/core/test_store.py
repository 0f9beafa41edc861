"""The job store on SQLite and PostgreSQL: migrations, claims, heartbeats, requeueing jobs
whose worker was lost."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from sqlalchemy import create_engine, inspect, text, update
from sqlalchemy.orm import Session

from core.store import (
    SCHEMA_VERSION,
    Job,
    claim_job,
    get_engine,
    migrate,
    requeue_stale,
    schema_version,
    session_factory,
    update_attempt,
)

V1_SCHEMA = (
    "CREATE TABLE recordings (id VARCHAR(32) PRIMARY KEY, filename VARCHAR(255), "
    "sha256 VARCHAR(64), path TEXT, format VARCHAR(16), header JSON, created_at TIMESTAMP)",
    "CREATE TABLE jobs (id VARCHAR(32) PRIMARY KEY, state VARCHAR(16), recording_ids JSON, "
    "models JSON, options JSON, progress JSON, error TEXT, result_path TEXT, "
    "created_at TIMESTAMP, updated_at TIMESTAMP)",
    "INSERT INTO jobs (id, state, recording_ids, models, options, progress) "
    "VALUES ('old', 'succeeded', '[]', '[]', '{}', '{}')",
)


def _add_job(session: Session, state: str = "queued") -> str:
    job = Job(recording_ids=["r"], models=["maet"], options={}, progress={}, state=state)
    session.add(job)
    session.commit()
    return job.id


def _age(session: Session, job_id: str, seconds: float) -> None:
    stamp = datetime.now(UTC) - timedelta(seconds=seconds)
    session.execute(update(Job).where(Job.id == job_id).values(updated_at=stamp))
    session.commit()


def test_migrates_a_version_1_store_and_keeps_its_rows(job_store_url: str) -> None:
    engine = create_engine(job_store_url)
    with engine.begin() as connection:
        for statement in V1_SCHEMA:
            connection.execute(text(statement))
        assert schema_version(connection) == 1
    assert migrate(engine) == SCHEMA_VERSION == 3
    assert migrate(engine) == 3
    with engine.connect() as connection:
        assert schema_version(connection) == 3
        columns = {c["name"] for c in inspect(connection).get_columns("jobs")}
        assert {"attempts", "worker", "owner", "kind"} <= columns
        kind = connection.execute(text("SELECT kind FROM jobs")).scalar_one()
        assert kind == "inference"  # jobs from before trainings are inference jobs
        recording_columns = {c["name"] for c in inspect(connection).get_columns("recordings")}
        assert {"companions", "options", "owner"} <= recording_columns
        row = connection.execute(text("SELECT state, attempts FROM jobs")).one()
        assert tuple(row) == ("succeeded", 0)
    engine.dispose()


def test_fresh_store_is_at_the_current_version(job_store_url: str) -> None:
    with get_engine(job_store_url).connect() as connection:
        assert schema_version(connection) == SCHEMA_VERSION


def test_claims_are_exclusive_until_the_heartbeat_stops(job_store_url: str) -> None:
    with session_factory(job_store_url)() as session:
        job_id = _add_job(session)
        assert claim_job(session, job_id, "w1", claim_after_s=30) == 1
        assert claim_job(session, job_id, "w2", claim_after_s=30) is None
        assert update_attempt(session, job_id, 1, result_path="r1.json")
        _age(session, job_id, 60)
        assert claim_job(session, job_id, "w2", claim_after_s=30) == 2
        job = session.get(Job, job_id)
        session.refresh(job)
        assert job.result_path is None  # the lost attempt's result is not the new one's
        assert not update_attempt(session, job_id, 1, state="succeeded")
        assert update_attempt(session, job_id, 2, state="succeeded", result_path="r.json")
        assert claim_job(session, job_id, "w3", claim_after_s=0) is None
        job = session.get(Job, job_id)
        session.refresh(job)
        assert (job.state, job.attempts, job.worker) == ("succeeded", 2, "w2")


def test_requeues_only_running_jobs_whose_heartbeat_stopped(job_store_url: str) -> None:
    with session_factory(job_store_url)() as session:
        fresh, stale, done = _add_job(session), _add_job(session), _add_job(session, "failed")
        for job_id in (fresh, stale):
            claim_job(session, job_id, "w", claim_after_s=30)
        _age(session, stale, 120)
        _age(session, done, 120)
        assert requeue_stale(session, claim_after_s=60) == [stale]
        assert requeue_stale(session, claim_after_s=60) == []
        jobs = {j: session.get(Job, j) for j in (fresh, stale, done)}
        for job in jobs.values():
            session.refresh(job)
        assert [jobs[j].state for j in (fresh, stale, done)] == ["running", "queued", "failed"]
        requeued = jobs[stale]
        assert (requeued.attempts, requeued.worker, requeued.progress.stage) == (1, None, "queued")
        assert "its worker was lost (no heartbeat for 60 s)" in requeued.progress.message
        # the lost attempt is fenced off; the next claim counts a second attempt
        assert not update_attempt(session, stale, 1, state="succeeded")
        assert claim_job(session, stale, "w2", claim_after_s=60) == 2


def test_concurrent_claims_have_one_winner(job_store_url: str) -> None:
    """Eight workers claim the same delivery at once: one attempt owns the job."""
    sessions = session_factory(job_store_url)
    with sessions() as session:
        job_id = _add_job(session)
    start = threading.Barrier(8)

    def claim(worker: int) -> int | None:
        with sessions() as session:
            start.wait()
            return claim_job(session, job_id, f"w{worker}", claim_after_s=30)

    with ThreadPoolExecutor(8) as pool:
        attempts = list(pool.map(claim, range(8)))
    assert sorted(attempts, key=lambda a: a is None) == [1] + [None] * 7
    with sessions() as session:
        job = session.get(Job, job_id)
        assert (job.state, job.attempts) == ("running", 1)
        assert job.worker == f"w{attempts.index(1)}"
