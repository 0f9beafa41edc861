"""Job requests that must be refused before anything is queued."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient


def _upload(client: TestClient, path: Path) -> str:
    with open(path, "rb") as fid:
        return client.post("/v1/recordings", files={"file": (path.name, fid)}).json()["id"]


def test_unknown_model_is_422(client: TestClient, seed_edf: Path) -> None:
    recording = _upload(client, seed_edf)
    reply = client.post("/v1/jobs", json={"recording_ids": [recording], "models": ["nope"]})
    assert reply.status_code == 422
    detail = reply.json()["detail"]
    assert "unknown model(s) nope" in detail
    assert "maet" in detail


def shipped_weights(tmp_path: Path, damaged: bool) -> Path:
    """A weights folder with MAET's file absent, or present with one byte changed."""
    from core.cards import WEIGHTS_DIR

    folder = tmp_path / "weights"
    folder.mkdir()
    if damaged:
        data = bytearray((WEIGHTS_DIR / "maet.pt").read_bytes())
        data[-1] ^= 0xFF
        (folder / "maet.pt").write_bytes(bytes(data))
    return folder


@pytest.mark.parametrize("damaged", [False, True], ids=["absent", "checksum-mismatch"])
def test_untrained_model_is_refused_with_training_command(
    client: TestClient,
    seed_edf: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    damaged: bool,
) -> None:
    from core.cards import load_card

    monkeypatch.setattr("core.cards.WEIGHTS_DIR", shipped_weights(tmp_path, damaged))
    recording = _upload(client, seed_edf)
    reply = client.post("/v1/jobs", json={"recording_ids": [recording], "models": ["maet"]})
    assert reply.status_code == 422
    assert reply.json()["detail"] == (
        "model maet has no trained weights (needs-weights); train it with: "
        + load_card("maet").training.command
    )
    assert client.get("/v1/jobs").json()["jobs"] == []


def test_unknown_recording_in_job_is_422(client: TestClient) -> None:
    reply = client.post("/v1/jobs", json={"recording_ids": ["feedbeef"], "models": ["maet"]})
    assert reply.status_code == 422
    assert "no recording with id feedbeef" in reply.json()["detail"]


def test_malformed_job_body_is_422(client: TestClient) -> None:
    reply = client.post(
        "/v1/jobs", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert reply.status_code == 422
    assert "invalid job body" in reply.json()["detail"]


def test_unknown_job_is_404(client: TestClient) -> None:
    for method, path in (
        ("GET", "/v1/jobs/0000"),
        ("GET", "/v1/jobs/0000/result"),
        ("DELETE", "/v1/jobs/0000"),
    ):
        reply = client.request(method, path)
        assert reply.status_code == 404, (method, path)
        assert reply.json()["detail"] == "no job with id 0000"


def test_job_posted_while_the_broker_is_down_is_stored_queued(
    client: TestClient, seed_edf: Path
) -> None:
    """Nothing to retry for the client: the job is accepted and a worker's reconciler
    sends it once the broker is back (tests/integration/test_faults.py does it for real)."""
    from api.deps import get_celery
    from core.broker import DEFERRED_MESSAGE, make_celery
    from core.config import Settings

    unreachable = make_celery(Settings(broker_url="redis://127.0.0.1:1/0"))
    client.app.dependency_overrides[get_celery] = lambda: unreachable
    recording = _upload(client, seed_edf)
    reply = client.post(
        "/v1/jobs",
        json={
            "recording_ids": [recording],
            "models": ["maet"],
            "options": {"allow_untrained": True},
        },
    )
    assert reply.status_code == 202, reply.text
    job = reply.json()
    assert (job["state"], job["progress"]["message"]) == ("queued", DEFERRED_MESSAGE)
    stored = client.get(f"/v1/jobs/{job['id']}").json()
    assert (stored["state"], stored["progress"]["message"]) == ("queued", DEFERRED_MESSAGE)
