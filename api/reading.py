"""Reading an uploaded header in a child process, under a time and a memory limit.

The child comes from a fork server that imported the readers once, so a read costs a
fork, not an interpreter start. Its address space is capped (`cap_address_space`), so
a file that makes a reader allocate without bound fails that read, never the host.
"""

from __future__ import annotations

import logging
import multiprocessing
from dataclasses import dataclass
from functools import cache
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from core.resources import cap_address_space, peak_rss_bytes
from signals.io import ReadLimits, RecordingHeader, UnreadableRecordingError, read_header
from signals.io.base import without_paths

logger = logging.getLogger(__name__)

PRELOAD = ("api.reading", "mne.io.edf", "mne.io.eeglab", "scipy.io.matlab", "h5py")
"""Imported once by the fork server, so that no read pays for them (MNE loads lazily)."""


@dataclass(frozen=True)
class ReadOutcome:
    """What the reader child answered.

    Attributes
    ----------
    kind : str
        ``'ok'``, ``'unreadable'`` (the file's fault) or ``'error'`` (a reader bug).
    value : RecordingHeader or str
        The header, or the message.
    peak_rss_bytes : int
        The child's largest resident memory, bytes.
    """

    kind: str
    value: RecordingHeader | str
    peak_rss_bytes: int


@cache
def _reader_context() -> multiprocessing.context.ForkServerContext:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(PRELOAD))
    return context


def _read_in_child(
    conn: Connection,
    path: Path,
    companions: dict[str, Path],
    options: dict[str, Any],
    limits: ReadLimits,
    memory_mb: float,
) -> None:
    cap_address_space(memory_mb)
    try:
        reply: tuple[str, RecordingHeader | str] = (
            "ok",
            read_header(path, companions, options, limits),
        )
    except UnreadableRecordingError as err:
        reply = ("unreadable", str(err))
    except MemoryError:
        reply = (
            "unreadable",
            f"reading its header needs more than {memory_mb:g} MB of memory "
            "(AFFECTSERVE_READER_MEMORY_MB); the file declares more than it holds, or "
            "stores a whole recording inside a MAT struct: save the signals as EDF",
        )
    except BaseException as err:
        reply = ("error", f"{type(err).__name__}: {err}")
    try:
        conn.send((*reply, peak_rss_bytes()))
    finally:
        conn.close()


def read_in_child(
    path: Path,
    companions: dict[str, Path],
    options: dict[str, Any],
    limits: ReadLimits,
    timeout_s: float,
    memory_mb: float,
) -> ReadOutcome:
    """Run `signals.io.read_header` in a child capped at ``memory_mb``, for ``timeout_s``.

    Raises
    ------
    UnreadableRecordingError
        The read took longer than ``timeout_s``.
    """
    receive, send = _reader_context().Pipe(duplex=False)
    child = _reader_context().Process(
        target=_read_in_child,
        args=(send, path, companions, options, limits, memory_mb),
        daemon=True,
    )
    child.start()
    send.close()
    try:
        if not receive.poll(timeout_s):
            raise UnreadableRecordingError(
                f"reading its header took longer than {timeout_s:g} s "
                "(AFFECTSERVE_READ_TIMEOUT_S); the file is malformed or too large"
            )
        return ReadOutcome(*receive.recv())
    except EOFError:
        return ReadOutcome(
            "error",
            f"the reader process died (exit code {child.exitcode}, memory cap {memory_mb:g} MB)",
            0,
        )
    finally:
        receive.close()
        child.kill()
        child.join()


def read_header_limited(
    path: Path,
    companions: dict[str, Path],
    options: dict[str, Any],
    limits: ReadLimits,
    timeout_s: float,
    memory_mb: float,
) -> RecordingHeader:
    """`signals.io.read_header` in a child process, killed after ``timeout_s``.

    A malformed file can neither hang the API, nor crash it, nor take its memory: a
    read past the limits, a reader that dies, and any exception a reader lets slip all
    become `UnreadableRecordingError` (the unexpected ones are logged as reader bugs).
    No message names a server path.
    """
    outcome = read_in_child(path, companions, options, limits, timeout_s, memory_mb)
    logger.info(
        "read the header of %s: %s, peak memory %.0f MB",
        path.name,
        outcome.kind,
        outcome.peak_rss_bytes / 2**20,
    )
    if isinstance(outcome.value, RecordingHeader):
        return outcome.value
    if outcome.kind == "error":
        logger.error("reader bug on %s: %s", path.name, outcome.value)
        raise UnreadableRecordingError(
            f"the reader failed on it ({without_paths(outcome.value)}); the file is damaged "
            "or uses a layout this service does not read"
        )
    raise UnreadableRecordingError(outcome.value)
