"""Celery tasks: thin wrappers that hand a job id to the pipeline."""

from __future__ import annotations

import logging
import os
from functools import cache
from typing import Any

from celery import Task
from celery.signals import (
    after_setup_logger,
    after_setup_task_logger,
    worker_process_init,
    worker_ready,
    worker_shutdown,
)

from core.broker import RUN_JOB_TASK, RUN_TRAINING_TASK, celery_app
from core.config import get_settings
from core.logs import job_context, structure
from core.resources import cap_address_space, private_files
from core.store import forget_engines, session_factory
from model_store.clients import ModelClient, make_client
from worker.figures import warm_figures
from worker.pipeline import run_job as run_job_pipeline
from worker.reconcile import Reconciler
from worker.training import run_training as run_training_job


@cache
def _client() -> ModelClient:
    return make_client(get_settings())


@celery_app.task(name=RUN_JOB_TASK, bind=True)
def run_job(self: Task, job_id: str) -> None:
    """Run the job with id ``job_id``; its state and result go to the job store."""
    settings = get_settings()
    settings.ensure_dirs()
    worker = f"{self.request.hostname or 'worker'}:{os.getpid()}"
    with job_context(job_id):
        run_job_pipeline(job_id, session_factory(settings.store_url), _client(), settings, worker)


@celery_app.task(
    name=RUN_TRAINING_TASK,
    bind=True,
    soft_time_limit=get_settings().training_time_limit_s,
    time_limit=get_settings().training_time_limit_s + 60,
)
def run_training(self: Task, job_id: str) -> None:
    """Train the model version of training job ``job_id`` (the ``training`` queue)."""
    settings = get_settings()
    settings.ensure_dirs()
    worker = f"{self.request.hostname or 'worker'}:{os.getpid()}"
    with job_context(job_id):
        run_training_job(job_id, session_factory(settings.store_url), settings, worker)


@after_setup_logger.connect
@after_setup_task_logger.connect
def _structured_logs(logger: logging.Logger, **_kwargs: Any) -> None:
    """Every worker log line carries the job id (text, or JSON with log_json)."""
    structure(logger.handlers, get_settings().log_json)


@worker_process_init.connect
def _fresh_engines(**_kwargs: Any) -> None:
    """A pool process opens its own store connections, never its parent's, writes
    private files (results, figures), and may use at most ``worker_memory_mb`` of
    memory (`Settings.address_space_cap_mb`): a job that needs more fails, the host
    lives."""
    forget_engines()
    private_files()
    cap_address_space(get_settings().address_space_cap_mb)


@worker_process_init.connect
def _limit_threads(**_kwargs: Any) -> None:
    """OpenCV (face video) runs on ``torch_threads`` threads, like the models: its
    default of one thread per core makes the pool processes fight for the cores."""
    import cv2

    cv2.setNumThreads(get_settings().torch_threads)


@worker_process_init.connect
def _warm_figures(**_kwargs: Any) -> None:
    """A pool process draws one small figure first, so that its first job's figures do
    not pay for imports and font caches (`worker.figures.warm_figures`)."""
    warm_figures()


_reconciler: list[Reconciler] = []


@worker_ready.connect
def _start_reconciler(sender: Any = None, **_kwargs: Any) -> None:
    """Re-enqueue queued jobs and sweep stale ones from the worker's main process."""
    reconciler = Reconciler(get_settings(), celery_app)
    reconciler.start()
    _reconciler.append(reconciler)


@worker_shutdown.connect
def _stop_reconciler(sender: Any = None, **_kwargs: Any) -> None:
    while _reconciler:
        _reconciler.pop().stop()
