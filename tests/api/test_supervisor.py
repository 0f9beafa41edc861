"""The supervisor of ``affectserve up``: restarts what may be restarted, stops in order."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

from api.launcher import MAX_RESTARTS, Supervisor

SLEEPER = """
import signal, sys, time
def stop(*_):
    with open(sys.argv[1], "a") as out:
        out.write(sys.argv[2] + "\\n")
    sys.exit(0)
signal.signal(signal.SIGTERM, stop)
time.sleep(60)
"""


def _sleeper(log: Path, name: str) -> list[str]:
    return [sys.executable, "-c", SLEEPER, str(log), name]


def _wait_started(supervisor: Supervisor) -> None:
    time.sleep(0.5)
    assert all(child.process.poll() is None for child in supervisor.children)


def test_restarts_a_dead_worker_but_not_the_api(tmp_path: Path) -> None:
    log = tmp_path / "stops.txt"
    supervisor = Supervisor()
    supervisor.start("worker", _sleeper(log, "worker"), dict(os.environ), restart=True)
    supervisor.start("api", _sleeper(log, "api"), dict(os.environ))
    try:
        _wait_started(supervisor)
        worker, api = supervisor.children
        first_pid = worker.process.pid
        os.killpg(first_pid, signal.SIGKILL)
        worker.process.wait()
        assert supervisor.check() is None
        assert worker.process.pid != first_pid and worker.restarts == 1
        worker.restarts = MAX_RESTARTS
        os.killpg(worker.process.pid, signal.SIGKILL)
        worker.process.wait()
        assert supervisor.check() == "worker"
        worker.restarts = 0
        supervisor.check()
        api.process.kill()
        api.process.wait()
        assert supervisor.check() == "api"
    finally:
        supervisor.stop()


def test_stops_in_reverse_order_each_within_its_grace(tmp_path: Path) -> None:
    log = tmp_path / "stops.txt"
    supervisor = Supervisor()
    for name in ("torchserve", "worker", "api"):
        supervisor.start(name, _sleeper(log, name), dict(os.environ), grace_s=5)
    _wait_started(supervisor)
    start = time.monotonic()
    supervisor.stop()
    assert time.monotonic() - start < 5
    assert log.read_text().split() == ["api", "worker", "torchserve"]
    assert all(child.process.returncode == 0 for child in supervisor.children)
