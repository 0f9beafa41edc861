"""The job store: recordings and jobs in a SQL database (SQLite by default, PostgreSQL
by URL).

The API writes new recordings and jobs; the worker claims a job, beats its heartbeat
(``updated_at``) while it runs and moves it to a final state. The broker only carries job
ids, so nothing is lost with it: queued jobs can always be sent again, and a delivery
that finds its job final, or running with a fresh heartbeat, does nothing.

The schema is versioned in a one-row ``schema_version`` table; `MIGRATIONS` lists the
columns that take version ``n - 1`` to ``n`` (added when missing, so a store made by any
earlier build catches up). Added columns are all the schema has needed: ``ALTER TABLE ...
ADD COLUMN`` runs the same on SQLite and PostgreSQL, without Alembic's machinery.
"""

from __future__ import annotations

import os
import threading
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Enum,
    Integer,
    String,
    Text,
    and_,
    create_engine,
    event,
    inspect,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.types import TypeDecorator

from core.schemas import (
    ACTIVE_STATES,
    FINAL_STATES,
    JobKind,
    JobProgress,
    JobState,
    Stage,
)

__all__ = ["ACTIVE_STATES", "FINAL_STATES"]


def _now() -> datetime:
    return datetime.now(UTC)


def _values(enum: type[JobState]) -> list[str]:
    return [member.value for member in enum]


def _queued() -> JobProgress:
    return JobProgress.at(Stage.QUEUED)


def new_id() -> str:
    """A new random identifier (32 hex digits)."""
    return uuid.uuid4().hex


class ProgressJSON(TypeDecorator[JobProgress]):
    """A `JobProgress` stored as JSON; a row written before progress existed reads as queued."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> dict[str, Any] | None:
        """Validate ``value`` (a `JobProgress` or its JSON form) and store its JSON form."""
        if value is None:
            return None
        return JobProgress.model_validate(value).model_dump(mode="json")

    def process_result_value(self, value: Any, dialect: Any) -> JobProgress:
        """The stored JSON as a `JobProgress`."""
        return JobProgress.model_validate(value or {})


class Base(DeclarativeBase):
    """Declarative base of the store's tables."""


class Recording(Base):
    """An uploaded recording: where its file is and what its header says."""

    __tablename__ = "recordings"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    path: Mapped[str] = mapped_column(Text)
    format: Mapped[str] = mapped_column(String(16))
    header: Mapped[dict[str, Any]] = mapped_column(JSON)
    companions: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    owner: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class Job(Base):
    """A request to run models on recordings, and its progress."""

    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    kind: Mapped[JobKind] = mapped_column(String(16), default=JobKind.INFERENCE)
    state: Mapped[JobState] = mapped_column(
        Enum(JobState, native_enum=False, length=16, values_callable=_values),
        default=JobState.QUEUED,
        index=True,
    )
    recording_ids: Mapped[list[str]] = mapped_column(JSON)
    models: Mapped[list[str]] = mapped_column(JSON)
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    progress: Mapped[JobProgress] = mapped_column(ProgressJSON, default=_queued)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    result_path: Mapped[str | None] = mapped_column(Text, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    worker: Mapped[str | None] = mapped_column(String(255), nullable=True)
    owner: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=_now, onupdate=_now
    )


Column = tuple[str, str, str]

MIGRATIONS: tuple[tuple[Column, ...], ...] = (
    (),
    (
        ("recordings", "companions", "JSON"),
        ("recordings", "options", "JSON"),
        ("recordings", "owner", "VARCHAR(64)"),
        ("jobs", "attempts", "INTEGER NOT NULL DEFAULT 0"),
        ("jobs", "worker", "VARCHAR(255)"),
        ("jobs", "owner", "VARCHAR(64)"),
    ),
    (("jobs", "kind", "VARCHAR(16) NOT NULL DEFAULT 'inference'"),),
)
"""Per version after the first: the ``(table, column, SQL type)`` it adds."""

INDEXES = (
    "CREATE INDEX IF NOT EXISTS ix_recordings_owner ON recordings (owner)",
    "CREATE INDEX IF NOT EXISTS ix_jobs_owner ON jobs (owner)",
)
SCHEMA_VERSION = len(MIGRATIONS)


def schema_version(connection: Connection) -> int | None:
    """The store's schema version; None for an empty database.

    A database made before versioning (tables, no version table) is version 1.
    """
    tables = set(inspect(connection).get_table_names())
    if "schema_version" in tables:
        return int(connection.execute(text("SELECT version FROM schema_version")).scalar_one())
    return 1 if "jobs" in tables else None


def migrate(engine: Engine) -> int:
    """Create the tables, or bring an older schema to `SCHEMA_VERSION`; returns it.

    Each step runs in one transaction (PostgreSQL takes an advisory lock first). When
    another process migrates at the same time, the loser's step fails and it finds the
    version already current.
    """
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(5046171)"))
            _migrate(connection)
    except DBAPIError:
        with engine.connect() as connection:
            if schema_version(connection) != SCHEMA_VERSION:
                raise
    return SCHEMA_VERSION


def _migrate(connection: Connection) -> None:
    version = schema_version(connection)
    if version is None:
        Base.metadata.create_all(connection)
    else:
        for columns in MIGRATIONS[version:]:
            for table, column, sql_type in columns:
                present = {c["name"] for c in inspect(connection).get_columns(table)}
                if column not in present:
                    connection.execute(text(f"ALTER TABLE {table} ADD COLUMN {column} {sql_type}"))
        for statement in INDEXES:
            connection.execute(text(statement))
    connection.execute(text("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER)"))
    connection.execute(text("DELETE FROM schema_version"))
    connection.execute(
        text("INSERT INTO schema_version (version) VALUES (:v)"), {"v": SCHEMA_VERSION}
    )


