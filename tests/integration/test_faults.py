"""Faults done for real: a worker killed mid-job, TorchServe stopped mid-job, Redis
restarted with jobs queued. Every job ends ``succeeded`` or ``failed`` with a reason.
Attacks done for real: decompression bombs and an endless chunked body against
`affectserve up`, and TorchServe's management API called without its token."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from core.schemas import WORK_STAGES, Stage
from core.store import Job, session_factory
from model_store.clients import torchserve_headers
from tests.conftest import write_seed_edf
from tests.integration.conftest import Service, free_port

pytestmark = pytest.mark.integration

LONG_S = 180.0
NO_PERSISTENCE = ("--save", "", "--appendonly", "no")
FAST_QUEUE = "faults"
FAST = {
    "AFFECTSERVE_QUEUE": FAST_QUEUE,
    "AFFECTSERVE_VISIBILITY_TIMEOUT_S": "4",
    "AFFECTSERVE_HEARTBEAT_S": "0.5",
    "AFFECTSERVE_SWEEP_INTERVAL_S": "1",
    "AFFECTSERVE_STALE_JOB_S": "120",
    "AFFECTSERVE_BATCH_SIZE": "4",
}


@dataclass
class RedisProcess:
    """A private redis-server without persistence: a restart loses every message."""

    port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        import redis

        exe = shutil.which("redis-server")
        if exe is None:
            pytest.skip("redis-server is not installed")
        self.process = subprocess.Popen(
            [exe, *("--bind", "127.0.0.1", "--port", str(self.port)), *NO_PERSISTENCE],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if redis.Redis.from_url(self.url, socket_timeout=1).ping():
                    return
            except redis.RedisError:
                time.sleep(0.1)
        raise AssertionError("redis-server did not start")

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=10)


@pytest.fixture
def own_redis() -> Iterator[RedisProcess]:
    """A redis-server of this test alone (the shared one on 6379 is never touched)."""
    server = RedisProcess(free_port())
    server.start()
    yield server
    server.kill()


@pytest.fixture
def start_service(
    start_service: Callable[..., Service], job_store_url: str
) -> Callable[..., Service]:
    """``affectserve up`` (the integration fixture) with its job store on each backend:
    every fault here runs once on SQLite and once on PostgreSQL."""

    def start(*args: object, **env: str) -> Service:
        return start_service(*args, AFFECTSERVE_DATABASE_URL=job_store_url, **env)

    return start


@pytest.fixture(scope="module")
def long_edf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 3-minute SEED-montage EDF: long enough to be caught mid-job."""
    return write_seed_edf(tmp_path_factory.mktemp("long") / "long.edf", duration_s=LONG_S)


def _submit(service: Service, recording: Path) -> str:
    with open(recording, "rb") as fid:
        upload = httpx.post(
            f"{service.url}/v1/recordings", files={"file": ("long.edf", fid)}, timeout=60
        )
    assert upload.status_code == 201, upload.text
    return _job(service, upload.json()["id"])


def _job(service: Service, recording_id: str) -> str:
    reply = httpx.post(
        f"{service.url}/v1/jobs",
        json={
            "recording_ids": [recording_id],
            "models": ["maet"],
            "options": {"allow_untrained": True},
        },
        timeout=30,
    )
    assert reply.status_code == 202, reply.text
    return reply.json()["id"]


def _wait_stage(service: Service, job_id: str, stage: str, timeout_s: float = 120) -> dict:
    """Wait until the job runs at ``stage`` or a later one (on a busy machine a short stage
    can pass between two polls)."""
    later = [s.value for s in WORK_STAGES[WORK_STAGES.index(Stage(stage)) :]]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        job = httpx.get(f"{service.url}/v1/jobs/{job_id}", timeout=10).json()
        if job["state"] == "running" and job["progress"]["stage"] in later:
            return job
        assert job["state"] in ("queued", "running"), job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} never reached {stage}:\n{service.log.read_text()}")


