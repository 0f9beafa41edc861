"""One job, start to end: read each recording, make each model's inputs, predict,
aggregate, store the result (readable from then on), draw the figures, and report
progress at every stage."""

from __future__ import annotations

import logging
import os
import platform
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from celery.exceptions import SoftTimeLimitExceeded
from numpy.typing import NDArray
from sqlalchemy.orm import Session, sessionmaker

from core.cards import ModelCard
from core.config import Settings
from core.metrics import ERRORS, MODEL_SECONDS, STAGE_SECONDS, timed
from core.reliability import agreement, reliability
from core.schemas import (
    FigureManifest,
    JobOptions,
    JobProgress,
    JobResult,
    JobState,
    ModelResult,
    ModelSummary,
    Provenance,
    RecordingResult,
    Segment,
    SegmentSummary,
    Stage,
    WindowPrediction,
)
from core.storage import recording_files, storage_for, write_figures, write_result
from core.store import (
    Job,
    Recording,
    claim_job,
    update_attempt,
)
from core.versions import is_version_ref, resolve_card
from model_store.clients import (
    InProcessClient,
    ModelClient,
    ModelServerError,
    ModelServerUnavailableError,
)
from signals.feeding import (
    CannotFeedError,
    ModelInputs,
    RecipeMemo,
    prepare_feature_inputs,
    prepare_inputs,
)
from signals.io import UnreadableRecordingError, read_features, read_raw
from signals.segments import inside, recording_segments, trial_segments
from worker.figures import merge_manifests, recording_figures, store_figures

if TYPE_CHECKING:
    import mne

logger = logging.getLogger(__name__)

#: Largest request body sent to a model server, bytes (TorchServe refuses over 6,553,500).
MAX_REQUEST_BYTES = 4_000_000
#: How often a job that waits for the model server asks whether it is back, s.
MODEL_SERVER_POLL_S = 2.0
PACKAGES = ("affectserve", "mne", "numpy", "scipy", "torch", "celery")


class JobCancelledError(Exception):
    """The job was cancelled, swept or taken over by another delivery while it ran."""


def time_limit_message(seconds: float) -> str:
    """What a job stopped at Celery's soft time limit (``job_time_limit_s``) says."""
    return (
        f"the job ran longer than {seconds:g} s (AFFECTSERVE_JOB_TIME_LIMIT_S) and was "
        "stopped; split the recording or ask the operator to raise the limit"
    )


#: The progress message of a job whose result is readable while its figures are drawn.
RESULT_READY_MESSAGE = "the result is ready; drawing the figures"


@dataclass
class Progress:
    """Counts finished steps of a job and writes them to the store."""

    session: Session
    job_id: str
    attempt: int
    total: int
    done: float = 0.0

    def advance(self, stage: Stage, steps: float = 1.0) -> None:
        """Record ``steps`` finished steps of ``stage``; stop if this attempt lost the job."""
        self.done = min(self.done + steps, self.total)
        self._write(JobProgress.at(stage, self.done, self.total))

    def wait(self, stage: Stage, message: str) -> None:
        """Say what the job waits for in ``stage``; stop if this attempt lost the job."""
        self._write(JobProgress.at(stage, self.done, self.total, message))

    def publish(self, result_path: str, figures: bool) -> None:
        """Make the stored result ``result_path`` readable, while the figures are drawn
        when the job has ``figures``."""
        message = RESULT_READY_MESSAGE if figures else "the result is ready"
        progress = JobProgress.at(Stage.PLOTS, self.done, self.total, message)
        self._write(progress, result_path=result_path)

    def _write(self, progress: JobProgress, **fields: Any) -> None:
        if not update_attempt(
            self.session, self.job_id, self.attempt, progress=progress, **fields
        ):
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
    on_wait: Callable[[str], None] = lambda _message: None,
    patience_s: float = 0.0,
) -> NDArray[np.float32]:
    """Send the windows in batches of ``batch_size``; returns all probabilities.

    A batch is made smaller where its windows would exceed `MAX_REQUEST_BYTES` (face
    frames). ``on_batch`` is called after each batch with the fraction of windows it held.
    A batch the model server cannot take now waits for it (`predict_patiently`).
    """
    n_windows = len(next(iter(arrays.values())))
    batch_size = windows_per_request(arrays, batch_size)
    parts = []
    for start in range(0, n_windows, batch_size):
        batch = {name: a[start : start + batch_size] for name, a in arrays.items()}
        parts.append(predict_patiently(client, model, batch, on_wait, patience_s))
        on_batch(len(parts[-1]) / n_windows)
    return np.concatenate(parts, axis=0)


