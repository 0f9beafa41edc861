"""TorchServe archives: handler, card, weights and the per-model configuration."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import yaml

from core.cards import load_card
from model_store.build import (
    DOCKER_PROPERTIES,
    archive_is_current,
    build_archive,
    docker_properties,
    model_config,
    server_properties,
)


def test_model_config_follows_the_card() -> None:
    card = load_card("strnn")
    config = yaml.safe_load(model_config(card, gpu_id=3))
    assert config == {
        "minWorkers": card.serving.workers,
        "maxWorkers": card.serving.workers,
        "batchSize": card.serving.batch_size,
        "maxBatchDelay": card.serving.max_batch_delay_ms,
        "responseTimeout": card.serving.response_timeout_s,
        "deviceType": "gpu",
        "deviceIds": [3],
    }
    assert yaml.safe_load(model_config(card))["deviceType"] == "cpu"


def test_archive_holds_handler_card_and_config(tmp_path: Path) -> None:
    card = load_card("maet")
    archive = build_archive(card, tmp_path, gpu_id=1)
    assert archive == tmp_path / "maet.mar"
    with zipfile.ZipFile(archive) as mar:
        names = set(mar.namelist())
        assert {"handler.py", "card.json", "model-config.yaml"} <= names
        assert ("weights.pt" in names) == (card.weights_status == "ready")
        assert json.loads(mar.read("card.json"))["name"] == "maet"
        assert yaml.safe_load(mar.read("model-config.yaml"))["deviceIds"] == [1]
        manifest = json.loads(mar.read("MAR-INF/MANIFEST.json"))
    assert manifest["model"]["modelName"] == "maet"
    assert manifest["model"]["modelVersion"] == card.version
    assert archive_is_current(card, tmp_path)


def test_the_docker_server_config_is_written_by_the_same_function() -> None:
    assert DOCKER_PROPERTIES.read_text() == docker_properties(), (
        "docker/torchserve.properties differs from model_store.build.docker_properties(); "
        "rewrite it with: python -c 'from model_store.build import DOCKER_PROPERTIES, "
        "docker_properties; DOCKER_PROPERTIES.write_text(docker_properties())'"
    )
    lines = dict(
        line.split("=", 1) for line in DOCKER_PROPERTIES.read_text().splitlines() if "=" in line
    )
    local = dict(line.split("=", 1) for line in server_properties(8080, 8081, "all").splitlines())
    differ = {key for key in lines if lines[key] != local[key]}
    assert differ == {"inference_address", "management_address", "metrics_address", "vmargs"}
    assert lines["metrics_address"] == "http://0.0.0.0:8082"
    assert int(lines["max_request_size"]) == 64 << 20
