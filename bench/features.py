"""EEG feature speed: our DE chain vs TorchEEG and an MNE per-band filter pipeline.

Run from the repository root: ``OMP_NUM_THREADS=1 nice python -m bench.features
[--repeats 5]``.

Builds a 62-channel, 1 kHz, 4-minute EDF (synthetic: noise, a 10 Hz rhythm, 50 Hz
mains and DC offsets), then times

1. ours: the chain as a model card states it, whole: ``read_raw`` and
   ``eeg_stream`` (the 62 montage channels read from the EDF into float32 µV) ->
   the ``filter`` step (band-pass 1-75 Hz + 50 Hz notch + resample to 200 Hz in one
   FFT pass) -> 1-s ``windows`` -> ``differential_entropy`` in the five SEED bands;
   and the same as the worker runs it (``eeg_input``): read, filtered and resampled a
   block of windows at a time with margins of twice the 1 Hz high-pass's reach (6 s);
2. TorchEEG's ``BandDifferentialEntropy`` on the same 240 windows (per-band Butterworth
   filtering of each window, variance, DE);
3. MNE per band: ``mne.filter.filter_data`` of the 200-Hz signal for each band,
   variance of each 1-s window, DE.

Every side gets one untimed warm-up run, then the same number of timed runs
(``--repeats``); the minimum and the median of each are printed, wall and CPU seconds
(on a shared machine CPU time is the fairer figure), with the machine's 1-minute load
average at the end of each side's runs. The speed-ups compare the feature stage
(windows -> DE of ours) with 2 and 3, which start from the same windows / signal, median
against median. ``realtime_factor`` is the recording's duration over the median wall
time of our whole chain (read included). ``peak_rss_mb`` is the peak resident memory our
chain added, in its warm-up run, above the process's resident memory before reading
(MB), to compare with the recording's float32 size printed beside it.

TorchEEG is optional and never a runtime dependency. Its releases pin
``scipy<=1.10.1``, which conflicts with this project's numpy 2 / scipy stack, so it is
not an extra: for a comparison install it beside the environment with
``pip install --no-deps --target DIR torcheeg spectrum`` and run with
``PYTHONPATH=DIR``. Without it the script prints ``n/a`` for that figure.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import mne
import numpy as np

from core.cards import InputSpec, RecipeStep, band_edges, montage_channels
from signals.feeding import eeg_input, eeg_stream, montage_plan, raw_header
from signals.io import read_raw
from signals.recipe import Stream, run_recipe

SFREQ = 1000.0
DURATION_S = 240.0
NEW_SFREQ = 200.0
BANDS = band_edges("seed")


def write_recording(path: Path, duration_s: float = DURATION_S) -> Path:
    """Write the synthetic 62-channel, 1 kHz EDF (4 minutes unless ``duration_s``) to ``path``."""
    channels = montage_channels("seed62")
    rng = np.random.default_rng(0)
    times = np.arange(int(SFREQ * duration_s)) / SFREQ
    data = rng.normal(0.0, 20e-6, (len(channels), times.size))
    data += 10e-6 * np.sin(2 * np.pi * 10.0 * times) + 5e-6 * np.sin(2 * np.pi * 50.0 * times)
    data += rng.uniform(-200e-6, 200e-6, (len(channels), 1))
    info = mne.create_info(channels, SFREQ, "eeg")
    raw = mne.io.RawArray(data, info, verbose="error")
    mne.export.export_raw(path, raw, fmt="edf", overwrite=True, verbose="error")
    return path


def _status_mb(field: str) -> float:
    """A memory field of /proc/self/status (``VmRSS``, ``VmHWM``), MB."""
    with open("/proc/self/status") as fid:
        line = next(line for line in fid if line.startswith(field + ":"))
    return int(line.split()[1]) / 1e3


def _reset_peak_rss() -> None:
    """Restart the peak-RSS count (Linux: write 5 to /proc/self/clear_refs)."""
    with open("/proc/self/clear_refs", "w") as fid:
        fid.write("5")


#: The chain as a model card states it: the worker runs exactly these steps.
SPEC = InputSpec(
    name="eeg",
    modality="eeg",
    montage="seed62",
    sfreq=NEW_SFREQ,
    window_s=1.0,
    step_s=1.0,
    shape=[62, len(BANDS)],
    recipe=[
        RecipeStep(
            step="filter",
            params={"l_freq": 1.0, "h_freq": 75.0, "notch": [50.0], "sfreq": NEW_SFREQ},
        ),
        RecipeStep(step="windows", params={"length_s": 1.0, "step_s": 1.0}),
        RecipeStep(step="differential_entropy", params={"bands": "seed"}),
    ],
)


#: seconds (wall, CPU) of one run of each stage
Times = dict[str, tuple[float, float]]


def ours(path: Path) -> tuple[Times, Stream, np.ndarray]:
    """Run and time the worker's chain; return (wall, CPU) seconds per stage, windows,
    and the 200-Hz signal."""
    clocks = [(time.perf_counter(), time.process_time())]
    raw = read_raw(path)
    stream = eeg_stream(raw, montage_plan(SPEC, raw_header(raw), ["seed62"]))
    clocks.append((time.perf_counter(), time.process_time()))
    filtered = run_recipe(stream, SPEC.recipe[:1])
    del stream
    clocks.append((time.perf_counter(), time.process_time()))
    windowed = run_recipe(filtered, SPEC.recipe[1:2])
    de = run_recipe(windowed, SPEC.recipe[2:])
    clocks.append((time.perf_counter(), time.process_time()))
    assert de.data.shape == (240, 62, 5)
    stages = ("read", "filter+resample", "windows+DE")
    times = {
        name: (end[0] - begin[0], end[1] - begin[1])
        for name, begin, end in zip(stages, clocks[:-1], clocks[1:], strict=True)
    }
    times["total"] = (clocks[-1][0] - clocks[0][0], clocks[-1][1] - clocks[0][1])
    return times, windowed, filtered.data


def ours_in_blocks(path: Path) -> Times:
    """Time the same chain as the worker runs it: read, filtered and resampled a block at
    a time (`signals.feeding.eeg_input`, `signals.recipe.run_in_blocks`)."""
    wall, cpu = time.perf_counter(), time.process_time()
    raw = read_raw(path)
    de = eeg_input(raw, SPEC, montage_plan(SPEC, raw_header(raw), ["seed62"]))
    assert de.data.shape == (240, 62, 5)
    return {"total": (time.perf_counter() - wall, time.process_time() - cpu)}


def torcheeg_de(windowed: Stream) -> Callable[[], None] | None:
    """TorchEEG's BandDifferentialEntropy over all windows, None if it is not installed."""
    try:
        from torcheeg.transforms import BandDifferentialEntropy
    except ImportError:
        return None
    transform = BandDifferentialEntropy(
        sampling_rate=int(NEW_SFREQ), band_dict={k: list(v) for k, v in BANDS.items()}
    )

    def run() -> None:
        for window in windowed.data:
            transform(eeg=window)

    return run


