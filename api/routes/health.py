"""``GET /health``: the real state of each component."""

from __future__ import annotations

from fastapi import APIRouter, Response, status
from sqlalchemy import text

from api.deps import SettingsDep
from api.schemas import ComponentHealth, Health
from core.config import Settings
from core.store import get_engine

router = APIRouter(tags=["health"])


def broker_health(settings: Settings) -> ComponentHealth:
    """Redis answers PING, or the filesystem broker's folder is writable."""
    if settings.broker_url.startswith("filesystem://"):
        folder = settings.broker_dir / "queue"
        ok = folder.is_dir()
        return ComponentHealth(ok=ok, detail=f"filesystem broker in {folder}")
    import redis

    try:
        redis.Redis.from_url(settings.broker_url, socket_timeout=2).ping()
    except redis.RedisError as err:
        return ComponentHealth(ok=False, detail=f"Redis unreachable: {err}")
    return ComponentHealth(ok=True, detail="Redis answers PING")


def model_server_health(settings: Settings) -> ComponentHealth:
    """TorchServe answers ``/ping`` (or models run in the worker)."""
    from model_store.clients import make_client

    state = make_client(settings).health()
    return ComponentHealth(ok=state.ok, detail=state.detail)


def storage_health(settings: Settings) -> ComponentHealth:
    """The data folder is writable and the job store answers a query."""
    try:
        settings.ensure_dirs()
        probe = settings.data_dir / "tmp" / ".health"
        probe.write_bytes(b"ok")
        probe.unlink()
        with get_engine(settings.store_url).connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as err:
        return ComponentHealth(ok=False, detail=f"storage unusable: {err}")
    return ComponentHealth(ok=True, detail=f"data in {settings.data_dir.resolve()}")


@router.get(
    "/health",
    responses={503: {"model": Health, "description": "A component is down."}},
)
def get_health(settings: SettingsDep, response: Response) -> Health:
    """State of the broker, the model server and the storage; 503 when one is down."""
    components = {
        "broker": broker_health(settings),
        "model_server": model_server_health(settings),
        "storage": storage_health(settings),
    }
    healthy = all(c.ok for c in components.values())
    if not healthy:
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    return Health(status="ok" if healthy else "degraded", components=components)
