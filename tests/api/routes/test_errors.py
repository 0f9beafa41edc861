"""Refusals read as sentences about the input: unknown fields named with the right one,
no pydantic wording or URLs; times carry their zone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient


def _detail(reply) -> str:  # type: ignore[no-untyped-def]
    assert reply.status_code == 422, reply.text
    detail = reply.json()["detail"]
    assert isinstance(detail, str)
    assert "pydantic" not in detail and "http" not in detail and "[type=" not in detail
    return detail


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            {"recording_ids": ["a"], "model": "maet"},
            "invalid job body: unknown field 'model'; did you mean 'models'?",
        ),
        (
            {"recording_ids": ["a"], "options": {"allow_untraind": True}},
            "invalid job body: unknown field 'options.allow_untraind'; "
            "did you mean 'options.allow_untrained'?",
        ),
        (
            {"recording_ids": ["a"], "colour": "red"},
            "invalid job body: unknown field 'colour'; the known ones are recording_ids, "
            "models, options",
        ),
        ({"models": ["maet"]}, "invalid job body: field 'recording_ids' is required"),
        (
            {"recording_ids": []},
            "invalid job body: field 'recording_ids': list should have at least 1 item after "
            "validation, not 0 (got [])",
        ),
        (
            {"recording_ids": ["a"], "options": {"allow_untrained": "maybe"}},
            "invalid job body: field 'options.allow_untrained': should be a valid boolean, "
            "unable to interpret input (got 'maybe')",
        ),
    ],
)
def test_job_body_errors_name_the_field(client: TestClient, body: dict, expected: str) -> None:
    assert _detail(client.post("/v1/jobs", json=body)) == expected


def test_broken_json_is_said_to_be_broken(client: TestClient) -> None:
    reply = client.post(
        "/v1/jobs", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert _detail(reply).startswith("invalid job body: the body is not valid JSON (")


def test_unknown_multipart_field_of_a_job_is_named(client: TestClient, seed_edf: Path) -> None:
    with open(seed_edf, "rb") as fid:
        reply = client.post("/v1/jobs", files={"file": ("a.edf", fid)}, data={"model": "maet"})
    assert _detail(reply) == "unknown form field 'model'; did you mean 'models'?"


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"sfreqq": 200}, "invalid upload options: unknown field 'sfreqq'; did you mean 'sfreq'?"),
        (
            {"sfreq": -1},
            "invalid upload options: field 'sfreq': should be greater than 0 (got -1)",
        ),
        (
            {"unit": "V2"},
            "invalid upload options: field 'unit': should be 'V', 'mV', 'uV' or 'nV' (got 'V2')",
        ),
    ],
)
def test_upload_option_errors_name_the_field(
    client: TestClient, seed_edf: Path, options: dict, expected: str
) -> None:
    with open(seed_edf, "rb") as fid:
        reply = client.post(
            "/v1/recordings", files={"file": ("a.edf", fid)}, data={"options": json.dumps(options)}
        )
    assert _detail(reply) == expected


def test_query_parameter_errors_name_the_parameter(client: TestClient) -> None:
    detail = _detail(client.get("/v1/jobs", params={"limit": 0}))
    assert detail == (
        "invalid request: query parameter 'limit': should be greater than or equal to 1 (got '0')"
    )


def test_times_are_rfc3339_in_utc(client: TestClient, seed_edf: Path) -> None:
    from tests.results import store_succeeded_job

    with open(seed_edf, "rb") as fid:
        recording = client.post("/v1/recordings", files={"file": ("a.edf", fid)}).json()
    assert recording["created_at"].endswith("Z")
    job = client.get(f"/v1/jobs/{store_succeeded_job(recording['id'], 'a.edf', {'maet': 2})}")
    read = job.json()
    assert read["created_at"].endswith("Z") and read["updated_at"].endswith("Z")
    assert "+" not in read["created_at"] and len(read["created_at"]) >= 20
