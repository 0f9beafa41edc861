"""Reading an uploaded header in a child process, under a time limit.

The child comes from a fork server that imported the readers once, so a read costs a
fork, not an interpreter start.
"""

from __future__ import annotations

import logging
import multiprocessing
from functools import cache
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from signals.io import RecordingHeader, UnreadableRecordingError, read_header

logger = logging.getLogger(__name__)

PRELOAD = ("api.reading", "mne.io.edf", "mne.io.eeglab", "scipy.io.matlab", "h5py")
"""Imported once by the fork server, so that no read pays for them (MNE loads lazily)."""


@cache
def _reader_context() -> multiprocessing.context.ForkServerContext:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(PRELOAD))
    return context


def _read_in_child(
    conn: Connection, path: Path, companions: dict[str, Path], options: dict[str, Any]
) -> None:
    try:
        conn.send(("ok", read_header(path, companions, options)))
    except UnreadableRecordingError as err:
        conn.send(("unreadable", str(err)))
    except BaseException as err:
        conn.send(("error", f"{type(err).__name__}: {err}"))
    finally:
        conn.close()


def read_header_limited(
    path: Path,
    companions: dict[str, Path],
    options: dict[str, Any],
    timeout_s: float,
) -> RecordingHeader:
    """`signals.io.read_header` in a child process, killed after ``timeout_s``.

    A malformed file can neither hang the API nor crash it: a read past the limit, a
    reader that dies, and any exception a reader lets slip all become
    `UnreadableRecordingError` (the unexpected ones are logged as reader bugs).
    """
    receive, send = _reader_context().Pipe(duplex=False)
    child = _reader_context().Process(
        target=_read_in_child, args=(send, path, companions, options), daemon=True
    )
    child.start()
    send.close()
    try:
        if not receive.poll(timeout_s):
            raise UnreadableRecordingError(
                f"reading its header took longer than {timeout_s:g} s "
                "(AFFECTSERVE_READ_TIMEOUT_S); the file is malformed or too large"
            )
        kind, value = receive.recv()
    except EOFError:
        kind, value = "error", f"the reader process died (exit code {child.exitcode})"
    finally:
        receive.close()
        child.kill()
        child.join()
    if kind == "ok":
        return value
    if kind == "error":
        logger.error("reader bug on %s: %s", path.name, value)
        raise UnreadableRecordingError(f"the reader failed on it ({value})")
    raise UnreadableRecordingError(value)