_engines: dict[str, Engine] = {}


def get_engine(url: str) -> Engine:
    """The engine for ``url``, its schema migrated (one per process and URL)."""
    engine = _engines.get(url)
    if engine is None:
        sqlite = url.startswith("sqlite")
        engine = create_engine(
            url,
            connect_args={"timeout": 30, "check_same_thread": False} if sqlite else {},
            pool_pre_ping=not sqlite,
        )
        if sqlite:
            event.listen(engine, "connect", _sqlite_pragmas)
        migrate(engine)
        _engines[url] = engine
    return engine


def forget_engines() -> None:
    """Drop the engines inherited from a parent process; call first in a forked child.

    The parent's pooled connections are left open for the parent (``close=False``).
    """
    for engine in _engines.values():
        engine.dispose(close=False)
    _engines.clear()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def session_factory(url: str) -> sessionmaker[Session]:
    """A session factory bound to the store at ``url``."""
    return sessionmaker(get_engine(url), expire_on_commit=False)


def list_jobs(
    session: Session,
    limit: int = 100,
    owner: str | None = None,
    kind: JobKind = JobKind.INFERENCE,
) -> list[Job]:
    """The newest jobs of ``kind`` first (only those of ``owner`` when given)."""
    query = select(Job).where(Job.kind == kind).order_by(Job.created_at.desc()).limit(limit)
    if owner is not None:
        query = query.where(Job.owner == owner)
    return list(session.scalars(query))


def update_job(session: Session, job_id: str, **fields: Any) -> Job | None:
    """Set fields of a job and commit; returns the job, or None when it is gone."""
    job = session.get(Job, job_id)
    if job is None:
        return None
    for key, value in fields.items():
        setattr(job, key, value)
    session.commit()
    return job


def claim_job(session: Session, job_id: str, worker: str, claim_after_s: float) -> int | None:
    """Take job ``job_id`` for ``worker``: atomically move it to ``running``.

    A queued job can be claimed; so can a running one whose heartbeat is older than
    ``claim_after_s`` (its worker died and the broker delivered it again). Returns the
    attempt number that now owns the job, or None when it is not claimable (final,
    missing, or alive elsewhere).
    """
    now = _now()
    claimed = session.execute(
        update(Job)
        .where(
            Job.id == job_id,
            or_(
                Job.state == JobState.QUEUED,
                and_(
                    Job.state == JobState.RUNNING,
                    Job.updated_at < now - timedelta(seconds=claim_after_s),
                ),
            ),
        )
        .values(
            state=JobState.RUNNING,
            attempts=Job.attempts + 1,
            worker=worker,
            error=None,
            result_path=None,
            progress=JobProgress.at(Stage.STARTING),
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    session.commit()
    if claimed.rowcount != 1:
        return None
    return int(session.scalar(select(Job.attempts).where(Job.id == job_id)))


def update_attempt(session: Session, job_id: str, attempt: int, **fields: Any) -> bool:
    """Set fields of a running job if attempt ``attempt`` still owns it; True when it did.

    Every write of a worker goes through here, so a worker that lost its job (cancelled,
    swept, or taken over after a lost heartbeat) cannot overwrite the new owner's state.
    """
    changed = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.state == JobState.RUNNING, Job.attempts == attempt)
        .values(updated_at=_now(), **fields)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return changed.rowcount == 1


#: The progress message of a job put back in the queue after its worker was lost.
REQUEUED_MESSAGE = (
    "its worker was lost (no heartbeat for {seconds:g} s); queued again, it starts over "
    "from the beginning"
)


def stale_running(session: Session, older_than_s: float) -> list[str]:
    """Ids of running jobs whose heartbeat is older than ``older_than_s``, oldest first."""
    cutoff = _now() - timedelta(seconds=older_than_s)
    return list(
        session.scalars(
            select(Job.id)
            .where(Job.state == JobState.RUNNING, Job.updated_at < cutoff)
            .order_by(Job.updated_at)
        )
    )


def requeue_stale(session: Session, claim_after_s: float) -> list[str]:
    """Put running jobs with no heartbeat for ``claim_after_s`` back to ``queued``; their ids.

    Their worker was lost (killed, or its host gone). The attempt count is kept, so the
    next claim counts a new attempt (and fails the job after ``max_attempts``); the lost
    attempt, should it still be alive, finds the job no longer its own at its next write
    (`update_attempt`) and stops.
    """
    requeued = []
    for job_id in stale_running(session, claim_after_s):
        cutoff = _now() - timedelta(seconds=claim_after_s)
        changed = session.execute(
            update(Job)
            .where(Job.id == job_id, Job.state == JobState.RUNNING, Job.updated_at < cutoff)
            .values(
                state=JobState.QUEUED,
                worker=None,
                progress=JobProgress.at(
                    Stage.QUEUED, message=REQUEUED_MESSAGE.format(seconds=claim_after_s)
                ),
                updated_at=_now(),
            )
            .execution_options(synchronize_session=False)
        )
        if changed.rowcount == 1:
            requeued.append(job_id)
    session.commit()
    return requeued


def write_atomic(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file and a rename; returns ``path``.

    A reader sees the old file or the new one, never a part. The file is readable by the
    service user only (0600).
    """
    partial = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.part")
    with open(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as out:
        out.write(data)
    partial.replace(path)
    return path
