"""Every model end to end in this process: upload with companion files, then run the job."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from core.config import get_settings
from core.store import Job, session_factory
from model_store.clients import InProcessClient
from tests.conftest import write_seed_edf
from tests.worker.multimodal import write_deap_edf, write_eye_samples, write_video, write_wav
from worker.pipeline import predict_windows, run_job, windows_per_request


@pytest.fixture
def client(settings_env: Path) -> TestClient:
    from api.main import create_app

    return TestClient(create_app())


def _upload(client: TestClient, path: Path, companions: list[Path]) -> dict:
    with ExitStack() as stack:
        files = [("file", (path.name, stack.enter_context(open(path, "rb"))))]
        files += [("companions", (c.name, stack.enter_context(open(c, "rb")))) for c in companions]
        response = client.post("/v1/recordings", files=files)
    assert response.status_code == 201, response.text
    return response.json()


def _run(recording_id: str, model: str) -> Job:
    settings = get_settings()
    sessions = session_factory(settings.store_url)
    with sessions() as session:
        job = Job(recording_ids=[recording_id], models=[model], options={}, progress={})
        session.add(job)
        session.commit()
        job_id = job.id
    run_job(job_id, sessions, InProcessClient(), settings)
    with sessions() as session:
        return session.get(Job, job_id)


def _files(model: str, folder: Path) -> tuple[Path, list[Path]]:
    """The recording and companions of each model's test, as a user would upload them."""
    if model == "aimstf_ssff":
        pytest.importorskip("cv2")
        video = write_video(folder / "face.avi", duration_s=8.0)
        return write_deap_edf(folder / "deap.edf", duration_s=12.0), [video]
    if model == "rtcan1d":
        pytest.importorskip("cvxopt")
        song = [write_wav(folder / "song.wav")] if _has_opensmile() else []
        return write_deap_edf(folder / "deap.edf", duration_s=65.0), song
    eye = [write_eye_samples(folder / "gaze.csv", duration_s=6.0)] if model == "maet" else []
    return write_seed_edf(folder / "seed.edf", duration_s=12.0), eye


def _has_opensmile() -> bool:
    try:
        import opensmile  # noqa: F401
    except ImportError:
        return False
    return True


#: Start times of the windows each model's test expects, and the window length.
EXPECTED = {
    "aimstf_ssff": ([3.0, 4.0, 5.0, 6.0, 7.0], 1.0),  # EEG 3-11 s (baseline 0-3 s), video 0-8 s
    "rtcan1d": ([0.0, 30.0], 30.0),
    "maet": ([0.0, 1.0, 2.0, 3.0, 4.0, 5.0], 1.0),  # EEG 0-12 s, eye samples 0-6 s
    "strnn": ([0.0, 1.0, 2.0, 3.0], 9.0),
    "emotionclip": ([0.0, 1.0, 2.0, 3.0], 9.0),
}


@pytest.mark.parametrize("model", sorted(EXPECTED))
def test_each_model_runs_from_an_upload_with_its_companions(
    model: str, client: TestClient, tmp_path: Path
) -> None:
    path, companions = _files(model, tmp_path)
    upload = _upload(client, path, companions)
    assert upload["companions"] == sorted(c.name for c in companions)
    feed = next(f for f in upload["models"] if f["model"] == model)
    assert feed["can_feed"], feed["reason"]
    job = _run(upload["id"], model)
    assert job.state == "succeeded", job.error
    result = client.get(f"/v1/jobs/{job.id}/result").json()
    out = result["recordings"][0]["models"][model]
    starts, window_s = EXPECTED[model]
    assert out["summary"]["n_windows"] == len(starts)
    assert [w["start_s"] for w in out["windows"]] == starts
    assert [w["end_s"] for w in out["windows"]] == [s + window_s for s in starts]
    assert out["window_s"] == window_s
    if model in ("aimstf_ssff", "maet"):
        left_out = {"aimstf_ssff": "4 of 9 windows", "maet": "6 of 12 windows"}[model]
        assert any(w.startswith(left_out) for w in out["warnings"]), out["warnings"]


def test_a_face_model_without_its_video_is_refused_at_upload(
    client: TestClient, tmp_path: Path
) -> None:
    upload = _upload(client, write_deap_edf(tmp_path / "deap.edf", duration_s=12.0), [])
    feeds = {f["model"]: f for f in upload["models"]}
    assert not feeds["aimstf_ssff"]["can_feed"]
    assert feeds["aimstf_ssff"]["reason"].startswith("needs a face video")
    assert (
        feeds["rtcan1d"]["reason"] == "the recording (12.00 s) is shorter than one 30.0 s window"
    )
    response = client.post(
        "/v1/jobs",
        json={
            "recording_ids": [upload["id"]],
            "models": ["aimstf_ssff"],
            "options": {"allow_untrained": True},
        },
    )
    assert response.status_code == 422
    assert "needs a face video" in response.json()["detail"]


def test_face_windows_go_in_requests_under_the_size_limit() -> None:
    arrays = {"eeg": np.zeros((40, 32, 128)), "face": np.zeros((40, 5, 3, 64, 64))}
    window_bytes = 4 * (32 * 128 + 5 * 3 * 64 * 64)  # 262,144 bytes as float32
    assert windows_per_request(arrays, 64) == 4_000_000 // window_bytes == 15
    assert windows_per_request({"eeg": np.zeros((40, 310))}, 64) == 64
    sizes = []

    class Recorder:
        name = "recorder"

        def predict(self, model: str, batch: dict) -> np.ndarray:
            sizes.append(len(batch["face"]))
            return np.full((len(batch["face"]), 4), 0.25, np.float32)

    probs = predict_windows(Recorder(), "aimstf_ssff", arrays, 64, lambda fraction: None)
    assert sizes == [15, 15, 10] and probs.shape == (40, 4)
