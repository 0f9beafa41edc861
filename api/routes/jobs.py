"""``/v1/jobs``: run models on recordings, follow progress, fetch results."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from pydantic import ValidationError
from sqlalchemy.orm import Session

from api.core.config import Settings
from api.core.store import ACTIVE_STATES, Job, Recording, list_jobs, update_job
from api.deps import CeleryDep, SessionDep, SettingsDep
from api.schemas import ErrorBody, JobCreate, JobList, JobOptions, JobProgress, JobRead, JobResult
from api.uploads import feed_header, store_upload
from model_store.cards import ModelCard, card_names, load_card
from worker.celery_app import RUN_JOB_TASK
from worker.feeding import check_feed

router = APIRouter(prefix="/v1/jobs", tags=["jobs"])

NOT_FOUND = {404: {"model": ErrorBody, "description": "No such job."}}
MULTIPART_FIELDS = ("models", "allow_untrained")


def job_read(job: Job) -> JobRead:
    """The API form of a job."""
    links = {"self": f"/v1/jobs/{job.id}"}
    if job.state == "succeeded":
        links["result"] = f"/v1/jobs/{job.id}/result"
    return JobRead(
        id=job.id,
        state=job.state,
        recording_ids=job.recording_ids,
        models=job.models,
        options=JobOptions(**job.options),
        progress=JobProgress(**job.progress) if job.progress else JobProgress(),
        error=job.error,
        created_at=job.created_at,
        updated_at=job.updated_at,
        links=links,
    )


def _unprocessable(message: str) -> HTTPException:
    return HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, message)


def choose_models(body: JobCreate, recordings: list[Recording]) -> list[str]:
    """The models to run: those asked for (checked), or every ready one that fits."""

    def unfit(card: ModelCard) -> str:
        for recording in recordings:
            check = check_feed(card, feed_header(recording))
            if not check.can_feed:
                return f"{recording.filename}: {check.reason}"
        return ""

    if body.models is None:
        chosen = [
            name
            for name in card_names()
            if (card := load_card(name)).weights_status == "ready" and not unfit(card)
        ]
        if not chosen:
            raise _unprocessable(
                "no model with trained weights can be fed by these recordings; see "
                "GET /v1/models and each recording's 'models' field, or name models "
                "explicitly"
            )
        return chosen
    unknown = [name for name in body.models if name not in card_names()]
    if unknown:
        raise _unprocessable(
            f"unknown model(s) {', '.join(unknown)}; known models: {', '.join(card_names())}"
        )
    if not body.models:
        raise _unprocessable("'models' is empty: name at least one model, or leave it out")
    for name in body.models:
        card = load_card(name)
        if card.weights_status != "ready" and not body.options.allow_untrained:
            raise _unprocessable(
                f"model {name} has no trained weights (needs-weights); train it with: "
                f"{card.training.command}"
            )
        reason = unfit(card)
        if reason:
            raise _unprocessable(f"model {name} cannot be fed by {reason}")
    return list(dict.fromkeys(body.models))


def enqueue(body: JobCreate, session: Session, settings: Settings, celery: Any) -> JobRead:
    """Check a job, store it as ``queued`` and hand its id to the broker."""
    recordings = []
    for recording_id in body.recording_ids:
        recording = session.get(Recording, recording_id)
        if recording is None:
            raise _unprocessable(
                f"no recording with id {recording_id}; upload it with POST /v1/recordings"
            )
        recordings.append(recording)
    models = choose_models(body, recordings)
    job = Job(
        recording_ids=body.recording_ids,
        models=models,
        options=body.options.model_dump(),
        progress=JobProgress().model_dump(),
    )
    session.add(job)
    session.commit()
    try:
        celery.send_task(
            RUN_JOB_TASK,
            args=[job.id],
            task_id=job.id,
            queue=settings.queue,
            retry_policy={"max_retries": 2, "interval_start": 0.2, "interval_step": 0.5},
        )
    except Exception as err:
        session.delete(job)
        session.commit()
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            f"the job queue ({settings.broker_url}) is unreachable: {err}; try again later",
        ) from err
    return job_read(job)


async def _multipart_job(request: Request, session: Session, settings: Settings) -> JobCreate:
    form = await request.form()
    uploads = [item for key in ("file", "files") for item in form.getlist(key)]
    if not uploads:
        raise _unprocessable("a multipart job needs at least one 'file' part")
    ids = []
    for upload in uploads:
        if isinstance(upload, str):
            raise _unprocessable("the 'file' parts must be files, not text fields")
        recording = await run_in_threadpool(
            store_upload, upload.file, upload.filename, settings, session
        )
        ids.append(recording.id)
    models = [m for value in form.getlist("models") for m in str(value).split(",") if m.strip()]
    untrained = str(form.get("allow_untrained", "false")).lower() in ("1", "true", "yes", "on")
    return JobCreate(
        recording_ids=ids,
        models=[m.strip() for m in models] or None,
        options=JobOptions(allow_untrained=untrained),
    )


@router.post(
    "",
    operation_id="jobs-create",
    status_code=status.HTTP_202_ACCEPTED,
    responses={
        413: {"model": ErrorBody},
        422: {"model": ErrorBody},
        503: {"model": ErrorBody, "description": "The job queue is unreachable."},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/JobCreate"}},
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file"],
                        "properties": {
                            "file": {
                                "type": "array",
                                "items": {"type": "string", "format": "binary"},
                            },
                            "models": {
                                "type": "string",
                                "description": "Comma-separated model names.",
                            },
                            "allow_untrained": {"type": "boolean"},
                        },
                    }
                },
            },
        }
    },
)
async def create_job(
    request: Request, session: SessionDep, settings: SettingsDep, celery: CeleryDep
) -> JobRead:
    """Queue a job: JSON with recording ids, or multipart with the files themselves."""
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        body = await _multipart_job(request, session, settings)
    else:
        try:
            body = JobCreate.model_validate_json(await request.body())
        except ValidationError as err:
            raise _unprocessable(f"invalid job body: {err}") from err
    return await run_in_threadpool(enqueue, body, session, settings, celery)


@router.get("", operation_id="jobs-list")
def get_jobs(session: SessionDep, limit: int = 100) -> JobList:
    """Jobs, newest first."""
    return JobList(jobs=[job_read(job) for job in list_jobs(session, limit=min(limit, 1000))])


def _job(session: Session, job_id: str) -> Job:
    job = session.get(Job, job_id)
    if job is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no job with id {job_id}")
    return job


@router.get("/{job_id}", operation_id="jobs-get", responses=NOT_FOUND)
def get_job(job_id: str, session: SessionDep) -> JobRead:
    """A job's state, progress and error."""
    return job_read(_job(session, job_id))


