"""One job, start to end: read each recording, make each model's inputs, predict,
aggregate, store the result, and report progress at every stage."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import platform
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy.orm import Session, sessionmaker

from core.cards import ModelCard
from core.config import Settings
from core.metrics import ERRORS, MODEL_SECONDS, STAGE_SECONDS, timed
from core.schemas import WORK_STAGES, JobState
from core.store import Job, Recording, claim_job, update_attempt
from core.versions import is_version_ref, resolve_card
from model_store.clients import InProcessClient, ModelClient, ModelServerError
from signals.feeding import (
    CannotFeedError,
    ModelInputs,
    prepare_feature_inputs,
    prepare_inputs,
)
from signals.io import UnreadableRecordingError, read_features, read_raw

logger = logging.getLogger(__name__)

#: Largest request body sent to a model server, bytes (TorchServe refuses over 6,553,500).
MAX_REQUEST_BYTES = 4_000_000
PACKAGES = ("affectserve", "mne", "numpy", "scipy", "torch", "celery")


class JobCancelledError(Exception):
    """The job was cancelled, swept or taken over by another delivery while it ran."""


class JobTimeLimitError(Exception):
    """The job ran past ``job_time_limit_s``."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise `JobTimeLimitError` in the block after ``seconds`` (main thread only).

    A hung reader or model call cannot hold a worker for ever. Celery runs tasks in
    the main thread of its pool processes; elsewhere (a thread) there is no limit. An
    outer timer (a test runner's) is set again afterwards.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(_signum: int, _frame: object) -> None:
        raise JobTimeLimitError(
            f"the job ran longer than {seconds:g} s (AFFECTSERVE_JOB_TIME_LIMIT_S) and was "
            "stopped; split the recording or ask the operator to raise the limit"
        )

    previous = signal.signal(signal.SIGALRM, expire)
    outer_s, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
    started = time.monotonic()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer_s:
            left = outer_s - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-3))


@dataclass
class Progress:
    """Counts finished steps of a job and writes them to the store."""

    session: Session
    job_id: str
    attempt: int
    total: int
    done: float = 0.0

    def advance(self, stage: str, steps: float = 1.0) -> None:
        """Record ``steps`` finished steps of ``stage``; stop if this attempt lost the job."""
        self.done = min(self.done + steps, self.total)
        percent = round(100.0 * self.done / self.total, 1)
        progress = {
            "stage": stage,
            "done": round(self.done, 2),
            "total": self.total,
            "percent": percent,
        }
        if not update_attempt(self.session, self.job_id, self.attempt, progress=progress):
            raise JobCancelledError(self.job_id)


