"""Where uploads and results live: one small interface, objects under keys.

A key is a relative POSIX path (``uploads/<sha256>.edf``, ``results/<sha256>.json``); the
job store keeps keys, so that the API and workers on other hosts find the same objects
wherever their storage is mounted. `LocalStorage` (a folder, by default the data dir) is
the one implementation. Another (an S3-compatible object store) implements the same
methods: ``put``/``put_file`` upload, ``get`` downloads, ``local`` downloads to a private
temporary file for the readers that need a path (MNE, h5py) and removes it afterwards,
``delete`` and ``list`` map to the store's own calls; `storage_for` chooses it from a
setting.

Every object is written through a temporary name and a rename (a reader sees all of it
or nothing) and is readable by the service user only (0600).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from pathlib import Path, PurePosixPath
from typing import Protocol

from core.config import Settings
from core.schemas import JobResult
from core.store import Recording, write_atomic

UPLOADS = "uploads"
"""Key prefix of uploaded files (content-addressed: ``uploads/<sha256>.<ext>``)."""
RESULTS = "results"
"""Key prefix of job and training results."""
PRIVATE = 0o600
"""Mode of every stored file: the service user alone reads it."""


class Storage(Protocol):
    """Objects under keys (relative POSIX paths)."""

    def key(self, stored: str) -> str:
        """The key of a reference the job store holds (a key, or an older build's form)."""
        ...

    def put(self, key: str, data: bytes) -> str:
        """Store ``data`` under ``key`` (replacing what was there); returns ``key``."""
        ...

    def put_file(self, key: str, source: Path) -> str:
        """Move the local file ``source`` in under ``key``; returns ``key``."""
        ...

    def get(self, key: str) -> bytes:
        """The bytes stored under ``key``; FileNotFoundError when there are none."""
        ...

    def local(self, key: str) -> AbstractContextManager[Path]:
        """A local file holding the object, for as long as the context lasts."""
        ...

    def delete(self, key: str) -> bool:
        """Delete the object; True when there was one."""
        ...

    def list(self, prefix: str) -> list[str]:
        """The keys under ``prefix`` (a folder: ``uploads``), sorted."""
        ...


class LocalStorage:
    """Objects as files under a root folder (a shared volume for several hosts).

    Keys written by an earlier build, the files' absolute paths, are accepted when they
    lie under the root.
    """

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def path(self, key: str) -> Path:
        """The file of ``key``.

        Raises
        ------
        ValueError
            For a key that leaves the root (``..``, or an absolute path elsewhere).
        """
        pure = PurePosixPath(key)
        if pure.is_absolute():
            path = Path(key).resolve()
            if not path.is_relative_to(self.root):
                raise ValueError(f"{key} is not under the storage root {self.root}")
            return path
        if not pure.parts or ".." in pure.parts:
            raise ValueError(f"{key!r} is not a storage key (a relative path without '..')")
        return self.root.joinpath(*pure.parts)

    def key(self, stored: str) -> str:
        """The key of ``stored``: a key, or an earlier build's absolute path under the root."""
        return self.path(stored).relative_to(self.root).as_posix()

    def put(self, key: str, data: bytes) -> str:
        """Store ``data`` under ``key`` (`write_atomic`: 0600, through a rename); returns
        ``key``."""
        path = self.path(key)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_atomic(path, data)
        return key

    def put_file(self, key: str, source: Path) -> str:
        """Move ``source`` in under ``key`` (0600; a rename on the same file system);
        returns ``key``."""
        path = self.path(key)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        source.chmod(PRIVATE)
        source.replace(path)
        return key

    def get(self, key: str) -> bytes:
        """The bytes of ``key``'s file."""
        return self.path(key).read_bytes()

    @contextmanager
    def local(self, key: str) -> Iterator[Path]:
        """The file itself (nothing is copied)."""
        path = self.path(key)
        if not path.is_file():
            raise FileNotFoundError(f"no stored object {key}")
        yield path

    def delete(self, key: str) -> bool:
        """Delete ``key``'s file; True when there was one."""
        path = self.path(key)
        existed = path.is_file()
        path.unlink(missing_ok=True)
        return existed

    def list(self, prefix: str) -> list[str]:
        """The keys of the files under the folder ``prefix`` (temporary files left out)."""
        folder = self.path(prefix)
        if not folder.is_dir():
            return []
        return sorted(
            p.relative_to(self.root).as_posix()
            for p in folder.rglob("*")
            if p.is_file() and not p.name.endswith(".part")
        )


def storage_for(settings: Settings) -> Storage:
    """The storage of uploads and results: the data dir."""
    return LocalStorage(settings.data_dir)


@contextmanager
def recording_files(
    storage: Storage, recording: Recording
) -> Iterator[tuple[Path, dict[str, Path]]]:
    """Local files of a recording while the context lasts: its file, and its companions by
    their original names."""
    with ExitStack() as stack:
        companions = {
            name: stack.enter_context(storage.local(key))
            for name, key in (recording.companions or {}).items()
        }
        yield stack.enter_context(storage.local(recording.path)), companions


def write_result(storage: Storage, result: JobResult) -> str:
    """Store a job's result as ``results/<sha256 of its JSON>.json``; returns its key.

    Writing the same result twice (a job delivered again) gives the same object.
    """
    data = result.model_dump_json().encode()
    return storage.put(f"{RESULTS}/{hashlib.sha256(data).hexdigest()}.json", data)


def read_result(storage: Storage, key: str) -> JobResult:
    """The result stored under ``key`` (by `write_result`)."""
    return JobResult.model_validate_json(storage.get(key))
