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


@pytest.fixture
def example() -> Iterator[ModuleType]:
    """``client/example.py`` with the generated package importable."""
    pytest.importorskip("attrs")
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
    with Client(base_url=service.url, timeout=60.0) as client:
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
    untrained = load_card("maet").weights_status != "ready"
    assert ("  warning: maet has no trained weights" in out) == untrained