def mne_per_band_de(signal: np.ndarray) -> np.ndarray:
    """MNE band filtering, per-window variance and DE in every band: ``(windows, ch, bands)``."""
    signal = signal.astype(np.float64)  # MNE filters float64 only
    n_windows = signal.shape[-1] // int(NEW_SFREQ)
    out = np.empty((n_windows, signal.shape[0], len(BANDS)))
    for k, (lo, hi) in enumerate(BANDS.values()):
        band = mne.filter.filter_data(signal, NEW_SFREQ, lo, hi, verbose="error")
        parts = band[:, : n_windows * int(NEW_SFREQ)].reshape(signal.shape[0], n_windows, -1)
        out[..., k] = 0.5 * np.log(2 * np.pi * np.e * parts.var(axis=-1)).T
    return out


def timed(run: Callable[[], object]) -> Times:
    """Wall and CPU seconds of one call of ``run``."""
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    return {"total": (time.perf_counter() - wall, time.process_time() - cpu)}


def repeat(
    run: Callable[[], Times], repeats: int, warm_up: bool = True
) -> tuple[dict[str, np.ndarray], float]:
    """One untimed warm-up call of ``run`` (unless done already), then ``repeats`` timed ones.

    Returns
    -------
    runs : dict
        Per stage, ``(repeats, 2)`` wall and CPU seconds.
    load : float
        The machine's 1-minute load average after the runs.
    """
    if warm_up:
        run()
    times = [run() for _ in range(repeats)]
    return {k: np.array([t[k] for t in times]) for k in times[0]}, os.getloadavg()[0]


