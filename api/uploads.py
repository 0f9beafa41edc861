"""Store an upload: stream it to disk with its hash, read its header, record it."""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import os
import re
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any, BinaryIO

from fastapi import HTTPException, status
from sqlalchemy.orm import Session

from api.reading import read_header_limited
from api.schemas import ModelFeed, RecordingRead
from core.cards import load_cards
from core.config import Settings
from core.metrics import ERRORS, UPLOAD_BYTES
from core.storage import UPLOADS, Storage, storage_for
from core.store import Recording, new_id
from signals.feeding import check_feed
from signals.io import ReadLimits, RecordingHeader, UnreadableRecordingError, detect_format
from signals.io.edf import deidentified_head

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


def clean_spool(settings: Settings) -> list[Path]:
    """Delete what uploads left in the spool folder when a process died mid-upload.

    Only files untouched for longer than an upload may stall plus a header read may last
    (``request_stall_s + read_timeout_s``) go, so that uploads in flight in another
    process sharing the folder are kept.

    Returns
    -------
    list of Path
        The files deleted.
    """
    cutoff = time.time() - settings.request_stall_s - settings.read_timeout_s
    left = [p for p in settings.spool_dir.iterdir() if p.is_file() and p.stat().st_mtime < cutoff]
    for path in left:
        path.unlink(missing_ok=True)
    return left


def check_file_count(n_files: int, settings: Settings) -> None:
    """Refuse a job with more files than ``settings.max_files_per_job`` (422)."""
    if n_files > settings.max_files_per_job:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            f"the job has {n_files} recordings; the limit is {settings.max_files_per_job} "
            "per job (AFFECTSERVE_MAX_FILES_PER_JOB): split it into several jobs",
        )


def _suffix(filename: str | None) -> str:
    """The client's file extension, lower case, letters and digits only (may be empty)."""
    return re.sub(r"[^a-z0-9]", "", Path(display_name(filename)).suffix.lower())[:8]


def _private(path: str, flags: int) -> int:
    """Open for `open`'s ``opener``: a new file readable by the service user only."""
    return os.open(path, flags, 0o600)


def _spool(
    source: BinaryIO, settings: Settings, filename: str | None, deidentify: bool = False
) -> tuple[Path, str]:
    """Stream an upload into ``data_dir/tmp`` (0600) with its SHA-256, within the size limit.

    With ``deidentify``, an EDF/BDF header's identifying fields are blanked in the first
    chunk (`deidentified_head`), so that they never reach the disk; the hash is that of
    the stored, de-identified bytes.
    """
    tmp = settings.spool_dir / f"{new_id()}.{_suffix(filename) or 'part'}"
    digest = hashlib.sha256()
    size = 0
    chunks = iter(lambda: source.read(CHUNK), b"")
    first = next(chunks, b"")
    with open(tmp, "xb", opener=_private) as out:
        for chunk in itertools.chain([deidentified_head(first) if deidentify else first], chunks):
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
    source: BinaryIO, filename: str | None, settings: Settings, storage: Storage
) -> tuple[str, str]:
    spooled, sha256 = _spool(source, settings, filename)
    suffix = _suffix(filename)
    key = f"{UPLOADS}/{sha256}.{suffix}" if suffix else f"{UPLOADS}/{sha256}"
    return display_name(filename), storage.put_file(key, spooled)


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
    storage = storage_for(settings)
    stored = dict(_store_companion(fid, name, settings, storage) for fid, name in companions)
    options = options or {}
    spooled, sha256 = _spool(source, settings, filename, deidentify=True)
    tmp = spooled
    try:
        tmp = spooled.rename(spooled.with_suffix(f".{detect_format(spooled)}"))
        with ExitStack() as stack:
            header = read_header_limited(
                tmp,
                {k: stack.enter_context(storage.local(v)) for k, v in stored.items()},
                options,
                ReadLimits.from_settings(settings),
                settings.read_timeout_s,
                settings.reader_memory_mb,
            )
    except UnreadableRecordingError as err:
        tmp.unlink(missing_ok=True)
        ERRORS.labels(kind="upload_unreadable").inc()
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            f"{display_name(filename)} could not be read: {err}",
        ) from err
    UPLOAD_BYTES.inc(tmp.stat().st_size)
    recording = Recording(
        filename=display_name(filename),
        sha256=sha256,
        path=storage.put_file(f"{UPLOADS}/{sha256}.{header.format}", tmp),
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
