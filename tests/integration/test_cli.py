"""``affectserve predict`` and ``affectserve status`` against a running service."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.conftest import write_seed_edf
from tests.integration.conftest import ROOT

pytestmark = pytest.mark.integration


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_predict_waits_and_prints_the_verdict_with_its_trust(
    start_service: Callable, redis_server: str, tmp_path: Path
) -> None:
    service = start_service("inprocess", redis_server)
    status = _cli("status", "--url", service.url)
    assert status.returncode == 0, status.stdout + status.stderr
    assert status.stdout.startswith(f"affectserve at {service.url}: ok\n")
    assert "  broker       ok" in status.stdout and "0 queued, 0 running" in status.stdout

    recording = write_seed_edf(tmp_path / "s01.edf", duration_s=12.0)
    done = _cli("predict", str(recording), "--model", "maet", "--wait", "--url", service.url)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    job_id = lines[0].split()[1]
    assert lines[0] == f"job {job_id} queued: {service.url}/jobs/{job_id}"
    assert lines[1].startswith("s01.edf maet: ") and " over 12 windows (" in lines[1]
    assert lines[2].startswith("  trust: ") and " % on held-out " in lines[2]
    assert "uploaded s01.edf: edf, 62 channels, 200 Hz, 12.0 s" in done.stderr

    refused = _cli("predict", str(recording), "--model", "maeet", "--url", service.url)
    assert refused.returncode == 1
    assert "error: the job: unknown model" in refused.stderr

    queued = _cli(
        "predict", str(recording), "--model", "maet", "--no-figures", "--url", service.url
    )
    assert queued.returncode == 0 and queued.stdout.startswith("job ")
    job = service.wait_job(queued.stdout.split()[1])
    assert job["state"] == "succeeded" and job["options"]["figures"] is False
    plot = httpx.get(f"{service.url}/v1/jobs/{job['id']}/plots/summary.png")
    assert plot.status_code == 404 and "was run with figures: false" in plot.json()["detail"]


def test_up_on_a_taken_port_stops_at_once_and_says_why(tmp_path: Path) -> None:
    import socket
    import time

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        started = time.monotonic()
        up = _cli("up", "--port", str(port), "--data-dir", str(tmp_path / "data"))
    assert up.returncode == 1 and time.monotonic() - started < 30
    assert f"port {port} on 127.0.0.1 is taken" in up.stderr and "--port" in up.stderr


def test_up_moves_its_model_server_off_taken_default_ports(
    start_service: Callable, redis_server: str, tmp_path: Path
) -> None:
    import contextlib
    import socket

    import httpx

    from api.launcher import port_free

    with contextlib.ExitStack() as stack:
        for port in (8080, 8081):
            if port_free(port):
                busy = stack.enter_context(socket.socket())
                busy.bind(("127.0.0.1", port))
                busy.listen()
        service = start_service("torchserve", redis_server, default_model_ports=True)
        log = service.log.read_text()
        assert "taken by another program; TorchServe on ports " in log
        assert httpx.get(f"{service.url}/health").json()["status"] == "ok"
        recording = write_seed_edf(tmp_path / "s01.edf", duration_s=10.0)
        done = _cli("predict", str(recording), "--model", "maet", "--wait", "--url", service.url)
        assert done.returncode == 0, done.stderr
        assert "s01.edf maet: " in done.stdout
        job_id = done.stdout.split()[1]
        result = httpx.get(f"{service.url}/v1/jobs/{job_id}/result").json()
        maet = result["recordings"][0]["models"]["maet"]
        assert maet["provenance"]["backend"] == "torchserve"