def summary(name: str, runs: dict[str, np.ndarray], load: float) -> str:
    """One line per stage: min and median wall / CPU seconds, and the load."""
    lines = []
    for stage, values in runs.items():
        low, mid = values.min(axis=0), np.median(values, axis=0)
        lines.append(
            f"{name + ' ' + stage:<28} min {low[0]:7.3f} / {low[1]:7.3f} s  "
            f"median {mid[0]:7.3f} / {mid[1]:7.3f} s  load {load:.2f}"
        )
    return "\n".join(lines)


def main() -> None:
    """Build the recording, run the three pipelines and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5, help="timed runs of every side")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = write_recording(Path(tmp) / "bench.edf")
        base_rss = _status_mb("VmRSS")
        _reset_peak_rss()
        first, windowed, signal = ours(path)  # the warm-up run, measured for memory
        chain_peak_mb = _status_mb("VmHWM") - base_rss
        chain, load = repeat(lambda: ours(path)[0], args.repeats, warm_up=False)
        blocks_rss = _status_mb("VmRSS")
        _reset_peak_rss()
        ours_in_blocks(path)
        blocks_peak_mb = _status_mb("VmHWM") - blocks_rss
        blocks, blocks_load = repeat(lambda: ours_in_blocks(path), args.repeats, warm_up=False)
    print("wall / CPU seconds of each side; one warm-up run, then the timed ones")
    print(summary("ours", chain, load))
    print(summary("ours in blocks (worker)", blocks, blocks_load))
    print(f"ours, first run in this process (the warm-up): {first['total'][0]:.3f} s")
    teeg_run = torcheeg_de(windowed)
    teeg = repeat(lambda: timed(teeg_run), args.repeats) if teeg_run else None
    print(summary("torcheeg BandDE, 240 windows", *teeg) if teeg else "torcheeg: n/a")
    mne_runs, mne_load = repeat(lambda: timed(lambda: mne_per_band_de(signal)), args.repeats)
    print(summary("mne per band", mne_runs, mne_load))
    recording_mb = 62 * SFREQ * DURATION_S * 4 / 1e6
    print(
        f"recording float32 {recording_mb:.1f} MB; chain peak {chain_peak_mb:.1f} MB "
        f"({chain_peak_mb / recording_mb:.2f}x); process RSS before the chain {base_rss:.1f} MB; "
        f"in blocks {blocks_peak_mb:.1f} MB ({blocks_peak_mb / recording_mb:.2f}x)"
    )
    medians = {
        name: np.median(runs, axis=0)
        for name, runs in (
            ("ours", chain["windows+DE"]),
            ("mne", mne_runs["total"]),
            ("torcheeg", teeg[0]["total"] if teeg else np.full((1, 2), np.nan)),
        )
    }
    ratio = {k: medians[k] / medians["ours"] for k in ("torcheeg", "mne")}
    print(
        f"speedup_vs_torcheeg={ratio['torcheeg'][0]:.0f} (CPU {ratio['torcheeg'][1]:.0f}) "
        f"speedup_vs_mne={ratio['mne'][0]:.1f} (CPU {ratio['mne'][1]:.1f}) "
        f"realtime_factor={DURATION_S / np.median(chain['total'][:, 0]):.0f} "
        f"peak_rss_mb={chain_peak_mb:.1f} (medians of wall times; load {os.getloadavg()[0]:.2f})"
    )


if __name__ == "__main__":
    main()
