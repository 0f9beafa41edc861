"""The Celery application: Redis (or a folder) carries job ids, nothing else.

Jobs are acknowledged late, so a job whose worker dies mid-way is delivered again (at
once when a pool process dies, after ``visibility_timeout_s`` when the whole worker
does); the job store, not the broker, keeps each job's state and result.
"""

from __future__ import annotations

from celery import Celery

from core.config import Settings, get_settings
from core.schemas import JobKind

#: The task name is what the broker carries; the worker registers the task under it.
RUN_JOB_TASK = "worker.tasks.run_job"
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
    )
    return app


def send_job(app: Celery, job_id: str, queue: str, task: str = RUN_JOB_TASK) -> None:
    """Hand job ``job_id`` to the broker (the task id is the job id) for ``task``.

    Sending a job twice is harmless: the delivery that claims it runs it, the other
    finds it running or final and does nothing.
    """
    app.send_task(
        task,
        args=[job_id],
        task_id=job_id,
        queue=queue,
        retry_policy={"max_retries": 2, "interval_start": 0.2, "interval_step": 0.5},
    )


celery_app = make_celery(get_settings())
