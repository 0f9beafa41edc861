"""The job pipeline in this process (no broker): EDF recordings and SEED feature files."""

from __future__ import annotations

from pathlib import Path

import mne
import numpy as np
import pytest
import scipy.io
from fastapi.testclient import TestClient

from core.cards import load_card, montage_channels
from core.config import get_settings
from core.reliability import reliability
from core.store import Job, session_factory
from model_store.clients import InProcessClient
from tests.conftest import write_seed_edf
from worker.pipeline import run_job

CLIP_WINDOWS = (30, 12, 20)


@pytest.fixture
def client(settings_env: Path) -> TestClient:
    from api.main import create_app

    return TestClient(create_app())


def _run(client: TestClient, path: Path, models: list[str]) -> tuple[Job, dict]:
    with open(path, "rb") as fid:
        upload = client.post("/v1/recordings", files={"file": (path.name, fid)}).json()
    settings = get_settings()
    sessions = session_factory(settings.store_url)
    with sessions() as session:
        job = Job(recording_ids=[upload["id"]], models=models, options={}, progress={})
        session.add(job)
        session.commit()
        job_id = job.id
    run_job(job_id, sessions, InProcessClient(), settings)
    result = client.get(f"/v1/jobs/{job_id}/result")
    with sessions() as session:
        return session.get(Job, job_id), result.json()


def test_missing_channels_are_interpolated_and_said(client: TestClient, tmp_path: Path) -> None:
    path = write_seed_edf(tmp_path / "full.edf", duration_s=12.0)
    raw = mne.io.read_raw_edf(path, preload=True, verbose="error")
    raw.drop_channels(["FZ", "CZ", "PZ"])
    short = tmp_path / "three-missing.edf"
    mne.export.export_raw(short, raw, fmt="edf", verbose="error")
    job, result = _run(client, short, ["maet"])
    assert job.state == "succeeded", job.error
    maet = result["recordings"][0]["models"]["maet"]
    assert maet["summary"]["n_windows"] == 12
    assert any(
        "3 interpolated" in w and "FZ (27.3 mm), CZ (35.6 mm), PZ (27.4 mm)" in w
        for w in maet["warnings"]
    )


def test_each_annotated_segment_is_summarised_by_its_windows(
    client: TestClient, tmp_path: Path
) -> None:
    path = write_seed_edf(
        tmp_path / "annotated.edf",
        duration_s=30.0,
        annotations=((2.0, 0.0, "film A"), (12.5, 0.0, "film B"), (20.0, 6.0, "rating")),
    )
    job, result = _run(client, path, ["maet"])
    assert job.state == "succeeded", job.error
    recording = result["recordings"][0]
    assert recording["segments"] == [
        {"name": "film A", "start_s": 2.0, "end_s": 12.5, "source": "annotation"},
        {"name": "film B", "start_s": 12.5, "end_s": 30.0, "source": "annotation"},
        {"name": "rating", "start_s": 20.0, "end_s": 26.0, "source": "annotation"},
    ]
    maet = recording["models"]["maet"]
    assert [s["segment"] for s in maet["segments"]] == [0, 1, 2]
    assert [s["n_windows"] for s in maet["segments"]] == [10, 17, 6]
    for summary in maet["segments"]:
        segment = recording["segments"][summary["segment"]]
        windows = [
            w
            for w in maet["windows"]
            if w["start_s"] >= segment["start_s"] and w["end_s"] <= segment["end_s"]
        ]
        for label in maet["labels"]:
            mean = np.mean([w["probabilities"][label] for w in windows])
            assert summary["mean_probabilities"][label] == pytest.approx(mean, abs=1e-6)
            assert summary["label_counts"][label] == sum(w["label"] == label for w in windows)
        means = summary["mean_probabilities"]
        assert summary["dominant_label"] == max(means, key=means.__getitem__)
    rows = client.get(f"/v1/jobs/{job.id}/result.csv").text.splitlines()
    rows = [row.split(",") for row in rows if not row.startswith("#")]
    header = rows[0]
    by_start = {float(row[header.index("start_s")]): row for row in rows[1:]}
    assert by_start[1.0][header.index("segment")] == ""
    assert by_start[3.0][header.index("segment")] == "0"
    assert by_start[21.0][header.index("segment")] == "1;2"
    assert by_start[21.0][header.index("segment_name")] == "film B;rating"


