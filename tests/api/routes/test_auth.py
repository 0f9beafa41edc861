"""API keys: required when configured, stored hashed, and each key sees only its own."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from api.auth import add_key, hash_key, keys_file
from api.deps import get_celery
from core.config import Settings, get_settings

ALICE, BOB, ADMIN = "alice-key", "bob-key", "admin-key"


class NoBroker:
    """Stands in for Celery: jobs are stored but never sent."""

    def send_task(self, *_args: object, **_kwargs: object) -> None:
        """Drop the message."""


@pytest.fixture
def keyed(settings_env: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """A client of an app with two user keys and one admin key."""
    from api.main import create_app

    monkeypatch.setenv("AFFECTSERVE_API_KEYS", json.dumps([hash_key(ALICE), hash_key(BOB)]))
    monkeypatch.setenv("AFFECTSERVE_ADMIN_KEYS", json.dumps([hash_key(ADMIN)]))
    get_settings.cache_clear()
    app = create_app()
    app.dependency_overrides[get_celery] = NoBroker
    with TestClient(app) as client:
        yield client


def _as(key: str) -> dict[str, str]:
    return {"X-API-Key": key}


def test_every_request_needs_a_known_key(keyed: TestClient) -> None:
    for path in ("/v1/models", "/v1/jobs", "/health", "/v1/recordings/x"):
        reply = keyed.get(path)
        assert reply.status_code == 401, path
        assert "X-API-Key" in reply.json()["detail"]
    assert keyed.get("/v1/models", headers=_as("guess")).json() == {"detail": "unknown API key"}
    assert keyed.get("/v1/models", headers=_as(ALICE)).status_code == 200
    assert keyed.get("/v1/models", headers={"Authorization": f"Bearer {BOB}"}).status_code == 200


def test_key_cookie_is_for_reading_only(keyed: TestClient) -> None:
    keyed.cookies.set("affectserve_key", ALICE)
    assert keyed.get("/v1/jobs").status_code == 200
    reply = keyed.post("/v1/jobs", json={"recording_ids": ["x"], "models": ["maet"]})
    assert reply.status_code == 401
    assert "cookie is accepted for GET only" in reply.json()["detail"]
    assert keyed.delete("/v1/jobs/x").status_code == 401
    assert keyed.delete("/v1/jobs/x", headers=_as(ALICE)).status_code == 404


def test_recordings_and_jobs_belong_to_their_key(keyed: TestClient, seed_edf: Path) -> None:
    with open(seed_edf, "rb") as fid:
        upload = keyed.post("/v1/recordings", files={"file": ("a.edf", fid)}, headers=_as(ALICE))
    assert upload.status_code == 201, upload.text
    recording = upload.json()["id"]
    job_body = {
        "recording_ids": [recording],
        "models": ["maet"],
        "options": {"allow_untrained": True},
    }
    job = keyed.post("/v1/jobs", json=job_body, headers=_as(ALICE)).json()["id"]
    for path in (f"/v1/recordings/{recording}", f"/v1/jobs/{job}", f"/v1/jobs/{job}/result"):
        assert keyed.get(path, headers=_as(BOB)).status_code == 404, path
    assert keyed.delete(f"/v1/jobs/{job}", headers=_as(BOB)).status_code == 404
    assert keyed.delete(f"/v1/recordings/{recording}", headers=_as(BOB)).status_code == 404
    refused = keyed.post("/v1/jobs", json=job_body, headers=_as(BOB))
    assert refused.status_code == 422
    assert f"no recording with id {recording}" in refused.json()["detail"]
    assert keyed.get("/v1/jobs", headers=_as(BOB)).json()["jobs"] == []
    assert [j["id"] for j in keyed.get("/v1/jobs", headers=_as(ALICE)).json()["jobs"]] == [job]
    assert [j["id"] for j in keyed.get("/v1/jobs", headers=_as(ADMIN)).json()["jobs"]] == [job]
    assert keyed.get(f"/v1/jobs/{job}", headers=_as(ADMIN)).json()["state"] == "queued"
    assert keyed.get(f"/v1/recordings/{recording}", headers=_as(ALICE)).status_code == 200


def test_keys_file_holds_only_digests(settings_env: Path) -> None:
    from api.main import create_app

    settings = get_settings()
    key = add_key(settings, "lab laptop", admin=False)
    stored = keys_file(settings).read_text()
    assert key not in stored and hash_key(key) in stored
    assert keys_file(settings).stat().st_mode & 0o777 == 0o600
    with TestClient(create_app()) as client:
        assert client.get("/v1/models").status_code == 401
        assert client.get("/v1/models", headers=_as(key)).status_code == 200


def test_clear_keys_in_settings_are_refused() -> None:
    with pytest.raises(ValidationError, match="SHA-256 hex digest, never in clear"):
        Settings(api_keys=["my-secret-key"])
