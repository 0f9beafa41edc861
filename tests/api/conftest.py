"""An API client on a fresh data folder (no broker needed for these tests)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient


@pytest.fixture
def client(settings_env: Path) -> Iterator[TestClient]:
    """A test client of a freshly built app."""
    from api.main import create_app

    with TestClient(create_app()) as test_client:
        yield test_client
