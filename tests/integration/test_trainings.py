"""Calibration as a service, with real processes: labelled uploads -> a training job on
its own queue -> a model version of the caller's -> a job that uses it."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import numpy as np
import pytest

from tests.conftest import write_labelled_edf
from tests.integration.conftest import Service
from tests.integration.test_faults import FAST, _attempts, _child, own_redis  # noqa: F401

pytestmark = pytest.mark.integration

CLASSES = ["negative", "neutral", "positive"]
TABLE = {f"film_{label}": label for label in CLASSES}
TRIAL_S = 40.0


@pytest.fixture(scope="module")
def recordings(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Six planted trials to train on (two per class) and three new ones to predict."""
    folder = tmp_path_factory.mktemp("labelled")
    train = write_labelled_edf(folder / "train.edf", [(c, TRIAL_S) for c in CLASSES * 2], seed=1)
    test = write_labelled_edf(
        folder / "test.edf", [(c, TRIAL_S) for c in ("positive", "negative", "neutral")], seed=2
    )
    return train, test


def _upload(service: Service, path: Path) -> str:
    with open(path, "rb") as fid:
        reply = httpx.post(
            f"{service.url}/v1/recordings", files={"file": (path.name, fid)}, timeout=60
        )
    assert reply.status_code == 201, reply.text
    return str(reply.json()["id"])


def _train(service: Service, recording_id: str, epochs: int) -> dict:
    reply = httpx.post(
        f"{service.url}/v1/trainings",
        json={
            "model": "maet",
            "labels": {recording_id: {"annotations": TABLE}},
            "settings": {"epochs": epochs, "batch_size": 32},
        },
        timeout=60,
    )
    assert reply.status_code == 202, reply.text
    return reply.json()


def _follow(service: Service, training_id: str, timeout_s: float = 900) -> tuple[dict, list]:
    """Poll a training to its end; returns it and the progress seen while it trained."""
    seen = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        training = httpx.get(f"{service.url}/v1/trainings/{training_id}", timeout=10).json()
        if training["state"] == "running" and training["progress"]["stage"] == "training":
            seen.append(training["progress"]["done"])
        if training["state"] in ("succeeded", "failed", "cancelled"):
            return training, seen
        time.sleep(0.1)
    raise AssertionError(f"training not finished in time:\n{service.log.read_text()[-4000:]}")


def _wait_training_stage(service: Service, training_id: str) -> None:
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        training = httpx.get(f"{service.url}/v1/trainings/{training_id}", timeout=10).json()
        if training["state"] == "running" and training["progress"]["stage"] == "training":
            return
        assert training["state"] in ("queued", "running"), training
        time.sleep(0.2)
    raise AssertionError("the training never reached its epochs")


def test_labelled_uploads_to_a_served_model_version(
    redis_server: str, start_service: Callable[..., Service], recordings: tuple[Path, Path]
) -> None:
    service = start_service("inprocess", redis_server)
    train, test = (_upload(service, path) for path in recordings)
    training = _train(service, train, epochs=8)
    assert training["state"] == "queued" and training["model"] == "maet"
    final, seen = _follow(service, training["id"])
    assert final["state"] == "succeeded", final
    assert seen == sorted(seen) and len(set(seen)) >= 2, seen  # progress per epoch
    evaluation = final["evaluation"]
    assert evaluation["n_trials"] == 6 and evaluation["chance"] == pytest.approx(1 / 3)
    assert np.sum(evaluation["confusion"]) == evaluation["n_windows"]
    assert evaluation["accuracy"] > evaluation["chance"] and evaluation["beats_chance"]
    version = final["version"]
    assert version == f"maet@{training['id']}"
    cards = {card["name"]: card for card in httpx.get(f"{service.url}/v1/models").json()}
    assert cards[version]["weights_status"] == "ready"
    assert "uploaded recording" in cards[version]["training"]["dataset"]

    reply = httpx.post(
        f"{service.url}/v1/jobs", json={"recording_ids": [test], "models": [version]}
    )
    assert reply.status_code == 202, reply.text
    job = service.wait_job(reply.json()["id"], timeout_s=300)
    assert job["state"] == "succeeded", job
    result = httpx.get(f"{service.url}/v1/jobs/{job['id']}/result").json()
    windows = result["recordings"][0]["models"][version]["windows"]
    planted = []
    for k, label in enumerate(("positive", "negative", "neutral")):
        start = 15.0 + k * (15.0 + TRIAL_S)  # trials follow 15 s of plain noise
        inside = [w for w in windows if start + 10 <= w["start_s"] and w["end_s"] <= start + 40]
        planted += [w["label"] == label for w in inside]
    assert np.mean(planted) >= 0.8, np.mean(planted)

    assert httpx.delete(f"{service.url}/v1/models/{version}").status_code == 204
    assert httpx.get(f"{service.url}/v1/models/{version}").status_code == 404


def test_training_cancelled_between_epochs(
    redis_server: str, start_service: Callable[..., Service], recordings: tuple[Path, Path]
) -> None:
    service = start_service("inprocess", redis_server)
    training = _train(service, _upload(service, recordings[0]), epochs=300)
    _wait_training_stage(service, training["id"])
    reply = httpx.delete(f"{service.url}/v1/trainings/{training['id']}")
    assert reply.status_code == 200 and reply.json()["state"] == "cancelled"
    time.sleep(3)
    after = httpx.get(f"{service.url}/v1/trainings/{training['id']}").json()
    assert after["state"] == "cancelled" and after["version"] is None


def test_worker_killed_mid_epoch_restarts_the_training(
    own_redis,  # noqa: F811
    start_service: Callable[..., Service],
    recordings: tuple[Path, Path],
) -> None:
    service = start_service("inprocess", own_redis.url, **FAST)
    training = _train(service, _upload(service, recordings[0]), epochs=2)
    _wait_training_stage(service, training["id"])
    worker = _child(service, "celery")
    os.killpg(worker, signal.SIGKILL)
    final, _ = _follow(service, training["id"])
    assert final["state"] == "succeeded", final
    assert _attempts(service, training["id"]) == 2
