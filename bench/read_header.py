"""Time `signals.io.read_header` on a ~100 MB EDF+ file written into a temporary folder.

Run from the repository root::

    python -m bench.read_header [--megabytes 100] [--repeat 5]

Prints the file size, the first call's time and the best and median of the rest; the upload
path needs this well under a second.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import edfio
import numpy as np

from signals.io import read_header

N_CHANNELS = 64
SFREQ = 512.0
BYTES_PER_SECOND = N_CHANNELS * SFREQ * 2


def write_big_edf(path: Path, megabytes: float) -> Path:
    """Write an EDF+C file of about ``megabytes`` MB: 64 channels of noise at 512 Hz."""
    n_seconds = int(megabytes * 1e6 / BYTES_PER_SECOND)
    rng = np.random.default_rng(0)
    signals = [
        edfio.EdfSignal(
            rng.normal(scale=20.0, size=int(n_seconds * SFREQ)),
            sampling_frequency=SFREQ,
            label=f"EEG {i:03d}",
            physical_dimension="uV",
            physical_range=(-200.0, 200.0),
        )
        for i in range(N_CHANNELS)
    ]
    annotations = [edfio.EdfAnnotation(float(t), 1.0, "clip") for t in range(0, n_seconds, 60)]
    edfio.Edf(signals, annotations=annotations).write(path)
    return path


def main() -> None:
    """Write the file, then time reading its header."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=100.0)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = write_big_edf(Path(folder) / "big.edf", args.megabytes)
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            header = read_header(path)
            times.append(time.perf_counter() - start)
        size_mb = path.stat().st_size / 1e6
    print(
        f"read_header on a {size_mb:.1f} MB EDF+ ({len(header.channel_names)} channels, "
        f"{header.duration_s:.0f} s, {header.n_annotations} annotations): "
        f"first call {times[0] * 1e3:.0f} ms (MNE imports its readers lazily, once per process), "
        f"then best {min(times[1:]) * 1e3:.0f} ms, median {statistics.median(times[1:]) * 1e3:.0f}"
        f" ms over {args.repeat - 1} runs"
    )


if __name__ == "__main__":
    main()
