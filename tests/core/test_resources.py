"""The memory cap of reader and worker processes, in fresh interpreters."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(code: str, **env: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        timeout=120,
        check=True,
    )
    return done.stdout.strip()


def test_allocation_past_the_cap_fails_with_memory_error() -> None:
    code = (
        "from core.resources import cap_address_space\n"
        "cap_address_space(512)\n"
        "try:\n    bytearray(600 << 20)\nexcept MemoryError:\n    print('refused')\n"
        "bytearray(100 << 20)\nprint('small ok')"
    )
    assert _run(code).splitlines() == ["refused", "small ok"]


def test_worker_pool_process_gets_the_configured_cap() -> None:
    code = (
        "import resource\nfrom worker.tasks import _fresh_engines\n_fresh_engines()\n"
        "print(resource.getrlimit(resource.RLIMIT_AS)[0] >> 20)"
    )
    assert _run(code, AFFECTSERVE_WORKER_MEMORY_MB="3000") == "3000"


def test_a_gpu_worker_pool_process_is_not_capped() -> None:
    """CUDA does not start under an address-space cap: the process keeps its limit."""
    code = (
        "import resource\nfrom worker.tasks import _fresh_engines\n"
        "before = resource.getrlimit(resource.RLIMIT_AS)\n_fresh_engines()\n"
        "print(resource.getrlimit(resource.RLIMIT_AS) == before)"
    )
    env = {"AFFECTSERVE_WORKER_MEMORY_MB": "3000", "AFFECTSERVE_MODEL_DEVICE": "cuda"}
    assert _run(code, **env) == "True"


def test_worker_pool_process_runs_opencv_on_the_configured_threads() -> None:
    code = (
        "import cv2\nfrom worker.tasks import _limit_threads\n"
        "cv2.setNumThreads(8)\n_limit_threads()\nprint(cv2.getNumThreads())"
    )
    assert _run(code, AFFECTSERVE_TORCH_THREADS="1") == "1"
    assert _run(code, AFFECTSERVE_TORCH_THREADS="2") == "2"
