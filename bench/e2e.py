"""End to end: ``affectserve up``, uploads of 62-channel 1 kHz EDFs (or of 32-channel BDFs
with EDA, face video and music), per-stage times.

Run: ``nice python -m bench.e2e [--minutes 1 10] [--jobs 5] [--backend inprocess]
[--multimodal]``.

Starts the service as a user would (``python -m api.cli up`` on free ports, a fresh data
folder, Redis when it answers, else the filesystem broker), writes a synthetic 62-channel,
1 kHz EDF of each length (noise, a 10 Hz rhythm, 50 Hz mains, DC offsets; see
`bench.features.write_recording`; with ``--multimodal`` a 32-channel 512 Hz BDF with a
GSR channel, a 25-fps face video and a song, `write_multimodal`) and runs ``--jobs``
jobs one after the other on each,
every model the recording feeds. Per job it measures, from the client: ``upload`` (POST
of the file), ``queue`` (job accepted until a worker reports it running), ``result``
(job accepted until its result is readable), ``figures`` (job accepted until it
succeeded, its figures stored) and ``total`` (upload start to result); and,
from the difference of the service's ``/metrics`` before and after the job: the
worker's time in each stage (``stage:reading``, ``stage:features``, ...), in making
each modality's inputs (``features:eeg``, ``features:face``, ...) and in the model
requests of each model (``model:strnn``, ...). Prints p50 and p90 over the jobs
per length, with the machine's 1-minute load average beside every row, and the peak
resident memory (VmHWM) of the largest worker process after each length. Then it queues
``--queued`` jobs at once on the shortest recording, first with their figures, then with
the job option ``figures: false``, and prints, with ``--workers`` worker processes, the
results readable per minute and the jobs succeeded (figures stored, if any) per minute.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import numpy as np
import psutil
from prometheus_client.parser import text_string_to_metric_families

from bench.features import write_recording
from bench.inference import free_port
from core.cards import montage_channels
from tests.signals.devices import eeg_signals
from tests.worker.multimodal import write_moving_face, write_wav

#: Rate of the multimodal BDF (BioSemi's usual 512 Hz), Hz.
MULTIMODAL_SFREQ = 512.0

ROOT = Path(__file__).resolve().parents[1]
SUMS = {
    "affectserve_stage_seconds_sum": ("stage", "stage"),
    "affectserve_model_request_seconds_sum": ("model", "model"),
    "affectserve_feature_seconds_sum": ("features", "modality"),
}


@contextmanager
def service(folder: Path, backend: str, workers: int) -> Iterator[tuple[str, psutil.Process]]:
    """Run ``affectserve up`` until the block ends; yield its URL and process."""
    port = free_port()
    env = {
        **os.environ,
        "AFFECTSERVE_MODEL_BACKEND": backend,
        "AFFECTSERVE_QUEUE": f"bench-{uuid.uuid4().hex[:8]}",
        "AFFECTSERVE_TORCHSERVE_URL": f"http://127.0.0.1:{free_port()}",
        "AFFECTSERVE_TORCHSERVE_MANAGEMENT_URL": f"http://127.0.0.1:{free_port(span=4)}",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    log = folder / "up.log"
    command = [sys.executable, "-m", "api.cli", "up", "--port", str(port)]
    command += ["--data-dir", str(folder / "data"), "--workers", str(workers)]
    with open(log, "w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"affectserve up did not start:\n{log.read_text()[-3000:]}")
            try:
                if httpx.get(f"{url}/health", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        yield url, psutil.Process(process.pid)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=180)


def metric_sums(url: str) -> dict[str, float]:
    """Seconds so far in each stage (``stage:NAME``), model's requests (``model:NAME``) and
    modality's features (``features:MODALITY``)."""
    sums: dict[str, float] = {}
    text = httpx.get(f"{url}/metrics", timeout=30).text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name in SUMS:
                prefix, label = SUMS[sample.name]
                key = f"{prefix}:{sample.labels[label]}"
                sums[key] = sums.get(key, 0.0) + sample.value
    return sums


