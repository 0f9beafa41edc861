"""One training job, start to end: label the uploads' windows, evaluate by trial, fit on
all trials, and store the new model version with its card.

A training is a job of kind ``training`` in the same store, so it has the same
durability as an inference job: it is claimed with an attempt number, beats a heartbeat,
is taken over after a lost worker and can be cancelled between epochs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from celery.exceptions import SoftTimeLimitExceeded
from sqlalchemy.orm import Session, sessionmaker

from core.cards import load_card
from core.config import Settings
from core.schemas import JobProgress, JobState, Stage
from core.storage import RESULTS, recording_files, storage_for
from core.store import Job, Recording, update_attempt
from core.trainings import TrainingResult, TrainingSpec
from core.versions import version_folder
from model_store.training.calibrate import (
    evaluate,
    final_fit,
    labelled_recording,
    samples_from_inputs,
    write_version,
)
from model_store.training.loop import TrainConfig
from signals.feeding import CannotFeedError
from signals.io import UnreadableRecordingError
from signals.labels import LabelError
from worker.pipeline import JobCancelledError, claim, heartbeat

logger = logging.getLogger(__name__)


def run_training(
    job_id: str, sessions: sessionmaker[Session], settings: Settings, worker: str
) -> None:
    """Run training job ``job_id`` to a final state; the new version goes to the store."""
    attempt = claim(job_id, sessions, settings, worker)
    if attempt is None:
        return
    with sessions() as session, heartbeat(sessions, job_id, attempt, settings.heartbeat_s):
        job = session.get(Job, job_id)
        spec = TrainingSpec.model_validate(job.options["training"])

        def report(done: float, total: int, stage: Stage = Stage.TRAINING) -> None:
            progress = JobProgress.at(stage, done, total)
            if not update_attempt(session, job_id, attempt, progress=progress):
                raise JobCancelledError(job_id)

        try:
            result = _train(job, spec, session, settings, report)
        except JobCancelledError:
            logger.info("training stopped: cancelled or taken over")
            return
        except SoftTimeLimitExceeded:
            error = (
                f"the training ran longer than {settings.training_time_limit_s:g} s "
                "(AFFECTSERVE_TRAINING_TIME_LIMIT_S) and was stopped; train fewer epochs"
            )
            update_attempt(session, job_id, attempt, state=JobState.FAILED, error=error)
            return
        except (
            LabelError,
            CannotFeedError,
            UnreadableRecordingError,
            ValueError,
        ) as err:
            logger.warning("training failed: %s", err)
            update_attempt(session, job_id, attempt, state=JobState.FAILED, error=str(err))
            return
        key = storage_for(settings).put(
            f"{RESULTS}/training-{job_id}.json", result.model_dump_json().encode()
        )
        total = job.progress.total or 1
        done = JobProgress.at(Stage.DONE, total, total)
        update_attempt(
            session,
            job_id,
            attempt,
            state=JobState.SUCCEEDED,
            result_path=key,
            progress=done,
        )


def _train(
    job: Job,
    spec: TrainingSpec,
    session: Session,
    settings: Settings,
    report: Callable[..., None],
) -> TrainingResult:
    card = load_card(spec.model)
    recordings = [session.get(Recording, rid) for rid in job.recording_ids]
    missing = [rid for rid, r in zip(job.recording_ids, recordings, strict=True) if r is None]
    if missing:
        raise ValueError(f"recording {missing[0]} no longer exists; upload it again")
    report(0, 1, Stage.READING)
    storage = storage_for(settings)
    labelled = []
    for r in recordings:
        with recording_files(storage, r) as (path, companions):
            labelled.append(
                labelled_recording(
                    card,
                    path,
                    spec.labels[r.id],
                    r.header.get("kind", "signals"),
                    companions,
                    r.options,
                    r.filename,
                )
            )
    samples = samples_from_inputs(card, labelled)
    config = TrainConfig(
        epochs=spec.settings.epochs,
        batch_size=spec.settings.batch_size,
        lr=spec.settings.lr,
        weight_decay=spec.settings.weight_decay,
        seed=spec.settings.seed,
    )
    base = card.weights_path if spec.base == "shipped" else None
    evaluation = evaluate(card, samples, config, base, on_epoch=report)
    total = config.epochs * (len(evaluation.fold_accuracy) + 1)
    done = config.epochs * len(evaluation.fold_accuracy)
    model = final_fit(card, samples, config, base, on_epoch=lambda e: report(done + e, total))
    folder = version_folder(settings, job.owner, spec.model, job.id)
    dataset = (
        f"{len(recordings)} uploaded recording(s), {evaluation.n_trials} labelled trials, "
        f"{evaluation.n_windows} windows"
    )
    new_card = write_version(
        folder, card, model.cpu(), evaluation, job.id, dataset, spec.base and card.version
    )
    return TrainingResult(
        training_id=job.id, version=f"{new_card.name}@{job.id}", evaluation=evaluation
    )
