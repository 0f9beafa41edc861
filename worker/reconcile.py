"""Keep the broker and the job store in step: nothing queued is lost, nothing stays stuck.

The job store is the truth; the broker only carries job ids and can lose them (Redis
restarted without persistence, down when the API stored a job, a worker killed with its
message). A `Reconciler` thread in each worker's main process, every ``sweep_interval_s``:

- puts each ``running`` job whose heartbeat is older than three heartbeats
  (``claim_after_s``) back to ``queued`` and sends it again: its worker was lost, and the
  job runs again within a minute whatever the broker's visibility timeout (the attempt is
  fenced: see `core.store.requeue_stale`);
- sends again each ``queued`` job older than one sweep whose message is not waiting in
  the broker's queues;
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
from core.schemas import JobKind, JobState
from core.store import Job, requeue_stale, session_factory

logger = logging.getLogger(__name__)


def lost_job_ids(settings: Settings, waiting: set[str]) -> list[str]:
    """Queued jobs whose message is not ``waiting`` in the broker's queues, oldest first.

    A job counts once it has been queued for one sweep interval (the API commits a job
    before it sends it, and a delivered message leaves the queue an instant before its
    job is claimed). A message handed to a worker that died before claiming its job sits
    in the broker's unacknowledged messages until the visibility timeout: such a job is
    sent again too.
    """
    queued_before = datetime.now(UTC) - timedelta(seconds=settings.sweep_interval_s)
    with session_factory(settings.store_url)() as session:
        rows = session.execute(
            select(Job.id, Job.updated_at)
            .where(Job.state == JobState.QUEUED)
            .order_by(Job.created_at)
        ).all()
    return [
        job_id
        for job_id, updated_at in rows
        if job_id not in waiting
        and (updated_at if updated_at.tzinfo else updated_at.replace(tzinfo=UTC)) < queued_before
    ]


def reconcile(settings: Settings, app: Celery) -> tuple[list[str], list[str]]:
    """One pass: requeue jobs whose worker was lost, re-send lost messages, apply the
    retention; returns (requeued ids, re-sent ids)."""
    with session_factory(settings.store_url)() as session:
        requeued = requeue_stale(session, settings.claim_after_s)
        cleanup(session, settings)
    for job_id in requeued:
        logger.warning(
            "job %s: no heartbeat for %g s, its worker was lost; queued again",
            job_id,
            settings.claim_after_s,
        )
    messages = broker_messages(settings)
    resent = [] if messages is None else lost_job_ids(settings, set(messages.waiting))
    for job_id in resent:
        logger.warning("job %s: its message was lost; sending it again", job_id)
    to_send = requeued + resent
    with session_factory(settings.store_url)() as session:
        kinds = dict(session.execute(select(Job.id, Job.kind).where(Job.id.in_(to_send))).all())
    for job_id in to_send:
        send_job(app, job_id, *route(kinds.get(job_id, JobKind.INFERENCE), settings))
    return requeued, resent


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
