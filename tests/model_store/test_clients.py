"""The model clients: bundles, TorchServe retries, and the in-process backend."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import httpx
import numpy as np
import pytest
import torch
from pydantic import ValidationError

from api.launcher import torchserve_env
from core.cards import load_card
from core.config import Settings
from model_store.bundle import decode_bundle, encode_bundle
from model_store.clients import (
    InProcessClient,
    ModelServerError,
    ModelServerUnavailableError,
    TorchServeClient,
    make_client,
)


def test_bundle_round_trip() -> None:
    arrays = {"eeg": np.arange(12, dtype=np.float64).reshape(2, 6), "eye": np.ones((2, 3))}
    decoded = decode_bundle(encode_bundle(arrays))
    assert sorted(decoded) == ["eeg", "eye"]
    assert decoded["eeg"].dtype == np.float32
    np.testing.assert_array_equal(decoded["eeg"], arrays["eeg"])


def test_bundle_rejects_garbage() -> None:
    with pytest.raises(ValueError, match=r"not an \.npz bundle"):
        decode_bundle(b"hello")


def _client(answers: list[httpx.Response | Exception]) -> tuple[TorchServeClient, list]:
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    client = TorchServeClient("http://ts", retries=2, backoff_s=0.001)
    client.http = httpx.Client(transport=httpx.MockTransport(handle))
    return client, seen


def test_torchserve_retries_5xx_then_succeeds() -> None:
    ok = httpx.Response(200, json={"labels": ["a", "b"], "probabilities": [[0.25, 0.75]]})
    client, seen = _client([httpx.Response(503, text="busy"), ok])
    probabilities = client.predict("maet", {"eeg": np.zeros((1, 310))})
    np.testing.assert_allclose(probabilities, [[0.25, 0.75]])
    assert len(seen) == 2
    assert seen[-1].url.path == "/predictions/maet"
    assert seen[-1].headers["content-type"] == "application/octet-stream"


def test_torchserve_gives_up_after_bounded_retries() -> None:
    client, seen = _client([httpx.ConnectError("refused")] * 3)
    with pytest.raises(ModelServerError, match="gave up after 3 attempts"):
        client.predict("maet", {"eeg": np.zeros((1, 310))})
    assert len(seen) == 3


def test_torchserve_4xx_is_not_retried() -> None:
    client, seen = _client([httpx.Response(404, text="Model not found")])
    with pytest.raises(ModelServerError, match="404"):
        client.predict("nope", {"eeg": np.zeros((1, 310))})
    assert len(seen) == 1


def test_in_process_probabilities_are_deterministic() -> None:
    card = load_card("maet")
    inputs = {"eeg": np.random.default_rng(0).random((5, 310))}
    first = InProcessClient().predict("maet", inputs)
    second = InProcessClient().predict("maet", inputs)
    assert first.shape == (5, len(card.labels))
    np.testing.assert_allclose(first.sum(axis=1), 1.0, atol=1e-6)
    np.testing.assert_array_equal(first, second)


def test_in_process_checks_shapes() -> None:
    with pytest.raises(ValueError, match=r"expected \(310,\)"):
        InProcessClient().predict("maet", {"eeg": np.zeros((2, 300))})


def test_torchserve_token_sent_and_read_again_after_a_restart(tmp_path: Path) -> None:
    """The inference token comes from TorchServe's key file; when TorchServe restarts
    with new tokens, the refused request is retried with the new one."""
    keys = tmp_path / "key_file.json"
    tokens = {"inference": {"key": "old"}, "management": {"key": "m"}}
    keys.write_text(json.dumps(tokens))
    seen: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["authorization"])
        if len(seen) == 1:
            keys.write_text(json.dumps({**tokens, "inference": {"key": "new"}}))
            return httpx.Response(400, json={"message": "Token Authorization failed. Token"})
        return httpx.Response(200, json={"labels": ["a", "b"], "probabilities": [[0.5, 0.5]]})

    client = TorchServeClient("http://ts", retries=2, backoff_s=0.001, keys_file=keys)
    client.http = httpx.Client(transport=httpx.MockTransport(handle))
    np.testing.assert_allclose(client.predict("maet", {"eeg": np.zeros((1, 310))}), [[0.5, 0.5]])
    assert seen == ["Bearer old", "Bearer new"]


@pytest.fixture
def restore_torch_threads() -> Iterator[None]:
    """Put the process's torch thread count back after a test that changes it."""
    import torch

    threads = torch.get_num_threads()
    yield
    torch.set_num_threads(threads)


