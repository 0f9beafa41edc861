"""The job store: recordings and jobs in a SQL database (SQLite by default).

The API writes new recordings and jobs; the worker moves jobs through their states and
reports progress here. The broker only carries job ids, so nothing is lost with it.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import JSON, DateTime, String, Text, create_engine, event, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

ACTIVE_STATES = ("queued", "running")
FINAL_STATES = ("succeeded", "failed", "cancelled")


def _now() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    """A new random identifier (32 hex digits)."""
    return uuid.uuid4().hex


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
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class Job(Base):
    """A request to run models on recordings, and its progress."""

    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    state: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    recording_ids: Mapped[list[str]] = mapped_column(JSON)
    models: Mapped[list[str]] = mapped_column(JSON)
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    progress: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    result_path: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=_now, onupdate=_now
    )


@cache
def get_engine(url: str) -> Engine:
    """The engine for ``url``, with its tables created (one per process and URL)."""
    sqlite = url.startswith("sqlite")
    engine = create_engine(
        url, connect_args={"timeout": 30, "check_same_thread": False} if sqlite else {}
    )
    if sqlite:
        event.listen(engine, "connect", _sqlite_pragmas)
    Base.metadata.create_all(engine)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def session_factory(url: str) -> sessionmaker[Session]:
    """A session factory bound to the store at ``url``."""
    return sessionmaker(get_engine(url), expire_on_commit=False)


def list_jobs(session: Session, limit: int = 100) -> list[Job]:
    """The newest jobs first."""
    return list(session.scalars(select(Job).order_by(Job.created_at.desc()).limit(limit)))


def update_job(session: Session, job_id: str, **fields: Any) -> Job | None:
    """Set fields of a job and commit; returns the job, or None when it is gone."""
    job = session.get(Job, job_id)
    if job is None:
        return None
    for key, value in fields.items():
        setattr(job, key, value)
    session.commit()
    return job
