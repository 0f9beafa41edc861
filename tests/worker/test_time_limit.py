"""Celery's soft time limit stops a hung job in a real worker and fails it with a sentence."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

from core.broker import HARD_LIMIT_MARGIN_S, make_celery, send_job
from core.config import Settings
from core.schemas import JobState
from core.store import Job, Recording, session_factory
from tests.conftest import write_seed_edf

ROOT = Path(__file__).resolve().parents[2]


def test_celery_limits_come_from_the_setting(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, job_time_limit_s=120.0)
    conf = make_celery(settings).conf
    assert conf.task_soft_time_limit == 120.0
    assert conf.task_time_limit == 120.0 + HARD_LIMIT_MARGIN_S


def test_a_hung_job_is_failed_at_the_soft_time_limit(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "AFFECTSERVE_DATA_DIR": str(tmp_path / "data"),
        "AFFECTSERVE_BROKER_URL": "filesystem://",
        "AFFECTSERVE_QUEUE": f"limit-{uuid.uuid4().hex[:8]}",
        "AFFECTSERVE_JOB_TIME_LIMIT_S": "2",
        "AFFECTSERVE_HEARTBEAT_S": "0.5",
        "PYTHONPATH": str(ROOT),
    }
    settings = Settings(
        data_dir=tmp_path / "data",
        broker_url="filesystem://",
        queue=env["AFFECTSERVE_QUEUE"],
        job_time_limit_s=2.0,
    )
    settings.ensure_dirs()
    path = write_seed_edf(settings.uploads_dir / "rec.edf", duration_s=10.0)
    sessions = session_factory(settings.store_url)
    with sessions() as session:
        recording = Recording(
            filename="rec.edf", sha256="0" * 64, path=str(path), format="edf", header={}
        )
        session.add(recording)
        session.flush()
        job = Job(recording_ids=[recording.id], models=["maet"], options={})
        session.add(job)
        session.commit()
        job_id = job.id
    log = tmp_path / "worker.log"
    command = [sys.executable, "-m", "celery", "-A", "tests.worker.hanging_worker", "worker"]
    with open(log, "w") as handle:
        worker = subprocess.Popen(
            [*command, "--pool=prefork", "--concurrency=1", "-Q", settings.queue],
            cwd=ROOT,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
    try:
        send_job(make_celery(settings), job_id, settings.queue)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            with sessions() as session:
                job = session.get(Job, job_id)
            if job.state.final:
                break
            time.sleep(0.5)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert job.state == JobState.FAILED, log.read_text()[-3000:]
    assert job.error == (
        "the job ran longer than 2 s (AFFECTSERVE_JOB_TIME_LIMIT_S) and was stopped; split "
        "the recording or ask the operator to raise the limit"
    )
    assert job.attempts == 1
