"""Upload -> Celery (Redis) -> model server -> JSON, with every service started for real."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import httpx
import numpy as np
import pytest

from core.cards import load_card
from core.config import Settings
from core.schemas import JobResult
from core.storage import LocalStorage, Storage, figures_prefix, storage_for
from tests.integration.conftest import Service

pytestmark = pytest.mark.integration


def _run_maet_job(service: Service, recording: Path, storage: Storage | None = None) -> dict:
    """Upload, run MAET, check its figures in ``storage`` (default the data dir); the
    result."""
    with open(recording, "rb") as fid:
        reply = httpx.post(f"{service.url}/v1/recordings", files={"file": ("s01.edf", fid)})
    assert reply.status_code == 201, reply.text
    upload = reply.json()
    assert upload["format"] == "edf" and upload["sfreq"] == 200.0
    assert upload["duration_s"] == 60.0 and len(upload["channel_names"]) == 62
    reply = httpx.post(
        f"{service.url}/v1/jobs",
        json={
            "recording_ids": [upload["id"]],
            "models": ["maet"],
            "options": {"allow_untrained": True},
        },
    )
    assert reply.status_code == 202, reply.text
    job = reply.json()
    assert job["state"] == "queued" and job["links"]["self"] == f"/v1/jobs/{job['id']}"
    final = service.wait_job(job["id"])
    assert final["state"] == "succeeded", final
    assert final["progress"]["percent"] == 100.0
    listed = httpx.get(f"{service.url}/v1/jobs").json()["jobs"]
    assert job["id"] in [j["id"] for j in listed]
    result = httpx.get(f"{service.url}/v1/jobs/{job['id']}/result")
    assert result.status_code == 200, result.text
    _check_figures(service, job["id"], storage or LocalStorage(service.data_dir))
    return result.json()


def _check_figures(service: Service, job_id: str, storage: Storage) -> None:
    """The worker drew the figures; the API serves the objects it stored."""
    folder = figures_prefix(job_id)
    for name, stored in (("topomap", "topomap-0-seed"), ("timeline", "timeline-0-maet")):
        for fmt in ("png", "svg"):
            reply = httpx.get(f"{service.url}/v1/jobs/{job_id}/plots/{name}.{fmt}")
            assert reply.status_code == 200, reply.text
            assert reply.content == storage.get(f"{folder}/{stored}.{fmt}")
    reply = httpx.get(f"{service.url}/v1/jobs/{job_id}/plots/agreement.png")
    assert reply.status_code == 404
    assert reply.json()["detail"] == "agreement needs two or more models; only maet ran"


def _check_result(result: dict, backend: str) -> None:
    card = load_card("maet")
    maet = result["recordings"][0]["models"]["maet"]
    windows = maet["windows"]
    assert len(windows) == 60
    assert [w["start_s"] for w in windows] == [float(k) for k in range(60)]
    probabilities = np.array([[w["probabilities"][c] for c in card.labels] for w in windows])
    assert probabilities.shape == (60, 3)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)
    assert [w["label"] for w in windows] == [card.labels[k] for k in probabilities.argmax(1)]
    assert maet["summary"]["n_windows"] == 60
    assert sum(maet["summary"]["label_counts"].values()) == 60
    provenance = maet["provenance"]
    assert provenance["backend"] == backend
    assert provenance["model_version"] == card.version
    assert provenance["recipe"]["eeg"] == [s.model_dump() for s in card.inputs[0].recipe]
    assert provenance["packages"]["mne"] and provenance["packages"]["numpy"]
    if card.weights_status == "ready":
        digest = hashlib.sha256(card.weights_path.read_bytes()).hexdigest()
        assert provenance["weights_sha256"] == digest
    else:
        assert provenance["weights_sha256"] is None
        assert "no trained weights" in maet["warnings"][0]


@pytest.mark.parametrize("backend", ["torchserve", "inprocess"])
def test_upload_to_result(
    backend: str,
    redis_server: str,
    start_service: Callable,
    seed_edf: Path,
) -> None:
    service = start_service(backend, redis_server)
    health = httpx.get(f"{service.url}/health").json()
    assert health["status"] == "ok"
    assert set(health["components"]) == {"broker", "model_server", "storage", "jobs"}
    if backend == "torchserve":
        from core.cards import card_names

        ready = f"; {', '.join(card_names())} ready"
        assert health["components"]["model_server"]["detail"].endswith(ready), health
    result = _run_maet_job(service, seed_edf)
    _check_result(result, backend)


def test_filesystem_broker(start_service: Callable, seed_edf: Path) -> None:
    service = start_service("inprocess", "filesystem://")
    assert (
        "filesystem broker"
        in httpx.get(f"{service.url}/health").json()["components"]["broker"]["detail"]
    )
    _check_result(_run_maet_job(service, seed_edf), "inprocess")


def test_uploads_results_and_figures_in_an_s3_store(
    redis_server: str, start_service: Callable, seed_edf: Path, s3_settings: dict[str, str]
) -> None:
    """The API and a real worker keep every object in the bucket (moto's S3 server, over
    HTTP); the data dir keeps none, and no worker's temporary copy outlives its job."""
    env = {f"AFFECTSERVE_{name.upper()}": value for name, value in s3_settings.items()}
    service = start_service("inprocess", redis_server, **env)
    storage = storage_for(Settings(data_dir=service.data_dir, **s3_settings))
    detail = httpx.get(f"{service.url}/health").json()["components"]["storage"]["detail"]
    assert detail.endswith(f"objects in {storage}"), detail
    result = _run_maet_job(service, seed_edf, storage)
    _check_result(result, "inprocess")
    [upload] = storage.list("uploads")
    stored_edf, sent = storage.get(upload), seed_edf.read_bytes()
    assert upload == f"uploads/{hashlib.sha256(stored_edf).hexdigest()}.edf"
    assert len(stored_edf) == len(sent) and stored_edf[-4096:] == sent[-4096:], "de-identified"
    [stored] = storage.list("results")
    assert JobResult.model_validate_json(storage.get(stored)) == JobResult.model_validate(result)
    figures = storage.list("plots")
    assert f"{figures_prefix(result['job_id'])}/figures.json" in figures and len(figures) > 4
    left = [
        p.relative_to(service.data_dir).as_posix()
        for folder in ("uploads", "results", "plots", "tmp")
        for p in (service.data_dir / folder).rglob("*")
    ]
    assert left == []


def test_all_models_predict_in_torchserve(redis_server: str, start_service: Callable) -> None:
    """Every card's archive is loaded in TorchServe and answers a batch of windows."""
    from core.cards import load_cards
    from model_store.clients import TorchServeClient

    service = start_service("torchserve", redis_server)
    client = TorchServeClient(
        service.torchserve_url, keys_file=service.data_dir / "torchserve" / "key_file.json"
    )
    rng = np.random.default_rng(0)
    for card in load_cards():
        inputs = {s.name: rng.random((4, *s.shape), dtype=np.float32) for s in card.inputs}
        probabilities = client.predict(card.name, inputs)
        assert probabilities.shape == (4, len(card.labels)), card.name
        np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)
