"""Identifying EDF header fields are neither stored nor returned."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import mne
import numpy as np
import pytest
from fastapi.testclient import TestClient

from core.config import get_settings
from core.store import Recording, session_factory
from signals.io import read_raw


@pytest.mark.parametrize("fmt", ["edf", "bdf"])
def test_patient_fields_are_scrubbed(client: TestClient, tmp_path: Path, fmt: str) -> None:
    info = mne.create_info(["Fp1", "Fp2", "Cz"], 128.0, "eeg")
    info["subject_info"] = {
        "his_id": "HOSP4711",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "birthday": datetime.date(1915, 12, 10),
    }
    raw = mne.io.RawArray(np.zeros((3, 1280)), info, verbose="error")
    raw.set_meas_date(datetime.datetime(2024, 3, 5, 14, 30, tzinfo=datetime.UTC))
    path = tmp_path / f"patient.{fmt}"
    mne.export.export_raw(path, raw, fmt=fmt, verbose="error")
    assert b"Lovelace" in path.read_bytes() and b"05.03.24" in path.read_bytes()
    with open(path, "rb") as fid:
        reply = client.post("/v1/recordings", files={"file": (path.name, fid)})
    assert reply.status_code == 201, reply.text
    assert reply.json()["channel_names"] == ["Fp1", "Fp2", "Cz"]
    assert reply.json()["duration_s"] == 10.0
    with session_factory(get_settings().store_url)() as session:
        recording = session.get(Recording, reply.json()["id"])
        assert recording.path.startswith("uploads/")  # a storage key under the data dir
        on_disk = get_settings().data_dir / recording.path
        stored = on_disk.read_bytes()
        row = json.dumps(recording.header)
    for secret in ("Lovelace", "Ada", "HOSP4711", "1915"):
        assert secret not in reply.text
        assert secret not in row
        assert secret.encode() not in stored[:256]
    assert stored[8:16] == b"X X X X "
    assert stored[168:184] == b"01.01.0000.00.00"
    scrubbed = read_raw(on_disk)
    assert scrubbed.n_times == 1280 and scrubbed.info["subject_info"]["last_name"] == "X"
    assert scrubbed.info["meas_date"] == datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
    assert on_disk.stat().st_mode & 0o777 == 0o600
    for folder in (get_settings().data_dir, get_settings().uploads_dir):
        assert folder.stat().st_mode & 0o777 == 0o700
    reread = client.get(f"/v1/recordings/{reply.json()['id']}").json()
    assert reread["channel_names"] == ["Fp1", "Fp2", "Cz"]
