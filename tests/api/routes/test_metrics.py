"""``GET /metrics``: Prometheus text with jobs by state, uploads, errors and stages."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from core.config import get_settings
from core.store import Job, session_factory

STATES = ("queued", "running", "succeeded", "failed", "cancelled")


def _samples(client: TestClient) -> dict[tuple[str, tuple], float]:
    reply = client.get("/metrics")
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("text/plain")
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(reply.text)
        for s in family.samples
    }


def test_metrics_count_jobs_uploads_and_errors(client: TestClient, seed_edf: Path) -> None:
    before = _samples(client)
    errors_key = ("affectserve_errors_total", (("kind", "upload_unreadable"),))
    with open(seed_edf, "rb") as fid:
        assert client.post("/v1/recordings", files={"file": ("a.edf", fid)}).status_code == 201
    bad = client.post("/v1/recordings", files={"file": ("b.edf", b"not a recording")})
    assert bad.status_code == 422
    with session_factory(get_settings().store_url)() as session:
        session.add_all(
            Job(recording_ids=[], models=[], options={}, progress={}, state=state)
            for state in ("queued", "queued", "failed")
        )
        session.commit()
    after = _samples(client)
    uploaded = after[("affectserve_upload_bytes_total", ())]
    assert uploaded - before.get(("affectserve_upload_bytes_total", ()), 0) == (
        seed_edf.stat().st_size
    )
    assert after[errors_key] - before.get(errors_key, 0) == 1
    jobs = {state: after[("affectserve_jobs", (("state", state),))] for state in STATES}
    assert jobs == {"queued": 2, "running": 0, "succeeded": 0, "failed": 1, "cancelled": 0}
    assert ("affectserve_queue_depth", ()) in after
