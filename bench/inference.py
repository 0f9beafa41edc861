"""Inference speed per model: plain torch, the in-process backend and TorchServe.

Run: ``nice python -m bench.inference [--threads 1] [--repeats 30] [--no-torchserve]``
(each row stops after ``--budget-s`` seconds of calls, at least 3).

Every side runs on the same number of torch CPU threads (``--threads``, default
``AFFECTSERVE_TORCH_THREADS``): the in-process backend and the plain-torch floor in this
process, each TorchServe model worker through the same setting. TorchServe listens on
free loopback ports. The floor is the bare model call on ready tensors in one process
(no input checks, no bundle, no softmax): what no backend can beat.

Inputs are random (speed does not depend on the values) but shaped as the worker sends
them: a model whose recipe ends with ``stack_slices`` gets one recording's overlapping
stacks in order, as the pipeline batches them. Prints one row per model, side and batch
size with windows per wall second, windows per CPU second (of this process, and for
TorchServe also of its JVM and model workers: the per-core figure, least disturbed by a
loaded machine), p50/p99 latency of a request and the machine's 1-minute load average at
the end of the row (8 engineers share 2 cores: read every figure beside its load). Uses
the GPU when one is present.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import psutil

from api.launcher import port_free, torchserve_command, torchserve_env, wait_models_ready
from core.cards import InputSpec, ModelCard, load_cards
from core.config import Settings
from model_store.build import build_archives
from model_store.clients import InProcessClient, TorchServeClient
from signals.recipe import Stream, stack_slices

BATCH_SIZES = (1, 64)
GPU_BATCH_SIZES = (1, 64, 256)


def random_windows(spec: InputSpec, batch: int, rng: np.random.Generator) -> np.ndarray:
    """``batch`` random windows of ``spec``; stacks overlap as ``stack_slices`` makes them."""
    last = spec.recipe[-1] if spec.recipe else None
    if last is None or last.step != "stack_slices":
        return rng.random((batch, *spec.shape), dtype=np.float32)
    n, step = last.params["n"], last.params.get("step", 1)
    slices = rng.random((n + (batch - 1) * step, *spec.shape[1:]), dtype=np.float32)
    stream = Stream(slices, sfreq=1.0, window_starts=np.arange(len(slices), dtype=float))
    return stack_slices(stream, n, step).data


def random_inputs(card: ModelCard, batch: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Random windows for every input of ``card`` (required and optional)."""
    return {spec.name: random_windows(spec, batch, rng) for spec in card.inputs}


def cpu_seconds(roots: list[psutil.Process]) -> float:
    """User + system CPU seconds of ``roots`` and all their descendants so far."""
    total = 0.0
    for root in roots:
        for process in [root, *root.children(recursive=True)]:
            with contextlib.suppress(psutil.NoSuchProcess):
                times = process.cpu_times()
                total += times.user + times.system
    return total


def time_calls(
    call: Callable[[], object],
    batch: int,
    repeats: int,
    budget_s: float,
    processes: list[psutil.Process],
) -> tuple[float, float, float, float]:
    """Time ``repeats`` calls after one warm-up call.

    Stops early, after at least 3 calls, once the calls took ``budget_s`` seconds.

    Returns
    -------
    rate : float
        Windows per wall second.
    cpu_rate : float
        Windows per CPU second of ``processes`` (with their children): the figure per
        core that a loaded machine disturbs least.
    p50, p99 : float
        Latency of a call, ms.
    """
    call()
    latencies: list[float] = []
    cpu_start = cpu_seconds(processes)
    while len(latencies) < repeats and (len(latencies) < 3 or sum(latencies) < budget_s):
        start = time.perf_counter()
        call()
        latencies.append(time.perf_counter() - start)
    windows = batch * len(latencies)
    cpu_rate = windows / max(cpu_seconds(processes) - cpu_start, 1e-9)
    lat = np.array(latencies) * 1e3
    return (
        windows / (lat.sum() / 1e3),
        cpu_rate,
        float(np.percentile(lat, 50)),
        float(np.percentile(lat, 99)),
    )


#: Lowest port `free_port` picks from.
LOWEST_SERVER_PORT = 10000


def ephemeral_ports_start() -> int:
    """First port of the kernel's range for outgoing connections (Linux; else IANA's)."""
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 49152


