"""Uploading recordings: what is read from the header, and clear errors."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from core.cards import montage_channels


def test_upload_reads_header(client: TestClient, seed_edf: Path) -> None:
    with open(seed_edf, "rb") as fid:
        reply = client.post("/v1/recordings", files={"file": ("s01.edf", fid)})
    assert reply.status_code == 201, reply.text
    body = reply.json()
    assert body["format"] == "edf"
    assert body["channel_names"] == montage_channels("seed62")
    assert body["sfreq"] == 200.0
    assert body["duration_s"] == 60.0
    assert body["n_annotations"] == 0
    feeds = {feed["model"]: feed for feed in body["models"]}
    assert feeds["maet"]["can_feed"] is True
    again = client.get(f"/v1/recordings/{body['id']}")
    assert again.json()["channel_names"] == body["channel_names"]


def test_text_file_named_edf_is_422(client: TestClient) -> None:
    reply = client.post(
        "/v1/recordings", files={"file": ("notes.edf", b"subject felt fine\n" * 10)}
    )
    assert reply.status_code == 422
    assert "the file is text" in reply.json()["detail"]
    assert "notes.edf" in reply.json()["detail"]


def test_empty_file_is_422(client: TestClient) -> None:
    reply = client.post("/v1/recordings", files={"file": ("empty.edf", b"")})
    assert reply.status_code == 422
    assert "empty" in reply.json()["detail"]


def test_upload_over_limit_is_413(client: TestClient) -> None:
    reply = client.post("/v1/recordings", files={"file": ("big.edf", b"0" * (6 * 1024 * 1024))})
    assert reply.status_code == 413
    assert "4 MB" in reply.json()["detail"]


def test_unknown_recording_is_404(client: TestClient) -> None:
    reply = client.get("/v1/recordings/0123456789abcdef")
    assert reply.status_code == 404
