"""Schemathesis against the app's own OpenAPI schema, in process (bounded).

Every operation, with generated valid and invalid inputs: no server error, and every
response conforms to the schema (status code, content type, body).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from api.deps import get_celery

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]


class NoBroker:
    """Stands in for Celery: jobs are stored but nothing reaches a real queue."""

    def send_task(self, *_args: object, **_kwargs: object) -> None:
        """Accept and drop the message."""


@pytest.fixture
def app_schema(settings_env: Path) -> schemathesis.schemas.BaseSchema:
    """The schema of a fresh app (fresh data dir, no broker)."""
    from api.main import create_app

    app = create_app()
    app.dependency_overrides[get_celery] = NoBroker
    return schemathesis.openapi.from_asgi("/openapi.json", app)


FUZZ = settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def _fuzz(operation: schemathesis.APIOperation, wanted: list) -> None:
    @FUZZ
    @given(case=operation.as_strategy())
    def call(case: schemathesis.Case) -> None:
        case.call_and_validate(checks=wanted)

    call()


def test_api_conforms_to_its_schema(app_schema: schemathesis.schemas.BaseSchema) -> None:
    tested = []
    for result in app_schema.get_all_operations():
        operation = result.ok()
        # /health answers 503 by design when a component is down (a documented response).
        _fuzz(operation, CHECKS[1:] if operation.path == "/health" else CHECKS)
        tested.append(operation.label)
    assert len(tested) >= 8, tested
