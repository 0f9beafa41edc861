"""The Celery application: Redis (or a folder) carries job ids, nothing else.

Jobs are acknowledged late, so a job whose pool process dies mid-way is delivered again
at once; when the whole worker dies, a reconciler puts the job back in the queue once its
heartbeat is three beats old (`worker.reconcile`), whatever ``visibility_timeout_s``. The
job store, not the broker, keeps each job's state and result.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

from celery import Celery
from kombu.exceptions import KombuError

from core.config import Settings, get_settings
from core.schemas import JobKind

logger = logging.getLogger(__name__)

#: The task name is what the broker carries; the worker registers the task under it.
RUN_JOB_TASK = "worker.tasks.run_job"
#: The hard time limit kills the pool process this long after the soft limit, s.
HARD_LIMIT_MARGIN_S = 30.0
RUN_TRAINING_TASK = "worker.tasks.run_training"


def route(kind: JobKind, settings: Settings) -> tuple[str, str]:
    """The queue and task name of a job of ``kind``."""
    if kind == JobKind.TRAINING:
        return settings.training_queue, RUN_TRAINING_TASK
    return settings.queue, RUN_JOB_TASK


def make_celery(settings: Settings) -> Celery:
    """Build the Celery app for ``settings`` (broker, queue, reliability options)."""
    app = Celery("affectserve")
    restore_every_s = max(1, min(10, round(settings.visibility_timeout_s / 4)))
    transport_options: dict[str, object] = {
        "visibility_timeout": settings.visibility_timeout_s,
        "unacked_restore_interval": restore_every_s,
        "unacked_restore_throttle": 1,
        # A worker killed while it holds the restore lock blocks every restore until the
        # lock expires: keep that short.
        "unacked_mutex_expire": 5 * restore_every_s,
    }
    broker_url = settings.broker_url
    if broker_url.startswith("filesystem://"):
        folder = settings.broker_dir
        for sub in ("queue", "processed", "control"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
        broker_url = "filesystem://"
        transport_options = {
            "data_folder_in": str(folder / "queue"),
            "data_folder_out": str(folder / "queue"),
            "processed_folder": str(folder / "processed"),
            "store_processed": False,
            "control_folder": str(folder / "control"),
        }
    app.conf.update(
        broker_url=broker_url,
        broker_transport_options=transport_options,
        broker_connection_retry_on_startup=True,
        task_default_queue=settings.queue,
        task_serializer="json",
        accept_content=["json"],
        result_serializer="json",
        task_ignore_result=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        worker_hijack_root_logger=False,
        task_soft_time_limit=settings.job_time_limit_s,
        task_time_limit=settings.job_time_limit_s + HARD_LIMIT_MARGIN_S,
    )
    return app


#: The progress message of a job stored while the broker could not be reached.
DEFERRED_MESSAGE = (
    "stored while the job queue was unreachable; a worker sends it to the queue once the "
    "queue is back"
)


def send_job(app: Celery, job_id: str, queue: str, task: str = RUN_JOB_TASK) -> bool:
    """Hand job ``job_id`` to the broker (the task id is the job id) for ``task``.

    Returns False when the broker cannot be reached (after about a second of retries):
    the job stays ``queued`` in the store, and a worker's reconciler
    (`worker.reconcile`) sends it once the broker answers again. Sending a job twice is
    harmless: the delivery that claims it runs it, the other finds it running or final
    and does nothing.
    """
    try:
        app.send_task(
            task,
            args=[job_id],
            task_id=job_id,
            queue=queue,
            retry_policy={"max_retries": 2, "interval_start": 0.2, "interval_step": 0.5},
        )
    except (KombuError, OSError) as err:
        logger.warning("job %s not sent, the broker is unreachable: %s", job_id, err)
        return False
    return True


@dataclass(frozen=True)
class BrokerMessages:
    """The job ids the broker holds: waiting in the queue, or handed out and not acknowledged."""

    waiting: list[str]
    unacked: list[str]

    @property
    def held(self) -> set[str]:
        """Every job id the broker holds."""
        return set(self.waiting) | set(self.unacked)


#: kombu's Redis transport keeps priorities 3, 6 and 9 in lists named queue + this + step.
KOMBU_PRIORITY_SEPARATOR = "\x06\x16"
#: kombu's Redis hash of delivered, unacknowledged messages (shared by every queue).
KOMBU_UNACKED = "unacked"


def broker_messages(settings: Settings) -> BrokerMessages | None:
    """Read what the broker holds for the job and training queues; None when it cannot be
    read.

    The one place that knows kombu's private layout. Redis: the queue's lists (one per
    priority) and the ``unacked`` hash, read in one transaction so that a message moving
    between them is seen once. Filesystem: the ``*.msg`` files of the queue folder (no
    unacknowledged messages there). Entries that are not kombu messages are skipped.
    """
    if settings.broker_url.startswith("filesystem://"):
        files = (settings.broker_dir / "queue").glob("*.msg")
        waiting = [_task_id(_read(path)) for path in files]
        return BrokerMessages(waiting=[i for i in waiting if i], unacked=[])
    import redis

    keys = [
        f"{queue}{suffix}"
        for queue in (settings.queue, settings.training_queue)
        for suffix in ("", *(f"{KOMBU_PRIORITY_SEPARATOR}{step}" for step in (3, 6, 9)))
    ]
    try:
        client = redis.Redis.from_url(settings.broker_url, socket_timeout=5)
        pipe = client.pipeline(transaction=True)
        for key in keys:
            pipe.lrange(key, 0, -1)
        pipe.hvals(KOMBU_UNACKED)
        *lists, unacked = pipe.execute()
    except redis.RedisError as err:
        logger.warning("cannot read the broker's queue: %s", err)
        return None
    waiting = [_task_id(raw) for values in lists for raw in values]
    delivered = [_task_id(raw, unacked=True) for raw in unacked]
    return BrokerMessages(waiting=[i for i in waiting if i], unacked=[i for i in delivered if i])


def _read(path: Path) -> bytes:
    """The bytes of a message file; empty when another process took it meanwhile."""
    try:
        return path.read_bytes()
    except OSError:
        return b""


def _task_id(raw: bytes, unacked: bool = False) -> str:
    """The task id in a kombu message (``""`` when it is not one).

    An unacknowledged entry is ``[message, exchange, routing key]``.
    """
    try:
        message = json.loads(raw)
        return str((message[0] if unacked else message)["headers"]["id"])
    except (ValueError, KeyError, IndexError, TypeError):
        return ""


celery_app = make_celery(get_settings())
