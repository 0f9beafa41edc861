"""``affectserve up``: start the API, a Celery worker and the model server together.

Each service runs as a child process in its own process group. A worker or model server
that dies is started again (a few times); the API's exit stops everything. Ctrl-C or
SIGTERM stops them gracefully, one after the other: the API first (no new jobs), then the
worker, whose running jobs may finish within ``shutdown_grace_s`` (a job still running
then is re-queued: its message was never acknowledged), then the model server. What
outlives its grace period is killed with its process group, so nothing is left behind.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from core.config import Settings
from core.resources import private_files
from model_store.build import server_properties
from model_store.clients import torchserve_headers

PROJECT_ROOT = Path(__file__).resolve().parent.parent
GRACE_S = 20.0
MAX_RESTARTS = 5
#: Ports TorchServe binds: inference, management, then management + 1, + 2, + 3 (metrics,
#: gRPC inference, gRPC management).
TORCHSERVE_PORTS = 5
#: The longest name TorchServe gives a model worker's Unix socket in its temp folder.
TORCHSERVE_SOCKET = ".ts.sock.65535"
#: Longest path of a Unix socket on Linux (``sun_path`` holds 108 bytes with the NUL).
UNIX_PATH_MAX = 107
#: Seconds between progress lines while the models load.
PROGRESS_EVERY_S = 5.0


@dataclass
class Plan:
    """What ``up`` will start, decided from the machine."""

    settings: Settings
    host: str
    port: int
    workers: int
    env: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def redis_reachable(url: str) -> bool:
    """True when a Redis server answers PING at ``url``."""
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def java_available() -> bool:
    """True when Java and TorchServe are both installed."""
    try:
        import ts  # noqa: F401
    except ImportError:
        return False
    return shutil.which("java") is not None


def port_free(port: int, host: str = "127.0.0.1") -> bool:
    """True when nothing listens on ``host:port`` (this process can bind it)."""
    with socket.socket() as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def free_ports(start: int, count: int, tries: int = 200) -> int:
    """The first port from ``start`` up such that it and the next ``count - 1`` are free."""
    for base in range(start, start + count * tries, count):
        if all(port_free(base + k) for k in range(count)):
            return base
    raise SystemExit(f"affectserve: no {count} free consecutive ports from {start} up")


def torchserve_ports(settings: Settings, notes: list[str]) -> Settings:
    """``settings`` with TorchServe on free ports: its own, or others when they are taken.

    Another program (or another affectserve) on the default ports is never used as our
    model server: `up` moves to free ports and says so. Ports set on purpose
    (``AFFECTSERVE_TORCHSERVE_URL``/``..._MANAGEMENT_URL``) are not moved; when one is
    taken, `up` stops at once with a message naming it and the setting.
    """
    inference, management = (
        _port(settings.torchserve_url),
        _port(settings.torchserve_management_url),
    )
    wanted = [inference, *range(management, management + TORCHSERVE_PORTS - 1)]
    taken = [port for port in wanted if not port_free(port)]
    if not taken:
        return settings
    chosen = [
        name
        for name in ("URL", "MANAGEMENT_URL")
        if f"AFFECTSERVE_TORCHSERVE_{name}" in os.environ
    ]
    if chosen:
        raise SystemExit(
            f"affectserve: port {taken[0]} of the model server is taken by another program; "
            f"free it or set AFFECTSERVE_TORCHSERVE_URL and AFFECTSERVE_TORCHSERVE_MANAGEMENT_URL "
            f"to free ports (TorchServe also binds the management port + 1, + 2 and + 3)"
        )
    base = free_ports(inference + TORCHSERVE_PORTS, TORCHSERVE_PORTS)
    notes.append(
        f"models: port(s) {', '.join(map(str, taken))} taken by another program; TorchServe "
        f"on ports {base}-{base + TORCHSERVE_PORTS - 1} instead"
    )
    return settings.model_copy(
        update={
            "torchserve_url": f"http://127.0.0.1:{base}",
            "torchserve_management_url": f"http://127.0.0.1:{base + 1}",
        }
    )


def queue_name(data_dir: Path) -> str:
    """A Celery queue of this data dir's own, so that two instances never share jobs."""
    digest = hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:8]
    return f"affectserve-{digest}"


