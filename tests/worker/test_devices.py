"""Every device's recording, as its software writes it, reaches the models it should.

Upload (`POST /v1/recordings`) -> `can_feed` per model -> a job in this process -> the
montage that ran. A device runs as the largest montage its card accepts that the device
covers (directly or by interpolation); a card that does not accept it refuses it with a
reason that names what would work.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from core.cards import load_card
from core.config import get_settings
from core.store import Job, session_factory
from model_store.clients import InProcessClient
from signals.feeding import accepted_montages, prepare_inputs
from signals.io import read_raw
from tests.signals.devices import DEVICES, Device, write_device
from worker.pipeline import run_job

SEED_MODELS = ["emotionclip", "maet", "strnn"]


@pytest.fixture
def client(settings_env: Path, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    from api.main import create_app

    monkeypatch.setenv("AFFECTSERVE_MAX_UPLOAD_MB", "64")
    get_settings.cache_clear()
    return TestClient(create_app())


def _expected(device: Device, model: str) -> bool:
    card = load_card(model)
    return bool(device.montage) and device.montage in accepted_montages(card, card.input("eeg"))


@pytest.mark.parametrize("device", DEVICES, ids=[d.name for d in DEVICES])
def test_device_recording_feeds_the_models_that_accept_its_montage(
    device: Device, client: TestClient, tmp_path: Path
) -> None:
    path = write_device(device, tmp_path)
    with open(path, "rb") as fid:
        response = client.post(
            "/v1/recordings",
            files={"file": (path.name, fid)},
            data={"options": json.dumps(device.options)} if device.options else None,
        )
    assert response.status_code == 201, response.text
    upload = response.json()
    assert upload["duration_s"] == pytest.approx(120.0)
    assert upload["warnings"] == []
    feeds = {feed["model"]: feed for feed in upload["models"]}
    expected = {model: _expected(device, model) for model in SEED_MODELS}
    assert {model: feeds[model]["can_feed"] for model in SEED_MODELS} == expected
    for model in SEED_MODELS:
        if not expected[model]:
            assert feeds[model]["reason"].startswith("needs one of the montages seed62")
            assert "channel_map" in feeds[model]["reason"]
    fed = [model for model in SEED_MODELS if expected[model]]
    for model in fed:
        assert feeds[model]["montage"]["montage"] == device.montage
    if not fed:
        return
    raw = read_raw(path, options=device.options)
    use = prepare_inputs(raw, load_card(fed[0])).montage
    assert use is not None and use.model_dump() == feeds[fed[0]]["montage"]
    assert all(mm <= get_settings().max_interpolation_mm for mm in use.interpolated.values())
    job = _run_job(upload["id"], fed)
    assert job.state == "succeeded", job.error


def _run_job(recording_id: str, models: list[str]) -> Job:
    settings = get_settings()
    sessions = session_factory(settings.store_url)
    with sessions() as session:
        job = Job(recording_ids=[recording_id], models=models, options={}, progress={})
        session.add(job)
        session.commit()
        job_id = job.id
    run_job(job_id, sessions, InProcessClient(), settings)
    with sessions() as session:
        return session.get(Job, job_id)
