"""Uploading recordings: what is read from the header, and clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from core.cards import montage_channels
from tests.signals.devices import ACTICAP64, Device, actiview, write_device


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


def _post(client: TestClient, path: Path, options: dict | None = None) -> dict:
    with open(path, "rb") as fid:
        data = {"options": json.dumps(options)} if options is not None else None
        reply = client.post("/v1/recordings", files={"file": (path.name, fid)}, data=data)
    return {"status": reply.status_code, **reply.json()}


def _short(device: Device, tmp_path: Path) -> Path:
    return write_device(device, tmp_path, duration_s=20.0)


def test_channel_map_renames_channels_so_they_feed_a_model(
    client: TestClient, tmp_path: Path
) -> None:
    names = [f"E{k}" for k in range(1, 65)]
    path = _short(Device("egi-like", names, sfreq=128.0), tmp_path)
    plain = _post(client, path)
    assert plain["channel_types"] == ["misc"] * 64
    rename = dict(zip(names, ACTICAP64, strict=True))
    renamed = _post(client, path, {"channel_map": rename})
    assert renamed["status"] == 201
    assert renamed["channel_names"] == ACTICAP64 and renamed["channel_types"] == ["eeg"] * 64
    feeds = {feed["model"]: feed["can_feed"] for feed in renamed["models"]}
    assert feeds["maet"] and feeds["strnn"] and feeds["emotionclip"]


def test_montage_option_places_electrodes_named_by_an_mne_montage(
    client: TestClient, tmp_path: Path
) -> None:
    names = [f"E{k}" for k in range(1, 129)]
    path = _short(Device("hydrocel", names, sfreq=128.0), tmp_path)
    body = _post(client, path, {"montage": "GSN-HydroCel-129"})
    assert body["status"] == 201, body
    assert body["montage"] == "GSN-HydroCel-129" and body["channel_types"] == ["eeg"] * 128
    assert {f["model"]: f["can_feed"] for f in body["models"]}["maet"] is True


def test_biosemi_actiview_labels_are_recognised_without_options(
    client: TestClient, tmp_path: Path
) -> None:
    body = _post(
        client, _short(Device("b128", actiview(4), ["EXG1", "Status"], bdf=True), tmp_path)
    )
    assert body["montage"] == "biosemi128"
    assert body["channel_types"] == ["eeg"] * 128 + ["misc", "stim"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"montage": "biosemi65"}, "montage 'biosemi65' is not an MNE montage; one of"),
        ({"channel_map": {"E1": "Fp1", "E2": "Fp1"}}, "gives two channels the same label"),
        ({"channel_map": {"E1": " "}}, "gives a channel an empty label"),
        ({"channel_map": {"X9": "Fp1"}}, "channel_map renames X9, which the file does not have"),
        ({"montage": "biosemi32"}, "no channel is named as in the biosemi32 montage"),
    ],
)
def test_invalid_channel_options_are_422_with_a_sentence(
    client: TestClient, tmp_path: Path, options: dict, message: str
) -> None:
    path = _short(Device("plain", ["E1", "E2", "E3"], sfreq=128.0), tmp_path)
    body = _post(client, path, options)
    assert body["status"] == 422
    assert message in body["detail"]