def plan(host: str, port: int, data_dir: Path | None, workers: int) -> Plan:
    """Choose the broker, the queue, the model backend and its ports, and say why.

    Raises
    ------
    SystemExit
        With a message naming the port and the setting, when the API's port or a model
        server port set on purpose is taken.
    """
    if not port_free(port, host):
        raise SystemExit(
            f"affectserve: port {port} on {host} is taken (another program, or another "
            "affectserve up); choose another with --port"
        )
    overrides: dict[str, object] = {"data_dir": data_dir} if data_dir is not None else {}
    settings = Settings(**overrides)
    if "AFFECTSERVE_QUEUE" not in os.environ:
        settings = settings.model_copy(update={"queue": queue_name(settings.data_dir)})
    notes = [f"queue: {settings.queue} (AFFECTSERVE_QUEUE)"]
    broker = settings.broker_url
    if broker.startswith("redis") and not redis_reachable(broker):
        notes.append(f"broker: no Redis at {broker}; using the filesystem transport")
        broker = "filesystem://"
    else:
        notes.append(f"broker: {broker.split('@')[-1]}")
    backend = settings.model_backend
    if "AFFECTSERVE_MODEL_BACKEND" not in os.environ:
        backend = "torchserve" if java_available() else "inprocess"
    if backend == "torchserve" and not java_available():
        raise SystemExit("AFFECTSERVE_MODEL_BACKEND=torchserve needs Java 17 and torchserve")
    notes.append(
        "models: TorchServe (Java found)"
        if backend == "torchserve"
        else "models: in-process in the worker (no Java, or chosen)"
    )
    settings = settings.model_copy(update={"broker_url": broker, "model_backend": backend})
    if backend == "torchserve":
        settings = torchserve_ports(settings, notes)
    env = {
        **os.environ,
        "AFFECTSERVE_DATA_DIR": str(settings.data_dir.resolve()),
        "AFFECTSERVE_BROKER_URL": settings.broker_url,
        "AFFECTSERVE_MODEL_BACKEND": backend,
        "AFFECTSERVE_QUEUE": settings.queue,
        "AFFECTSERVE_TORCHSERVE_URL": settings.torchserve_url,
        "AFFECTSERVE_TORCHSERVE_MANAGEMENT_URL": settings.torchserve_management_url,
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir(settings)),
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")])
        ),
    }
    return Plan(settings, host, port, workers, env, notes)


def metrics_dir(settings: Settings) -> Path:
    """Where the API and the workers write their Prometheus metrics."""
    return settings.data_dir.resolve() / "metrics"


def _port(url: str) -> int:
    return int(url.rsplit(":", 1)[1].split("/")[0])


def torchserve_config(settings: Settings, models: list[str], model_store: Path) -> Path:
    """Write TorchServe's ``config.properties`` (`model_store.build.server_properties`).

    The metrics and gRPC ports follow the management port (+1, +2, +3), so that
    servers with different ports never collide. Token authorisation stays on: TorchServe
    writes its tokens to ``key_file.json`` (0600) in its working folder
    (`Settings.torchserve_dir`) at each start, and they do not expire while it runs.
    """
    folder = settings.torchserve_dir.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "config.properties"
    path.write_text(
        server_properties(
            _port(settings.torchserve_url),
            _port(settings.torchserve_management_url),
            ",".join(f"{m}.mar" for m in models),
            model_store=model_store,
        )
    )
    return path


def torchserve_command(settings: Settings, models: list[str], model_store: Path) -> list[str]:
    """The command line that runs TorchServe in the foreground."""
    config = torchserve_config(settings, models, model_store)
    exe = Path(sys.executable).parent / "torchserve"
    return [
        str(exe if exe.exists() else "torchserve"),
        "--start",
        "--foreground",
        "--ncs",
        "--ts-config",
        str(config),
        "--model-store",
        str(model_store),
    ]