def predict_patiently(
    client: ModelClient,
    model: str,
    batch: dict[str, NDArray[np.floating]],
    on_wait: Callable[[str], None],
    patience_s: float,
) -> NDArray[np.float32]:
    """``client.predict``, waiting up to ``patience_s`` for a model server that cannot
    serve ``model`` now (unreachable, restarting, no worker for the model).

    While it waits, ``on_wait`` gets a sentence about it every `MODEL_SERVER_POLL_S`, and
    the client's ``health`` is asked whether the model can be served again; then the batch
    is sent again.

    Raises
    ------
    ModelServerError
        When the server failed the request, or could not serve the model for
        ``patience_s`` (the message names ``AFFECTSERVE_MODEL_SERVER_PATIENCE_S``).
    """
    started = time.monotonic()
    while True:
        try:
            with timed(MODEL_SECONDS, model=model, backend=client.name):
                return client.predict(model, batch)
        except ModelServerUnavailableError as err:
            problem = str(err)
        while True:
            waited = time.monotonic() - started
            if waited >= patience_s:
                raise ModelServerError(
                    f"the model server could not serve {model} for {patience_s:g} s "
                    f"(AFFECTSERVE_MODEL_SERVER_PATIENCE_S): {problem}; submit the job again "
                    "once the model server is back"
                )
            on_wait(
                f"waiting for the model server to serve {model} ({waited:.0f} s so far, at "
                f"most {patience_s:g} s): {problem}"
            )
            time.sleep(min(MODEL_SERVER_POLL_S, patience_s - waited))
            if client.health([model]).ok:
                break


def window_predictions(
    labels: list[str], inputs: ModelInputs, probs: NDArray[np.floating]
) -> list[WindowPrediction]:
    """Each window's start and end (s), class probabilities and predicted label.

    Row ``k`` of ``probs`` belongs to the window starting at ``inputs.window_starts[k]``.
    """
    return [
        WindowPrediction(
            start_s=round(float(start), 6),
            end_s=round(float(start) + inputs.window_s, 6),
            probabilities={label: float(p) for label, p in zip(labels, row, strict=True)},
            label=labels[int(row.argmax())],
        )
        for start, row in zip(inputs.window_starts, probs, strict=True)
    ]


def model_summary(labels: list[str], probs: NDArray[np.floating]) -> ModelSummary:
    """Windows per predicted label, mean probabilities and the dominant (highest mean) label."""
    counts = np.bincount(probs.argmax(axis=1), minlength=len(labels))
    mean = probs.mean(axis=0)
    return ModelSummary(
        n_windows=len(probs),
        label_counts={label: int(c) for label, c in zip(labels, counts, strict=True)},
        mean_probabilities={label: float(p) for label, p in zip(labels, mean, strict=True)},
        dominant_label=labels[int(mean.argmax())],
    )


def segment_summaries(
    labels: list[str], inputs: ModelInputs, probs: NDArray[np.floating], segments: list[Segment]
) -> list[SegmentSummary]:
    """`model_summary` of the windows wholly inside each segment that holds any.

    ``segment`` of each summary is the segment's position in ``segments``.
    """
    summaries = []
    for index, segment in enumerate(segments):
        chosen = inside(segment, inputs.window_starts, inputs.window_s)
        if chosen.any():
            summary = model_summary(labels, probs[chosen])
            summaries.append(SegmentSummary(segment=index, **summary.model_dump()))
    return summaries


def provenance(card: ModelCard, client: ModelClient) -> Provenance:
    """What produced a model's result: version, weights, recipe, packages, backend."""
    return Provenance(
        model_version=card.version,
        weights_status=card.weights_status,
        weights_sha256=card.weights_sha256 if card.weights_status == "ready" else None,
        recipe={spec.name: [s.model_dump() for s in spec.recipe] for spec in card.inputs},
        packages=package_versions(),
        backend=client.name,
    )


