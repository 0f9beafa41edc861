"""Dependencies of the routes, as ``Annotated`` aliases."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from celery import Celery
from fastapi import Depends
from sqlalchemy.orm import Session

from core.config import Settings, get_settings
from core.store import session_factory


def get_session(settings: Annotated[Settings, Depends(get_settings)]) -> Iterator[Session]:
    """A store session for one request."""
    with session_factory(settings.store_url)() as session:
        yield session


def get_celery() -> Celery:
    """The Celery app that enqueues jobs."""
    from core.broker import celery_app

    return celery_app


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]
CeleryDep = Annotated[Celery, Depends(get_celery)]
