"""``GET /health``: the real state of each component."""

from __future__ import annotations

from fastapi import APIRouter, Response, status
from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError

from api.deps import SettingsDep
from api.schemas import ComponentHealth, Health
from core.cards import card_names
from core.config import Settings
from core.schemas import ACTIVE_STATES, JobState
from core.storage import storage_for
from core.store import Job, get_engine, session_factory, stale_running

HEALTH_PROBE = "tmp/.health-probe"
"""The object `storage_health` writes and deletes."""

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
    """TorchServe answers ``/ping`` and has a ready worker for every model (or models run
    in the worker)."""
    from model_store.clients import make_client

    state = make_client(settings).health(card_names())
    return ComponentHealth(ok=state.ok, detail=state.detail)


def jobs_health(settings: Settings) -> ComponentHealth:
    """No running job has gone without a heartbeat past `Settings.stuck_after_s`: a
    worker's reconciler puts a job whose worker was lost back in the queue before that."""
    try:
        with session_factory(settings.store_url)() as session:
            stuck = stale_running(session, settings.stuck_after_s)
            query = select(Job.state, func.count()).where(Job.state.in_(ACTIVE_STATES))
            active = dict(session.execute(query.group_by(Job.state)).all())
    except SQLAlchemyError as err:
        return ComponentHealth(ok=False, detail=f"job store unreadable: {err}")
    counts = f"{active.get(JobState.QUEUED, 0)} queued, {active.get(JobState.RUNNING, 0)} running"
    if stuck:
        return ComponentHealth(
            ok=False,
            detail=(
                f"{counts}; {len(stuck)} stuck (no heartbeat for over "
                f"{settings.stuck_after_s:g} s, not put back in the queue): is a worker "
                "running?"
            ),
        )
    return ComponentHealth(ok=True, detail=f"{counts}; none stuck")


def storage_health(settings: Settings) -> ComponentHealth:
    """The data folder is writable, the storage of uploads and results stores and deletes
    an object, and the job store answers a query."""
    try:
        settings.ensure_dirs()
        probe = settings.spool_dir / ".health"
        probe.write_bytes(b"ok")
        probe.unlink()
        storage = storage_for(settings)
        storage.delete(storage.put(HEALTH_PROBE, b"ok"))
        with get_engine(settings.store_url).connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as err:
        return ComponentHealth(ok=False, detail=f"storage unusable: {err}")
    return ComponentHealth(
        ok=True, detail=f"data in {settings.data_dir.resolve()}; objects in {storage}"
    )


@router.get(
    "/health",
    responses={503: {"model": Health, "description": "A component is down."}},
)
def get_health(settings: SettingsDep, response: Response) -> Health:
    """State of the broker, the model server, the storage and the jobs; 503 when one is
    down."""
    components = {
        "broker": broker_health(settings),
        "model_server": model_server_health(settings),
        "storage": storage_health(settings),
        "jobs": jobs_health(settings),
    }
    healthy = all(c.ok for c in components.values())
    if not healthy:
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    return Health(status="ok" if healthy else "degraded", components=components)
