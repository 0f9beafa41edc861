"""Inference speed per model: windows/s and p50/p99 latency, in-process and via TorchServe.

Run: ``python bench/inference.py [--repeats 30] [--no-torchserve]``. Inputs are random
windows of each card's input shapes (speed does not depend on the values). Prints one
table row per model, backend and batch size (1 and 64); uses the GPU when one is present.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
from tqdm import tqdm

from api.launcher import torchserve_command, torchserve_env, wait_models_ready
from core.cards import ModelCard, load_cards
from core.config import Settings
from model_store.build import build_archives
from model_store.clients import InProcessClient, ModelClient, TorchServeClient

BATCH_SIZES = (1, 64)


def random_inputs(card: ModelCard, batch: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Random windows for every input of ``card`` (required and optional)."""
    return {spec.name: rng.random((batch, *spec.shape), dtype=np.float32) for spec in card.inputs}


def time_client(
    client: ModelClient, card: ModelCard, batch: int, repeats: int
) -> tuple[float, float, float]:
    """Return windows/s, p50 and p99 latency (ms) of ``repeats`` requests."""
    rng = np.random.default_rng(0)
    inputs = random_inputs(card, batch, rng)
    client.predict(card.name, inputs)
    latencies = []
    for _ in range(repeats):
        start = time.perf_counter()
        client.predict(card.name, inputs)
        latencies.append(time.perf_counter() - start)
    lat = np.array(latencies) * 1e3
    return (
        batch * repeats / (lat.sum() / 1e3),
        float(np.percentile(lat, 50)),
        float(np.percentile(lat, 99)),
    )


def start_torchserve(cards: list[ModelCard], folder: Path) -> tuple[subprocess.Popen, Settings]:
    """Build the archives and start TorchServe on loopback with every model loaded."""
    settings = Settings(
        data_dir=folder,
        torchserve_url="http://127.0.0.1:18080",
        torchserve_management_url="http://127.0.0.1:18081",
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


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--no-torchserve", action="store_true")
    args = parser.parse_args()
    import torch

    device = "cuda:0" if torch.cuda.is_available() else "cpu"
    cards = load_cards()
    clients: list[ModelClient] = [InProcessClient(device)]
    with tempfile.TemporaryDirectory() as tmp:
        process = None
        if not args.no_torchserve:
            process, settings = start_torchserve(cards, Path(tmp))
            clients.append(
                TorchServeClient(settings.torchserve_url, keys_file=settings.torchserve_keys_path)
            )
        try:
            rows = []
            jobs = [(c, cl, b) for c in cards for cl in clients for b in BATCH_SIZES]
            for card, client, batch in tqdm(jobs, desc="benchmark", unit="case"):
                rows.append(
                    (
                        card.name,
                        client.name,
                        batch,
                        *time_client(client, card, batch, args.repeats),
                    )
                )
        finally:
            if process is not None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=60)
    print(f"device: {device}, torch threads: {torch.get_num_threads()}")
    print(
        f"{'model':<12} {'backend':<10} {'batch':>5} {'windows/s':>11} {'p50 ms':>8} {'p99 ms':>8}"
    )
    for name, backend, batch, rate, p50, p99 in rows:
        print(f"{name:<12} {backend:<10} {batch:>5} {rate:>11.1f} {p50:>8.2f} {p99:>8.2f}")


if __name__ == "__main__":
    main()