@contextmanager
def heartbeat(
    sessions: sessionmaker[Session], job_id: str, attempt: int, interval_s: float
) -> Iterator[None]:
    """Refresh the job's ``updated_at`` every ``interval_s`` while the block runs.

    The heartbeat tells a new delivery of the job (after a lost worker) and the sweeper
    that this attempt is alive, even while one long model request runs.
    """
    stop = threading.Event()

    def beat() -> None:
        with sessions() as session:
            while not stop.wait(interval_s):
                if not update_attempt(session, job_id, attempt):
                    return

    thread = threading.Thread(target=beat, name=f"heartbeat-{job_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def package_versions() -> dict[str, str]:
    """Versions of the packages that shape a result (not imported, only looked up)."""
    versions = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def windows_per_request(
    arrays: dict[str, NDArray[np.floating]], batch_size: int, max_bytes: int = MAX_REQUEST_BYTES
) -> int:
    """``batch_size``, lowered so that one request's windows (as float32) fit ``max_bytes``."""
    window_bytes = sum(4 * int(np.prod(a.shape[1:])) for a in arrays.values())
    return max(1, min(batch_size, max_bytes // max(window_bytes, 1)))


def predict_windows(
    client: ModelClient,
    model: str,
    arrays: dict[str, NDArray[np.floating]],
    batch_size: int,
    on_batch: Callable[[float], None],
) -> NDArray[np.float32]:
    """Send the windows in batches of ``batch_size``; returns all probabilities.

    A batch is made smaller where its windows would exceed `MAX_REQUEST_BYTES` (face
    frames). ``on_batch`` is called after each batch with the fraction of windows it held.
    """
    n_windows = len(next(iter(arrays.values())))
    batch_size = windows_per_request(arrays, batch_size)
    parts = []
    for start in range(0, n_windows, batch_size):
        batch = {name: a[start : start + batch_size] for name, a in arrays.items()}
        with timed(MODEL_SECONDS, model=model, backend=client.name):
            parts.append(client.predict(model, batch))
        on_batch(len(parts[-1]) / n_windows)
    return np.concatenate(parts, axis=0)


def summarise(card: ModelCard, inputs: ModelInputs, probs: NDArray[np.floating]) -> dict[str, Any]:
    """Per-window predictions and the per-recording summary of one model."""
    labels = card.labels
    predicted = probs.argmax(axis=1)
    windows = [
        {
            "start_s": round(float(start), 6),
            "end_s": round(float(start) + inputs.window_s, 6),
            "probabilities": {label: float(p) for label, p in zip(labels, row, strict=True)},
            "label": labels[int(k)],
        }
        for start, row, k in zip(inputs.window_starts, probs, predicted, strict=True)
    ]
    counts = np.bincount(predicted, minlength=len(labels))
    mean = probs.mean(axis=0)
    return {
        "windows": windows,
        "summary": {
            "n_windows": len(windows),
            "label_counts": {label: int(c) for label, c in zip(labels, counts, strict=True)},
            "mean_probabilities": {label: float(p) for label, p in zip(labels, mean, strict=True)},
            "dominant_label": labels[int(mean.argmax())],
        },
    }


def provenance(card: ModelCard, client: ModelClient) -> dict[str, Any]:
    """What produced a model's result: version, weights, recipe, packages, backend."""
    return {
        "model_version": card.version,
        "weights_status": card.weights_status,
        "weights_sha256": card.weights_sha256 if card.weights_status == "ready" else None,
        "recipe": {spec.name: [s.model_dump() for s in spec.recipe] for spec in card.inputs},
        "packages": package_versions(),
        "backend": client.name,
    }


def write_json_atomic(folder: Path, payload: dict[str, Any]) -> Path:
    """Write JSON content-addressed into ``folder``: a temporary file, then a rename.

    Returns the path ``folder/<sha256 of the bytes>.json``; writing the same payload twice
    (a job delivered again) gives the same file.
    """
    data = json.dumps(payload).encode()
    path = folder / f"{hashlib.sha256(data).hexdigest()}.json"
    tmp = folder / f".{path.stem}.{os.getpid()}.{threading.get_ident()}.tmp"
    tmp.write_bytes(data)
    tmp.replace(path)
    return path


def claim(
    job_id: str, sessions: sessionmaker[Session], settings: Settings, worker: str
) -> int | None:
    """Claim job ``job_id`` for this delivery; the attempt number, or None to drop it.

    A running job with a fresh heartbeat may belong to a worker that just died (the
    broker hands its job out at once): wait up to three heartbeats for it to go stale.
    """
    deadline = time.monotonic() + settings.claim_after_s + settings.heartbeat_s
    with sessions() as session:
        while True:
            attempt = claim_job(session, job_id, worker, settings.claim_after_s)
            job = session.get(Job, job_id)
            if job is not None:
                session.refresh(job)
            if attempt is not None or job is None or job.state != JobState.RUNNING:
                break
            if time.monotonic() > deadline:
                logger.info("running elsewhere (%s); this delivery is a duplicate", job.worker)
                return None
            time.sleep(settings.heartbeat_s / 2)
        if attempt is None:
            logger.info("nothing to do (%s)", job.state if job else "unknown")
            return None
        if attempt > settings.max_attempts:
            ERRORS.labels(kind="job_worker_lost").inc()
            update_attempt(
                session,
                job_id,
                attempt,
                state=JobState.FAILED,
                error=(
                    f"the worker was lost {attempt - 1} times while running this job "
                    f"(AFFECTSERVE_MAX_ATTEMPTS={settings.max_attempts}); the recording may "
                    "be too large for the worker's memory"
                ),
            )
            return None
        return attempt


def run_job(
    job_id: str,
    sessions: sessionmaker[Session],
    client: ModelClient,
    settings: Settings,
    worker: str = "",
) -> None:
    """Run job ``job_id`` to a final state (``succeeded``, ``failed`` or ``cancelled``).

    Every stage is idempotent: a delivery that takes over a job from a lost worker starts
    it again from the beginning and overwrites nothing but the job's own row and result.
    """
    attempt = claim(job_id, sessions, settings, worker or f"{platform.node()}:{os.getpid()}")
    if attempt is None:
        return
    logger.info("running (attempt %d)", attempt)
    with sessions() as session, heartbeat(sessions, job_id, attempt, settings.heartbeat_s):
        job = session.get(Job, job_id)
        cards = {name: resolve_card(settings, job.owner, name) for name in job.models}
        recordings = [session.get(Recording, rid) for rid in job.recording_ids]
        steps = len(recordings) * (1 + len(WORK_STAGES[1:]) * len(cards))
        progress = Progress(session, job_id, attempt, total=steps)
        try:
            with time_limit(settings.job_time_limit_s):
                result = _run(job, recordings, cards, client, settings, progress)
        except JobCancelledError:
            logger.info("stopped: cancelled or taken over")
            return
        except (
            UnreadableRecordingError,
            CannotFeedError,
            ModelServerError,
            JobTimeLimitError,
            ValueError,
        ) as err:
            logger.warning("failed: %s", err)
            ERRORS.labels(kind=f"job_{type(err).__name__}").inc()
            update_attempt(session, job_id, attempt, state=JobState.FAILED, error=str(err))
            return
        except Exception as err:
            logger.exception("failed with an unexpected error")
            ERRORS.labels(kind="job_internal").inc()
            error = f"internal error ({type(err).__name__}: {err}); see the worker log"
            update_attempt(session, job_id, attempt, state=JobState.FAILED, error=error)
            return
        path = write_json_atomic(settings.results_dir, result)
        final = {
            "stage": "done",
            "done": progress.total,
            "total": progress.total,
            "percent": 100.0,
        }
        if update_attempt(
            session,
            job_id,
            attempt,
            state=JobState.SUCCEEDED,
            result_path=str(path),
            progress=final,
        ):
            logger.info("succeeded")


def _run(
    job: Job,
    recordings: list[Recording | None],
    cards: dict[str, ModelCard],
    client: ModelClient,
    settings: Settings,
    progress: Progress,
) -> dict[str, Any]:
    out = []
    for recording_id, recording in zip(job.recording_ids, recordings, strict=True):
        if recording is None:
            raise ValueError(f"recording {recording_id} no longer exists; upload it again")
        progress.advance("reading", 0)
        with timed(STAGE_SECONDS, stage="reading"):
            make_inputs = _reader(recording)
        progress.advance("reading")
        models = {}
        for name, card in cards.items():
            runner = _versions_client(settings, job.owner) if is_version_ref(name) else client
            with timed(STAGE_SECONDS, stage="features"):
                inputs = make_inputs(card)
            progress.advance("features")
            with timed(STAGE_SECONDS, stage="inference"):
                probs = predict_windows(
                    runner,
                    name,
                    inputs.arrays,
                    settings.batch_size,
                    lambda fraction: progress.advance("inference", fraction),
                )
            with timed(STAGE_SECONDS, stage="aggregating"):
                summary = summarise(card, inputs, probs)
            models[name] = {
                "model": name,
                "labels": card.labels,
                "window_s": inputs.window_s,
                **summary,
                "warnings": _warnings(card) + inputs.notes,
                "provenance": provenance(card, runner),
            }
            progress.advance("aggregating")
        out.append(
            {"recording_id": recording.id, "filename": recording.filename, "models": models}
        )
    return {"job_id": job.id, "recordings": out}


def _versions_client(settings: Settings, owner: str | None) -> ModelClient:
    """Model versions trained through the service run in this worker, for their owner."""
    return InProcessClient(card_of=lambda ref: resolve_card(settings, owner, ref))


def _reader(recording: Recording) -> Callable[[ModelCard], ModelInputs]:
    """Read a recording once; return the function that makes a model's inputs from it."""
    path = Path(recording.path)
    companions = {name: Path(p) for name, p in (recording.companions or {}).items()}
    options = recording.options or {}
    if recording.header.get("kind") == "features":
        features = read_features(path, companions, options)
        return lambda card: prepare_feature_inputs(features, card)
    raw = read_raw(path, companions, options)
    return lambda card: prepare_inputs(raw, card, companions)


def _warnings(card: ModelCard) -> list[str]:
    if card.weights_status == "ready":
        return []
    return [
        f"{card.name} has no trained weights: these predictions come from an untrained "
        f"network and mean nothing. Train it with: {card.training.command}"
    ]
