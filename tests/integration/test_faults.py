"""Faults done for real: a worker killed mid-job (requeued within a minute whatever the
visibility timeout), TorchServe stopped mid-job and with jobs queued, Redis restarted with
jobs queued and down while a job is posted. Every job ends ``succeeded``, or ``failed``
with a reason once the outage outlasts its patience.
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
from sqlalchemy.engine import make_url

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

    def start(*args: object, **options: object) -> Service:
        return start_service(*args, AFFECTSERVE_DATABASE_URL=job_store_url, **options)

    return start


@pytest.fixture(scope="module")
def long_edf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 3-minute SEED-montage EDF: long enough to be caught mid-job."""
    return write_seed_edf(tmp_path_factory.mktemp("long") / "long.edf", duration_s=LONG_S)


def _submit(service: Service, recording: Path) -> str:
    return _job(service, _upload(service, recording))


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


def _row(service: Service, job_id: str) -> tuple[str, int]:
    """The job's state and attempts, read from the store (no API in between)."""
    job = _stored(service, job_id)
    return job.state, job.attempts


def _upload(service: Service, recording: Path) -> str:
    with open(recording, "rb") as fid:
        upload = httpx.post(
            f"{service.url}/v1/recordings", files={"file": (recording.name, fid)}, timeout=60
        )
    assert upload.status_code == 201, upload.text
    return str(upload.json()["id"])


def _attempts(service: Service, job_id: str) -> int:
    return _stored(service, job_id).attempts


def _windows(service: Service, job_id: str) -> int:
    result = httpx.get(f"{service.url}/v1/jobs/{job_id}/result", timeout=30).json()
    return len(result["recordings"][0]["models"]["maet"]["windows"])


def _scale(service: Service, management: str, model: str, workers: int) -> httpx.Response:
    """Scale ``model`` to ``workers`` workers (with the management token) and wait for it;
    the service's ``/health`` answer then."""
    keys = service.data_dir / "torchserve" / "key_file.json"
    scaled = httpx.put(
        f"{management}/models/{model}?min_worker={workers}&max_worker={workers}&synchronous=true",
        headers=torchserve_headers(keys, "management"),
        timeout=120,
    )
    assert scaled.status_code == 200, scaled.text
    return httpx.get(f"{service.url}/health", timeout=10)


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
    job_id = _submit(service, long_edf)
    _wait_stage(service, job_id, "inference")
    worker = _child(service, "celery")
    os.killpg(worker, signal.SIGKILL)
    final = service.wait_job(job_id, timeout_s=240)
    assert final["state"] == "succeeded", final
    assert _attempts(service, job_id) == 2
    assert _windows(service, job_id) == int(LONG_S)
    assert _child(service, "celery") != worker
    log = service.log.read_text()
    assert "worker exited (-9); started again" in log
    assert f"job={job_id}] worker.pipeline: running (attempt 2)" in log
    assert f"job={job_id}] worker.pipeline: succeeded" in log


def test_killed_worker_job_is_requeued_within_a_minute_whatever_the_visibility_timeout(
    own_redis: RedisProcess, start_service: Callable[..., Service], long_edf: Path
) -> None:
    """The default heartbeat (10 s), sweep (10 s) and visibility timeout (1 h): the whole
    worker SIGKILLed mid-job, its job is back to ``queued`` within a minute (the restarted
    worker's reconciler finds three heartbeats missed), then runs again and succeeds."""
    service = start_service(
        "inprocess", own_redis.url, AFFECTSERVE_QUEUE=FAST_QUEUE, AFFECTSERVE_BATCH_SIZE="4"
    )
    job_id = _submit(service, long_edf)
    _wait_stage(service, job_id, "inference")
    os.killpg(_child(service, "celery"), signal.SIGKILL)
    killed_at = time.monotonic()
    while _row(service, job_id)[:2] == ("running", 1):
        assert time.monotonic() - killed_at < 60, "the job was not requeued within 60 s"
        time.sleep(0.05)
    requeued_after_s = time.monotonic() - killed_at
    final = service.wait_job(job_id, timeout_s=300)
    assert final["state"] == "succeeded", final
    assert _attempts(service, job_id) == 2
    assert _windows(service, job_id) == int(LONG_S)
    log = service.log.read_text()
    assert f"job {job_id}: no heartbeat for 30 s, its worker was lost; queued again" in log
    health = httpx.get(f"{service.url}/health", timeout=10).json()
    assert health["components"]["jobs"] == {
        "ok": True,
        "detail": "0 queued, 0 running; none stuck",
    }
    print(f"requeued {requeued_after_s:.1f} s after the SIGKILL")


