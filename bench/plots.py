"""Time the figures a job draws (`worker.figures`) for a 62-channel recording.

Run from the repository root::

    python -m bench.plots [--minutes 1] [--sfreq 1000] [--repeat 3]

A ``--minutes`` long, 62-channel EDF (SEED channel names, noise and a 10 Hz rhythm) is
written into a temporary folder and read as the job reads it; three EEG models' results
(MAET, STRNN, EmotionCLIP, one window per second each) stand in for inference. Prints
each figure's time (drawn once, saved as PNG and SVG) and the total, in wall-clock and
CPU seconds: the first run in a fresh process after the warm-up a worker process does
when it starts
(`worker.figures.warm_figures`, timed on its own) and the best and median of the
repeats, with the machine's load average beside them. ``--no-warm-up`` times the first
run of a cold process (imports and font caches included).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from core.schemas import RecordingResult
from core.storage import LocalStorage
from signals.io import read_raw
from tests.conftest import write_seed_edf
from tests.results import model_result
from worker.figures import recording_figures, store_figures, warm_figures

MODELS = ("maet", "strnn", "emotionclip")


Seconds = dict[str, tuple[float, float]]


def timed_figures(part: RecordingResult, path: Path, folder: Path) -> Seconds:
    """Draw and store every figure of ``part`` once; (wall, CPU) seconds per figure key
    and in total."""
    raw = read_raw(path)
    seconds: Seconds = {}
    for key, draw in recording_figures(0, part, raw):
        wall, cpu = time.perf_counter(), time.process_time()
        store_figures(iter([(key, draw)]), LocalStorage(folder), "bench")
        seconds[key] = (time.perf_counter() - wall, time.process_time() - cpu)
    seconds["total"] = (
        sum(wall for wall, _ in seconds.values()),
        sum(cpu for _, cpu in seconds.values()),
    )
    return seconds


def main() -> None:
    """Print the figure times of one job."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=1.0, help="Recording length, min.")
    parser.add_argument("--sfreq", type=float, default=1000.0, help="Sampling rate, Hz.")
    parser.add_argument("--repeat", type=int, default=3, help="Runs after the first.")
    parser.add_argument(
        "--no-warm-up", action="store_true", help="Skip the worker's warm-up before the first run."
    )
    args = parser.parse_args()
    warm_up_s = None if args.no_warm_up else warm_figures()
    with tempfile.TemporaryDirectory() as tmp:
        seconds = round(60.0 * args.minutes)
        path = write_seed_edf(Path(tmp) / "bench.edf", duration_s=seconds, sfreq=args.sfreq)
        part = RecordingResult(
            recording_id="bench",
            filename=path.name,
            models={name: model_result(name, seconds, seed=k) for k, name in enumerate(MODELS)},
        )
        folders = [Path(tmp) / f"plots-{k}" for k in range(1 + args.repeat)]
        runs = [timed_figures(part, path, folder) for folder in folders]
    first, rest = runs[0], runs[1:] or runs[:1]
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    job = f"{args.minutes:g}-min 62-ch {args.sfreq:g} Hz job, {len(MODELS)} models"
    print(f"figures of a {job}, PNG + SVG")
    print(f"load average {load} on {os.cpu_count()} CPUs; seconds as wall / CPU")
    if warm_up_s is None:
        print("first run in a cold process (no warm-up)")
    else:
        print(f"worker warm-up before the first run: {warm_up_s:.3f} CPU-s")
    print(f"{'figure':<24}{'first':>14}{'best':>14}{'median':>14}")
    for key in first:
        cells = [first[key]]
        for pick in (min, statistics.median):
            cells.append(tuple(pick(run[key][k] for run in rest) for k in (0, 1)))
        print(f"{key:<24}" + "".join(f"{wall:>7.3f}/{cpu:<6.3f}" for wall, cpu in cells))


if __name__ == "__main__":
    main()
