"""The committed OpenAPI document equals the app's, with stable operation ids."""

from __future__ import annotations

import json
import re
import runpy
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OPERATIONS = {
    ("get", "/health"): "health-get",
    ("get", "/v1/models"): "models-list",
    ("get", "/v1/models/{name}"): "models-get",
    ("delete", "/v1/models/{name}"): "models-delete",
    ("post", "/v1/recordings"): "recordings-create",
    ("get", "/v1/recordings/{recording_id}"): "recordings-get",
    ("delete", "/v1/recordings/{recording_id}"): "recordings-delete",
    ("post", "/v1/jobs"): "jobs-create",
    ("get", "/v1/jobs"): "jobs-list",
    ("get", "/v1/jobs/{job_id}"): "jobs-get",
    ("delete", "/v1/jobs/{job_id}"): "jobs-delete",
    ("get", "/v1/jobs/{job_id}/result"): "jobs-result",
    ("get", "/v1/jobs/{job_id}/result.csv"): "jobs-result-csv",
    ("get", "/v1/jobs/{job_id}/plots/{name}.{fmt}"): "plots-get",
    ("post", "/v1/trainings"): "trainings-create",
    ("get", "/v1/trainings"): "trainings-list",
    ("get", "/v1/trainings/{training_id}"): "trainings-get",
    ("delete", "/v1/trainings/{training_id}"): "trainings-delete",
}


@pytest.fixture
def app_schema(settings_env: Path) -> dict:
    from api.main import create_app

    return create_app().openapi()


def test_committed_openapi_json_is_the_apps(app_schema: dict) -> None:
    committed = json.loads((ROOT / "openapi.json").read_text(encoding="utf-8"))
    assert committed == app_schema, "openapi.json is stale: run python scripts/openapi.py --client"


def test_script_writes_the_committed_text(app_schema: dict) -> None:
    script = runpy.run_path(str(ROOT / "scripts" / "openapi.py"))
    assert script["schema_text"](app_schema) == (ROOT / "openapi.json").read_text("utf-8")


def test_operation_ids_are_stable_and_tag_named(app_schema: dict) -> None:
    found = {
        (method, path): operation["operationId"]
        for path, methods in app_schema["paths"].items()
        for method, operation in methods.items()
    }
    assert found == OPERATIONS
    for (method, path), operation_id in found.items():
        operation = app_schema["paths"][path][method]
        assert operation_id.startswith(operation["tags"][0] + "-")
        assert re.fullmatch(r"[a-z]+(-[a-z]+)+", operation_id)
    pages = [path for path in app_schema["paths"] if not path.startswith(("/v1/", "/health"))]
    assert pages == []


def test_request_bodies_and_examples_are_documented(app_schema: dict) -> None:
    schemas = app_schema["components"]["schemas"]
    for name in ("RecordingRead", "JobCreate", "JobRead", "WindowPrediction", "ModelSummary"):
        schema = (
            schemas.get(name)
            or app_schema["paths"]["/v1/jobs"]["post"]["requestBody"]["content"][
                "application/json"
            ]["schema"]
        )
        assert schema["examples"], name
    upload = schemas["Body_recordings-create"]["properties"]["file"]
    assert upload["format"] == "binary"
    plot = app_schema["paths"]["/v1/jobs/{job_id}/plots/{name}.{fmt}"]["get"]
    assert set(plot["responses"]["200"]["content"]) == {"image/png", "image/svg+xml"}
    names = next(p for p in plot["parameters"] if p["name"] == "name")["schema"]["enum"]
    assert names == ["timeline", "summary", "agreement", "topomap", "eda"]


def test_every_operation_id_comes_from_the_one_function(settings_env: Path) -> None:
    from api.main import operation_id
    from api.routes import health, jobs, models, plots, recordings, trainings

    routers = (
        health.router,
        models.router,
        recordings.router,
        jobs.router,
        plots.router,
        trainings.router,
    )
    routes = [route for router in routers for route in router.routes]
    generated = {
        (method.lower(), route.path): operation_id(route)
        for route in routes
        for method in route.methods
    }
    assert generated == OPERATIONS