def model_result(
    card: ModelCard,
    inputs: ModelInputs,
    probs: NDArray[np.floating],
    client: ModelClient,
    segments: list[Segment] | None = None,
) -> ModelResult:
    """One model's result for one recording, from its inputs and output probabilities.

    Parameters
    ----------
    card : ModelCard
        The model.
    inputs : ModelInputs
        What it was fed (window times, notes).
    probs : array, shape (n_windows, n_labels)
        Its class probabilities, one row per window of ``inputs``.
    client : ModelClient
        The backend that ran it (named in the provenance).
    segments : list of Segment | None
        The recording's segments (`signals.segments`), summarised one by one.

    Raises
    ------
    ModelServerError
        When ``probs`` is not one row per window and one column per label.
    """
    if probs.shape != (len(inputs.window_starts), len(card.labels)):
        raise ModelServerError(
            f"the {card.name} model answered probabilities of shape {probs.shape} for "
            f"{len(inputs.window_starts)} windows of {len(card.labels)} classes; check that "
            "the model server runs the model this card describes"
        )
    return ModelResult(
        model=card.name,
        labels=card.labels,
        window_s=inputs.window_s,
        windows=window_predictions(card.labels, inputs, probs),
        summary=model_summary(card.labels, probs),
        warnings=_warnings(card) + inputs.notes,
        provenance=provenance(card, client),
        montage=inputs.montage,
        reliability=reliability(card, inputs.montage.montage if inputs.montage else None),
        segments=segment_summaries(card.labels, inputs, probs, segments or []),
    )


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
    it again from the beginning and overwrites nothing but the job's own row, result and
    figures. Under Celery, the task's soft time limit (``job_time_limit_s``) stops the job
    and fails it with `time_limit_message`.
    """
    attempt = claim(job_id, sessions, settings, worker or f"{platform.node()}:{os.getpid()}")
    if attempt is None:
        return
    logger.info("running (attempt %d)", attempt)
    with sessions() as session, heartbeat(sessions, job_id, attempt, settings.heartbeat_s):
        job = session.get(Job, job_id)
        cards = {name: resolve_card(settings, job.owner, name) for name in job.models}
        recordings = [session.get(Recording, rid) for rid in job.recording_ids]
        steps = len(recordings) * (2 + 3 * len(cards))
        progress = Progress(session, job_id, attempt, total=steps)
        try:
            figures = _run(job, recordings, cards, client, settings, progress)
        except JobCancelledError:
            logger.info("stopped: cancelled or taken over")
            return
        except SoftTimeLimitExceeded:
            logger.warning("stopped at the time limit (%g s)", settings.job_time_limit_s)
            ERRORS.labels(kind="job_time_limit").inc()
            error = time_limit_message(settings.job_time_limit_s)
            update_attempt(session, job_id, attempt, state=JobState.FAILED, error=error)
            return
        except (UnreadableRecordingError, CannotFeedError, ModelServerError, ValueError) as err:
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
        if figures is not None:
            write_figures(storage_for(settings), job_id, figures)
        if update_attempt(
            session,
            job_id,
            attempt,
            state=JobState.SUCCEEDED,
            progress=JobProgress.at(Stage.DONE, progress.total, progress.total),
        ):
            drawn = "without figures" if figures is None else f"figures in {figures.seconds:.2f} s"
            logger.info("succeeded; %s", drawn)


def _run(
    job: Job,
    recordings: list[Recording | None],
    cards: dict[str, ModelCard],
    client: ModelClient,
    settings: Settings,
    progress: Progress,
) -> FigureManifest | None:
    """Every recording through every model, the result published, then the figures.

    The result is readable (`Progress.publish`) as soon as every model has run; the
    figures are drawn after it, from the recordings opened again (their local files are
    kept meanwhile: an object store downloads each once), and listed in the returned
    manifest; None for a job whose options ask for no figures.
    """
    storage = storage_for(settings)
    present = []
    for recording_id, recording in zip(job.recording_ids, recordings, strict=True):
        if recording is None:
            raise ValueError(f"recording {recording_id} no longer exists; upload it again")
        present.append(recording)
    with ExitStack() as stack:
        files = [stack.enter_context(recording_files(storage, r)) for r in present]
        parts = [
            _recording_result(recording, local, job.owner, cards, client, settings, progress)
            for recording, local in zip(present, files, strict=True)
        ]
        wanted = JobOptions(**job.options).figures
        progress.publish(write_result(storage, JobResult(job_id=job.id, recordings=parts)), wanted)
        if not wanted:
            return None
        figures = []
        for index, (recording, part, (path, companions)) in enumerate(
            zip(present, parts, files, strict=True)
        ):
            with timed(STAGE_SECONDS, stage=Stage.PLOTS):
                raw = _signals(recording, path, companions)
                drawings = recording_figures(index, part, raw)
                figures.append(store_figures(drawings, storage, job.id))
            progress.advance(Stage.PLOTS)
    return merge_manifests(figures)


def _recording_result(
    recording: Recording,
    files: tuple[Path, dict[str, Path]],
    owner: str | None,
    cards: dict[str, ModelCard],
    client: ModelClient,
    settings: Settings,
    progress: Progress,
) -> RecordingResult:
    """One recording, read once from its local ``files`` (`recording_files`), run through
    every model of ``cards`` (model versions of ``owner`` included)."""
    path, companions = files
    progress.advance(Stage.READING, 0)
    with timed(STAGE_SECONDS, stage=Stage.READING):
        segments, make_inputs = _reader(recording, path, companions, cards)
    progress.advance(Stage.READING)
    models = {}
    for name, card in cards.items():
        runner = _versions_client(settings, owner) if is_version_ref(name) else client
        with timed(STAGE_SECONDS, stage=Stage.FEATURES):
            inputs = make_inputs(card)
        progress.advance(Stage.FEATURES)
        with timed(STAGE_SECONDS, stage=Stage.INFERENCE):
            probs = predict_windows(
                runner,
                name,
                inputs.arrays,
                settings.batch_size,
                lambda fraction: progress.advance(Stage.INFERENCE, fraction),
                lambda message: progress.wait(Stage.INFERENCE, message),
                settings.model_server_patience_s,
            )
        with timed(STAGE_SECONDS, stage=Stage.AGGREGATING):
            named = card.model_copy(update={"name": name})
            models[name] = model_result(named, inputs, probs, runner, segments)
        progress.advance(Stage.AGGREGATING)
    return RecordingResult(
        recording_id=recording.id,
        filename=recording.filename,
        models=models,
        segments=segments,
        agreement=agreement(list(models.values())),
    )


def _versions_client(settings: Settings, owner: str | None) -> ModelClient:
    """Model versions trained through the service run in this worker, for their owner."""
    return InProcessClient(
        settings.model_device,
        threads=settings.torch_threads,
        card_of=lambda ref: resolve_card(settings, owner, ref),
    )


def _is_feature_file(recording: Recording) -> bool:
    return recording.header.get("kind") == "features"


def _signals(
    recording: Recording, path: Path, companions: dict[str, Path]
) -> mne.io.BaseRaw | None:
    """The signals of a recording from its local files; None for a feature file."""
    if _is_feature_file(recording):
        return None
    return read_raw(path, companions, recording.options or {})


def _reader(
    recording: Recording,
    path: Path,
    companions: dict[str, Path],
    cards: dict[str, ModelCard],
) -> tuple[list[Segment], Callable[[ModelCard], ModelInputs]]:
    """Read a recording once from its local files (`recording_files`): its segments
    (annotations, trigger codes or trials), and the function that makes a model's inputs
    from it (those of ``cards`` that share a recipe prefix share its result:
    `signals.feeding.RecipeMemo`)."""
    raw = _signals(recording, path, companions)
    if raw is None:
        features = read_features(path, companions, recording.options or {})
        return trial_segments(features), lambda card: prepare_feature_inputs(features, card)
    memo = RecipeMemo.for_cards(cards.values())
    return recording_segments(raw), lambda card: prepare_inputs(raw, card, companions, memo=memo)


def _warnings(card: ModelCard) -> list[str]:
    if card.weights_status == "ready":
        return []
    return [
        f"{card.name} has no trained weights: these predictions come from an untrained "
        f"network and mean nothing. Train it with: {card.training.command}"
    ]
