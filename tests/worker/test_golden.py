"""Golden test: a job's per-window probabilities are the model's own output for each window.

A recording is written, uploaded through the API and run through the real pipeline with
the in-process model client. Independently, each window's input is built with the signal
library (MNE reads the file, the card's recipe runs) and the model is called on that one
window alone. Both must agree window by window, in time order.
"""

from __future__ import annotations

from pathlib import Path

import mne
import numpy as np
import pytest
from fastapi.testclient import TestClient

from core.cards import load_card, montage_channels
from core.config import get_settings
from core.store import Job, session_factory
from model_store.clients import InProcessClient
from model_store.serving import LoadedModel
from signals.recipe import Stream, run_recipe
from worker.pipeline import run_job

SFREQ = 200.0
#: One dominant rhythm per second, Hz: every window has its own band profile.
RHYTHMS_HZ = (3.0, 6.0, 10.0, 20.0, 40.0, 5.0, 12.0, 30.0, 8.0, 16.0, 45.0, 2.0, 25.0, 9.0)
#: The models run, and how many 1-s windows each of their samples spans. EmotionCLIP is
#: the 9-window model: STRNN's weights (retrained on z-scored inputs) give every window of
#: this synthetic recording the same probabilities to 1e-13, so a reordering would not show.
SPAN_S = {"maet": 1, "emotionclip": 9}
MODELS = tuple(SPAN_S)
#: float32 reading and batching move probabilities by about 1e-6 (measured).
ATOL = 5e-6


def write_varying_edf(path: Path) -> Path:
    """62 SEED channels, 1 s per rhythm of `RHYTHMS_HZ` (40 µV) over noise (5 µV).

    Each channel's rhythm amplitude differs from second to second, so each window
    also has its own spatial pattern.
    """
    channels = montage_channels("seed62")
    rng = np.random.default_rng(7)
    second = np.arange(int(SFREQ)) / SFREQ
    parts = [
        40e-6 * rng.uniform(0.2, 1.0, (len(channels), 1)) * np.sin(2 * np.pi * f * second)
        for f in RHYTHMS_HZ
    ]
    data = np.concatenate(parts, axis=1)
    data += rng.normal(0.0, 5e-6, data.shape)
    raw = mne.io.RawArray(data, mne.create_info(channels, SFREQ, "eeg"), verbose="error")
    mne.export.export_raw(path, raw, fmt="edf", overwrite=True, verbose="error")
    return path


@pytest.fixture(scope="module")
def job_result(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """The stored result of one job of `MODELS` on the varying recording."""
    from api.main import create_app

    folder = tmp_path_factory.mktemp("golden")
    path = write_varying_edf(folder / "varying.edf")
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setenv("AFFECTSERVE_DATA_DIR", str(folder / "data"))
    get_settings.cache_clear()
    try:
        client = TestClient(create_app())
        with open(path, "rb") as fid:
            upload = client.post("/v1/recordings", files={"file": (path.name, fid)}).json()
        settings = get_settings()
        sessions = session_factory(settings.store_url)
        with sessions() as session:
            job = Job(recording_ids=[upload["id"]], models=list(MODELS), options={}, progress={})
            session.add(job)
            session.commit()
            job_id = job.id
        run_job(job_id, sessions, InProcessClient(), settings)
        reply = client.get(f"/v1/jobs/{job_id}/result")
        assert reply.status_code == 200, reply.text
        return path, reply.json()
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()


def window_by_window(path: Path, model: str) -> tuple[np.ndarray, np.ndarray]:
    """Window start times (s) and the model's probabilities, one call per window."""
    card = load_card(model)
    spec = card.input("eeg")
    raw = mne.io.read_raw_edf(path, preload=True, verbose="error")
    micro_volts = raw.get_data(picks=montage_channels(spec.montage)) * 1e6
    windows = run_recipe(Stream(data=micro_volts, sfreq=raw.info["sfreq"]), spec.recipe)
    weights = card.weights_path if card.weights_status == "ready" else None
    network = LoadedModel(card, weights)
    probs = np.concatenate(
        [network.predict({"eeg": windows.data[k : k + 1]}) for k in range(len(windows.data))]
    )
    return windows.window_starts, probs


@pytest.mark.parametrize("model", MODELS)
def test_job_probabilities_equal_the_model_on_each_window(job_result, model: str) -> None:
    path, result = job_result
    stored = result["recordings"][0]["models"][model]
    labels = load_card(model).labels
    starts, expected = window_by_window(path, model)
    assert len(expected) == len(RHYTHMS_HZ) - SPAN_S[model] + 1
    # every two windows differ by more than the tolerance: any reordering would show
    distance = np.abs(expected[:, np.newaxis] - expected[np.newaxis]).max(axis=-1)
    assert distance[~np.eye(len(expected), dtype=bool)].min() > 4 * ATOL

    got = np.array([[w["probabilities"][label] for label in labels] for w in stored["windows"]])
    np.testing.assert_allclose(got, expected, atol=ATOL)
    assert [w["start_s"] for w in stored["windows"]] == list(starts)
    assert stored["window_s"] == SPAN_S[model]
    assert [w["end_s"] for w in stored["windows"]] == list(starts + SPAN_S[model])
    assert [w["label"] for w in stored["windows"]] == [labels[k] for k in expected.argmax(1)]
    summary = stored["summary"]
    assert summary["n_windows"] == len(expected)
    mean = [summary["mean_probabilities"][label] for label in labels]
    np.testing.assert_allclose(mean, expected.mean(axis=0), atol=ATOL)
    counts = np.bincount(expected.argmax(axis=1), minlength=len(labels))
    assert [summary["label_counts"][label] for label in labels] == counts.tolist()
    assert summary["dominant_label"] == labels[int(expected.mean(axis=0).argmax())]
