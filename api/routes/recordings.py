"""``/v1/recordings``: upload a recording and see what was read from it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, Response, UploadFile, status
from pydantic import ValidationError
from sqlalchemy.orm import Session

from api.auth import Caller, CallerDep, can_see, owner_of
from api.deps import SessionDep, SettingsDep
from api.errors import validation_message
from api.schemas import ErrorBody, RecordingRead, UploadOptions
from api.uploads import recording_read, store_upload
from core import retention
from core.storage import storage_for
from core.store import ACTIVE_STATES, Recording

router = APIRouter(prefix="/v1/recordings", tags=["recordings"])

ERRORS = {
    413: {"model": ErrorBody, "description": "The upload is over the size limit."},
    422: {"model": ErrorBody, "description": "The file is not a readable recording."},
}


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=ERRORS,
)
def create_recording(
    file: Annotated[
        UploadFile,
        File(
            description="The recording: EDF, BDF, MAT or EEGLAB .set.",
            json_schema_extra={"format": "binary"},
        ),
    ],
    settings: SettingsDep,
    session: SessionDep,
    caller: CallerDep,
    companions: Annotated[
        list[UploadFile] | None,
        File(
            description="Companion files of the same recording: the EEGLAB .fdt, a face "
            "video (mp4, avi, mov, mkv), music audio (wav, mp3, flac, ogg) or eye tracking "
            "(csv, tsv)."
        ),
    ] = None,
    options: Annotated[
        str | None, Form(description="JSON object of reader options (UploadOptions).")
    ] = None,
) -> RecordingRead:
    """Upload a recording; answers what its header says and which models it can feed."""
    try:
        parsed = UploadOptions.model_validate_json(options) if options else UploadOptions()
    except ValidationError as err:
        message = validation_message(err.errors(), UploadOptions, "upload options")
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, message) from err
    recording = store_upload(
        file.file,
        file.filename,
        settings,
        session,
        companions=[(c.file, c.filename) for c in companions or []],
        options=parsed.model_dump(exclude_none=True),
        owner=owner_of(caller),
    )
    return recording_read(recording)


@router.get("/{recording_id}", responses={404: {"model": ErrorBody}})
def get_recording(recording_id: str, session: SessionDep, caller: CallerDep) -> RecordingRead:
    """An uploaded recording's header and the models it can feed."""
    return recording_read(find_recording(session, recording_id, caller))


def find_recording(session: Session, recording_id: str, caller: Caller | None) -> Recording:
    """The recording ``recording_id`` if ``caller`` may see it; else 404."""
    recording = session.get(Recording, recording_id)
    if recording is None or not can_see(caller, recording.owner):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no recording with id {recording_id}")
    return recording


@router.delete(
    "/{recording_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={
        404: {"model": ErrorBody},
        409: {"model": ErrorBody, "description": "A queued or running job reads it."},
    },
)
def delete_recording(
    recording_id: str, session: SessionDep, settings: SettingsDep, caller: CallerDep
) -> Response:
    """Delete an uploaded recording and its file."""
    recording = find_recording(session, recording_id, caller)
    if retention.recording_in_use(session, recording_id, ACTIVE_STATES):
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            f"recording {recording_id} is read by a queued or running job; cancel it first",
        )
    retention.delete_recording(session, storage_for(settings), recording)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