def test_everything_killed_then_started_again_requeues_the_running_job(
    own_redis: RedisProcess, start_service: Callable[..., Service], long_edf: Path
) -> None:
    """SIGKILL of ``affectserve up``, its API and its worker mid-job (default heartbeat,
    sweep and visibility timeout), then ``up`` again on the same data and queue: the new
    worker's reconciler puts the job back in the queue within a minute of the kill, and it
    succeeds."""
    env = {"AFFECTSERVE_QUEUE": FAST_QUEUE, "AFFECTSERVE_BATCH_SIZE": "4"}
    first = start_service("inprocess", own_redis.url, **env)
    job_id = _submit(first, long_edf)
    _wait_stage(first, job_id, "inference")
    children = [_child(first, word) for word in ("celery", "uvicorn")]
    os.kill(first.process.pid, signal.SIGKILL)
    for child in children:
        os.killpg(child, signal.SIGKILL)
    killed_at = time.monotonic()
    first.process.wait(timeout=10)
    assert _row(first, job_id) == ("running", 1)
    second = start_service("inprocess", own_redis.url, data_dir=first.data_dir, **env)
    while _row(second, job_id) == ("running", 1):
        assert time.monotonic() - killed_at < 60, "the job was not requeued within 60 s"
        time.sleep(0.05)
    requeued_after_s = time.monotonic() - killed_at
    final = second.wait_job(job_id, timeout_s=300)
    assert final["state"] == "succeeded", final
    assert _attempts(second, job_id) == 2
    assert _windows(second, job_id) == int(LONG_S)
    second.process.send_signal(signal.SIGTERM)
    assert second.process.wait(timeout=120) == 0
    print(f"requeued {requeued_after_s:.1f} s after the SIGKILL of everything")


def test_torchserve_outage_longer_than_the_patience_fails_the_job_with_a_reason(
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
            "AFFECTSERVE_MODEL_SERVER_PATIENCE_S": "1",
        },
    )
    job_id = _submit(service, long_edf)
    _wait_stage(service, job_id, "inference")
    os.killpg(_child(service, "torchserve"), signal.SIGKILL)
    final = service.wait_job(job_id, timeout_s=120)
    assert final["state"] == "failed", final
    assert final["error"].startswith(
        "the model server could not serve maet for 1 s (AFFECTSERVE_MODEL_SERVER_PATIENCE_S): "
        f"TorchServe at {service.torchserve_url} could not be reached"
    )
    assert final["error"].endswith(
        "gave up after 3 attempts; submit the job again once the model server is back"
    )
    _wait_model_ready(service, "maet")
    again = service.wait_job(_job(service, final["recording_ids"][0]), timeout_s=180)
    assert again["state"] == "succeeded", again
    assert _windows(service, again["id"]) == int(LONG_S)


#: How long the outage tests keep TorchServe or Redis down, s (issue 15 asks for 20 s of
#: Redis; a longer outage only waits longer, up to the patience).
OUTAGE_S = 20.0
#: How long TorchServe stays down, by job store: issue 15's 60 s on SQLite, `OUTAGE_S` on
#: PostgreSQL (the same waiting code runs on both; a minute each would add a minute to CI).
TORCHSERVE_OUTAGE_S = {"sqlite": 60.0, "postgresql": OUTAGE_S}


