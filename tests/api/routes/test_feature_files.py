"""SEED feature files: which models the chosen feature can feed, said at upload."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import scipy.io
from fastapi.testclient import TestClient

DE_MODELS = ("emotionclip", "maet", "strnn")


@pytest.fixture
def seed_features(tmp_path: Path) -> Path:
    rng = np.random.default_rng(0)
    path = tmp_path / "1_20131027.mat"
    arrays = {
        f"{feature}{clip}": rng.normal(size=(62, 12, 5))
        for feature in ("de_LDS", "psd_LDS")
        for clip in (1, 2)
    }
    scipy.io.savemat(path, arrays)
    return path


def _upload(client: TestClient, path: Path, options: dict[str, str] | None = None) -> dict:
    with open(path, "rb") as fid:
        data = {"options": json.dumps(options)} if options else None
        reply = client.post("/v1/recordings", files={"file": (path.name, fid)}, data=data)
    assert reply.status_code == 201, reply.text
    return reply.json()


def test_psd_features_cannot_feed_the_de_models(client: TestClient, seed_features: Path) -> None:
    recording = _upload(client, seed_features, {"feature": "psd_LDS"})
    feeds = {feed["model"]: feed for feed in recording["models"]}
    for name in DE_MODELS:
        assert feeds[name]["can_feed"] is False, name
        assert "psd_LDS features are not differential entropy" in feeds[name]["reason"]
    reply = client.post(
        "/v1/jobs",
        json={
            "recording_ids": [recording["id"]],
            "models": ["strnn"],
            "options": {"allow_untrained": True},
        },
    )
    assert reply.status_code == 422
    detail = reply.json()["detail"]
    assert detail.startswith("model strnn cannot be fed by 1_20131027.mat: psd_LDS features")


def test_de_features_feed_the_de_models(client: TestClient, seed_features: Path) -> None:
    feeds = {feed["model"]: feed for feed in _upload(client, seed_features)["models"]}
    assert [feeds[name]["can_feed"] for name in DE_MODELS] == [True, True, True]
    assert feeds["rtcan1d"]["can_feed"] is False
