"""Configurable limits: each refusal names the limit and the setting that raises it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from core.config import get_settings


@pytest.fixture
def limited(settings_env: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """A client with small limits: 2 files per job, 30 s, 16 channels."""
    from api.main import create_app

    monkeypatch.setenv("AFFECTSERVE_MAX_FILES_PER_JOB", "2")
    monkeypatch.setenv("AFFECTSERVE_MAX_DURATION_S", "30")
    monkeypatch.setenv("AFFECTSERVE_MAX_CHANNELS", "16")
    get_settings.cache_clear()
    with TestClient(create_app()) as client:
        yield client


def _post(client: TestClient, path: Path) -> dict:
    with open(path, "rb") as fid:
        reply = client.post("/v1/recordings", files={"file": ("rec.edf", fid)})
    assert reply.status_code == 422, reply.text
    return reply.json()


def test_channel_limit(limited: TestClient, seed_edf: Path) -> None:
    detail = _post(limited, seed_edf)["detail"]
    assert detail == (
        "rec.edf could not be read: it has 62 channels; the limit is 16 (AFFECTSERVE_MAX_CHANNELS)"
    )


def test_duration_limit(
    limited: TestClient, monkeypatch: pytest.MonkeyPatch, seed_edf: Path
) -> None:
    monkeypatch.setenv("AFFECTSERVE_MAX_CHANNELS", "64")
    get_settings.cache_clear()
    detail = _post(limited, seed_edf)["detail"]
    assert "it lasts 60 s; the limit is 30 s (AFFECTSERVE_MAX_DURATION_S)" in detail


def test_files_per_job_limit(limited: TestClient, seed_edf: Path) -> None:
    reply = limited.post("/v1/jobs", json={"recording_ids": ["a", "b", "c"], "models": ["maet"]})
    assert reply.status_code == 422
    assert (
        "3 recordings; the limit is 2 per job (AFFECTSERVE_MAX_FILES_PER_JOB)"
        in (reply.json()["detail"])
    )
    with open(seed_edf, "rb") as fid:
        data = fid.read()
    files = [("file", (f"r{k}.edf", data)) for k in range(3)]
    reply = limited.post("/v1/jobs", files=files)
    assert reply.status_code == 422
    assert "the limit is 2 per job" in reply.json()["detail"]
    assert not list((get_settings().uploads_dir).iterdir()), "nothing stored"


def test_header_read_time_limit(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, seed_edf: Path
) -> None:
    monkeypatch.setenv("AFFECTSERVE_READ_TIMEOUT_S", "0.001")
    get_settings.cache_clear()
    detail = _post(client, seed_edf)["detail"]
    assert "took longer than 0.001 s (AFFECTSERVE_READ_TIMEOUT_S)" in detail


def test_sampling_rate_limit(
    limited: TestClient, monkeypatch: pytest.MonkeyPatch, seed_edf: Path
) -> None:
    monkeypatch.setenv("AFFECTSERVE_MAX_CHANNELS", "64")
    monkeypatch.setenv("AFFECTSERVE_MAX_SFREQ", "100")
    get_settings.cache_clear()
    detail = _post(limited, seed_edf)["detail"]
    assert detail == (
        "rec.edf could not be read: it is sampled at 200 Hz; the limit is 100 Hz "
        "(AFFECTSERVE_MAX_SFREQ): resample it before uploading"
    )


def test_declared_size_limit_refuses_a_v73_bomb(client: TestClient, tmp_path: Path) -> None:
    from tests.signals.io.builders import write_mat73_bomb

    bomb = write_mat73_bomb(tmp_path / "bomb.mat", (50_000, 50_000))
    with open(bomb, "rb") as fid:
        reply = client.post("/v1/recordings", files={"file": ("bomb.mat", fid)})
    assert reply.status_code == 422
    assert reply.json()["detail"] == (
        "bomb.mat could not be read: the MAT v7.3 array 'labels' declares 50000x50000 = "
        "2,500,000,000 values; the limit is 250,000,000 (AFFECTSERVE_MAX_SAMPLES): split "
        "the recording into shorter files"
    )
    assert not list(get_settings().uploads_dir.iterdir())