def write_multimodal(folder: Path, duration_s: float) -> tuple[Path, list[Path]]:
    """A 32-channel 512 Hz BDF with a GSR channel, its face video and a song.

    The 32 DEAP/BioSemi EEG channels (`tests.signals.devices.eeg_signals`, µV) feed the
    EEG models through interpolation, the GSR (a 3 µS level with a response every 10 s,
    in µS) and the song feed RTCAN-1D, the EEG and the 25-fps 640 x 480 video of a
    drifting face (`tests.worker.multimodal.write_moving_face`) feed AIMSTF-SSFF.
    Returns the BDF and its companions.
    """
    import edfio

    sfreq = MULTIMODAL_SFREQ
    eeg = eeg_signals(32, sfreq, duration_s)
    lag = (np.arange(eeg.shape[1]) / sfreq) % 10.0
    gsr = 3.0 + 0.5 * (np.exp(-lag / 2.0) - np.exp(-lag / 0.7))
    signals = [
        edfio.BdfSignal(
            row,
            sampling_frequency=sfreq,
            label=label,
            physical_dimension=unit,
            physical_range=span,
            digital_range=(-(2**23), 2**23 - 1),
        )
        for row, label, unit, span in [
            *(
                (row, label, "uV", (-1000.0, 1000.0))
                for row, label in zip(eeg, montage_channels("deap32"), strict=True)
            ),
            (gsr, "GSR1", "uS", (0.0, 40.0)),
        ]
    ]
    path = folder / f"{duration_s / 60:g}min-multimodal.bdf"
    edfio.Bdf(signals).write(path)
    video = write_moving_face(path.with_suffix(".mp4"), duration_s)
    song = write_wav(folder / f"{duration_s / 60:g}min-song.wav", duration_s=30.0)
    return path, [video, song]


def upload(url: str, path: Path, companions: tuple[Path, ...] = ()) -> dict:
    """Upload ``path`` with its ``companions``; return the recording as the API reads it."""
    with ExitStack() as stack:
        files = [("file", (path.name, stack.enter_context(open(path, "rb"))))]
        files += [("companions", (c.name, stack.enter_context(open(c, "rb")))) for c in companions]
        reply = httpx.post(f"{url}/v1/recordings", files=files, timeout=600)
    reply.raise_for_status()
    return reply.json()


def submit(url: str, recording: dict, figures: bool = True) -> str:
    """Queue a job with every model the recording feeds (trained or not), with or without
    its ``figures``; the job's URL."""
    body = {
        "recording_ids": [recording["id"]],
        "models": [feed["model"] for feed in recording["models"] if feed["can_feed"]],
        "options": {"allow_untrained": True, "figures": figures},
    }
    reply = httpx.post(f"{url}/v1/jobs", json=body, timeout=60)
    reply.raise_for_status()
    return f"{url}/v1/jobs/{reply.json()['id']}"


def wait(job_url: str) -> dict[str, float]:
    """Poll a job until it succeeds; when it started ``running``, when its ``result`` was
    first readable (fetched as soon as the job links it) and when it ``succeeded``
    (figures stored), from `time.perf_counter`."""
    seen: dict[str, float] = {}
    while True:
        job = httpx.get(job_url, timeout=30).json()
        now = time.perf_counter()
        if job["state"] != "queued":
            seen.setdefault("running", now)
        if "result" not in seen and "result" in job["links"]:
            httpx.get(f"{job_url}/result", timeout=60).raise_for_status()
            seen["result"] = time.perf_counter()
        if job["state"] in ("succeeded", "failed", "cancelled"):
            break
        time.sleep(0.02)
    if job["state"] != "succeeded":
        raise RuntimeError(f"job {job['id']} {job['state']}: {job.get('error')}")
    seen["succeeded"] = now
    return seen


def run_job(url: str, path: Path, companions: tuple[Path, ...] = ()) -> dict[str, float]:
    """Upload ``path`` (with ``companions``), run a job with every model it feeds; seconds
    of each part."""
    before = metric_sums(url)
    start = time.perf_counter()
    recording = upload(url, path, companions)
    uploaded = time.perf_counter()
    job_url = submit(url, recording)
    accepted = time.perf_counter()
    seen = wait(job_url)
    after = metric_sums(url)
    times = {
        "upload": uploaded - start,
        "queue": seen["running"] - accepted,
        "result": seen["result"] - accepted,
        "figures": seen["succeeded"] - accepted,
        "total": seen["result"] - start,
    }
    times.update({key: after[key] - before.get(key, 0.0) for key in sorted(after)})
    return times


