"""The EEG chain against its physical limit, for recordings of several lengths.

Run from the repository root: ``OMP_NUM_THREADS=1 nice python -m bench.chain
[--minutes 1 10 60] [--repeats 3]``.

For each length, writes a 62-channel (SEED montage), 1 kHz, 16-bit EDF (one minute of
noise, a 10 Hz rhythm, 50 Hz mains and DC offsets, repeated) and times two things on it:

limit
    The work any chain that band-passes, notches and resamples by FFT must do: read the
    file's data records a block at a time (65 one-second records, ``numpy.fromfile``),
    convert the int16 samples of every channel to float32 µV (gain and offset of the
    header) into one preallocated ``(62, 2**16)`` array, and one FFT pass over it:
    ``scipy.fft.rfft`` of all channels at 2**16 samples (65 s of data, zero-padded to
    65.5 s; no margins) and ``irfft`` back to the same length, float32, one thread. A chain
    must at least transform every sample once and back; blocks of about a minute are
    the cheapest a 1 Hz high-pass allows (its reach is 3 s), and a power of two is the
    FFT's fastest length.
chain
    The worker's own path (`signals.feeding.eeg_input`): ``read_raw``, the montage plan,
    then the 62 channels read into float32 µV, band-pass 1-75 Hz + 50 Hz notch + resample
    to 200 Hz (one FFT pass), 1-s windows and DE in the five SEED bands, a block at a
    time (`signals.recipe.run_in_blocks`), as a job runs it.

Both sides get one untimed warm-up run, then ``--repeats`` timed runs, alternating
(limit, chain, limit, chain, ...) so that the machine's load falls on both alike. The
minimum and median of the wall and CPU seconds of each are printed, with ``limit /
chain`` in % (medians; CPU is the fairer figure on a shared machine) and the 1-minute
load average after each length's runs.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import scipy.fft

from bench.features import SPEC
from bench.repeat import repeat_minute
from core.cards import montage_channels
from signals.feeding import eeg_input, montage_plan, raw_header
from signals.io import read_raw

SFREQ = 1000
PHYSICAL_UV = 3276.7  # ±, µV, with a 0.1 µV step over the int16 range
#: FFT length of the limit's blocks (65.5 s at 1 kHz): a power of two, the fastest kind
LIMIT_FFT = 1 << 16


def write_recording(path: Path, minutes: int) -> Path:
    """Write the 62-channel, 1 kHz EDF: one synthetic minute repeated ``minutes`` times."""
    import edfio

    channels = montage_channels("seed62")
    rng = np.random.default_rng(0)
    times = np.arange(60 * SFREQ) / SFREQ
    data = rng.normal(0.0, 20.0, (len(channels), times.size))
    data += 10.0 * np.sin(2 * np.pi * 10.0 * times) + 5.0 * np.sin(2 * np.pi * 50.0 * times)
    data += rng.uniform(-200.0, 200.0, (len(channels), 1))
    signals = [
        edfio.EdfSignal(
            row,
            sampling_frequency=SFREQ,
            label=label,
            physical_dimension="uV",
            physical_range=(-PHYSICAL_UV, PHYSICAL_UV),
            digital_range=(-32767, 32767),
        )
        for row, label in zip(data, channels, strict=True)
    ]
    minute = path.with_suffix(".minute.edf")
    edfio.Edf(signals).write(minute)
    return repeat_minute(minute, path, minutes, len(channels))


def _header_numbers(head: bytes, n_signals: int, field: int) -> np.ndarray:
    """The ``field``-th 8-byte number field of every signal (0: physical minimum)."""
    start = 256 + n_signals * (16 + 80 + 8 + 8 * field)
    return np.array([float(head[start + 8 * k : start + 8 * k + 8]) for k in range(n_signals)])


def limit(path: Path) -> np.ndarray:
    """Bytes -> float32 µV -> rfft + irfft, ``LIMIT_FFT`` samples at a time; the last block."""
    with open(path, "rb") as fid:
        head = fid.read(256)
        n_signals = int(head[252:256])
        head += fid.read(256 * n_signals)
        phys_min, phys_max, dig_min, dig_max = (
            _header_numbers(head, n_signals, k) for k in range(4)
        )
        per_record = int(head[256 + n_signals * 216 : 256 + n_signals * 216 + 8])
        gain = ((phys_max - phys_min) / (dig_max - dig_min)).astype(np.float32)[:, None, None]
        offset = (phys_min - dig_min * gain[:, 0, 0]).astype(np.float32)[:, None, None]
        block = np.zeros((n_signals, LIMIT_FFT), dtype=np.float32)
        n_records = LIMIT_FFT // per_record
        back = block
        while True:
            raw = np.fromfile(fid, dtype="<i2", count=n_records * n_signals * per_record)
            if not raw.size:
                return back
            records = raw.reshape(-1, n_signals, per_record)
            n_read = records.shape[0] * per_record
            target = block[:, :n_read].reshape(n_signals, -1, per_record)
            np.multiply(records.transpose(1, 0, 2), gain, out=target)
            target += offset
            block[:, n_read:] = 0.0
            spectrum = scipy.fft.rfft(block, workers=1)
            back = scipy.fft.irfft(spectrum, n=LIMIT_FFT, workers=1)


def chain(path: Path) -> np.ndarray:
    """The worker's EEG path to the DE features, in blocks (`signals.feeding.eeg_input`)."""
    raw = read_raw(path)
    return eeg_input(raw, SPEC, montage_plan(SPEC, raw_header(raw), ["seed62"])).data


def timed(run: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU seconds of one call of ``run``."""
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - wall, time.process_time() - cpu


def compare(path: Path, minutes: int, repeats: int) -> str:
    """Warm up both sides, time them alternately and format one table row."""
    de = chain(path)
    assert de.shape == (60 * minutes, 62, 5) and np.isfinite(de).all()
    limit(path)
    runs: dict[str, list[tuple[float, float]]] = {"limit": [], "chain": []}
    for _ in range(repeats):
        runs["limit"].append(timed(lambda: limit(path)))
        runs["chain"].append(timed(lambda: chain(path)))
    load = os.getloadavg()[0]
    low = {k: np.min(v, axis=0) for k, v in runs.items()}
    mid = {k: np.median(v, axis=0) for k, v in runs.items()}
    ratio = 100 * mid["limit"] / mid["chain"]
    return (
        f"{minutes:>4} min  limit min {low['limit'][0]:6.2f} / {low['limit'][1]:6.2f} s  "
        f"median {mid['limit'][0]:6.2f} / {mid['limit'][1]:6.2f} s | "
        f"chain min {low['chain'][0]:6.2f} / {low['chain'][1]:6.2f} s  "
        f"median {mid['chain'][0]:6.2f} / {mid['chain'][1]:6.2f} s | "
        f"limit/chain {ratio[0]:3.0f} % wall, {ratio[1]:3.0f} % CPU  load {load:.2f}"
    )


def main() -> None:
    """Write each recording, compare the two sides on it and print the rows."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=int, nargs="+", default=[1, 10, 60])
    parser.add_argument("--repeats", type=int, default=3, help="timed runs of each side")
    args = parser.parse_args()
    print(f"wall / CPU seconds; one warm-up run each, then {args.repeats} alternating")
    for minutes in args.minutes:
        with tempfile.TemporaryDirectory() as tmp:
            path = write_recording(Path(tmp) / f"chain{minutes}.edf", minutes)
            print(compare(path, minutes, args.repeats), flush=True)


if __name__ == "__main__":
    main()
