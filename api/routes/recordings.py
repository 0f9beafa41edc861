"""``/v1/recordings``: upload a recording and see what was read from it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, UploadFile, status
from pydantic import ValidationError

from api.core.store import Recording
from api.deps import SessionDep, SettingsDep
from api.schemas import ErrorBody, RecordingRead, UploadOptions
from api.uploads import recording_read, store_upload

router = APIRouter(prefix="/v1/recordings", tags=["recordings"])

ERRORS = {
    413: {"model": ErrorBody, "description": "The upload is over the size limit."},
    422: {"model": ErrorBody, "description": "The file is not a readable recording."},
}


@router.post(
    "",
    operation_id="recordings-create",
    status_code=status.HTTP_201_CREATED,
    responses=ERRORS,
)
def create_recording(
    file: Annotated[UploadFile, File(description="The recording: EDF, BDF, MAT or EEGLAB .set.")],
    settings: SettingsDep,
    session: SessionDep,
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
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, f"invalid upload options: {err}"
        ) from err
    recording = store_upload(
        file.file,
        file.filename,
        settings,
        session,
        companions=[(c.file, c.filename) for c in companions or []],
        options=parsed.model_dump(exclude_none=True),
    )
    return recording_read(recording)


@router.get(
    "/{recording_id}", operation_id="recordings-get", responses={404: {"model": ErrorBody}}
)
def get_recording(recording_id: str, session: SessionDep) -> RecordingRead:
    """An uploaded recording's header and the models it can feed."""
    recording = session.get(Recording, recording_id)
    if recording is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no recording with id {recording_id}")
    return recording_read(recording)