def _child(service: Service, word: str) -> int:
    """Pid of the child of ``affectserve up`` whose command line contains ``word``."""
    out = subprocess.run(
        ["ps", "-o", "pid=,args=", "--ppid", str(service.process.pid)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    pids = [int(line.split()[0]) for line in out.splitlines() if word in line]
    assert len(pids) == 1, out
    return pids[0]


def _api_up(service: Service) -> bool:
    try:
        httpx.get(f"{service.url}/v1/models", timeout=2)
    except httpx.HTTPError:
        return False
    return True


def _stored(service: Service, job_id: str) -> Job:
    """The job's row, read from the service's store."""
    with session_factory(service.store_url)() as session:
        job = session.get(Job, job_id)
    assert job is not None, job_id
    return job


def _state(service: Service, job_id: str) -> str:
    return _stored(service, job_id).state


def _metrics(service: Service) -> dict[str, float]:
    """The service's /metrics samples by ``name{labels}``."""
    text = httpx.get(f"{service.url}/metrics", timeout=10).text
    samples = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            samples[name] = float(value)
    return samples


def _attempts(service: Service, job_id: str) -> int:
    return _stored(service, job_id).attempts


def _windows(service: Service, job_id: str) -> int:
    result = httpx.get(f"{service.url}/v1/jobs/{job_id}/result", timeout=30).json()
    return len(result["recordings"][0]["models"]["maet"]["windows"])


def _wait_model_ready(service: Service, model: str, timeout_s: float = 180) -> None:
    """Wait until the (restarted) TorchServe has a READY worker for ``model``."""
    config = (service.data_dir / "torchserve" / "config.properties").read_text()
    management = config.split("management_address=")[1].split()[0]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            workers = httpx.get(
                f"{management}/models/{model}",
                timeout=5,
                headers=torchserve_headers(
                    service.data_dir / "torchserve" / "key_file.json", "management"
                ),
            ).json()[0]["workers"]
        except (httpx.HTTPError, ValueError, KeyError, IndexError):
            workers = []
        if any(w.get("status") == "READY" for w in workers):
            return
        time.sleep(1)
    raise AssertionError(f"{model} not ready again:\n{service.log.read_text()[-4000:]}")


def test_worker_killed_mid_job_is_redelivered(
    own_redis: RedisProcess, start_service: Callable[..., Service], long_edf: Path
) -> None:
    service = start_service("inprocess", own_redis.url, **FAST)
    submitted_at = time.monotonic()
    job_id = _submit(service, long_edf)
    _wait_stage(service, job_id, "inference")
    worker = _child(service, "celery")
    os.killpg(worker, signal.SIGKILL)
    final = service.wait_job(job_id, timeout_s=240)
    assert final["state"] == "succeeded", final
    # redelivered by the broker once the 4-s visibility timeout from the first delivery passed
    assert time.monotonic() - submitted_at >= 4.0
    assert _attempts(service, job_id) == 2
    assert _windows(service, job_id) == int(LONG_S)
    assert _child(service, "celery") != worker
    log = service.log.read_text()
    assert "worker exited (-9); started again" in log
    assert f"job={job_id}] worker.pipeline: running (attempt 2)" in log
    assert f"job={job_id}] worker.pipeline: succeeded" in log


def test_torchserve_stopped_mid_job_fails_it_with_a_reason(
    own_redis: RedisProcess, start_service: Callable[..., Service], long_edf: Path
) -> None:
    service = start_service(
        "torchserve",
        own_redis.url,
        **{
            **FAST,
            "AFFECTSERVE_BATCH_SIZE": "1",
            "AFFECTSERVE_MODEL_RETRIES": "2",
            "AFFECTSERVE_MODEL_BACKOFF_S": "0.2",
        },
    )
    job_id = _submit(service, long_edf)
    _wait_stage(service, job_id, "inference")
    os.killpg(_child(service, "torchserve"), signal.SIGKILL)
    final = service.wait_job(job_id, timeout_s=120)
    assert final["state"] == "failed", final
    assert "could not be reached" in final["error"]
    assert final["error"].endswith("gave up after 3 attempts")
    _wait_model_ready(service, "maet")
    again = service.wait_job(_job(service, final["recording_ids"][0]), timeout_s=180)
    assert again["state"] == "succeeded", again
    assert _windows(service, again["id"]) == int(LONG_S)


def test_redis_restart_loses_no_queued_job(
    own_redis: RedisProcess, start_service: Callable[..., Service], long_edf: Path
) -> None:
    import redis

    service = start_service("inprocess", own_redis.url, **FAST)
    running = _submit(service, long_edf)
    _wait_stage(service, running, "features")
    recording = httpx.get(f"{service.url}/v1/jobs/{running}", timeout=10).json()
    queued = [_job(service, recording["recording_ids"][0]) for _ in range(2)]
    broker = redis.Redis.from_url(own_redis.url)
    assert broker.llen(FAST_QUEUE) == 2
    own_redis.kill()
    own_redis.start()
    assert broker.llen(FAST_QUEUE) == 0
    finals = [service.wait_job(job_id, timeout_s=240) for job_id in [running, *queued]]
    assert [job["state"] for job in finals] == ["succeeded"] * 3, finals
    assert [_windows(service, job_id) for job_id in [running, *queued]] == [int(LONG_S)] * 3
    assert "its message was lost; sending it again" in service.log.read_text()
    metrics = _metrics(service)
    assert metrics['affectserve_jobs{state="succeeded"}'] == 3
    assert metrics['affectserve_stage_seconds_count{stage="inference"}'] == 3
    requests = 'affectserve_model_request_seconds_count{backend="inprocess",model="maet"}'
    assert metrics[requests] == 3 * LONG_S / 4


def test_stop_finishes_the_running_job_after_the_api_is_gone(
    own_redis: RedisProcess, start_service: Callable[..., Service], long_edf: Path
) -> None:
    service = start_service("inprocess", own_redis.url, **FAST)
    job_id = _submit(service, long_edf)
    _wait_stage(service, job_id, "features")
    service.process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 30
    while _api_up(service):
        assert time.monotonic() < deadline, "the API still answers"
        time.sleep(0.1)
    assert _state(service, job_id) == "running"
    assert service.process.wait(timeout=180) == 0
    assert _state(service, job_id) == "succeeded"
    assert "stopping worker (waiting up to 120 s)" in service.log.read_text()


def test_torchserve_needs_its_token(
    own_redis: RedisProcess, start_service: Callable[..., Service], seed_edf: Path
) -> None:
    """Nobody on the host can scale a model to 0 without TorchServe's token; the worker
    and /health send it, and the key file is private. TorchServe 0.12 refuses a missing
    or wrong token with 400 (its InvalidKeyException), not 401."""
    service = start_service("torchserve", own_redis.url, **FAST)
    keys = service.data_dir / "torchserve" / "key_file.json"
    assert keys.stat().st_mode & 0o777 == 0o600
    config = (service.data_dir / "torchserve" / "config.properties").read_text()
    management = config.split("management_address=")[1].split()[0]
    scale_down = f"{management}/models/maet?min_worker=0&max_worker=0&synchronous=true"
    for url in (scale_down, f"{management}/models/maet"):
        refused = httpx.put(url, timeout=10) if url == scale_down else httpx.get(url, timeout=10)
        assert refused.status_code == 400, refused.text
        assert "Token Authorization failed" in refused.text
    assert httpx.get(f"{service.torchserve_url}/ping", timeout=10).status_code == 400
    described = httpx.get(
        f"{management}/models/maet", headers=torchserve_headers(keys, "management"), timeout=10
    )
    assert described.status_code == 200
    assert [w["status"] for w in described.json()[0]["workers"]] == ["READY"]
    health = httpx.get(f"{service.url}/health", timeout=10).json()
    assert health["components"]["model_server"]["ok"], health
    job = service.wait_job(_submit(service, seed_edf), timeout_s=180)
    assert job["state"] == "succeeded", job


def test_bombs_and_endless_bodies_leave_the_service_up(
    own_redis: RedisProcess, start_service: Callable[..., Service], tmp_path: Path, seed_edf: Path
) -> None:
    """Decompression bombs (10 MB MAT v5 inflating to 10 GB, MAT v7.3 declaring 20 GB) and
    a 200 MB chunked body against `affectserve up`: each refused, nothing kept, and the
    service goes on serving."""
    from tests.signals.io.builders import write_mat5_bomb, write_mat73_bomb

    service = start_service("inprocess", own_redis.url, AFFECTSERVE_MAX_UPLOAD_MB="16")
    bombs = {
        "v5.mat": write_mat5_bomb(tmp_path / "v5.mat", (20_000, 20_000), 600),
        "v73.mat": write_mat73_bomb(tmp_path / "v73.mat", (50_000, 50_000)),
    }
    for name, bomb in bombs.items():
        with open(bomb, "rb") as fid:
            reply = httpx.post(f"{service.url}/v1/recordings", files={"file": (name, fid)})
        assert reply.status_code == 422, reply.text
        assert "AFFECTSERVE_MAX_SAMPLES)" in reply.json()["detail"]

    sent = 0

    def endless() -> Iterator[bytes]:
        nonlocal sent
        yield b"--b\r\nContent-Disposition: form-data; name=file; filename=a.edf\r\n\r\n"
        while sent < 200 << 20:
            sent += 1 << 20
            yield b"x" * (1 << 20)

    headers = {"Content-Type": "multipart/form-data; boundary=b"}
    with contextlib.suppress(httpx.HTTPError):
        reply = httpx.post(
            f"{service.url}/v1/recordings", content=endless(), headers=headers, timeout=60
        )
        assert reply.status_code == 413
    assert sent < 64 << 20, f"{sent >> 20} MB went in"
    assert not list((service.data_dir / "uploads").iterdir())
    assert not list((service.data_dir / "tmp").iterdir())
    assert httpx.get(f"{service.url}/health", timeout=10).status_code == 200
    with open(seed_edf, "rb") as fid:
        ok = httpx.post(f"{service.url}/v1/recordings", files={"file": ("rec.edf", fid)})
    assert ok.status_code == 201, ok.text
