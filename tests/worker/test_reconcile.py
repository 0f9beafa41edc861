"""What the reconciler does: requeue jobs whose worker was lost, send again the jobs the
broker lost, and only those."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from core.broker import broker_messages
from core.config import Settings
from core.store import Job, session_factory
from worker.reconcile import lost_job_ids, reconcile


def _add_jobs(settings: Settings, ages: dict[str, tuple[str, float]]) -> None:
    now = datetime.now(UTC)
    with session_factory(settings.store_url)() as session:
        for job_id, (state, age_s) in ages.items():
            stamp = now - timedelta(seconds=age_s)
            session.add(
                Job(
                    id=job_id,
                    state=state,
                    recording_ids=[],
                    models=[],
                    options={},
                    progress={},
                    created_at=stamp,
                    updated_at=stamp,
                )
            )
        session.commit()


def test_lost_jobs(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, heartbeat_s=1, sweep_interval_s=5)
    settings.ensure_dirs()
    _add_jobs(
        settings,
        {
            "queued_old": ("queued", 30),
            "queued_old_waiting": ("queued", 30),
            "queued_new": ("queued", 1),
            "running_dead": ("running", 100),
            "done": ("succeeded", 1000),
        },
    )
    assert lost_job_ids(settings, {"queued_old_waiting"}) == ["queued_old"]


class Recorder:
    """Stands in for Celery: records what is sent (or fails to send, like a broker down)."""

    def __init__(self, reachable: bool = True) -> None:
        self.reachable = reachable
        self.sent: list[tuple[str, str]] = []

    def send_task(self, task: str, args: list[str], queue: str, **_kwargs: object) -> None:
        if not self.reachable:
            raise OSError("connection refused")
        self.sent.append((args[0], queue))


def test_reconcile_requeues_lost_workers_jobs_whatever_the_visibility_timeout(
    tmp_path: Path,
) -> None:
    """A running job with no heartbeat for three beats goes back to queued and is sent
    again at once, though the broker would hand its message out only after an hour."""
    settings = Settings(
        data_dir=tmp_path,
        broker_url="filesystem://",
        heartbeat_s=2,
        visibility_timeout_s=3600,
    )
    settings.ensure_dirs()
    (settings.broker_dir / "queue").mkdir(parents=True)
    _add_jobs(settings, {"alive": ("running", 1), "lost": ("running", 7), "new": ("queued", 1)})
    app = Recorder()
    assert reconcile(settings, app) == (["lost"], [])
    assert app.sent == [("lost", settings.queue)]
    with session_factory(settings.store_url)() as session:
        states = dict(session.execute(select(Job.id, Job.state)).all())
    assert states == {"alive": "running", "lost": "queued", "new": "queued"}


def test_reconcile_keeps_requeued_jobs_when_the_broker_is_down(tmp_path: Path) -> None:
    """A job requeued while the broker is down stays queued; a later pass sends it."""
    settings = Settings(data_dir=tmp_path, broker_url="filesystem://", sweep_interval_s=1)
    settings.ensure_dirs()
    (settings.broker_dir / "queue").mkdir(parents=True)
    _add_jobs(settings, {"lost": ("running", 60)})
    down = Recorder(reachable=False)
    assert reconcile(settings, down) == (["lost"], [])
    assert down.sent == []
    with session_factory(settings.store_url)() as session:
        stamp = datetime.now(UTC) - timedelta(seconds=5)
        session.execute(update(Job).where(Job.id == "lost").values(updated_at=stamp))
        session.commit()
    back = Recorder()
    assert reconcile(settings, back) == ([], ["lost"])
    assert back.sent == [("lost", settings.queue)]


def test_filesystem_broker_ids(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, broker_url="filesystem://")
    folder = settings.broker_dir / "queue"
    folder.mkdir(parents=True)
    (folder / "1_a.affectserve.msg").write_text(json.dumps({"headers": {"id": "job-a"}}))
    (folder / "2_b.affectserve.msg").write_text("{broken")
    assert broker_messages(settings).held == {"job-a"}


def test_redis_broker_ids_skip_foreign_entries(tmp_path: Path) -> None:
    import redis

    from tests.integration.conftest import REDIS_URL, redis_up

    if not redis_up():
        pytest.skip("no Redis on 127.0.0.1:6379")
    queue = f"reconcile-test-{uuid.uuid4().hex[:8]}"
    settings = Settings(data_dir=tmp_path, broker_url=REDIS_URL, queue=queue)
    client = redis.Redis.from_url(REDIS_URL)
    client.lpush(queue, json.dumps({"headers": {"id": "job-q"}}), b"not json")
    try:
        messages = broker_messages(settings)
    finally:
        client.delete(queue)
    assert messages is not None and messages.waiting == ["job-q"]
