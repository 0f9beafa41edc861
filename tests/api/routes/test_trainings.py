"""``/v1/trainings``: labels checked before anything is queued, and per-key isolation of
trainings and of the model versions they make."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.auth import hash_key
from api.deps import get_celery
from core.cards import load_card
from core.config import get_settings
from core.versions import version_folder
from tests.conftest import write_labelled_edf

ALICE, BOB = "alice-key", "bob-key"
TABLE = {"film_negative": "negative", "film_neutral": "neutral", "film_positive": "positive"}


class NoBroker:
    """Stands in for Celery: trainings are stored but never sent."""

    def send_task(self, *_args: object, **_kwargs: object) -> None:
        """Drop the message."""


@pytest.fixture
def keyed(settings_env: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """A client of an app with two user keys and no broker."""
    from api.main import create_app

    monkeypatch.setenv("AFFECTSERVE_API_KEYS", json.dumps([hash_key(ALICE), hash_key(BOB)]))
    get_settings.cache_clear()
    app = create_app()
    app.dependency_overrides[get_celery] = NoBroker
    with TestClient(app) as client:
        yield client


@pytest.fixture(scope="module")
def labelled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two annotated trials per class, 10 s each (15 s of noise before each)."""
    path = tmp_path_factory.mktemp("labelled") / "labelled.edf"
    trials = [(label, 10.0) for label in ("negative", "neutral", "positive") * 2]
    return write_labelled_edf(path, trials)


def _as(key: str) -> dict[str, str]:
    return {"X-API-Key": key}


def _upload(client: TestClient, path: Path, key: str = ALICE) -> str:
    with open(path, "rb") as fid:
        reply = client.post("/v1/recordings", files={"file": (path.name, fid)}, headers=_as(key))
    assert reply.status_code == 201, reply.text
    return str(reply.json()["id"])


def _create(client: TestClient, body: dict, key: str = ALICE) -> tuple[int, dict]:
    reply = client.post("/v1/trainings", json=body, headers=_as(key))
    return reply.status_code, reply.json()


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ({"annotations": {**TABLE, "film_joy": "positive"}}, "no annotation 'film_joy'"),
        ({"annotations": {"film_negative": "sad"}}, "unknown label 'sad'"),
        ({"csv": "start_s,end_s,label\n0,30,negative\n20,40,neutral\n"}, "overlap"),
        ({"csv": "start_s,end_s,label\n0,30,negative\n100,200,neutral\n"}, "outside"),
        ({"annotations": {"film_negative": "negative", "film_neutral": "neutral"}}, None),
        (
            {"csv": "start_s,end_s,label\n0,10,negative\n10,20,negative\n20,30,positive\n"},
            "the class 'positive' has 1 trial",
        ),
    ],
)
def test_bad_labels_are_refused_with_their_reason(
    keyed: TestClient, labelled: Path, source: dict, message: str | None
) -> None:
    recording = _upload(keyed, labelled)
    status, body = _create(keyed, {"model": "maet", "labels": {recording: source}})
    if message is None:  # two classes of two trials each: a valid training
        assert status == 202, body
        return
    assert status == 422, body
    assert message in body["detail"], body


def test_unknown_model_recording_and_base(keyed: TestClient, labelled: Path) -> None:
    recording = _upload(keyed, labelled)
    labels = {recording: {"annotations": TABLE}}
    status, body = _create(keyed, {"model": "nope", "labels": labels})
    assert status == 422 and "unknown model 'nope'" in body["detail"]
    status, body = _create(keyed, {"model": "maet", "labels": {"feedbeef": {"label": "neutral"}}})
    assert status == 422 and "no recording with id feedbeef" in body["detail"]
    untrained = next(
        name for name in ("rtcan1d", "aimstf_ssff") if load_card(name).weights_status != "ready"
    )
    status, body = _create(keyed, {"model": untrained, "labels": labels, "base": "shipped"})
    assert status == 422 and "no shipped weights" in body["detail"]


def test_trainings_and_versions_belong_to_their_key(keyed: TestClient, labelled: Path) -> None:
    recording = _upload(keyed, labelled)
    status, training = _create(
        keyed, {"model": "maet", "labels": {recording: {"annotations": TABLE}}}
    )
    assert status == 202 and training["state"] == "queued", training
    path = f"/v1/trainings/{training['id']}"
    assert keyed.get(path, headers=_as(ALICE)).json()["id"] == training["id"]
    assert keyed.get(path, headers=_as(BOB)).status_code == 404
    assert keyed.delete(path, headers=_as(BOB)).status_code == 404
    assert keyed.get("/v1/trainings", headers=_as(BOB)).json() == {"trainings": []}
    assert keyed.get("/v1/jobs", headers=_as(ALICE)).json() == {"jobs": []}
    # Bob cannot train on Alice's recording
    status, body = _create(
        keyed, {"model": "maet", "labels": {recording: {"annotations": TABLE}}}, key=BOB
    )
    assert status == 422 and "no recording" in body["detail"]

    # a finished training's version (written as the worker writes it) is Alice's alone
    card = load_card("maet")
    version = f"maet@{training['id']}"
    from core.store import Job, session_factory

    with session_factory(get_settings().store_url)() as session:
        key_id = session.get(Job, training["id"]).owner
    folder = version_folder(get_settings(), key_id, "maet", training["id"])
    folder.mkdir(parents=True)
    shutil.copy(card.weights_path, folder / "weights.pt")
    versioned = card.model_copy(
        update={"version": training["id"], "weights": str(folder / "weights.pt")}
    )
    (folder / "card.json").write_text(versioned.model_dump_json())
    alice = keyed.get("/v1/models", headers=_as(ALICE)).json()
    assert version in [c["name"] for c in alice]
    assert keyed.get(f"/v1/models/{version}", headers=_as(ALICE)).status_code == 200
    assert version not in [c["name"] for c in keyed.get("/v1/models", headers=_as(BOB)).json()]
    assert keyed.get(f"/v1/models/{version}", headers=_as(BOB)).status_code == 404
    bob_recording = _upload(keyed, labelled, key=BOB)
    reply = keyed.post(
        "/v1/jobs", json={"recording_ids": [bob_recording], "models": [version]}, headers=_as(BOB)
    )
    assert reply.status_code == 422 and "unknown model(s)" in reply.json()["detail"]
    assert keyed.delete(f"/v1/models/{version}", headers=_as(BOB)).status_code == 404
    assert keyed.delete(f"/v1/models/{version}", headers=_as(ALICE)).status_code == 204
    assert keyed.get(f"/v1/models/{version}", headers=_as(ALICE)).status_code == 404

    reply = keyed.delete(path, headers=_as(ALICE))
    assert reply.status_code == 200 and reply.json()["state"] == "cancelled"
    assert keyed.delete(path, headers=_as(ALICE)).status_code == 204
    assert keyed.get(path, headers=_as(ALICE)).status_code == 404
