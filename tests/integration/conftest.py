"""Real services for end-to-end tests: Redis, and ``affectserve up`` as a subprocess."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from bench.inference import free_port
from core.config import Settings

REDIS_URL = "redis://127.0.0.1:6379/0"
ROOT = Path(__file__).resolve().parents[2]


def service_ports() -> tuple[int, int, int]:
    """Free ports for the API, TorchServe's inference API and its management API.

    TorchServe also binds the three ports after the management port (metrics, two gRPC),
    so four consecutive ports are taken there, none of them one of the other two.
    """
    port, inference = free_port(), free_port()
    while True:
        management = free_port(span=4)
        if not {port, inference} & set(range(management, management + 4)):
            return port, inference, management


def redis_up() -> bool:
    """True when Redis answers on 127.0.0.1:6379."""
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture(scope="session")
def redis_server() -> Iterator[str]:
    """Redis on 127.0.0.1:6379: the running one, or one started for the session."""
    if redis_up():
        yield REDIS_URL
        return
    exe = shutil.which("redis-server")
    if exe is None:
        pytest.fail(
            "Redis is not running and redis-server is not installed (apt-get install redis-server)"
        )
    process = subprocess.Popen(
        [exe, "--bind", "127.0.0.1", "--port", "6379", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while not redis_up() and time.monotonic() < deadline:
        time.sleep(0.1)
    yield REDIS_URL
    process.terminate()
    process.wait(timeout=10)


@dataclass
class Service:
    """A running ``affectserve up`` and how to reach it."""

    url: str
    torchserve_url: str
    process: subprocess.Popen[str]
    data_dir: Path
    log: Path
    store_url: str

    def wait_job(self, job_id: str, timeout_s: float = 180.0) -> dict:
        """Poll a job until it reaches a final state."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            job = httpx.get(f"{self.url}/v1/jobs/{job_id}", timeout=10).json()
            if job["state"] in ("succeeded", "failed", "cancelled"):
                return job
            time.sleep(0.3)
        raise AssertionError(
            f"job {job_id} not finished in {timeout_s} s:\n{self.log.read_text()[-4000:]}"
        )


def _descendants_alive(data_dir: Path) -> list[str]:
    out = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if str(data_dir) in line and "pytest" not in line]


@pytest.fixture
def start_service(tmp_path: Path) -> Iterator[Callable[..., Service]]:
    """Start ``affectserve up`` with a given backend (and ``AFFECTSERVE_*`` overrides);
    stop it and check nothing is left."""
    started: list[Service] = []

    def start(
        backend: str,
        broker: str,
        default_model_ports: bool = False,
        default_queue: bool = False,
        data_dir: Path | None = None,
        **env_overrides: str,
    ) -> Service:
        """With ``default_model_ports``, ``up`` chooses TorchServe's ports itself; with
        ``default_queue``, its queue (otherwise each service gets a random one); with
        ``data_dir``, that data dir (an earlier service's), otherwise a new one."""
        port, ts_port, mgmt_port = service_ports()
        name = f"{backend}-{len(started)}" if started else backend
        data_dir = data_dir or tmp_path / f"data-{name}"
        log = tmp_path / f"up-{name}.log"
        env = {
            **os.environ,
            "AFFECTSERVE_MODEL_BACKEND": backend,
            "AFFECTSERVE_BROKER_URL": broker,
            "AFFECTSERVE_QUEUE": f"test-{uuid.uuid4().hex[:8]}",
            "AFFECTSERVE_TORCHSERVE_URL": f"http://127.0.0.1:{ts_port}",
            "AFFECTSERVE_TORCHSERVE_MANAGEMENT_URL": f"http://127.0.0.1:{mgmt_port}",
            "PYTHONPATH": str(ROOT),
            **env_overrides,
        }
        if default_model_ports:
            del env["AFFECTSERVE_TORCHSERVE_URL"], env["AFFECTSERVE_TORCHSERVE_MANAGEMENT_URL"]
        if default_queue:
            del env["AFFECTSERVE_QUEUE"]
        handle = open(log, "w")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "api.cli",
                "up",
                "--port",
                str(port),
                "--data-dir",
                str(data_dir),
            ],
            cwd=ROOT,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            text=True,
        )
        store = env.get("AFFECTSERVE_DATABASE_URL")
        service = Service(
            f"http://127.0.0.1:{port}",
            f"http://127.0.0.1:{ts_port}",
            process,
            data_dir,
            log,
            Settings(data_dir=data_dir, database_url=store).store_url,
        )
        started.append(service)
        # up waits for the models (AFFECTSERVE_MODEL_READY_TIMEOUT_S) before it serves
        deadline = time.monotonic() + 60 + float(env.get("AFFECTSERVE_MODEL_READY_TIMEOUT_S", 120))
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise AssertionError(f"affectserve up exited:\n{log.read_text()[-4000:]}")
            try:
                status = httpx.get(f"{service.url}/health", timeout=5).status_code
                keyed = "AFFECTSERVE_API_KEYS" in env_overrides
                if status == 200 or (keyed and status == 401):
                    return service
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise AssertionError(f"service not healthy in time:\n{log.read_text()[-4000:]}")

    yield start
    for service in started:
        service.process.send_signal(signal.SIGTERM)
        service.process.wait(timeout=60)
        deadline = time.monotonic() + 10
        while _descendants_alive(service.data_dir) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _descendants_alive(service.data_dir), "processes left behind"
