"""Where uploads, results and figures live: one small interface, objects under keys.

A key is a relative POSIX path (``uploads/<sha256>.edf``, ``results/<sha256>.json``,
``plots/<job id>/<figure>.png``); the job store keeps keys, so that the API and workers on
other hosts find the same objects wherever their storage is. `LocalStorage` keeps them in
a folder (by default the data dir, a shared volume for several hosts); `S3Storage` in an
S3-compatible object store (``AFFECTSERVE_STORAGE_URL=s3://bucket/prefix``). ``put`` and
``put_file`` store, ``get`` reads, ``local`` gives a local file for the readers that need a
path (MNE, h5py), ``delete`` and ``list`` map to the store's own calls; `storage_for`
chooses one from the settings.

A reader sees all of an object or nothing (a file is written through a temporary name and
a rename; an S3 PUT is atomic). Files are readable by the service user only (0600), and so
are the temporary copies of S3 objects; a bucket is private unless its owner opens it.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any, Protocol

from core.config import Settings
from core.schemas import FigureManifest, JobResult
from core.store import Recording, write_atomic

UPLOADS = "uploads"
"""Key prefix of uploaded files (content-addressed: ``uploads/<sha256>.<ext>``)."""
RESULTS = "results"
"""Key prefix of job and training results."""
PLOTS = "plots"
"""Key prefix of figures, one folder a job (``plots/<job id>/<figure>.<fmt>``)."""
FIGURES_MANIFEST = "figures.json"
"""The manifest of a job's figures, in its folder."""
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


def _checked(key: str) -> PurePosixPath:
    """``key`` as a relative path; ValueError when it is absolute, empty or has ``..``."""
    pure = PurePosixPath(key)
    if pure.is_absolute() or not pure.parts or ".." in pure.parts:
        raise ValueError(f"{key!r} is not a storage key (a relative path without '..')")
    return pure


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
        if PurePosixPath(key).is_absolute():
            path = Path(key).resolve()
            if not path.is_relative_to(self.root):
                raise ValueError(f"{key} is not under the storage root {self.root}")
            return path
        return self.root.joinpath(*_checked(key).parts)

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
        """Delete ``key``'s file, and its folders left empty below the top one (a job's
        ``plots/<job id>``); True when there was a file."""
        path = self.path(key)
        existed = path.is_file()
        path.unlink(missing_ok=True)
        top = self.root.joinpath(path.relative_to(self.root).parts[0])
        for folder in path.parents:
            if folder == top or not folder.is_dir() or any(folder.iterdir()):
                break
            folder.rmdir()
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

    def __str__(self) -> str:
        return f"folder {self.root}"