@router.get(
    "/{job_id}/result",
    operation_id="jobs-result",
    responses={**NOT_FOUND, 409: {"model": ErrorBody, "description": "Not succeeded (yet)."}},
)
def get_result(job_id: str, session: SessionDep) -> JobResult:
    """Per model and window: probabilities, labels, a summary and provenance."""
    job = _job(session, job_id)
    if job.state != "succeeded" or job.result_path is None:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            f"job {job_id} is {job.state}; a result exists once it has succeeded"
            + (f" (error: {job.error})" if job.error else ""),
        )
    return JobResult.model_validate(json.loads(Path(job.result_path).read_text()))


@router.delete(
    "/{job_id}",
    operation_id="jobs-delete",
    responses={
        **NOT_FOUND,
        200: {"model": JobRead, "description": "The job was active and is now cancelled."},
        204: {"description": "The finished job and its result were deleted."},
    },
)
def delete_job(job_id: str, session: SessionDep) -> Response:
    """Cancel a queued or running job; delete a finished one with its result."""
    job = _job(session, job_id)
    if job.state in ACTIVE_STATES:
        job = update_job(session, job_id, state="cancelled") or job
        return Response(job_read(job).model_dump_json(), media_type="application/json")
    if job.result_path:
        Path(job.result_path).unlink(missing_ok=True)
    session.delete(job)
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)