def torchserve_tmp(settings: Settings) -> Path:
    """TorchServe's temp folder, of this data dir alone: its pid file and the Unix sockets
    of its model workers.

    ``data_dir/torchserve/tmp``, unless a socket path there would be longer than Linux
    allows (`UNIX_PATH_MAX`; the workers then die with "AF_UNIX path too long"): then
    ``affectserve-<digest of the data dir>`` in the system's temp folder.
    """
    folder = settings.torchserve_dir.resolve() / "tmp"
    if len(str(folder / TORCHSERVE_SOCKET)) <= UNIX_PATH_MAX:
        return folder
    digest = hashlib.sha256(str(settings.data_dir.resolve()).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"affectserve-{digest}"


def torchserve_env(settings: Settings, env: dict[str, str]) -> dict[str, str]:
    """TorchServe's own folders for temp files, logs and metrics under the data dir.

    The model workers get ``torch_threads`` CPU threads each (the handler reads
    ``AFFECTSERVE_TORCH_THREADS``; ``OMP_NUM_THREADS`` covers the libraries below torch).
    The project root goes first on ``PYTHONPATH``, so that the model workers import
    ``model_store`` from this checkout even when it is not installed.
    """
    folder = settings.torchserve_dir.resolve()
    (folder / "logs").mkdir(parents=True, exist_ok=True)
    tmp = torchserve_tmp(settings)
    tmp.mkdir(mode=0o700, parents=True, exist_ok=True)
    return {
        **env,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")])),
        "TMPDIR": str(tmp),
        "TEMP": str(tmp),
        "LOG_LOCATION": str(folder / "logs"),
        "METRICS_LOCATION": str(folder / "logs"),
        "OMP_NUM_THREADS": str(settings.torch_threads),
        "AFFECTSERVE_TORCH_THREADS": str(settings.torch_threads),
    }


def wait_models_ready(
    settings: Settings, models: list[str], log: Callable[[str], None] = print
) -> None:
    """Wait until each model has a READY worker in TorchServe, saying how far it got.

    Raises
    ------
    RuntimeError
        When not every model is ready within ``settings.model_ready_timeout_s``.
    """
    started = time.monotonic()
    deadline = started + settings.model_ready_timeout_s
    next_report = started + PROGRESS_EVERY_S
    pending = list(models)
    while pending and time.monotonic() < deadline:
        name = pending[0]
        try:
            reply = httpx.get(
                f"{settings.torchserve_management_url}/models/{name}",
                timeout=2,
                headers=torchserve_headers(settings.torchserve_keys_path, "management"),
            )
            workers = reply.json()[0].get("workers", []) if reply.status_code == 200 else []
        except (httpx.HTTPError, ValueError, IndexError, KeyError):
            workers = []
        if any(w.get("status") == "READY" for w in workers):
            pending.pop(0)
            log(f"affectserve: model {name} ready ({len(models) - len(pending)} of {len(models)})")
            continue
        if time.monotonic() >= next_report:
            next_report += PROGRESS_EVERY_S
            log(
                f"affectserve: loading models, {len(models) - len(pending)} of {len(models)} "
                f"ready after {time.monotonic() - started:.0f} s (waiting for {name})"
            )
        time.sleep(0.5)
    if pending:
        raise RuntimeError(
            f"TorchServe did not get {', '.join(pending)} ready in "
            f"{settings.model_ready_timeout_s:g} s (AFFECTSERVE_MODEL_READY_TIMEOUT_S); its "
            f"log is {settings.data_dir.resolve() / 'torchserve' / 'logs' / 'model_log.log'}"
        )


@dataclass
class Child:
    """A supervised process and how to start it again."""

    name: str
    command: list[str]
    env: dict[str, str]
    restart: bool
    process: subprocess.Popen[bytes]
    grace_s: float = GRACE_S
    term_group: bool = True
    cwd: Path | None = None
    restarts: int = 0


class Supervisor:
    """Child processes, each in its own process group, stopped together."""

    def __init__(self) -> None:
        self.children: list[Child] = []

    def start(
        self,
        name: str,
        command: list[str],
        env: dict[str, str],
        restart: bool = False,
        grace_s: float = GRACE_S,
        term_group: bool = True,
        cwd: Path | None = None,
    ) -> None:
        """Start ``command`` as a new session (process group).

        With ``restart``, `check` starts it again when it dies (up to `MAX_RESTARTS`);
        ``grace_s`` is how long `stop` waits for it after SIGTERM, sent to its whole group
        or, without ``term_group``, to its main process alone (Celery's pool processes
        must be left to their parent); ``cwd`` is its working folder.
        """
        process = subprocess.Popen(command, env=env, cwd=cwd, start_new_session=True)
        self.children.append(Child(name, command, env, restart, process, grace_s, term_group, cwd))
        print(f"affectserve: started {name} (pid {process.pid})", flush=True)

    def check(self) -> str | None:
        """Restart dead restartable children; the name of one that cannot be, if any."""
        for child in self.children:
            code = child.process.poll()
            if code is None:
                continue
            if not child.restart or child.restarts >= MAX_RESTARTS:
                return child.name
            _signal_group(child.process, signal.SIGKILL)
            child.restarts += 1
            child.process = subprocess.Popen(
                child.command, env=child.env, cwd=child.cwd, start_new_session=True
            )
            print(
                f"affectserve: {child.name} exited ({code}); started again (pid "
                f"{child.process.pid}, restart {child.restarts} of {MAX_RESTARTS})",
                flush=True,
            )
        return None

    def stop(self) -> None:
        """Stop the children in reverse start order: SIGTERM, wait, SIGKILL the group."""
        for child in reversed(self.children):
            if child.process.poll() is None:
                print(
                    f"affectserve: stopping {child.name} (waiting up to {child.grace_s:g} s)",
                    flush=True,
                )
                if child.term_group:
                    _signal_group(child.process, signal.SIGTERM)
                else:
                    child.process.send_signal(signal.SIGTERM)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    child.process.wait(timeout=child.grace_s)
            _signal_group(child.process, signal.SIGKILL)
            child.process.wait()


def api_command(settings: Settings, host: str, port: int) -> list[str]:
    """The command line that runs the API: uvicorn with bounded connections.

    At most ``max_connections`` at once (more are answered 503), request heads due within
    ``request_stall_s`` (`api.main.BoundedH11Protocol`), idle keep-alive closed after 5 s.
    """
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "api.main:app",
        "--host",
        host,
        "--port",
        str(port),
        "--http",
        "api.main:BoundedH11Protocol",
        "--limit-concurrency",
        str(settings.max_connections),
        "--timeout-keep-alive",
        "5",
    ]