def jobs_per_minute(
    url: str, path: Path, n_jobs: int, companions: tuple[Path, ...] = (), figures: bool = True
) -> tuple[float, float]:
    """Queue ``n_jobs`` jobs on one uploaded recording at once, with or without their
    ``figures``; results per minute (from the first submission to the last result
    readable) and jobs succeeded per minute (to the last job with its figures, if any)."""
    recording = upload(url, path, companions)
    start = time.perf_counter()
    job_urls = [submit(url, recording, figures) for _ in range(n_jobs)]
    seen = [wait(job_url) for job_url in job_urls]
    results = max(s["result"] for s in seen) - start
    succeeded = max(s["succeeded"] for s in seen) - start
    return 60.0 * n_jobs / results, 60.0 * n_jobs / succeeded


def worker_peak_mb(up: psutil.Process) -> float:
    """Largest peak resident memory (VmHWM) of the Celery processes under ``up``, MB."""
    peaks = [0.0]
    for process in up.children(recursive=True):
        try:
            if "celery" not in " ".join(process.cmdline()):
                continue
            status = Path(f"/proc/{process.pid}/status").read_text()
        except (psutil.NoSuchProcess, FileNotFoundError):
            continue
        line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
        peaks.append(int(line.split()[1]) / 1e3)
    return max(peaks)


def main() -> None:
    """Start the service, run the jobs and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, nargs="+", default=[1.0, 10.0])
    parser.add_argument("--jobs", type=int, default=5, help="jobs per recording length")
    parser.add_argument("--backend", choices=["inprocess", "torchserve"], default="inprocess")
    parser.add_argument("--workers", type=int, default=1, help="Celery worker processes")
    parser.add_argument(
        "--queued", type=int, default=20, help="jobs queued at once on the shortest recording"
    )
    parser.add_argument(
        "--multimodal",
        action="store_true",
        help="32-ch 512 Hz BDF with GSR, face video and song (`write_multimodal`) instead "
        "of the 62-ch EDF",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        recordings = {
            minutes: write_multimodal(folder, 60.0 * minutes)
            if args.multimodal
            else (write_recording(folder / f"{minutes:g}min.edf", 60.0 * minutes), [])
            for minutes in args.minutes
        }
        shortest, shortest_companions = recordings[min(recordings)]
        with service(folder, args.backend, args.workers) as (url, up):
            # warm-up: each worker process loads the models on its first job
            jobs_per_minute(url, shortest, 2 * args.workers, tuple(shortest_companions))
            device = os.environ.get("AFFECTSERVE_MODEL_DEVICE", "cpu")
            where = f" on {device}" if args.backend == "inprocess" else ""
            print(f"backend {args.backend}{where}, {args.workers} worker(s); seconds per job")
            print(f"{'recording':<10} {'part':<22} {'p50':>8} {'p90':>8} {'load':>6}")
            for minutes, (path, companions) in recordings.items():
                jobs = [run_job(url, path, tuple(companions)) for _ in range(args.jobs)]
                load = os.getloadavg()[0]
                for part in jobs[0]:
                    values = np.array([job.get(part, 0.0) for job in jobs])
                    p50, p90 = np.percentile(values, [50, 90])
                    print(
                        f"{minutes:g} min{'':<5} {part:<22} {p50:>8.3f} {p90:>8.3f} {load:>6.2f}"
                    )
                print(
                    f"{minutes:g} min{'':<5} {'worker peak RSS (MB)':<22} "
                    f"{worker_peak_mb(up):>8.0f} {'':>8} {load:>6.2f}",
                    flush=True,
                )
            for figures in (True, False) if args.queued else ():
                results, succeeded = jobs_per_minute(
                    url, shortest, args.queued, tuple(shortest_companions), figures
                )
                print(
                    f"{min(recordings):g} min, {args.queued} jobs queued at once, figures "
                    f"{'on' if figures else 'off'}: {results:.1f} results/min, "
                    f"{succeeded:.1f} jobs succeeded/min (load {os.getloadavg()[0]:.2f})"
                )


if __name__ == "__main__":
    main()
