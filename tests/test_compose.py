"""The production compose file, checked against the code it runs (no Docker engine runs
on the development machines; `docker compose config` is run where the plugin exists)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy.engine import make_url

from core.config import Settings

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = ROOT / "docker-compose.yml"


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text())


def _image_extras() -> list[str]:
    """The extras the image installs (``pip install -e ".[a,b]"`` in the Dockerfile)."""
    extras = re.search(r'-e "\.\[([^\]]*)\]"', (ROOT / "Dockerfile").read_text())
    assert extras is not None, "the Dockerfile installs no extras"
    return extras[1].split(",")


def _mounts(service: dict[str, Any]) -> dict[str, str]:
    """A service's named volumes by mount point."""
    return {v.split(":")[1]: v.split(":")[0] for v in service.get("volumes", [])}


def test_every_setting_is_one_the_service_reads(compose: dict[str, Any]) -> None:
    env = compose["x-affectserve-env"]
    names = {f"AFFECTSERVE_{name.upper()}" for name in Settings.model_fields}
    assert {key for key in env if key.startswith("AFFECTSERVE_")} <= names
    for name in ("worker", "api"):
        assert compose["services"][name]["environment"] == env


def test_postgres_is_the_job_store(compose: dict[str, Any]) -> None:
    env = compose["x-affectserve-env"]
    url = make_url(re.sub(r"\$\{[^}]*\}", "secret", env["AFFECTSERVE_DATABASE_URL"]))
    postgres = compose["services"]["postgres"]
    assert (url.drivername, url.host, url.port) == ("postgresql+psycopg", "postgres", 5432)
    assert url.username == postgres["environment"]["POSTGRES_USER"]
    assert url.database == postgres["environment"]["POSTGRES_DB"]
    assert _mounts(postgres) == {"/var/lib/postgresql/data": "postgres"}
    for name in ("worker", "api"):
        assert compose["services"][name]["depends_on"]["postgres"] == {
            "condition": "service_healthy"
        }
    assert "postgres" in _image_extras(), "the image lacks psycopg"


def test_the_image_can_keep_objects_in_s3() -> None:
    assert "s3" in _image_extras(), "the image lacks boto3"


def test_workers_are_replicated_on_both_queues(compose: dict[str, Any]) -> None:
    worker = compose["services"]["worker"]
    assert worker["deploy"]["replicas"] >= 2
    settings = Settings(queue=compose["x-affectserve-env"]["AFFECTSERVE_QUEUE"])
    command = worker["command"][-1].split()
    assert command[command.index("-Q") + 1] == f"{settings.queue},{settings.training_queue}"


def test_redis_keeps_its_messages(compose: dict[str, Any]) -> None:
    redis = compose["services"]["redis"]
    command = redis["command"]
    assert command[command.index("--appendonly") + 1] == "yes"
    assert _mounts(redis) == {"/data": "redis"}


def test_uploads_results_and_tokens_are_shared(compose: dict[str, Any]) -> None:
    env = compose["x-affectserve-env"]
    data_dir = env["AFFECTSERVE_DATA_DIR"]
    for name in ("api", "worker", "torchserve"):
        assert _mounts(compose["services"][name]) == {data_dir: "data"}, name
    keys = Path(env["AFFECTSERVE_TORCHSERVE_KEY_FILE"])
    assert keys.name == "key_file.json" and keys.is_relative_to(data_dir)
    assert f"cd {keys.parent} " in compose["services"]["torchserve"]["command"][-1]


@pytest.mark.skipif(
    shutil.which("docker") is None
    or subprocess.run(["docker", "compose", "version"], capture_output=True).returncode != 0,
    reason="the docker compose plugin is not installed here",
)
def test_docker_compose_accepts_it() -> None:
    done = subprocess.run(
        ["docker", "compose", "-f", str(COMPOSE), "config", "--quiet"],
        env={**os.environ, "POSTGRES_PASSWORD": "test"},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
