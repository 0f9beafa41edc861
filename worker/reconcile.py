"""Keep the broker and the job store in step: nothing queued is lost, nothing runs forever.

The job store is the truth; the broker only carries job ids and can lose them (Redis
restarted without persistence, a worker killed with its message). A `Reconciler` thread
in each worker's main process, every ``sweep_interval_s``:

- sends again each ``queued`` job whose message the broker does not hold, and each
  ``running`` job whose heartbeat stopped and whose message is gone, or still not handed
  out again well after the visibility timeout (its next delivery takes it over and
  counts an attempt);
- fails ``running`` jobs with no heartbeat for ``stale_job_s`` (the sweeper);
- deletes what is older than ``retention_days``, when set.

Sending a job twice is harmless (see `worker.pipeline.claim`).
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta

from celery import Celery
from sqlalchemy import select

from core.broker import broker_messages, route, send_job
from core.config import Settings
from core.retention import cleanup
from core.schemas import ACTIVE_STATES, JobKind, JobState
from core.store import Job, session_factory, sweep_stale

logger = logging.getLogger(__name__)


def lost_job_ids(settings: Settings, held: set[str]) -> list[str]:
    """Jobs that should be in the broker but are not, oldest first.

    A queued job counts once it is older than one sweep interval (the API commits a job
    before it sends it); a running job once its heartbeat is older than three heartbeats,
    or, if the broker still holds its message unacknowledged, once the visibility timeout
    and three sweeps have passed without the broker handing it out again.
    """
    now = datetime.now(UTC)
    queued_before = now - timedelta(seconds=settings.sweep_interval_s)
    running_before = now - timedelta(seconds=settings.claim_after_s)
    abandoned_before = now - timedelta(
        seconds=settings.visibility_timeout_s + 3 * settings.sweep_interval_s
    )
    with session_factory(settings.store_url)() as session:
        rows = session.execute(
            select(Job.id, Job.state, Job.updated_at)
            .where(Job.state.in_(ACTIVE_STATES))
            .order_by(Job.created_at)
        ).all()
    lost = []
    for job_id, state, updated_at in rows:
        stamp = updated_at if updated_at.tzinfo else updated_at.replace(tzinfo=UTC)
        if state == JobState.QUEUED:
            lost_now = job_id not in held and stamp < queued_before
        else:
            lost_now = stamp < running_before and (job_id not in held or stamp < abandoned_before)
        if lost_now:
            lost.append(job_id)
    return lost


def reconcile(settings: Settings, app: Celery) -> tuple[list[str], list[str]]:
    """One pass: re-send lost jobs, fail stale ones, apply the retention; returns (re-sent
    ids, failed ids)."""
    with session_factory(settings.store_url)() as session:
        failed = sweep_stale(session, settings.stale_job_s)
        cleanup(session, settings)
    for job_id in failed:
        logger.warning("job %s failed by the sweeper: no heartbeat", job_id)
    messages = broker_messages(settings)
    resent = [] if messages is None else lost_job_ids(settings, messages.held)
    with session_factory(settings.store_url)() as session:
        kinds = dict(session.execute(select(Job.id, Job.kind).where(Job.id.in_(resent))).all())
    for job_id in resent:
        logger.warning("job %s: its message was lost; sending it again", job_id)
        send_job(app, job_id, *route(kinds.get(job_id, JobKind.INFERENCE), settings))
    return resent, failed


class Reconciler:
    """A daemon thread that runs `reconcile` every ``sweep_interval_s``."""

    def __init__(self, settings: Settings, app: Celery) -> None:
        self.settings = settings
        self.app = app
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="reconciler", daemon=True)

    def start(self) -> None:
        """Start the thread; the first pass runs at once."""
        self.thread.start()

    def stop(self) -> None:
        """Ask the thread to stop and wait for it."""
        self.stopping.set()
        if self.thread.is_alive():
            self.thread.join(timeout=10)

    def _loop(self) -> None:
        while not self.stopping.is_set():
            try:
                reconcile(self.settings, self.app)
            except Exception:
                logger.exception("reconciling the broker with the job store failed")
            self.stopping.wait(self.settings.sweep_interval_s)
