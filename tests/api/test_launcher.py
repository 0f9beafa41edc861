"""What ``affectserve up`` chooses on machines with and without Redis and Java."""

from __future__ import annotations

from pathlib import Path

import pytest

from api import launcher


@pytest.fixture(autouse=True)
def _no_backend_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AFFECTSERVE_MODEL_BACKEND", raising=False)


def test_no_redis_means_filesystem_broker(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AFFECTSERVE_BROKER_URL", "redis://127.0.0.1:1/0")
    plan = launcher.plan("127.0.0.1", 8000, tmp_path, 1)
    assert plan.settings.broker_url == "filesystem://"
    assert plan.env["AFFECTSERVE_BROKER_URL"] == "filesystem://"
    assert any("no Redis" in note for note in plan.notes)


def test_no_java_means_in_process(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(launcher.shutil, "which", lambda name: None)
    plan = launcher.plan("127.0.0.1", 8000, tmp_path, 1)
    assert plan.settings.model_backend == "inprocess"
    assert plan.env["AFFECTSERVE_MODEL_BACKEND"] == "inprocess"
    assert any("in-process" in note for note in plan.notes)


def test_java_means_torchserve(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(launcher.shutil, "which", lambda name: "/usr/bin/java")
    plan = launcher.plan("127.0.0.1", 8000, tmp_path, 1)
    assert plan.settings.model_backend == "torchserve"
    assert plan.env["AFFECTSERVE_DATA_DIR"] == str(tmp_path.resolve())


def test_torchserve_config_binds_loopback(tmp_path: Path) -> None:
    from core.config import Settings

    settings = Settings(data_dir=tmp_path)
    config = launcher.torchserve_config(settings, ["maet", "strnn"], tmp_path / "archives")
    lines = dict(line.split("=", 1) for line in config.read_text().splitlines())
    assert lines["inference_address"] == "http://127.0.0.1:8080"
    assert lines["management_address"] == "http://127.0.0.1:8081"
    assert lines["metrics_address"] == "http://127.0.0.1:8082"
    assert lines["grpc_inference_address"] == "127.0.0.1"
    assert (lines["grpc_inference_port"], lines["grpc_management_port"]) == ("8083", "8084")
    assert lines["disable_token_authorization"] == "false"
    assert config.parent == settings.torchserve_dir
    assert lines["load_models"] == "maet.mar,strnn.mar"
