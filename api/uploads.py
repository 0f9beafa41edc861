"""Store an upload: stream it to disk with its hash, read its header, record it."""

from __future__ import annotations

import dataclasses
import hashlib
import re
from pathlib import Path
from typing import Any, BinaryIO

from fastapi import HTTPException, status
from sqlalchemy.orm import Session

from api.reading import read_header_limited
from api.schemas import ModelFeed, RecordingRead
from core.cards import load_cards
from core.config import Settings
from core.metrics import ERRORS, UPLOAD_BYTES
from core.store import Recording, new_id
from signals.feeding import check_feed
from signals.io import RecordingHeader, UnreadableRecordingError, detect_format

CHUNK = 1 << 20


def display_name(filename: str | None) -> str:
    """A safe display form of a client's file name; never used as a path."""
    base = re.split(r"[\\/]", filename or "")[-1]
    cleaned = re.sub(r"[^\w.\- ]", "_", base).strip()[:200]
    return cleaned or "upload"


def too_large(settings: Settings) -> HTTPException:
    """The 413 error for an upload over the size limit."""
    return HTTPException(
        status.HTTP_413_CONTENT_TOO_LARGE,
        f"the upload is larger than the limit of {settings.max_upload_mb:g} MB "
        "(AFFECTSERVE_MAX_UPLOAD_MB); split the recording or ask the operator to raise it",
    )


def scrub_identity(path: Path, fmt: str) -> None:
    """Blank the patient and recording identification fields of an EDF/BDF header, in place.

    Both become EDF+'s anonymous form (``X X X X``, ``Startdate X X X X``), so that the
    stored copy holds no name, birth date or administration code. Other formats are left
    alone (their readers never return identifying fields).
    """
    if fmt not in ("edf", "bdf"):
        return
    with open(path, "r+b") as fid:
        fid.seek(8)
        fid.write(b"X X X X".ljust(80) + b"Startdate X X X X".ljust(80))


def check_file_count(n_files: int, settings: Settings) -> None:
    """Refuse a job with more files than ``settings.max_files_per_job`` (422)."""
    if n_files > settings.max_files_per_job:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            f"the job has {n_files} recordings; the limit is {settings.max_files_per_job} "
            "per job (AFFECTSERVE_MAX_FILES_PER_JOB): split it into several jobs",
        )


def check_header_limits(header: RecordingHeader, settings: Settings) -> None:
    """Refuse a recording over the channel or duration limit (`UnreadableRecordingError`)."""
    if len(header.channel_names) > settings.max_channels:
        raise UnreadableRecordingError(
            f"it has {len(header.channel_names)} channels; the limit is "
            f"{settings.max_channels} (AFFECTSERVE_MAX_CHANNELS)"
        )
    if header.duration_s > settings.max_duration_s:
        raise UnreadableRecordingError(
            f"it lasts {header.duration_s:g} s; the limit is {settings.max_duration_s:g} s "
            "(AFFECTSERVE_MAX_DURATION_S): cut it into shorter recordings"
        )


def _suffix(filename: str | None) -> str:
    """The client's file extension, lower case, letters and digits only (may be empty)."""
    return re.sub(r"[^a-z0-9]", "", Path(display_name(filename)).suffix.lower())[:8]


def _spool(source: BinaryIO, settings: Settings, filename: str | None) -> tuple[Path, str]:
    tmp = settings.data_dir / "tmp" / f"{new_id()}.{_suffix(filename) or 'part'}"
    digest = hashlib.sha256()
    size = 0
    with open(tmp, "wb") as out:
        for chunk in iter(lambda: source.read(CHUNK), b""):
            size += len(chunk)
            if size > settings.max_upload_bytes:
                out.close()
                tmp.unlink(missing_ok=True)
                ERRORS.labels(kind="upload_too_large").inc()
                raise too_large(settings)
            digest.update(chunk)
            out.write(chunk)
    if size == 0:
        tmp.unlink(missing_ok=True)
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "the uploaded file is empty")
    return tmp, digest.hexdigest()


def _store_companion(
    source: BinaryIO, filename: str | None, settings: Settings
) -> tuple[str, str]:
    spooled, sha256 = _spool(source, settings, filename)
    name = display_name(filename)
    suffix = _suffix(filename)
    path = settings.uploads_dir / (f"{sha256}.{suffix}" if suffix else sha256)
    spooled.replace(path)
    return name, str(path)


def store_upload(
    source: BinaryIO,
    filename: str | None,
    settings: Settings,
    session: Session,
    companions: list[tuple[BinaryIO, str | None]] = (),
    options: dict[str, Any] | None = None,
    owner: str | None = None,
) -> Recording:
    """Save an uploaded file content-addressed, read its header and record it.

    Parameters
    ----------
    source, filename
        The main file and the client's name for it (display only, never a path).
    settings, session
        Settings and the job store session.
    companions
        Other files of the same recording (an EEGLAB ``.fdt``), with their names.
    options
        Reader options (`UploadOptions`).
    owner
        Digest of the API key that uploads it (None with keys off).

    Raises
    ------
    HTTPException
        413 over the size limit, 422 when the file is not a readable recording.
    """
    settings.ensure_dirs()
    stored = dict(_store_companion(fid, name, settings) for fid, name in companions)
    options = options or {}
    spooled, sha256 = _spool(source, settings, filename)
    tmp = spooled
    try:
        tmp = spooled.rename(spooled.with_suffix(f".{detect_format(spooled)}"))
        header = read_header_limited(
            tmp, {k: Path(v) for k, v in stored.items()}, options, settings.read_timeout_s
        )
        check_header_limits(header, settings)
    except UnreadableRecordingError as err:
        tmp.unlink(missing_ok=True)
        ERRORS.labels(kind="upload_unreadable").inc()
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            f"{display_name(filename)} could not be read: {err}",
        ) from err
    scrub_identity(tmp, header.format)
    path = settings.uploads_dir / f"{sha256}.{header.format}"
    UPLOAD_BYTES.inc(tmp.stat().st_size)
    tmp.replace(path)
    recording = Recording(
        filename=display_name(filename),
        sha256=sha256,
        path=str(path),
        format=header.format,
        header=header_dict(header),
        companions=stored,
        options=options,
        owner=owner,
    )
    session.add(recording)
    session.commit()
    return recording


def header_dict(header: RecordingHeader) -> dict[str, object]:
    """The stored form of a header (identifying fields never reach it)."""
    return dataclasses.asdict(header)


def feed_header(recording: Recording) -> dict[str, object]:
    """A recording's stored header with its companion files' names (for `check_feed`)."""
    return {**recording.header, "companions": sorted(recording.companions or {})}


def model_feeds(header: dict[str, object]) -> list[ModelFeed]:
    """Whether the recording with this header (`feed_header`) can feed each model."""
    feeds = []
    for card in load_cards():
        check = check_feed(card, header)
        feeds.append(
            ModelFeed(
                model=card.name,
                can_feed=check.can_feed,
                weights_status=card.weights_status,
                reason=check.reason,
                montage=check.montage,
            )
        )
    return feeds


def recording_read(recording: Recording) -> RecordingRead:
    """The API form of a stored recording."""
    return RecordingRead(
        id=recording.id,
        filename=recording.filename,
        models=model_feeds(feed_header(recording)),
        created_at=recording.created_at,
        companions=sorted(recording.companions or {}),
        **{k: v for k, v in recording.header.items() if k != "format"},
        format=recording.format,
    )