def test_torchserve_outage_shorter_than_the_patience_fails_no_job(
    own_redis: RedisProcess, start_service: Callable[..., Service], seed_edf: Path
) -> None:
    """TorchServe killed and kept down for `TORCHSERVE_OUTAGE_S` (its supervisor paused,
    which would start it again at once), 5 jobs posted meanwhile: the running one waits and
    says so, the others stay queued, and all 5 succeed once TorchServe is back."""
    service = start_service(
        "torchserve",
        own_redis.url,
        **{
            **FAST,
            "AFFECTSERVE_MODEL_RETRIES": "1",
            "AFFECTSERVE_MODEL_BACKOFF_S": "0.2",
            "AFFECTSERVE_MODEL_SERVER_PATIENCE_S": "180",
        },
    )
    outage_s = TORCHSERVE_OUTAGE_S[make_url(service.store_url).get_backend_name()]
    recording = _upload(service, seed_edf)
    torchserve = _child(service, "torchserve")
    os.kill(service.process.pid, signal.SIGSTOP)
    try:
        os.killpg(torchserve, signal.SIGKILL)
        down_at = time.monotonic()
        jobs = [_job(service, recording) for _ in range(5)]
        messages = set()
        while time.monotonic() - down_at < outage_s:
            for job_id in jobs:
                job = httpx.get(f"{service.url}/v1/jobs/{job_id}", timeout=10).json()
                assert job["state"] in ("queued", "running"), job
                messages.add(job["progress"]["message"])
            time.sleep(0.5)
        down = httpx.get(f"{service.url}/health", timeout=30).json()["components"]["model_server"]
    finally:
        os.kill(service.process.pid, signal.SIGCONT)
    assert not down["ok"] and "unreachable" in down["detail"], down
    waiting = [m for m in messages if m and m.startswith("waiting for the model server")]
    assert waiting, messages
    assert "at most 180 s): TorchServe at" in waiting[0]
    finals = [service.wait_job(job_id, timeout_s=300) for job_id in jobs]
    back_after_s = time.monotonic() - down_at
    assert [job["state"] for job in finals] == ["succeeded"] * 5, finals
    assert [_attempts(service, job_id) for job_id in jobs] == [1] * 5
    assert _child(service, "torchserve") != torchserve
    assert httpx.get(f"{service.url}/health", timeout=30).status_code == 200
    print(f"TorchServe down {outage_s:g} s; all 5 jobs done {back_after_s:.1f} s after the kill")


def test_job_posted_while_redis_is_down_is_sent_when_it_is_back(
    own_redis: RedisProcess, start_service: Callable[..., Service], seed_edf: Path
) -> None:
    """Redis killed, a job posted (stored, 202, ``queued``, saying why), Redis started
    again `OUTAGE_S` later (empty): a worker's reconciler sends the job and it succeeds."""
    from core.broker import DEFERRED_MESSAGE

    service = start_service("inprocess", own_redis.url, **FAST)
    recording = _upload(service, seed_edf)
    own_redis.kill()
    down_at = time.monotonic()
    reply = httpx.post(
        f"{service.url}/v1/jobs",
        json={
            "recording_ids": [recording],
            "models": ["maet"],
            "options": {"allow_untrained": True},
        },
        timeout=30,
    )
    assert reply.status_code == 202, reply.text
    job = reply.json()
    assert (job["state"], job["progress"]["message"]) == ("queued", DEFERRED_MESSAGE)
    health = httpx.get(f"{service.url}/health", timeout=30)
    assert health.status_code == 503
    assert not health.json()["components"]["broker"]["ok"]
    time.sleep(max(0.0, OUTAGE_S - (time.monotonic() - down_at)))
    assert _state(service, job["id"]) == "queued"
    own_redis.start()
    back_at = time.monotonic()
    final = service.wait_job(job["id"], timeout_s=180)
    assert final["state"] == "succeeded", final
    assert _windows(service, job["id"]) == 60
    assert f"job {job['id']}: its message was lost; sending it again" in service.log.read_text()
    print(
        f"Redis down {OUTAGE_S:g} s; job done {time.monotonic() - back_at:.1f} s after it was back"
    )


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
    # Both queued jobs' messages wait (a reconciler pass that saw one in flight may have
    # sent it twice: harmless, the second delivery finds the job claimed).
    assert broker.llen(FAST_QUEUE) >= 2
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
    # with the token, maet scaled to 0 workers: /health says it cannot be served
    down = _scale(service, management, "maet", 0)
    assert down.status_code == 503, down.text
    assert down.json()["components"]["model_server"] == {
        "ok": False,
        "detail": f"TorchServe at {service.torchserve_url} cannot serve maet (0 worker(s), "
        "none ready)",
    }
    assert _scale(service, management, "maet", 1).status_code == 200


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