def _signal_group(process: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)


def up(host: str, port: int, data_dir: Path | None, workers: int = 1) -> int:
    """Start everything in the foreground until Ctrl-C or SIGTERM; returns an exit code."""
    from core.cards import card_names
    from model_store.build import ARCHIVES_DIR, build_archives

    launch = plan(host, port, data_dir, workers)
    settings = launch.settings
    private_files()
    settings.ensure_dirs()
    shutil.rmtree(metrics_dir(settings), ignore_errors=True)
    metrics_dir(settings).mkdir(parents=True)
    for note in launch.notes:
        print(f"affectserve: {note}", flush=True)
    supervisor = Supervisor()
    stopping = False

    def request_stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    try:
        if settings.model_backend == "torchserve":
            models = card_names()
            built = build_archives(models, ARCHIVES_DIR, only_stale=True)
            if built:
                print(f"affectserve: built {len(built)} model archive(s)", flush=True)
            supervisor.start(
                "torchserve",
                torchserve_command(settings, models, ARCHIVES_DIR),
                torchserve_env(settings, launch.env),
                restart=True,
                cwd=settings.torchserve_dir.resolve(),
            )
            try:
                wait_models_ready(settings, models)
            except RuntimeError as err:
                print(f"affectserve: {err}; stopping", flush=True)
                return 1
        supervisor.start(
            "worker",
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "worker.tasks",
                "worker",
                "--loglevel=INFO",
                "-Q",
                f"{settings.queue},{settings.training_queue}",
                f"--concurrency={workers}",
                "--without-gossip",
                "--without-mingle",
                "-n",
                f"affectserve-{os.getpid()}@%h",
            ],
            launch.env,
            restart=True,
            grace_s=settings.shutdown_grace_s,
            term_group=False,
        )
        supervisor.start("api", api_command(settings, host, port), launch.env)
        print(f"affectserve: serving on http://{host}:{port} (Ctrl-C stops)", flush=True)
        while not stopping:
            exited = supervisor.check()
            if exited is not None:
                print(f"affectserve: {exited} exited; stopping everything", flush=True)
                return 1
            time.sleep(0.2)
        return 0
    finally:
        print("affectserve: stopping", flush=True)
        supervisor.stop()
        if settings.model_backend == "torchserve":
            # its pid file, sockets and unpacked archives: nothing outlives the server
            shutil.rmtree(torchserve_tmp(settings), ignore_errors=True)
