"""``/health`` reports each component's real state."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient


def test_health_down_broker_is_503(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from core.config import get_settings

    monkeypatch.setenv("AFFECTSERVE_BROKER_URL", "redis://127.0.0.1:1/0")
    get_settings.cache_clear()
    reply = client.get("/health")
    assert reply.status_code == 503
    body = reply.json()
    assert body["status"] == "degraded"
    assert body["components"]["broker"]["ok"] is False
    assert body["components"]["storage"]["ok"] is True


def test_health_filesystem_broker_ok(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    from core.broker import make_celery
    from core.config import get_settings

    monkeypatch.setenv("AFFECTSERVE_BROKER_URL", "filesystem://")
    get_settings.cache_clear()
    make_celery(get_settings())
    reply = client.get("/health")
    assert reply.status_code == 200, reply.text
    assert reply.json()["components"]["model_server"]["detail"].startswith("models run in-process")
