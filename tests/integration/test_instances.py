"""Two default installs on one machine: same Redis, same default ports, different data
dirs. Each keeps its own queue and its own TorchServe, and stopping one leaves the other
whole."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from api.launcher import torchserve_tmp
from core.config import Settings
from model_store.clients import torchserve_headers
from tests.conftest import write_seed_edf
from tests.integration.conftest import Service

pytestmark = pytest.mark.integration


def _run(service: Service, recording: Path) -> str:
    """Upload ``recording``, run maet on it and wait; the job's id once it succeeded."""
    with open(recording, "rb") as fid:
        upload = httpx.post(
            f"{service.url}/v1/recordings", files={"file": (recording.name, fid)}, timeout=60
        )
    assert upload.status_code == 201, upload.text
    reply = httpx.post(
        f"{service.url}/v1/jobs",
        json={
            "recording_ids": [upload.json()["id"]],
            "models": ["maet"],
            "options": {"allow_untrained": True},
        },
        timeout=30,
    )
    assert reply.status_code == 202, reply.text
    job = service.wait_job(reply.json()["id"], timeout_s=180)
    assert job["state"] == "succeeded", job
    return str(job["id"])


def _torchserve(service: Service) -> tuple[int, str]:
    """The pid of the TorchServe that ``service`` started, and its management address."""
    out = subprocess.run(
        ["ps", "-o", "pid=,args=", "--ppid", str(service.process.pid)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    pids = [int(line.split()[0]) for line in out.splitlines() if "torchserve" in line]
    assert len(pids) == 1, out
    config = (service.data_dir / "torchserve" / "config.properties").read_text()
    return pids[0], config.split("management_address=")[1].split()[0]


def _queue(service: Service) -> str:
    line = next(x for x in service.log.read_text().splitlines() if "affectserve: queue: " in x)
    return line.split("affectserve: queue: ")[1].split()[0]


def test_two_default_instances_share_no_messages_and_no_model_server(
    start_service: Callable[..., Service], redis_server: str, tmp_path: Path
) -> None:
    # only the patience of `up` with slow model loading on a busy machine is not a default
    patient = {"AFFECTSERVE_MODEL_READY_TIMEOUT_S": "480"}
    first, second = (
        start_service(
            "torchserve", redis_server, default_model_ports=True, default_queue=True, **patient
        )
        for _ in range(2)
    )
    assert _queue(first) != _queue(second)
    (first_pid, first_management), (_, second_management) = _torchserve(first), _torchserve(second)
    assert first_management != second_management

    recording = write_seed_edf(tmp_path / "short.edf", duration_s=10.0)
    jobs = {
        service.url: [_run(service, recording) for _ in range(2)] for service in (first, second)
    }
    for service, other in ((first, second), (second, first)):
        log = service.log.read_text()
        assert all(
            f"job={job_id}] worker.pipeline: succeeded" in log for job_id in jobs[service.url]
        )
        assert not any(job_id in log for job_id in jobs[other.url]), "a message crossed over"

    second.process.send_signal(signal.SIGTERM)
    assert second.process.wait(timeout=120) == 0
    assert not torchserve_tmp(Settings(data_dir=second.data_dir)).exists()
    os.kill(first_pid, 0)  # the first instance's TorchServe is still running
    keys = first.data_dir / "torchserve" / "key_file.json"
    described = httpx.get(
        f"{first_management}/models/maet",
        headers=torchserve_headers(keys, "management"),
        timeout=10,
    )
    assert [w["status"] for w in described.json()[0]["workers"]] == ["READY"]
    assert httpx.get(f"{first.url}/health", timeout=10).json()["status"] == "ok"
    _run(first, recording)
