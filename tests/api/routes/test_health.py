"""``/health`` reports each component's real state."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient


def test_health_down_broker_is_503(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from core.config import get_settings

    monkeypatch.setenv("AFFECTSERVE_BROKER_URL", "redis://127.0.0.1:1/0")
    get_settings.cache_clear()
    reply = client.get("/health")
    assert reply.status_code == 503
    body = reply.json()
    assert body["status"] == "degraded"
    assert body["components"]["broker"]["ok"] is False
    assert body["components"]["storage"]["ok"] is True


def test_health_filesystem_broker_ok(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    from core.broker import make_celery
    from core.config import get_settings

    monkeypatch.setenv("AFFECTSERVE_BROKER_URL", "filesystem://")
    get_settings.cache_clear()
    make_celery(get_settings())
    reply = client.get("/health")
    assert reply.status_code == 200, reply.text
    assert reply.json()["components"]["model_server"]["detail"].startswith("models run in-process")


def test_health_reports_stuck_jobs(client: TestClient) -> None:
    """A running job without a heartbeat past `stuck_after_s` (40 s by default: three
    10-s heartbeats and a 10-s sweep) means no reconciler requeued it: /health says so."""
    from datetime import UTC, datetime, timedelta

    from core.config import get_settings
    from core.store import Job, session_factory

    settings = get_settings()
    now = datetime.now(UTC)
    with session_factory(settings.store_url)() as session:
        for job_id, age_s in (("alive", 5.0), ("requeue-due", 35.0), ("stuck", 45.0)):
            stamp = now - timedelta(seconds=age_s)
            session.add(
                Job(
                    id=job_id,
                    state="running",
                    recording_ids=[],
                    models=[],
                    options={},
                    updated_at=stamp,
                    created_at=stamp,
                )
            )
        session.add(Job(id="waiting", recording_ids=[], models=[], options={}))
        session.commit()
    reply = client.get("/health")
    assert reply.status_code == 503
    jobs = reply.json()["components"]["jobs"]
    assert jobs == {
        "ok": False,
        "detail": "1 queued, 3 running; 1 stuck (no heartbeat for over 40 s, not put back in "
        "the queue): is a worker running?",
    }
    with session_factory(settings.store_url)() as session:
        session.query(Job).filter(Job.id == "stuck").update({"state": "queued"})
        session.commit()
    assert client.get("/health").json()["components"]["jobs"] == {
        "ok": True,
        "detail": "2 queued, 2 running; none stuck",
    }
