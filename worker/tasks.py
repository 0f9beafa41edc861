"""Celery tasks: thin wrappers that hand a job id to the pipeline."""

from __future__ import annotations

from functools import cache

from api.core.config import get_settings
from api.core.store import session_factory
from worker.celery_app import RUN_JOB_TASK, celery_app
from worker.model_client import ModelClient, make_client
from worker.pipeline import run_job as run_job_pipeline


@cache
def _client() -> ModelClient:
    return make_client(get_settings())


@celery_app.task(name=RUN_JOB_TASK)
def run_job(job_id: str) -> None:
    """Run the job with id ``job_id``; its state and result go to the job store."""
    settings = get_settings()
    settings.ensure_dirs()
    run_job_pipeline(job_id, session_factory(settings.store_url), _client(), settings)
