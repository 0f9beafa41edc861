"""Fixtures shared by the test suite."""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import mne
import numpy as np
import pytest
from sqlalchemy.engine import make_url

from core.cards import montage_channels

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"

POSTGRES_URL = os.environ.get(
    "AFFECTSERVE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
"""The PostgreSQL server of the development and CI machines (trust authentication); the
tests only create and drop a database of their own there."""


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """The URL of a fresh PostgreSQL database for this test session, dropped afterwards.

    Skips (with the reason) when psycopg is missing or PostgreSQL does not answer at
    `POSTGRES_URL`.
    """
    psycopg = pytest.importorskip("psycopg", reason="psycopg is not installed (extra `test`)")
    server = make_url(POSTGRES_URL)
    try:
        admin = psycopg.connect(
            server.set(drivername="postgresql").render_as_string(hide_password=False),
            connect_timeout=2,
            autocommit=True,
        )
    except psycopg.OperationalError as err:
        pytest.skip(
            f"PostgreSQL is unreachable at {server.render_as_string()} ({err}); start it, or "
            "point AFFECTSERVE_TEST_POSTGRES_URL at one"
        )
    name = f"affectserve_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """URL of an S3 server for this test session: moto's, on a free loopback port. It
    speaks S3's HTTP API, so boto3 reaches it over a real connection, as it would MinIO.

    Skips (with the reason) when moto's server is not installed.
    """
    moto_server = pytest.importorskip(
        "moto.server", reason="moto[server] is not installed (extra `test`)"
    )
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # a line a request otherwise
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3_settings(s3_endpoint: str) -> dict[str, str]:
    """Settings (field name: value) of a fresh, empty bucket on the session's S3 server,
    with a key prefix."""
    from core.storage import s3_client

    bucket = f"affectserve-{uuid.uuid4().hex[:12]}"
    s3_client(s3_endpoint, "us-east-1", "test-key", "test-secret").create_bucket(Bucket=bucket)
    return {
        "storage_url": f"s3://{bucket}/service",
        "s3_endpoint_url": s3_endpoint,
        "s3_region": "us-east-1",
        "s3_access_key_id": "test-key",
        "s3_secret_access_key": "test-secret",
    }


@pytest.fixture(params=["sqlite", "postgresql"])
def job_store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a fresh, empty job store on each backend: a SQLite file, or a schema of
    its own in the session's PostgreSQL database (`postgres_database`)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'jobs.db'}"
        return
    import psycopg

    database = make_url(request.getfixturevalue("postgres_database"))
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(
        database.set(drivername="postgresql").render_as_string(hide_password=False),
        autocommit=True,
    ) as connection:
        connection.execute(f"CREATE SCHEMA {schema}")
    search_path = database.update_query_dict({"options": f"-csearch_path={schema}"})
    yield search_path.render_as_string(hide_password=False)


def write_seed_edf(
    path: Path,
    duration_s: float = 60.0,
    sfreq: float = 200.0,
    seed: int = 0,
    annotations: tuple[tuple[float, float, str], ...] = (),
) -> Path:
    """Write an EDF with the 62 SEED channels of Gaussian noise (20 µV) and a 10 Hz rhythm.

    ``annotations`` are (onset s, duration s, text), written as EDF+ annotations.
    """
    channels = montage_channels("seed62")
    n_times = int(duration_s * sfreq)
    rng = np.random.default_rng(seed)
    times = np.arange(n_times) / sfreq
    data = rng.normal(0.0, 20e-6, (len(channels), n_times))
    data += 10e-6 * np.sin(2 * np.pi * 10.0 * times)
    raw = mne.io.RawArray(data, mne.create_info(channels, sfreq, "eeg"), verbose="error")
    if annotations:
        raw.set_annotations(mne.Annotations(*zip(*annotations, strict=True)))
    mne.export.export_raw(path, raw, fmt="edf", overwrite=True, verbose="error")
    return path


@pytest.fixture
def seed_edf(tmp_path: Path) -> Path:
    """A 60-s, 200 Hz, 62-channel EDF with SEED channel names."""
    return write_seed_edf(tmp_path / "seed62.edf")


@pytest.fixture
def settings_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point the settings at a fresh data folder for one test."""
    from core.config import get_settings

    data_dir = tmp_path / "data"
    monkeypatch.setenv("AFFECTSERVE_DATA_DIR", str(data_dir))
    monkeypatch.setenv("AFFECTSERVE_MAX_UPLOAD_MB", "4")
    get_settings.cache_clear()
    yield data_dir
    get_settings.cache_clear()


#: Frequency of the rhythm planted in the trials of each SEED class (Hz): theta, alpha, beta.
PLANTED_HZ = {"negative": 6.0, "neutral": 10.0, "positive": 22.0}


def write_labelled_edf(
    path: Path, trials: list[tuple[str, float]], sfreq: float = 200.0, seed: int = 0
) -> Path:
    """Write a 62-channel SEED-named EDF+ whose trials differ by a planted rhythm.

    Each ``(label, duration_s)`` trial carries a 25 µV sine at ``PLANTED_HZ[label]`` over
    20 µV Gaussian noise and is annotated ``film_<label>`` with its duration; 15 s of
    noise separate the trials.
    """
    channels = montage_channels("seed62")
    rng = np.random.default_rng(seed)
    pieces, onsets, gap = [], [], 15.0
    t = 0.0
    for label, duration in trials:
        n = int(gap * sfreq)
        pieces.append(rng.normal(0.0, 20e-6, (len(channels), n)))
        t += gap
        n = int(duration * sfreq)
        times = np.arange(n) / sfreq
        phase = rng.uniform(0, 2 * np.pi, (len(channels), 1))
        rhythm = 25e-6 * np.sin(2 * np.pi * PLANTED_HZ[label] * times + phase)
        pieces.append(rng.normal(0.0, 20e-6, (len(channels), n)) + rhythm)
        onsets.append((t, duration, f"film_{label}"))
        t += duration
    raw = mne.io.RawArray(
        np.concatenate(pieces, axis=1), mne.create_info(channels, sfreq, "eeg"), verbose="error"
    )
    raw.set_annotations(mne.Annotations(*zip(*onsets, strict=True)))
    mne.export.export_raw(path, raw, fmt="edf", overwrite=True, verbose="error")
    return path