def test_too_many_missing_channels_fail_with_the_list(client: TestClient, tmp_path: Path) -> None:
    channels = montage_channels("seed62")[:20]
    raw = mne.io.RawArray(np.zeros((20, 2000)), mne.create_info(channels, 200.0, "eeg"))
    path = tmp_path / "twenty.edf"
    mne.export.export_raw(path, raw, fmt="edf", verbose="error")
    with open(path, "rb") as fid:
        upload = client.post("/v1/recordings", files={"file": ("twenty.edf", fid)}).json()
    maet = next(feed for feed in upload["models"] if feed["model"] == "maet")
    assert maet["can_feed"] is False
    # the first 20 SEED channels are frontal and central: no accepted montage is covered,
    # and the closest (Emotiv EPOC) lacks its temporal, parietal and occipital electrodes
    assert (
        "Closest is emotiv_epoc14, but the recording lacks 5 of its 14 channels, too far from "
        "a recorded electrode to interpolate (limit 38 mm" in maet["reason"]
    )


def _seed_feature_file(path: Path) -> Path:
    rng = np.random.default_rng(1)
    arrays = {f"de_LDS{k + 1}": rng.random((62, n, 5)) for k, n in enumerate(CLIP_WINDOWS)}
    scipy.io.savemat(path, arrays)
    return path


def test_seed_feature_file_feeds_the_feature_models(client: TestClient, tmp_path: Path) -> None:
    path = _seed_feature_file(tmp_path / "1_20131027.mat")
    with open(path, "rb") as fid:
        upload = client.post("/v1/recordings", files={"file": (path.name, fid)}).json()
    assert upload["kind"] == "features" and upload["format"] == "seed-features"
    feeds = {feed["model"]: feed["can_feed"] for feed in upload["models"]}
    assert feeds == {
        "aimstf_ssff": False,
        "emotionclip": True,
        "maet": True,
        "rtcan1d": False,
        "strnn": True,
    }
    job, result = _run(client, path, ["maet", "strnn"])
    assert job.state == "succeeded", job.error
    models = result["recordings"][0]["models"]
    assert models["maet"]["summary"]["n_windows"] == sum(CLIP_WINDOWS)
    for name in ("maet", "strnn"):
        assert models[name]["reliability"] == reliability(load_card(name)).model_dump()
        assert models[name]["reliability"]["badge"] != "unmeasured"
    trials = result["recordings"][0]["segments"]
    assert [(t["name"], t["start_s"], t["end_s"], t["source"]) for t in trials] == [
        ("de_LDS1", 0.0, 30.0, "trial"),
        ("de_LDS2", 30.0, 42.0, "trial"),
        ("de_LDS3", 42.0, 62.0, "trial"),
    ]
    assert [s["n_windows"] for s in models["maet"]["segments"]] == list(CLIP_WINDOWS)
    assert [s["n_windows"] for s in models["strnn"]["segments"]] == [n - 8 for n in CLIP_WINDOWS]
    maet_labels = {w["start_s"]: w["label"] for w in models["maet"]["windows"]}
    strnn_labels = {w["start_s"]: w["label"] for w in models["strnn"]["windows"]}
    [group] = result["recordings"][0]["agreement"]
    assert group["models"] == ["maet", "strnn"] and group["n_windows"] == len(strnn_labels)
    same = sum(maet_labels[start] == label for start, label in strnn_labels.items())
    assert group["share"] == pytest.approx(same / len(strnn_labels))
    dominant = {name: models[name]["summary"]["dominant_label"] for name in models}
    assert group["dominant"] == dominant
    assert group["disagree"] == (len(set(dominant.values())) > 1 or group["share"] < 0.5)
    starts = [w["start_s"] for w in models["maet"]["windows"]]
    assert starts == [float(k) for k in range(sum(CLIP_WINDOWS))]
    assert models["strnn"]["summary"]["n_windows"] == sum(n - 8 for n in CLIP_WINDOWS)
    strnn_starts = [w["start_s"] for w in models["strnn"]["windows"]]
    assert (
        strnn_starts[:3] == [0.0, 1.0, 2.0] and 30.0 in strnn_starts and 29.0 not in strnn_starts
    )
    topomap = client.get(f"/v1/jobs/{job.id}/plots/topomap.png")
    assert topomap.status_code == 404
    assert topomap.json()["detail"] == (
        "no topomap for 1_20131027.mat: it holds features, not a continuous EEG recording"
    )
    assert client.get(f"/v1/jobs/{job.id}/plots/timeline.svg?model=strnn").status_code == 200
