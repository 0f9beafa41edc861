"""Deleting jobs, recordings and their files: one at a time, or all past the retention.

Uploads and results are content-addressed (``<sha256>.<ext>``), so two rows may share a
file: a file goes only when no remaining row points at it.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.config import Settings
from core.store import ACTIVE_STATES, FINAL_STATES, Job, Recording

logger = logging.getLogger(__name__)


@dataclass
class CleanupReport:
    """What one cleanup removed."""

    jobs: int = 0
    recordings: int = 0
    files: int = 0


def _unlink(path: str | None, report: CleanupReport) -> None:
    if path and Path(path).exists():
        Path(path).unlink(missing_ok=True)
        report.files += 1


def delete_job(
    session: Session, settings: Settings, job: Job, report: CleanupReport | None = None
) -> None:
    """Delete a finished job, its cached plots and its result file (unless shared)."""
    report = report or CleanupReport()
    path = job.result_path
    shutil.rmtree(settings.plots_dir / job.id, ignore_errors=True)
    session.delete(job)
    session.flush()
    if path and not session.scalar(select(func.count()).where(Job.result_path == path)):
        _unlink(path, report)
    report.jobs += 1
    session.commit()


def recording_in_use(session: Session, recording_id: str, states: tuple[str, ...]) -> bool:
    """True when a job in one of ``states`` reads the recording."""
    jobs = session.scalars(select(Job.recording_ids).where(Job.state.in_(states)))
    return any(recording_id in ids for ids in jobs)


def _recording_files(recording: Recording) -> list[str]:
    return [recording.path, *(recording.companions or {}).values()]


def delete_recording(
    session: Session, recording: Recording, report: CleanupReport | None = None
) -> None:
    """Delete a recording and its files (those no other recording shares)."""
    report = report or CleanupReport()
    paths = _recording_files(recording)
    session.delete(recording)
    session.flush()
    shared = {p for other in session.scalars(select(Recording)) for p in _recording_files(other)}
    for path in paths:
        if path not in shared:
            _unlink(path, report)
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
            delete_recording(session, recording, report)
    for path in (settings.data_dir / "tmp").glob("*"):
        if datetime.fromtimestamp(path.stat().st_mtime, UTC) < cutoff:
            _unlink(str(path), report)
    if report.jobs or report.recordings or report.files:
        logger.info(
            "retention: deleted %d jobs, %d recordings, %d files",
            report.jobs,
            report.recordings,
            report.files,
        )
    return report
