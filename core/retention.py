"""Deleting jobs, recordings and their files: one at a time, or all past the retention.

Uploads and results are content-addressed (``<sha256>.<ext>``), so two rows may share a
file: a file goes only when no remaining row points at it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.config import Settings
from core.storage import Storage, figures_prefix, storage_for
from core.store import ACTIVE_STATES, FINAL_STATES, Job, Recording

logger = logging.getLogger(__name__)


@dataclass
class CleanupReport:
    """What one cleanup removed."""

    jobs: int = 0
    recordings: int = 0
    files: int = 0


def _delete(storage: Storage, key: str, report: CleanupReport) -> None:
    if storage.delete(key):
        report.files += 1


def delete_job(
    session: Session, settings: Settings, job: Job, report: CleanupReport | None = None
) -> None:
    """Delete a finished job, its figures and its result file (unless shared)."""
    report = report or CleanupReport()
    storage = storage_for(settings)
    path = job.result_path
    for key in storage.list(figures_prefix(job.id)):
        storage.delete(key)
    session.delete(job)
    session.flush()
    if path:
        key = storage.key(path)
        others = session.scalars(select(Job.result_path).where(Job.result_path.is_not(None)))
        if all(storage.key(other) != key for other in others):
            _delete(storage, key, report)
    report.jobs += 1
    session.commit()


def recording_in_use(session: Session, recording_id: str, states: tuple[str, ...]) -> bool:
    """True when a job in one of ``states`` reads the recording."""
    jobs = session.scalars(select(Job.recording_ids).where(Job.state.in_(states)))
    return any(recording_id in ids for ids in jobs)


def _recording_keys(storage: Storage, recording: Recording) -> set[str]:
    return {storage.key(p) for p in [recording.path, *(recording.companions or {}).values()]}


def delete_recording(
    session: Session,
    storage: Storage,
    recording: Recording,
    report: CleanupReport | None = None,
) -> None:
    """Delete a recording and its files (those no other recording shares)."""
    report = report or CleanupReport()
    keys = _recording_keys(storage, recording)
    session.delete(recording)
    session.flush()
    shared = set().union(
        *(_recording_keys(storage, other) for other in session.scalars(select(Recording)))
    )
    for key in sorted(keys - shared):
        _delete(storage, key, report)
    report.recordings += 1
    session.commit()


def cleanup(session: Session, settings: Settings, now: datetime | None = None) -> CleanupReport:
    """Delete what is older than ``settings.retention_days`` (nothing when it is unset).

    Finished jobs go with their results; recordings go once no remaining job reads them;
    leftover temporary files in ``data_dir/tmp`` go too. Queued and running jobs, and the
    recordings they read, are always kept.
    """
    report = CleanupReport()
    if settings.retention_days is None:
        return report
    cutoff = (now or datetime.now(UTC)) - timedelta(days=settings.retention_days)
    for job in session.scalars(
        select(Job).where(Job.state.in_(FINAL_STATES), Job.updated_at < cutoff)
    ).all():
        delete_job(session, settings, job, report)
    for recording in session.scalars(select(Recording).where(Recording.created_at < cutoff)).all():
        if not recording_in_use(session, recording.id, ACTIVE_STATES + FINAL_STATES):
            delete_recording(session, storage_for(settings), recording, report)
    for path in settings.spool_dir.glob("*"):
        if datetime.fromtimestamp(path.stat().st_mtime, UTC) < cutoff:
            path.unlink(missing_ok=True)
            report.files += 1
    if report.jobs or report.recordings or report.files:
        logger.info(
            "retention: deleted %d jobs, %d recordings, %d files",
            report.jobs,
            report.recordings,
            report.files,
        )
    return report
