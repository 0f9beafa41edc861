"""Face and EDA models through the whole service: upload with companions, Celery, TorchServe."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest

from tests.worker.multimodal import write_deap_edf, write_video, write_wav

pytestmark = pytest.mark.integration


def test_face_and_eda_models_in_torchserve(
    redis_server: str, start_service: Callable, tmp_path: Path
) -> None:
    pytest.importorskip("cv2")
    pytest.importorskip("cvxopt")
    service = start_service("torchserve", redis_server)
    recording = write_deap_edf(tmp_path / "s01.edf", duration_s=40.0)
    companions = [write_video(tmp_path / "s01.avi", duration_s=40.0)]
    companions.append(write_wav(tmp_path / "song.wav"))
    with ExitStack() as stack:
        files = [("file", (recording.name, stack.enter_context(open(recording, "rb"))))]
        files += [("companions", (c.name, stack.enter_context(open(c, "rb")))) for c in companions]
        reply = httpx.post(f"{service.url}/v1/recordings", files=files, timeout=60.0)
    assert reply.status_code == 201, reply.text
    upload = reply.json()
    feeds = {f["model"]: f["can_feed"] for f in upload["models"]}
    assert feeds["aimstf_ssff"] and feeds["rtcan1d"]
    reply = httpx.post(
        f"{service.url}/v1/jobs",
        json={
            "recording_ids": [upload["id"]],
            "models": ["aimstf_ssff", "rtcan1d"],
            "options": {"allow_untrained": True},
        },
    )
    assert reply.status_code == 202, reply.text
    final = service.wait_job(reply.json()["id"])
    assert final["state"] == "succeeded", final
    models = httpx.get(f"{service.url}/v1/jobs/{final['id']}/result").json()["recordings"][0]
    aimstf = models["models"]["aimstf_ssff"]
    # 37 windows of 32 EEG channels + 5 face frames: three requests under the size limit
    assert [w["start_s"] for w in aimstf["windows"]] == [float(k) for k in range(3, 40)]
    assert aimstf["provenance"]["backend"] == "torchserve"
    rtcan = models["models"]["rtcan1d"]
    assert [w["start_s"] for w in rtcan["windows"]] == [0.0]
    assert rtcan["windows"][0]["end_s"] == 30.0