def free_port(span: int = 1) -> int:
    """A loopback port ``p`` such that ``p ... p + span - 1`` are all free now.

    Drawn at random below the kernel's range for outgoing connections: a server restarted
    on its port (TorchServe after a crash) finds it free, where a port the kernel handed
    out (bind to port 0) can meanwhile be the local end of another process's connection.
    """
    highest = max(ephemeral_ports_start(), LOWEST_SERVER_PORT + 1000) - span
    while True:
        port = random.randrange(LOWEST_SERVER_PORT, highest)
        if all(port_free(port + offset) for offset in range(span)):
            return port


def start_torchserve(
    cards: list[ModelCard], folder: Path, threads: int
) -> tuple[subprocess.Popen, Settings]:
    """Build the archives and start TorchServe on free loopback ports, every model loaded.

    The management port is followed by the metrics and two gRPC ports (see
    `api.launcher.torchserve_config`), so four consecutive free ports are taken.
    """
    settings = Settings(
        data_dir=folder,
        torchserve_url=f"http://127.0.0.1:{free_port()}",
        torchserve_management_url=f"http://127.0.0.1:{free_port(span=4)}",
        torch_threads=threads,
    )
    archives = folder / "archives"
    names = [card.name for card in cards]
    build_archives(names, archives)
    process = subprocess.Popen(
        torchserve_command(settings, names, archives),
        env=torchserve_env(settings, dict(os.environ)),
        cwd=settings.torchserve_dir,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_models_ready(settings, names, timeout_s=300)
    return process, settings


def torch_floor(
    client: InProcessClient, card: ModelCard, inputs: dict[str, np.ndarray]
) -> Callable[[], object]:
    """The bare model call on ready tensors (the in-process client's loaded model)."""
    import torch

    loaded = client.load(card.name)
    tensors = {k: torch.tensor(v, device=loaded.device) for k, v in inputs.items()}

    def call() -> object:
        with torch.inference_mode():
            out = loaded.model(**tensors)
        if loaded.device.type == "cuda":
            torch.cuda.synchronize()
        return out

    return call


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--threads", type=int, default=Settings().torch_threads)
    parser.add_argument("--budget-s", type=float, default=5.0, help="time per row, s")
    parser.add_argument(
        "--batches", type=int, nargs="+", help="batch sizes (default 1 64; 1 64 256 on a GPU)"
    )
    parser.add_argument("--models", nargs="+", help="model names (default: all)")
    parser.add_argument("--no-torchserve", action="store_true")
    args = parser.parse_args()
    import torch

    device = "cuda:0" if torch.cuda.is_available() else "cpu"
    batches = args.batches or (GPU_BATCH_SIZES if device != "cpu" else BATCH_SIZES)
    cards = [c for c in load_cards() if not args.models or c.name in args.models]
    in_process = InProcessClient(device, threads=args.threads)
    me = psutil.Process()
    print(f"device: {device}; torch threads per process: {args.threads}", flush=True)
    print(
        f"{'model':<12} {'side':<10} {'batch':>5} {'windows/s':>10} {'per CPU-s':>10} "
        f"{'p50 ms':>8} {'p99 ms':>8} {'load':>5}",
        flush=True,
    )
    with tempfile.TemporaryDirectory() as tmp:
        process = None
        torchserve = None
        if not args.no_torchserve:
            process, settings = start_torchserve(cards, Path(tmp), args.threads)
            torchserve = TorchServeClient(
                settings.torchserve_url, keys_file=settings.torchserve_keys_path
            )
        try:
            for card in cards:
                for batch in batches:
                    inputs = random_inputs(card, batch, np.random.default_rng(0))
                    sides: list[tuple[str, Callable[[], object], list[psutil.Process]]] = [
                        ("torch", torch_floor(in_process, card, inputs), [me]),
                        (
                            "inprocess",
                            lambda c=card, i=inputs: in_process.predict(c.name, i),
                            [me],
                        ),
                    ]
                    if torchserve is not None and process is not None:
                        sides.append(
                            (
                                "torchserve",
                                lambda c=card, i=inputs: torchserve.predict(c.name, i),
                                [me, psutil.Process(process.pid)],
                            )
                        )
                    for side, call, processes in sides:
                        rate, cpu_rate, p50, p99 = time_calls(
                            call, batch, args.repeats, args.budget_s, processes
                        )
                        print(
                            f"{card.name:<12} {side:<10} {batch:>5} {rate:>10.1f} "
                            f"{cpu_rate:>10.1f} {p50:>8.2f} {p99:>8.2f} "
                            f"{os.getloadavg()[0]:>5.2f}",
                            flush=True,
                        )
        finally:
            if process is not None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=60)


if __name__ == "__main__":
    main()
