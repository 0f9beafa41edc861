"""``/v1/trainings``: train (calibrate) a model version on the caller's labelled uploads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response, status
from sqlalchemy.orm import Session

from api.auth import Caller, CallerDep, can_see, owner_of
from api.deps import CeleryDep, SessionDep, SettingsDep
from api.schemas import ErrorBody, TrainingCreate, TrainingList, TrainingRead
from core.broker import DEFERRED_MESSAGE, route, send_job
from core.cards import card_names, load_card
from core.schemas import ACTIVE_STATES, JobKind, JobProgress, JobState, Stage
from core.storage import Storage, recording_files, storage_for
from core.store import Job, Recording, list_jobs, update_job
from core.trainings import TrainingResult, TrainingSpec
from signals.labels import LabelError, Segment, check_classes, check_segments, segments_for

router = APIRouter(prefix="/v1/trainings", tags=["trainings"])

NOT_FOUND = {404: {"model": ErrorBody, "description": "No such training."}}


def training_read(job: Job, settings: Any) -> TrainingRead:
    """The API form of a training job (its evaluation and model version once done)."""
    spec = TrainingSpec.model_validate(job.options["training"])
    links = {"self": f"/v1/trainings/{job.id}"}
    evaluation, version = None, None
    if job.state == JobState.SUCCEEDED and job.result_path:
        result = TrainingResult.model_validate_json(storage_for(settings).get(job.result_path))
        evaluation, version = result.evaluation, result.version
        links["model"] = f"/v1/models/{version}"
    return TrainingRead(
        id=job.id,
        state=job.state,
        model=spec.model,
        base=spec.base,
        recording_ids=job.recording_ids,
        progress=job.progress,
        error=job.error,
        evaluation=evaluation,
        version=version,
        created_at=job.created_at,
        updated_at=job.updated_at,
        links=links,
    )


def _unprocessable(message: str) -> HTTPException:
    return HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, message)


def _annotations(recording: Recording, path: Path) -> list[tuple[float, float, str]]:
    import mne

    try:
        annotations = mne.read_annotations(path)
    except (ValueError, OSError, RuntimeError) as err:
        raise _unprocessable(
            f"{recording.filename}: its annotations cannot be read ({err}); give the trials "
            "in a labels CSV instead"
        ) from None
    return [(float(a["onset"]), float(a["duration"]), str(a["description"])) for a in annotations]


def check_labels(body: TrainingCreate, recordings: list[Recording], storage: Storage) -> None:
    """Refuse labels that cannot train and evaluate the model, with the reason (422)."""
    classes = load_card(body.model).labels
    pooled: list[Segment] = []
    for recording in recordings:
        source = body.labels[recording.id]
        header = recording.header
        features = header.get("kind") == "features"
        try:
            with recording_files(storage, recording) as (path, companions):
                annotations = (
                    _annotations(recording, path) if source.annotations is not None else []
                )
                segments = segments_for(source, annotations, companions)
            if features and any(s.trial is None for s in segments):
                raise LabelError(
                    f"{recording.filename} is a trial file: label its trials with a "
                    "trial,label CSV (or seed_labels), not time spans"
                )
            check_segments(
                segments,
                classes,
                duration_s=None if features else float(header["duration_s"]),
                n_trials=int(header.get("n_trials", 1)) if features else None,
            )
        except LabelError as err:
            raise _unprocessable(f"{recording.filename}: {err}") from None
        pooled.extend(segments)
    try:
        check_classes(pooled)
    except LabelError as err:
        raise _unprocessable(str(err)) from None


def _recordings(body: TrainingCreate, session: Session, caller: Caller | None) -> list[Recording]:
    recordings = []
    for recording_id in body.labels:
        recording = session.get(Recording, recording_id)
        if recording is None or not can_see(caller, recording.owner):
            raise _unprocessable(
                f"no recording with id {recording_id}; upload it with POST /v1/recordings"
            )
        recordings.append(recording)
    return recordings


@router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    responses={422: {"model": ErrorBody}},
)
def create_training(
    body: TrainingCreate,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    celery: CeleryDep,
    caller: CallerDep,
) -> TrainingRead:
    """Train a model version on uploaded recordings and their labels (a Celery job on the
    ``training`` queue); evaluation by trial, beside chance and a linear baseline."""
    if body.model not in card_names():
        raise _unprocessable(
            f"unknown model {body.model!r}; train one of {', '.join(card_names())}"
        )
    card = load_card(body.model)
    if body.base == "shipped" and card.weights_status != "ready":
        raise _unprocessable(
            f"{body.model} has no shipped weights to start from; leave 'base' out to train "
            "from a random initialisation"
        )
    recordings = _recordings(body, session, caller)
    check_labels(body, recordings, storage_for(settings))
    spec = TrainingSpec(
        model=body.model, base=body.base, labels=body.labels, settings=body.settings
    )
    job = Job(
        kind=JobKind.TRAINING,
        recording_ids=[r.id for r in recordings],
        models=[body.model],
        options={"training": spec.model_dump(mode="json")},
        progress=JobProgress.at(Stage.QUEUED),
        owner=owner_of(caller),
    )
    session.add(job)
    session.commit()
    if not send_job(celery, job.id, *route(JobKind.TRAINING, settings)):
        job.progress = JobProgress.at(Stage.QUEUED, message=DEFERRED_MESSAGE)
        session.commit()
    return training_read(job, settings)


def find_training(session: Session, training_id: str, caller: Caller | None) -> Job:
    """The training ``training_id`` as ``caller`` may see it; 404 when there is none."""
    job = session.get(Job, training_id)
    if job is None or job.kind != JobKind.TRAINING or not can_see(caller, job.owner):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no training with id {training_id}")
    return job


@router.get("")
def list_trainings(session: SessionDep, settings: SettingsDep, caller: CallerDep) -> TrainingList:
    """The caller's trainings, newest first."""
    owner = None if caller is None or caller.admin else caller.key_id
    jobs = list_jobs(session, owner=owner, kind=JobKind.TRAINING)
    return TrainingList(trainings=[training_read(job, settings) for job in jobs])


@router.get("/{training_id}", responses=NOT_FOUND)
def get_training(
    training_id: str, session: SessionDep, settings: SettingsDep, caller: CallerDep
) -> TrainingRead:
    """A training's state, progress per epoch, and its evaluation and model version once done."""
    return training_read(find_training(session, training_id, caller), settings)


@router.delete(
    "/{training_id}",
    responses={
        **NOT_FOUND,
        200: {"model": TrainingRead, "description": "The training was active and is cancelled."},
        204: {"description": "The finished training's record was deleted (not its version)."},
    },
)
def delete_training(
    training_id: str, session: SessionDep, settings: SettingsDep, caller: CallerDep
) -> Response:
    """Cancel a queued or running training; delete a finished one's record."""
    job = find_training(session, training_id, caller)
    if job.state in ACTIVE_STATES:
        job = update_job(session, training_id, state=JobState.CANCELLED) or job
        return Response(
            training_read(job, settings).model_dump_json(), media_type="application/json"
        )
    session.delete(job)
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)
