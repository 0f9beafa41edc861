"""Peak memory and time of one long recording through the worker's EEG models.

Run: ``OMP_NUM_THREADS=1 nice python -m bench.memory [--minutes 60] [--channels 128]
[--sfreq 2048]``.

Writes a BioSemi-style BDF (``--channels`` EEG electrodes labelled A1..D32 as ActiView
does, 8 EXG channels and a Status channel) of ``--minutes`` at ``--sfreq`` Hz: one
minute of EEG-like signals (1/f background and a 10 Hz rhythm, 24-bit) repeated. Then a
fresh process does what a worker does with it: opens it (`worker.pipeline._reader`:
``read_raw``, the segments, and the function that makes each model's inputs), makes
the inputs of MAET, STRNN and EmotionCLIP one model after the other and sends them to
the in-process backend (`worker.pipeline.predict_windows`, batches of the worker's
size, one torch thread), and draws the job's figures (`worker.figures`: timelines,
summary, agreement, the topomap's band power, PNG and SVG). It prints
the wall and CPU seconds and the peak resident memory (VmHWM, reset between parts) of
each part, the whole job's peak, and the resident memory before the recording is
opened (models loaded), with the machine's 1-minute load average. The recording is
``channels x samples x 3`` bytes on disk; its float32 EEG would be 4/3 of that.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from bench.repeat import repeat_minute

ROOT = Path(__file__).resolve().parents[1]
MODELS = ("maet", "strnn", "emotionclip")
EXTRA = [*(f"EXG{k}" for k in range(1, 9)), "Status"]


def write_long_bdf(path: Path, minutes: int, n_channels: int, sfreq: float) -> Path:
    """Write the BioSemi-style BDF: one minute of signals repeated ``minutes`` times."""
    import edfio

    labels = [f"{chr(ord('A') + k // 32)}{k % 32 + 1}" for k in range(n_channels)] + EXTRA
    n_times = round(60 * sfreq)
    rng = np.random.default_rng(0)
    spectrum = np.fft.rfft(rng.normal(size=(n_channels, n_times)), axis=-1)
    spectrum /= np.sqrt(np.maximum(np.fft.rfftfreq(n_times, 1.0 / sfreq), 1.0))
    eeg = np.fft.irfft(spectrum, n=n_times, axis=-1)
    eeg *= 15.0 / eeg.std(axis=-1, keepdims=True)
    eeg += 10.0 * np.sin(2 * np.pi * 10.0 * np.arange(n_times) / sfreq)
    rows = [*eeg, *np.zeros((len(EXTRA), n_times))]
    signals = [
        edfio.BdfSignal(
            row,
            sampling_frequency=sfreq,
            label=label,
            physical_dimension="uV" if k < n_channels else "",
            physical_range=(-1000.0, 1000.0),
            digital_range=(-(2**23), 2**23 - 1),
        )
        for k, (row, label) in enumerate(zip(rows, labels, strict=True))
    ]
    minute = path.with_suffix(".minute.bdf")
    edfio.Bdf(signals).write(minute)
    return repeat_minute(minute, path, minutes, len(labels))


def _reset_peak_rss() -> None:
    """Restart the peak-RSS count (Linux: write 5 to /proc/self/clear_refs)."""
    with open("/proc/self/clear_refs", "w") as fid:
        fid.write("5")


def _status_mb(field: str) -> float:
    with open("/proc/self/status") as fid:
        line = next(line for line in fid if line.startswith(field + ":"))
    return int(line.split()[1]) / 1e3


def measure(path: Path) -> None:
    """Run the worker's steps on ``path`` in this process and print the figures."""
    from core.cards import load_card
    from core.config import get_settings
    from core.reliability import agreement
    from core.schemas import RecordingResult
    from core.storage import LocalStorage
    from model_store.clients import InProcessClient
    from worker.figures import recording_figures, store_figures
    from worker.pipeline import _reader, model_result, predict_windows

    client = InProcessClient(threads=1)
    cards = {name: load_card(name) for name in MODELS}
    rng = np.random.default_rng(0)
    for name, card in cards.items():  # load each model before measuring
        shapes = {spec.name: spec.shape for spec in card.inputs if spec.required}
        arrays = {
            key: rng.normal(size=(1, *shape)).astype(np.float32) for key, shape in shapes.items()
        }
        predict_windows(client, name, arrays, 1, lambda _fraction: None)
    batch_size = get_settings().batch_size
    ready_mb = _status_mb("VmRSS")
    peak_mb = _status_mb("VmHWM")
    times: dict[str, tuple[float, float, float]] = {}

    def clock(part: str, begin: tuple[float, float]) -> tuple[float, float]:
        nonlocal peak_mb
        now = (time.perf_counter(), time.process_time())
        part_peak = _status_mb("VmHWM")
        peak_mb = max(peak_mb, part_peak)
        times[part] = (now[0] - begin[0], now[1] - begin[1], part_peak)
        _reset_peak_rss()
        return (time.perf_counter(), time.process_time())

    _reset_peak_rss()
    start = now = (time.perf_counter(), time.process_time())
    recording = SimpleNamespace(options={}, header={"kind": "signals"})
    raw, segments, make_inputs = _reader(recording, path, {}, cards)
    now = clock("read", now)
    results = {}
    for name, card in cards.items():
        inputs = make_inputs(card)
        now = clock(f"features {name}", now)
        probs = predict_windows(client, name, inputs.arrays, batch_size, lambda _fraction: None)
        results[name] = model_result(card, inputs, probs, client, segments)
        del inputs
        now = clock(f"inference {name}", now)
    part = RecordingResult(
        recording_id="bench",
        filename=path.name,
        models=results,
        segments=segments,
        agreement=agreement(list(results.values())),
    )
    with tempfile.TemporaryDirectory() as folder:
        store_figures(recording_figures(0, part, raw), LocalStorage(Path(folder)), "bench")
    clock("figures", now)
    clock("total", start)
    times["total"] = (*times["total"][:2], peak_mb)
    load = os.getloadavg()[0]
    print(f"{'part':<24} {'wall s':>8} {'CPU s':>8} {'peak MB':>8} {'load':>6}")
    for part, (wall, cpu, peak) in times.items():
        print(f"{part:<24} {wall:>8.2f} {cpu:>8.2f} {peak:>8.0f} {load:>6.2f}")
    print(f"resident with the models loaded, before the recording: {ready_mb:.0f} MB")


def main() -> None:
    """Write the recording, then measure it in a fresh process."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=int, default=60)
    parser.add_argument("--channels", type=int, default=128)
    parser.add_argument("--sfreq", type=float, default=2048.0)
    parser.add_argument(
        "--keep", type=Path, help="write the recording here and keep it (reused if present)"
    )
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure)
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "long.bdf"
        if not path.exists():
            write_long_bdf(path, args.minutes, args.channels, args.sfreq)
        print(f"{path.name}: {path.stat().st_size / 1e9:.2f} GB BDF", flush=True)
        command = [sys.executable, "-m", "bench.memory", "--measure", str(path)]
        subprocess.run(command, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True)


if __name__ == "__main__":
    main()
