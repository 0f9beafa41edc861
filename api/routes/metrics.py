"""``GET /metrics``: Prometheus metrics of the API, the workers, the store and the queue."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.concurrency import run_in_threadpool

from api.deps import SettingsDep
from core.metrics import exposition

router = APIRouter(tags=["operations"])


@router.get("/metrics", operation_id="metrics-get", include_in_schema=False)
async def get_metrics(settings: SettingsDep) -> Response:
    """Jobs by state, queue depth, stage durations, model latency, upload bytes, errors."""
    body, content_type = await run_in_threadpool(exposition, settings)
    return Response(body, media_type=content_type)
