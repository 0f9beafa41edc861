"""``/v1/jobs``: run models on recordings, follow progress, fetch results."""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any

import numpy as np
from fastapi import APIRouter, HTTPException, Query, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from api.auth import Caller, CallerDep, can_see, owner_of
from api.deps import CeleryDep, SessionDep, SettingsDep
from api.errors import unknown_field, validation_message
from api.schemas import (
    ErrorBody,
    JobCreate,
    JobList,
    JobOptions,
    JobProgress,
    JobRead,
    JobResult,
)
from api.uploads import check_file_count, feed_header, store_upload
from core import retention
from core.broker import DEFERRED_MESSAGE, send_job
from core.cards import ModelCard, card_names, load_card
from core.config import Settings, get_settings
from core.reliability import statement
from core.schemas import JobKind, JobState, Stage
from core.storage import read_result, storage_for
from core.store import (
    ACTIVE_STATES,
    FINAL_STATES,
    Job,
    Recording,
    list_jobs,
    update_job,
)
from core.versions import resolve_card
from signals.feeding import check_feed
from signals.segments import inside

router = APIRouter(prefix="/v1/jobs", tags=["jobs"])

NOT_FOUND = {404: {"model": ErrorBody, "description": "No such job."}}
JOB_CREATE_SCHEMA = {
    key: value
    for key, value in JobCreate.model_json_schema(
        ref_template="#/components/schemas/{model}"
    ).items()
    if key != "$defs"
}
"""The JSON body of ``POST /v1/jobs`` (read by hand, so FastAPI does not list it)."""
MULTIPART_FIELDS = ("file", "files", "models", "allow_untrained", "figures")
TRUE_WORDS = ("true", "1", "yes", "on")
FALSE_WORDS = ("false", "0", "no", "off")


def result_readable(job: Job) -> bool:
    """Whether a job's result can be read: once every model has run, while the figures are
    drawn (still ``running``, stage ``plots``) and after it succeeded."""
    readable = job.state in (JobState.RUNNING, JobState.SUCCEEDED)
    return readable and job.result_path is not None


def job_read(job: Job) -> JobRead:
    """The API form of a job."""
    links = {"self": f"/v1/jobs/{job.id}"}
    if result_readable(job):
        links["result"] = f"/v1/jobs/{job.id}/result"
    return JobRead(
        id=job.id,
        state=job.state,
        recording_ids=job.recording_ids,
        models=job.models,
        options=JobOptions(**job.options),
        progress=job.progress,
        error=job.error,
        created_at=job.created_at,
        updated_at=job.updated_at,
        links=links,
    )


def _unprocessable(message: str) -> HTTPException:
    return HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, message)


def choose_models(
    body: JobCreate, recordings: list[Recording], settings: Settings, owner: str | None
) -> list[str]:
    """The models to run: those asked for (checked), or every ready one that fits.

    A name is a shipped model (``maet``) or a version the owner trained (``maet@<id>``).
    """

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
    cards = {}
    for name in body.models:
        try:
            cards[name] = resolve_card(settings, owner, name)
        except KeyError:
            raise _unprocessable(
                f"unknown model(s) {name}; known models: {', '.join(card_names())}, and the "
                "versions you trained (model@version, see GET /v1/models)"
            ) from None
    if not body.models:
        raise _unprocessable("'models' is empty: name at least one model, or leave it out")
    for name, card in cards.items():
        if card.weights_status != "ready" and not body.options.allow_untrained:
            raise _unprocessable(
                f"model {name} has no trained weights (needs-weights); train it with: "
                f"{card.training.command}"
            )
        reason = unfit(card)
        if reason:
            raise _unprocessable(f"model {name} cannot be fed by {reason}")
    return list(dict.fromkeys(body.models))


def enqueue(
    body: JobCreate, session: Session, settings: Settings, celery: Any, caller: Caller | None
) -> JobRead:
    """Check a job, store it as ``queued`` and hand its id to the broker (later, by a
    worker's reconciler, when the broker is unreachable now)."""
    check_file_count(len(body.recording_ids), settings)
    recordings = []
    for recording_id in body.recording_ids:
        recording = session.get(Recording, recording_id)
        if recording is None or not can_see(caller, recording.owner):
            raise _unprocessable(
                f"no recording with id {recording_id}; upload it with POST /v1/recordings"
            )
        recordings.append(recording)
    models = choose_models(body, recordings, settings, owner_of(caller))
    job = Job(
        recording_ids=body.recording_ids,
        models=models,
        options=body.options.model_dump(),
        progress=JobProgress.at(Stage.QUEUED),
        owner=owner_of(caller),
    )
    session.add(job)
    session.commit()
    if not send_job(celery, job.id, settings.queue):
        job.progress = JobProgress.at(Stage.QUEUED, message=DEFERRED_MESSAGE)
        session.commit()
    return job_read(job)


