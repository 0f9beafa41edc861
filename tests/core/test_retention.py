"""Retention: old finished jobs, unused recordings and their shared files are deleted."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from core.config import Settings
from core.retention import cleanup
from core.store import Job, Recording, session_factory


def _settings(tmp_path: Path, days: float | None) -> Settings:
    settings = Settings(data_dir=tmp_path / "data", retention_days=days)
    settings.ensure_dirs()
    return settings


def _file(folder: Path, name: str) -> Path:
    path = folder / name
    path.write_bytes(b"x")
    return path


def test_cleanup_removes_old_rows_and_unshared_files(tmp_path: Path) -> None:
    settings = _settings(tmp_path, days=7)
    old = datetime.now(UTC) - timedelta(days=8)
    upload = _file(settings.uploads_dir, "aa.edf")
    kept_upload = _file(settings.uploads_dir, "bb.edf")
    result = _file(settings.results_dir, "cc.json")
    stale_tmp = _file(settings.data_dir / "tmp", "x.part")
    os.utime(stale_tmp, (old.timestamp(), old.timestamp()))
    fresh_tmp = _file(settings.data_dir / "tmp", "y.part")
    (settings.data_dir / "plots" / "j_old").mkdir(parents=True)
    plot = _file(settings.data_dir / "plots" / "j_old", "timeline.png")

    def recording(rid: str, path: Path | str, created: datetime) -> Recording:
        return Recording(
            id=rid,
            filename="f",
            sha256=Path(path).stem,
            path=str(path),
            format="edf",
            header={},
            created_at=created,
        )

    def job(jid: str, state: str, recordings: list[str], when: datetime) -> Job:
        return Job(
            id=jid,
            state=state,
            recording_ids=recordings,
            models=["maet"],
            options={},
            progress={},
            result_path=str(result) if state == "succeeded" else None,
            created_at=when,
            updated_at=when,
        )

    with session_factory(settings.store_url)() as session:
        session.add_all(
            [
                recording("r_old", upload, old),
                recording("r_twin", upload, old),
                # kept_upload under its storage key, and as an earlier build's absolute path
                recording("r_busy", "uploads/bb.edf", old),
                recording("r_busy_twin", kept_upload, old),
                job("j_old", "succeeded", ["r_old"], old),
                job("j_old2", "failed", ["r_twin"], old),
                job("j_new", "succeeded", ["r_new"], datetime.now(UTC)),
                job("j_queued", "queued", ["r_busy"], old),
            ]
        )
        session.commit()
        report = cleanup(session, settings)
        assert (report.jobs, report.recordings) == (2, 3)
        assert sorted(j.id for j in session.query(Job)) == ["j_new", "j_queued"]
        assert [r.id for r in session.query(Recording)] == ["r_busy"]
    assert not upload.exists() and kept_upload.exists()
    assert result.exists(), "the result is still shared by j_new"
    assert not stale_tmp.exists() and fresh_tmp.exists()
    assert not plot.parent.exists(), "the job's figure folder goes with its figures"
    assert report.files == 2


def test_no_retention_keeps_everything(tmp_path: Path) -> None:
    settings = _settings(tmp_path, days=None)
    old = datetime.now(UTC) - timedelta(days=3650)
    with session_factory(settings.store_url)() as session:
        session.add(
            Job(
                state="failed",
                recording_ids=[],
                models=[],
                options={},
                progress={},
                updated_at=old,
            )
        )
        session.commit()
        assert cleanup(session, settings).jobs == 0
        assert session.query(Job).count() == 1