class S3Storage:
    """Objects in a bucket of an S3-compatible store, under an optional key prefix.

    Parameters
    ----------
    client
        A boto3 S3 client (`s3_client`).
    bucket, prefix
        Where the objects go: ``s3://<bucket>/<prefix>/<key>``.
    spool
        Local folder of the temporary copies `local` makes (the data dir's ``tmp``).
    """

    def __init__(self, client: Any, bucket: str, prefix: str, spool: Path) -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.spool = spool

    def name(self, key: str) -> str:
        """The object name of ``key`` in the bucket (the prefix and the key)."""
        return "/".join(p for p in (self.prefix, _checked(key).as_posix()) if p)

    def key(self, stored: str) -> str:
        """``stored`` itself, once checked (S3 keys have no older form)."""
        return _checked(stored).as_posix()

    def put(self, key: str, data: bytes) -> str:
        """PUT ``data`` under ``key``; returns ``key``."""
        self.client.put_object(Bucket=self.bucket, Key=self.name(key), Body=data)
        return key

    def put_file(self, key: str, source: Path) -> str:
        """Upload ``source`` (multipart when large) under ``key``, then delete it; returns
        ``key``."""
        self.client.upload_file(str(source), self.bucket, self.name(key))
        source.unlink()
        return key

    def get(self, key: str) -> bytes:
        """The bytes of ``key``'s object."""
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self.name(key))
        except self.client.exceptions.NoSuchKey as err:
            raise FileNotFoundError(f"no stored object {key}") from err
        return answer["Body"].read()

    @contextmanager
    def local(self, key: str) -> Iterator[Path]:
        """A private copy of the object (0600, in a 0700 folder of the spool, under the
        key's file name so that its suffix is kept), removed when the context ends."""
        from botocore.exceptions import ClientError

        self.spool.mkdir(mode=0o700, parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=self.spool, prefix=".s3-") as folder:
            path = Path(folder) / PurePosixPath(self.name(key)).name
            try:
                self.client.download_file(self.bucket, self.name(key), str(path))
            except ClientError as err:
                if _status(err) == 404:
                    raise FileNotFoundError(f"no stored object {key}") from err
                raise
            path.chmod(PRIVATE)
            yield path

    def delete(self, key: str) -> bool:
        """Delete ``key``'s object; True when there was one."""
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self.name(key))
        except ClientError as err:
            if _status(err) == 404:
                return False
            raise
        self.client.delete_object(Bucket=self.bucket, Key=self.name(key))
        return True

    def list(self, prefix: str) -> list[str]:
        """The keys of the objects under the folder ``prefix``."""
        folder = f"{self.name(prefix)}/"
        start = len(self.prefix) + 1 if self.prefix else 0
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=folder
        )
        return sorted(o["Key"][start:] for page in pages for o in page.get("Contents", []))

    def __str__(self) -> str:
        return f"s3://{self.bucket}/{self.prefix} at {self.client.meta.endpoint_url}"


def _status(err: Any) -> int | None:
    """The HTTP status of a botocore ClientError."""
    return err.response.get("ResponseMetadata", {}).get("HTTPStatusCode")


@cache
def s3_client(
    endpoint_url: str | None, region: str | None, key_id: str | None, secret: str | None
) -> Any:
    """A boto3 S3 client (extra `s3`), one a process for the same settings (clients are
    thread-safe and slow to make), from a session of its own (boto3's default session is
    not thread-safe)."""
    try:
        import boto3
    except ImportError as err:
        raise RuntimeError(
            "AFFECTSERVE_STORAGE_URL is an s3:// URL but boto3 is not installed: "
            'pip install "affectserve[s3]"'
        ) from err
    return boto3.session.Session().client(
        "s3",
        endpoint_url=endpoint_url,
        region_name=region,
        aws_access_key_id=key_id,
        aws_secret_access_key=secret,
    )


def storage_for(settings: Settings) -> Storage:
    """The storage of uploads, results and figures: the data dir, or the object store of
    ``settings.storage_url``."""
    if settings.storage_url is None:
        return LocalStorage(settings.data_dir)
    bucket, _, prefix = settings.storage_url.removeprefix("s3://").partition("/")
    secret = settings.s3_secret_access_key
    client = s3_client(
        settings.s3_endpoint_url,
        settings.s3_region,
        settings.s3_access_key_id,
        secret.get_secret_value() if secret else None,
    )
    return S3Storage(client, bucket, prefix, settings.spool_dir)


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


def figures_prefix(job_id: str) -> str:
    """The folder of a job's figures (``plots/<job id>``)."""
    return f"{PLOTS}/{job_id}"


def write_figures(storage: Storage, job_id: str, manifest: FigureManifest) -> str:
    """Store the manifest of a job's figures in their folder; returns its key."""
    key = f"{figures_prefix(job_id)}/{FIGURES_MANIFEST}"
    return storage.put(key, manifest.model_dump_json(indent=2).encode())


def read_figures(storage: Storage, job_id: str) -> FigureManifest | None:
    """The manifest of a job's figures; None when the job stored none."""
    try:
        data = storage.get(f"{figures_prefix(job_id)}/{FIGURES_MANIFEST}")
    except FileNotFoundError:
        return None
    return FigureManifest.model_validate_json(data)
