"""Metrics of processes on several hosts (or containers) that share one metrics folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from core.metrics import AllProcessesCollector

ROOT = Path(__file__).resolve().parents[2]
COUNT = "from core.metrics import ERRORS; ERRORS.labels(kind='probe').inc({n})"


def _count_in(folder: Path, n: int) -> None:
    """Count ``n`` probe errors in a new process that writes its metrics to ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(folder), "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-c", COUNT.format(n=n)], env=env, cwd=ROOT, check=True)


def test_processes_in_subfolders_are_added_up(tmp_path: Path) -> None:
    metrics = tmp_path / "metrics"
    _count_in(metrics, 1)  # a process of the host that reads them (the API's)
    _count_in(metrics / "worker-1", 2)  # two worker containers: their pids may be equal
    _count_in(metrics / "worker-2", 4)
    samples = {
        (sample.name, sample.labels.get("kind")): sample.value
        for family in AllProcessesCollector(metrics).collect()
        for sample in family.samples
    }
    assert samples[("affectserve_errors_total", "probe")] == 7
