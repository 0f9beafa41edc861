"""What ``affectserve up`` chooses on machines with and without Redis and Java."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from api import launcher
from tests.integration.conftest import free_port


@pytest.fixture(autouse=True)
def _no_backend_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AFFECTSERVE_MODEL_BACKEND", raising=False)


def test_no_redis_means_filesystem_broker(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AFFECTSERVE_BROKER_URL", "redis://127.0.0.1:1/0")
    plan = launcher.plan("127.0.0.1", free_port(), tmp_path, 1)
    assert plan.settings.broker_url == "filesystem://"
    assert plan.env["AFFECTSERVE_BROKER_URL"] == "filesystem://"
    assert any("no Redis" in note for note in plan.notes)


def test_no_java_means_in_process(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(launcher.shutil, "which", lambda name: None)
    plan = launcher.plan("127.0.0.1", free_port(), tmp_path, 1)
    assert plan.settings.model_backend == "inprocess"
    assert plan.env["AFFECTSERVE_MODEL_BACKEND"] == "inprocess"
    assert any("in-process" in note for note in plan.notes)


def test_java_means_torchserve(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(launcher.shutil, "which", lambda name: "/usr/bin/java")
    plan = launcher.plan("127.0.0.1", free_port(), tmp_path, 1)
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


def test_a_taken_api_port_stops_at_once(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(SystemExit, match=rf"port {port} on 127.0.0.1 is taken .*--port"):
            launcher.plan("127.0.0.1", port, tmp_path, 1)


def _listening(port: int) -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", port))
    sock.listen()
    return sock


def test_taken_model_server_ports_move_unless_set(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from core.config import Settings

    base = launcher.free_ports(20000, 5)
    settings = Settings(
        data_dir=tmp_path,
        torchserve_url=f"http://127.0.0.1:{base}",
        torchserve_management_url=f"http://127.0.0.1:{base + 1}",
    )
    assert launcher.torchserve_ports(settings, []) == settings
    with _listening(base + 3):
        notes: list[str] = []
        moved = launcher.torchserve_ports(settings, notes)
        new = launcher._port(moved.torchserve_url)
        assert new >= base + 5 and launcher._port(moved.torchserve_management_url) == new + 1
        assert all(launcher.port_free(new + k) for k in range(5))
        assert notes == [
            f"models: port(s) {base + 3} taken by another program; TorchServe on ports "
            f"{new}-{new + 4} instead"
        ]
        monkeypatch.setenv("AFFECTSERVE_TORCHSERVE_URL", settings.torchserve_url)
        with pytest.raises(SystemExit, match=rf"port {base + 3} of the model server is taken"):
            launcher.torchserve_ports(settings, [])


def test_each_data_dir_has_its_own_queue(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("AFFECTSERVE_QUEUE", raising=False)
    first = launcher.plan("127.0.0.1", free_port(), tmp_path / "a", 1)
    second = launcher.plan("127.0.0.1", free_port(), tmp_path / "b", 1)
    assert first.env["AFFECTSERVE_QUEUE"] != second.env["AFFECTSERVE_QUEUE"]
    assert first.env["AFFECTSERVE_QUEUE"] == launcher.queue_name(tmp_path / "a")
    again = launcher.plan("127.0.0.1", free_port(), tmp_path / "a", 1)
    assert again.settings.queue == first.settings.queue
    monkeypatch.setenv("AFFECTSERVE_QUEUE", "shared")
    assert launcher.plan("127.0.0.1", free_port(), tmp_path / "b", 1).settings.queue == "shared"


def test_models_not_ready_in_time_say_where_to_look(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from core.config import Settings

    settings = Settings(
        data_dir=tmp_path,
        torchserve_management_url=f"http://127.0.0.1:{free_port()}",
        model_ready_timeout_s=1.2,
    )
    lines: list[str] = []
    monkeypatch.setattr(launcher, "PROGRESS_EVERY_S", 0.5)
    with pytest.raises(RuntimeError, match=r"did not get maet ready in 1.2 s"):
        launcher.wait_models_ready(settings, ["maet"], log=lines.append)
    assert lines and lines[0].startswith("affectserve: loading models, 0 of 1 ready after ")


def test_torchserve_sockets_fit_however_deep_the_data_dir(tmp_path: Path) -> None:
    from core.config import Settings

    shallow = Settings(data_dir=tmp_path / "d")
    assert launcher.torchserve_tmp(shallow) == shallow.torchserve_dir.resolve() / "tmp"
    deep = Settings(data_dir=tmp_path / ("x" * 60) / "data")
    other = Settings(data_dir=tmp_path / ("y" * 60) / "data")
    env = launcher.torchserve_env(deep, {})
    socket_path = Path(env["TMPDIR"]) / launcher.TORCHSERVE_SOCKET
    assert len(str(socket_path)) <= launcher.UNIX_PATH_MAX
    assert env["TMPDIR"] == env["TEMP"] == str(launcher.torchserve_tmp(deep))
    assert Path(env["TMPDIR"]).is_dir() and Path(env["TMPDIR"]).stat().st_mode & 0o777 == 0o700
    assert launcher.torchserve_tmp(deep) != launcher.torchserve_tmp(other)
    with socket.socket(socket.AF_UNIX) as sock:  # the path TorchServe binds works
        sock.bind(str(socket_path))
    socket_path.unlink()
    Path(env["TMPDIR"]).rmdir()
