"""Which jobs the reconciler sends again: those the broker lost, and only those."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core.broker import broker_messages
from core.config import Settings
from core.store import Job, session_factory
from worker.reconcile import lost_job_ids


def test_lost_jobs(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path,
        heartbeat_s=1,
        sweep_interval_s=5,
        visibility_timeout_s=60,
        stale_job_s=600,
    )
    settings.ensure_dirs()
    now = datetime.now(UTC)
    ages = {
        "queued_old": ("queued", 30),
        "queued_old_held": ("queued", 30),
        "queued_new": ("queued", 1),
        "running_alive": ("running", 1),
        "running_dead": ("running", 10),
        "running_dead_held": ("running", 10),
        "running_abandoned_held": ("running", 100),
        "done": ("succeeded", 1000),
    }
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
    held = {"queued_old_held", "running_dead_held", "running_abandoned_held"}
    assert sorted(lost_job_ids(settings, held)) == [
        "queued_old",
        "running_abandoned_held",
        "running_dead",
    ]


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