async def _multipart_job(
    request: Request, session: Session, settings: Settings, caller: Caller | None
) -> JobCreate:
    form = await request.form()
    for key in form:
        if key not in MULTIPART_FIELDS:
            raise _unprocessable(unknown_field(key, MULTIPART_FIELDS, "form field"))
    uploads = [item for key in ("file", "files") for item in form.getlist(key)]
    if not uploads:
        raise _unprocessable("a multipart job needs at least one 'file' part")
    check_file_count(len(uploads), settings)
    options = JobOptions(
        allow_untrained=_form_flag(form, "allow_untrained", default=False),
        figures=_form_flag(form, "figures", default=True),
    )
    ids = []
    for upload in uploads:
        if isinstance(upload, str):
            raise _unprocessable("the 'file' parts must be files, not text fields")
        recording = await run_in_threadpool(
            store_upload, upload.file, upload.filename, settings, session, owner=owner_of(caller)
        )
        ids.append(recording.id)
    models = [m for value in form.getlist("models") for m in str(value).split(",") if m.strip()]
    return JobCreate(
        recording_ids=ids,
        models=[m.strip() for m in models] or None,
        options=options,
    )


def _form_flag(form: FormData, name: str, default: bool) -> bool:
    """The boolean form field ``name``: ``true``, ``1``, ``yes``, ``on`` or ``false``, ``0``,
    ``no``, ``off`` (any case); ``default`` when absent; 422 otherwise."""
    value = form.get(name)
    if value is None:
        return default
    word = str(value).strip().lower()
    if word not in TRUE_WORDS + FALSE_WORDS:
        raise _unprocessable(f"form field '{name}' must be true or false; got {str(value)!r}")
    return word in TRUE_WORDS


@router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    responses={
        413: {"model": ErrorBody},
        422: {"model": ErrorBody},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": JOB_CREATE_SCHEMA},
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
                            "figures": {"type": "boolean", "default": True},
                        },
                    }
                },
            },
        }
    },
)
async def create_job(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    celery: CeleryDep,
    caller: CallerDep,
) -> JobRead:
    """Queue a job: JSON with recording ids, or multipart with the files themselves.

    The job is stored first; when the job queue is unreachable it is still accepted
    (``queued``, its progress message says so) and a worker sends it once the queue is
    back.
    """
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        body = await _multipart_job(request, session, settings, caller)
    else:
        try:
            body = JobCreate.model_validate_json(await request.body())
        except ValidationError as err:
            message = validation_message(err.errors(), JobCreate, "job body")
            raise _unprocessable(message) from err
    return await run_in_threadpool(enqueue, body, session, settings, celery, caller)


@router.get("")
def get_jobs(
    session: SessionDep,
    caller: CallerDep,
    limit: Annotated[int, Query(ge=1, le=1000, description="Most jobs to list.")] = 100,
) -> JobList:
    """Jobs, newest first: the caller's own (every job for an admin key, or keys off)."""
    owner = None if caller is None or caller.admin else caller.key_id
    jobs = list_jobs(session, limit=limit, owner=owner)
    return JobList(jobs=[job_read(job) for job in jobs])


def find_job(session: Session, job_id: str, caller: Caller | None) -> Job:
    """The job ``job_id`` as ``caller`` may see it; 404 when there is none."""
    job = session.get(Job, job_id)
    if job is None or job.kind != JobKind.INFERENCE or not can_see(caller, job.owner):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no job with id {job_id}")
    return job


@router.get("/{job_id}", responses=NOT_FOUND)
def get_job(job_id: str, session: SessionDep, caller: CallerDep) -> JobRead:
    """A job's state, progress and error."""
    return job_read(find_job(session, job_id, caller))


@router.get(
    "/{job_id}/result",
    responses={**NOT_FOUND, 409: {"model": ErrorBody, "description": "Models not all run (yet)."}},
)
def get_result(job_id: str, session: SessionDep, caller: CallerDep) -> JobResult:
    """Per model and window: probabilities, labels, a summary and provenance.

    Readable as soon as every model has run, while the job is still ``running`` and draws
    its figures (progress stage ``plots``); the job's ``links.result`` appears then.
    """
    return stored_result(session, job_id, caller)


