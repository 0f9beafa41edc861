"""Deleting a recording: refused while a job needs it, then gone with its file."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from core.config import get_settings
from core.store import Job, Recording, session_factory, update_job


def test_delete_recording_with_its_file(client: TestClient, seed_edf: Path) -> None:
    with open(seed_edf, "rb") as fid:
        first = client.post("/v1/recordings", files={"file": ("a.edf", fid)}).json()
    with open(seed_edf, "rb") as fid:
        twin = client.post("/v1/recordings", files={"file": ("b.edf", fid)}).json()
    with session_factory(get_settings().store_url)() as session:
        key = session.get(Recording, first["id"]).path
        assert key == session.get(Recording, twin["id"]).path
        path = get_settings().data_dir / key
        job = Job(recording_ids=[first["id"]], models=["maet"], options={}, progress={})
        session.add(job)
        session.commit()
        reply = client.delete(f"/v1/recordings/{first['id']}")
        assert reply.status_code == 409
        assert "queued or running job" in reply.json()["detail"]
        update_job(session, job.id, state="failed")
    assert client.delete(f"/v1/recordings/{first['id']}").status_code == 204
    assert path.exists(), "the twin upload still uses the content-addressed file"
    assert client.get(f"/v1/recordings/{first['id']}").status_code == 404
    assert client.delete(f"/v1/recordings/{twin['id']}").status_code == 204
    assert not path.exists()
    assert client.delete(f"/v1/recordings/{twin['id']}").status_code == 404


def test_delete_job_with_its_recordings(client: TestClient, seed_edf: Path) -> None:
    with open(seed_edf, "rb") as fid:
        recording = client.post("/v1/recordings", files={"file": ("a.edf", fid)}).json()["id"]
    with session_factory(get_settings().store_url)() as session:
        jobs = [
            Job(recording_ids=[recording], models=["maet"], options={}, progress={}, state=s)
            for s in ("failed", "succeeded")
        ]
        session.add_all(jobs)
        session.commit()
        path = get_settings().data_dir / session.get(Recording, recording).path
        first, second = (job.id for job in jobs)
    assert client.delete(f"/v1/jobs/{first}?recordings=true").status_code == 204
    assert path.exists(), "the second job still reads the recording"
    assert client.get(f"/v1/recordings/{recording}").status_code == 200
    assert client.delete(f"/v1/jobs/{second}?recordings=true").status_code == 204
    assert client.get(f"/v1/recordings/{recording}").status_code == 404
    assert not path.exists()
