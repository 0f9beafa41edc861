"""The generated OpenAPI client and its example script against a running service."""

from __future__ import annotations

import importlib.util
import io
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest
from PIL import Image

from core.cards import load_card
from tests.conftest import write_seed_edf

pytestmark = pytest.mark.integration

CLIENT_DIR = Path(__file__).resolve().parents[2] / "client"


def client_is_current() -> bool:
    """True when client/ was generated from the committed openapi.json's shapes.

    The example reads each result's reliability and passes plain `Client`s to the
    generated calls; a client generated before those were in the schema cannot run it
    (regenerate with ``python scripts/openapi.py --client``).
    """
    generated = CLIENT_DIR / "affectserve_client"
    signature = (generated / "api" / "jobs" / "jobs_get.py").read_text()
    current = (generated / "models" / "reliability.py").is_file()
    return current and "    client: AuthenticatedClient | Client,\n" in signature


@pytest.fixture
def example() -> Iterator[ModuleType]:
    """``client/example.py`` with the generated package importable."""
    pytest.importorskip("attrs")
    if not client_is_current():
        pytest.skip("client/ predates openapi.json: python scripts/openapi.py --client")
    sys.path.insert(0, str(CLIENT_DIR))
    spec = importlib.util.spec_from_file_location("affectserve_example", CLIENT_DIR / "example.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    yield module
    sys.path.remove(str(CLIENT_DIR))


def test_generated_client_runs_a_job(
    example: ModuleType,
    start_service: Callable,
    redis_server: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from affectserve_client import Client
    from affectserve_client.api.jobs import jobs_result_csv
    from affectserve_client.api.models import models_list
    from affectserve_client.api.plots import plots_get
    from affectserve_client.models import ErrorBody, PlotsGetFmt, PlotsGetName

    service = start_service("inprocess", redis_server)
    recording = write_seed_edf(tmp_path / "s01.edf", duration_s=20.0)
    with Client(base_url=service.url) as client:
        cards = models_list.sync(client=client)
        assert "maet" in [card.name for card in cards]
        upload = example.upload(client, recording)
        assert (upload.format_, upload.sfreq, upload.duration_s) == ("edf", 200.0, 20.0)
        assert len(upload.channel_names) == 62
        result = example.run_job(client, [upload.id], ["maet"], allow_untrained=True)
        maet = result.recordings[0].models.additional_properties["maet"]
        assert maet.summary.n_windows == 20 and len(maet.windows) == 20
        assert sum(maet.summary.label_counts.additional_properties.values()) == 20
        plot = plots_get.sync(
            result.job_id, PlotsGetName.TIMELINE, PlotsGetFmt.PNG, client=client, model="maet"
        )
        assert Image.open(io.BytesIO(plot.payload.read())).size == (900, 480)
        table = jobs_result_csv.sync_detailed(result.job_id, client=client)
        assert table.status_code == 200 and len(table.content.decode().splitlines()) == 22
        missing = plots_get.sync("0000", PlotsGetName.SUMMARY, PlotsGetFmt.SVG, client=client)
        assert isinstance(missing, ErrorBody) and missing.detail == "no job with id 0000"

    code = example.main(
        [str(recording), "--url", service.url, "--model", "maet", "--allow-untrained"]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith("job ")
    assert "s01.edf maet: " in out and " over 20 windows (" in out
    badge = maet.reliability.badge.value
    assert f"  trust: {badge}: " in out and "% on held-out data, chance " in out
    untrained = load_card("maet").weights_status != "ready"
    assert ("  warning: maet has no trained weights" in out) == untrained


def test_example_with_and_without_a_key(
    example: ModuleType, start_service: Callable, redis_server: str, tmp_path: Path
) -> None:
    import hashlib
    import json

    key = "client-test-key"
    digest = hashlib.sha256(key.encode()).hexdigest()
    service = start_service("inprocess", redis_server, AFFECTSERVE_API_KEYS=json.dumps([digest]))
    recording = write_seed_edf(tmp_path / "s02.edf", duration_s=12.0)
    refused = pytest.raises(example.ServiceError, match="this server needs an API key")
    with example.connect(service.url) as anonymous, refused:
        example.upload(anonymous, recording)
    seen: list[str] = []
    with example.connect(service.url, key) as client:
        upload = example.upload(client, recording)
        result = example.run_job(
            client, [upload.id], ["maet"], True, on_progress=lambda job: seen.append(job.state)
        )
        assert result.recordings[0].models.additional_properties["maet"].summary.n_windows == 12
        assert seen[-1].value == "succeeded"
        with pytest.raises(example.ServiceError, match="no job with id 0000"):
            example.wait_for_job(client, "0000")


def test_example_is_mypy_strict_clean() -> None:
    import subprocess

    pytest.importorskip("mypy")
    if not client_is_current():
        pytest.skip(
            "client/ predates openapi.json: regenerate it (python scripts/openapi.py --client)"
        )
    checked = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "example.py"],
        cwd=CLIENT_DIR,
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stdout