def stored_result(session: Session, job_id: str, caller: Caller | None) -> JobResult:
    """The stored result of a job, as the worker wrote it.

    Raises
    ------
    HTTPException
        404 for an unknown (or another key's) job, 409 before every model has run.
    """
    return job_result(find_job(session, job_id, caller))


def job_result(job: Job) -> JobResult:
    """The stored result of ``job``; 409 before every model has run."""
    if not result_readable(job):
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            f"job {job.id} is {job.state}; its result is readable once every model has run "
            "(the job's links then name it)" + (f" (error: {job.error})" if job.error else ""),
        )
    return read_result(storage_for(get_settings()), job.result_path)


def result_csv(result: JobResult) -> str:
    """A result as CSV: one row per recording, model and window.

    Columns: ``recording_id, filename, model, start_s, end_s``, ``segment`` and
    ``segment_name`` (position and name of each of the recording's segments the window
    lies wholly inside, joined by ``;``; empty outside any), ``label`` and ``p_<label>``
    for every label of any model (empty where a model lacks that label). First come
    comment lines (``#``), one per recording and model, on how far its results can be
    trusted (read with ``pandas.read_csv(path, comment="#")``).
    """
    models = [(rec, m) for rec in result.recordings for m in rec.models.values()]
    labels = list(dict.fromkeys(label for _, model in models for label in model.labels))
    buffer = io.StringIO()
    for recording, model in models:
        line = " ".join(statement(model).split())
        buffer.write(f"# {recording.filename}, {line}\n")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        ["recording_id", "filename", "model", "start_s", "end_s", "segment", "segment_name"]
        + ["label"]
        + [f"p_{label}" for label in labels]
    )
    for recording, model in models:
        starts = np.array([window.start_s for window in model.windows])
        within = [inside(segment, starts, model.window_s) for segment in recording.segments]
        for k, window in enumerate(model.windows):
            held = [index for index, mask in enumerate(within) if mask[k]]
            writer.writerow(
                [
                    recording.recording_id,
                    recording.filename,
                    model.model,
                    window.start_s,
                    window.end_s,
                    ";".join(map(str, held)),
                    ";".join(recording.segments[index].name for index in held),
                    window.label,
                ]
                + [window.probabilities.get(label, "") for label in labels]
            )
    return buffer.getvalue()


@router.get(
    "/{job_id}/result.csv",
    response_class=Response,
    responses={
        **NOT_FOUND,
        200: {
            "content": {
                "text/csv": {
                    "schema": {"type": "string", "format": "binary"},
                    "example": "recording_id,filename,model,start_s,end_s,segment,"
                    "segment_name,label,p_negative,p_neutral,p_positive\n"
                    "4f1c2a9e,s01.edf,maet,0.0,1.0,0,film 1,neutral,0.2,0.5,0.3\n",
                }
            },
            "description": "One row per recording, model and window.",
        },
        409: {"model": ErrorBody, "description": "Not succeeded (yet)."},
    },
)
def get_result_csv(job_id: str, session: SessionDep, caller: CallerDep) -> Response:
    """The result as CSV: per recording, model and window, the label and probabilities."""
    return Response(
        result_csv(stored_result(session, job_id, caller)),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{job_id}.csv"'},
    )


@router.delete(
    "/{job_id}",
    responses={
        **NOT_FOUND,
        200: {"model": JobRead, "description": "The job was active and is now cancelled."},
        204: {"description": "The finished job and its result were deleted."},
    },
)
def delete_job(
    job_id: str,
    session: SessionDep,
    settings: SettingsDep,
    caller: CallerDep,
    recordings: Annotated[
        bool, Query(description="Also delete its recordings that no other job reads.")
    ] = False,
) -> Response:
    """Cancel a queued or running job; delete a finished one with its result."""
    job = find_job(session, job_id, caller)
    if job.state in ACTIVE_STATES:
        job = update_job(session, job_id, state=JobState.CANCELLED) or job
        return Response(job_read(job).model_dump_json(), media_type="application/json")
    recording_ids = job.recording_ids if recordings else []
    retention.delete_job(session, settings, job)
    for recording_id in recording_ids:
        recording = session.get(Recording, recording_id)
        if recording is not None and not retention.recording_in_use(
            session, recording_id, ACTIVE_STATES + FINAL_STATES
        ):
            retention.delete_recording(session, storage_for(settings), recording)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
