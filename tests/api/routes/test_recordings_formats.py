"""Every file of ``../shared/data/formats`` through ``POST /v1/recordings``.

The header the API answers must equal MNE's own reading; files that cannot be read
are refused with a reason. Skipped when the shared folder is absent.
"""

from __future__ import annotations

import contextlib

import pytest
from fastapi.testclient import TestClient

from tests.signals.io.format_expectations import (
    FORMATS_DIR,
    FormatCase,
    format_cases,
    mne_expectation,
)

CASES = format_cases()
pytestmark = pytest.mark.skipif(not CASES, reason=f"{FORMATS_DIR} is absent")


def _post(client: TestClient, case: FormatCase):
    with contextlib.ExitStack() as stack:
        main = stack.enter_context(open(FORMATS_DIR / case.name, "rb"))
        files = [("file", (case.name, main))]
        for name, path in case.companion_paths().items():
            files.append(("companions", (name, stack.enter_context(open(path, "rb")))))
        return client.post("/v1/recordings", files=files)


@pytest.fixture
def big_client(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    from core.config import get_settings

    monkeypatch.setenv("AFFECTSERVE_MAX_UPLOAD_MB", "64")
    get_settings.cache_clear()
    return client


@pytest.mark.parametrize("case", [c for c in CASES if c.mne_reader], ids=lambda c: c.id)
def test_header_through_api_equals_mne(big_client: TestClient, case: FormatCase) -> None:
    reply = _post(big_client, case)
    assert reply.status_code == 201, reply.text
    body = reply.json()
    expected = mne_expectation(case)
    assert body["sfreq"] == pytest.approx(expected.sfreq)
    assert body["duration_s"] == pytest.approx(expected.duration_s)
    assert len(body["channel_names"]) == len(expected.channel_names)
    assert sorted(case.companion_paths()) == body["companions"]


@pytest.mark.parametrize("case", [c for c in CASES if c.error], ids=lambda c: c.id)
def test_unreadable_through_api_is_422(big_client: TestClient, case: FormatCase) -> None:
    reply = _post(big_client, case)
    assert reply.status_code == 422
    assert case.error in reply.json()["detail"]
