"""Structured logs: every record of a job carries the job's id.

The worker sets the id for the duration of a job (`job_context`); a filter copies it
onto each record, and the formatter writes it, as text (``job=<id>``) or one JSON
object per line (``AFFECTSERVE_LOG_JSON=true``) for a log collector.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

JOB_ID: ContextVar[str] = ContextVar("job_id", default="-")
TEXT_FORMAT = "[%(asctime)s: %(levelname)s/%(processName)s job=%(job_id)s] %(name)s: %(message)s"


class JobIdFilter(logging.Filter):
    """Set ``record.job_id`` from the current job (``-`` outside a job)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Add the job id; never drops a record."""
        if not hasattr(record, "job_id"):
            record.job_id = JOB_ID.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, process, logger, job id, message."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as a JSON line."""
        payload = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "process": record.processName,
            "logger": record.name,
            "job_id": getattr(record, "job_id", JOB_ID.get()),
            "message": record.getMessage(),
        }
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        return json.dumps(payload)


@contextmanager
def job_context(job_id: str) -> Iterator[None]:
    """Tag every log record of this block (this thread or task) with ``job_id``."""
    token = JOB_ID.set(job_id)
    try:
        yield
    finally:
        JOB_ID.reset(token)


def structure(handlers: Iterable[logging.Handler], as_json: bool) -> None:
    """Give ``handlers`` the job-id filter and the text or JSON format."""
    for handler in handlers:
        if not any(isinstance(f, JobIdFilter) for f in handler.filters):
            handler.addFilter(JobIdFilter())
        handler.setFormatter(JsonFormatter() if as_json else logging.Formatter(TEXT_FORMAT))