@pytest.mark.usefixtures("restore_torch_threads")
def test_in_process_backend_runs_on_the_configured_threads() -> None:
    import torch

    torch.set_num_threads(2)
    client = make_client(Settings(model_backend="inprocess", torch_threads=1))
    assert torch.get_num_threads() == 2  # nothing loaded yet: health never touches torch
    client.predict("maet", {"eeg": np.zeros((1, 310))})
    assert torch.get_num_threads() == 1


@pytest.mark.usefixtures("restore_torch_threads", "settings_env")
def test_torchserve_handler_runs_on_the_configured_threads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import torch

    from model_store.handler import AffectHandler

    monkeypatch.setenv("AFFECTSERVE_TORCH_THREADS", "1")
    torch.set_num_threads(2)
    (tmp_path / "card.json").write_text(load_card("maet").model_dump_json())
    context = SimpleNamespace(system_properties={"model_dir": str(tmp_path)})
    handler = AffectHandler()
    handler.initialize(context)
    assert torch.get_num_threads() == 1
    [reply] = handler.handle([{"body": encode_bundle({"eeg": np.zeros((2, 310))})}], context)
    assert len(reply["probabilities"]) == 2


def test_torchserve_workers_get_the_configured_threads(tmp_path: Path) -> None:
    env = torchserve_env(Settings(data_dir=tmp_path, torch_threads=3), {})
    assert env["AFFECTSERVE_TORCH_THREADS"] == "3"
    assert env["OMP_NUM_THREADS"] == "3"


def _torchserve(
    workers: list[dict[str, str]], prediction: httpx.Response, keys: Path
) -> TorchServeClient:
    """A TorchServe client against a fake server: ``/ping`` healthy, ``maet`` described
    with ``workers``, every prediction answered ``prediction``; other models unknown."""

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/ping":
            return httpx.Response(200, json={"status": "Healthy"})
        if request.url.path == "/models/maet":
            assert request.headers["authorization"] == "Bearer m"
            return httpx.Response(200, json=[{"modelName": "maet", "workers": workers}])
        if request.url.path.startswith("/models/"):
            return httpx.Response(404, json={"message": "Model not found"})
        return prediction

    client = TorchServeClient(
        "http://ts", retries=1, backoff_s=0.001, keys_file=keys, management_url="http://mgmt"
    )
    client.http = httpx.Client(transport=httpx.MockTransport(handle))
    return client


def test_torchserve_model_without_a_ready_worker_is_down(tmp_path: Path) -> None:
    keys = tmp_path / "key_file.json"
    keys.write_text(json.dumps({"inference": {"key": "i"}, "management": {"key": "m"}}))
    busy = httpx.Response(503, text="No worker is available to serve request")
    ready = _torchserve([{"id": "9000", "status": "READY"}], busy, keys)
    assert ready.health(["maet"]).ok
    assert not ready.health(["maet", "emotionclip"]).ok
    assert ready.health(["maet", "emotionclip"]).detail == (
        "TorchServe at http://ts cannot serve emotionclip (not registered)"
    )
    for workers, why in (
        ([], "0 worker(s), none ready"),
        ([{"status": "UNLOADING"}], "1 worker(s)"),
    ):
        scaled_down = _torchserve(workers, busy, keys)
        health = scaled_down.health(["maet"])
        assert not health.ok
        assert health.detail.startswith(f"TorchServe at http://ts cannot serve maet ({why}")
        with pytest.raises(ModelServerUnavailableError, match="503 for maet"):
            scaled_down.predict("maet", {"eeg": np.zeros((1, 310))})
    # a healthy server that fails the request fails the job: nothing to wait for
    with pytest.raises(ModelServerError, match="gave up after 2 attempts") as failed:
        ready.predict("maet", {"eeg": np.zeros((1, 310))})
    assert not isinstance(failed.value, ModelServerUnavailableError)


def test_torchserve_unreachable_is_unavailable() -> None:
    client, _seen = _client([httpx.ConnectError("refused")] * 3)
    with pytest.raises(ModelServerUnavailableError, match="could not be reached"):
        client.predict("maet", {"eeg": np.zeros((1, 310))})


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a CUDA GPU")
def test_a_gpu_device_without_a_gpu_is_refused_in_a_sentence() -> None:
    client = make_client(Settings(model_device="cuda:0"))
    with pytest.raises(ModelServerError) as err:
        client.predict("maet", {"eeg": np.zeros((1, 310))})
    assert str(err.value) == (
        "the models are to run on cuda:0 (AFFECTSERVE_MODEL_DEVICE) but torch sees no CUDA "
        "GPU on this machine; set it to cpu"
    )
    with pytest.raises(ValidationError, match="model_device"):
        Settings(model_device="gpu")
