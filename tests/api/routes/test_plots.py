"""Figures of a job's result as PNG and SVG."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from tests.conftest import write_seed_edf
from tests.results import store_succeeded_job


@pytest.fixture
def job(client: TestClient, seed_edf: Path) -> str:
    with open(seed_edf, "rb") as fid:
        recording = client.post("/v1/recordings", files={"file": ("s01.edf", fid)}).json()
    return store_succeeded_job(recording["id"], "s01.edf", {"maet": 60, "strnn": 60})


@pytest.mark.parametrize(
    ("name", "size"),
    [("timeline", (900, 480)), ("summary", (900, 285)), ("agreement", (900, 420))],
)
def test_result_plots_are_pngs_of_the_figure_size(
    client: TestClient, job: str, name: str, size: tuple[int, int]
) -> None:
    reply = client.get(f"/v1/jobs/{job}/plots/{name}.png")
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(reply.content)).size == size


def test_topomap_is_drawn_from_the_recording_file(client: TestClient, job: str) -> None:
    reply = client.get(f"/v1/jobs/{job}/plots/topomap.svg")
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"] == "image/svg+xml"
    svg = reply.text
    for band in ("delta", "theta", "alpha", "beta", "gamma"):
        assert f">{band}</text>" in svg
    assert ">band power (dB re 1 µV²)</text>" in svg


def test_timeline_of_a_model_that_did_not_run_is_404(client: TestClient, job: str) -> None:
    reply = client.get(f"/v1/jobs/{job}/plots/timeline.png", params={"model": "tsception"})
    assert reply.status_code == 404
    assert reply.json()["detail"] == "model tsception did not run on s01.edf; models: maet, strnn"


def test_agreement_of_one_model_and_bad_names(client: TestClient, seed_edf: Path) -> None:
    with open(seed_edf, "rb") as fid:
        recording = client.post("/v1/recordings", files={"file": ("a.edf", fid)}).json()
    job = store_succeeded_job(recording["id"], "a.edf", {"maet": 10})
    reply = client.get(f"/v1/jobs/{job}/plots/agreement.png")
    assert reply.status_code == 404
    assert "two or more models; only maet ran" in reply.json()["detail"]
    assert client.get(f"/v1/jobs/{job}/plots/pie.png").status_code == 422
    assert client.get(f"/v1/jobs/{job}/plots/summary.gif").status_code == 422
    reply = client.get(f"/v1/jobs/{job}/plots/topomap.png", params={"bands": "nope"})
    assert reply.status_code == 422 and "unknown band table nope" in reply.json()["detail"]
    reply = client.get(f"/v1/jobs/{job}/plots/topomap.png", params={"bands": "seed_iv"})
    assert reply.status_code == 422
    assert reply.json()["detail"] == (
        "topomaps are drawn inside the job in the seed band table only; ask without 'bands' "
        "or with bands=seed"
    )
    reply = client.get(f"/v1/jobs/{job}/plots/summary.png", params={"recording": 1})
    assert reply.status_code == 404
    assert reply.json()["detail"] == f"job {job} has 1 recording(s); got index 1"


def test_figures_are_read_from_the_job_not_drawn_from_the_recording(
    client: TestClient, job: str, settings_env: Path
) -> None:
    for upload in (settings_env / "uploads").iterdir():
        upload.unlink()
    reply = client.get(f"/v1/jobs/{job}/plots/topomap.png")
    assert reply.status_code == 200, reply.text
    stored = settings_env / "plots" / job / "topomap-0-seed.png"
    assert reply.content == stored.read_bytes()
    (settings_env / "plots" / job / "figures.json").unlink()
    reply = client.get(f"/v1/jobs/{job}/plots/summary.png")
    assert reply.status_code == 404
    assert reply.json()["detail"] == (
        f"job {job} stored no figures (it ran before jobs drew their figures); submit it again"
    )


def test_result_is_readable_before_the_figures(client: TestClient, seed_edf: Path) -> None:
    """A running job whose models have all run (result stored, figures being drawn)."""
    with open(seed_edf, "rb") as fid:
        recording = client.post("/v1/recordings", files={"file": ("a.edf", fid)}).json()
    job = store_succeeded_job(recording["id"], "a.edf", {"maet": 10}, state="running")
    assert client.get(f"/v1/jobs/{job}").json()["links"]["result"] == f"/v1/jobs/{job}/result"
    result = client.get(f"/v1/jobs/{job}/result")
    assert result.status_code == 200
    assert result.json()["recordings"][0]["models"]["maet"]["summary"]["n_windows"] == 10
    reply = client.get(f"/v1/jobs/{job}/plots/summary.png")
    assert reply.status_code == 409
    assert reply.json()["detail"] == (
        f"job {job} is drawing its figures after its result; fetch them once the job has succeeded"
    )
    assert client.get("/v1/jobs/0000/plots/summary.png").status_code == 404


def test_result_of_a_job_whose_models_have_not_all_run_is_409(
    client: TestClient, seed_edf: Path
) -> None:
    with open(seed_edf, "rb") as fid:
        recording = client.post("/v1/recordings", files={"file": ("a.edf", fid)}).json()
    job = client.post("/v1/jobs", json={"recording_ids": [recording["id"]], "models": ["maet"]})
    job_id = job.json()["id"]
    assert "result" not in job.json()["links"]
    reply = client.get(f"/v1/jobs/{job_id}/result")
    assert reply.status_code == 409
    assert reply.json()["detail"] == (
        f"job {job_id} is queued; its result is readable once every model has run (the job's "
        "links then name it)"
    )


def test_result_csv_has_one_row_per_window(client: TestClient, job: str) -> None:
    reply = client.get(f"/v1/jobs/{job}/result.csv")
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("text/csv")
    comments, lines = reply.text.split("\nrecording_id,", 1)
    lines = ("recording_id," + lines).splitlines()
    assert lines[0] == (
        "recording_id,filename,model,start_s,end_s,segment,segment_name,label,"
        "p_negative,p_neutral,p_positive"
    )
    assert len(lines) == 1 + 120
    result = client.get(f"/v1/jobs/{job}/result").json()
    for line, name in zip(comments.splitlines(), ("maet", "strnn"), strict=True):
        reliability = result["recordings"][0]["models"][name]["reliability"]
        assert line.startswith(f"# s01.edf, {name}: {reliability['badge']}: ")
        assert reliability["note"] in line
    first = result["recordings"][0]["models"]["maet"]["windows"][0]
    cells = lines[1].split(",")
    assert cells[2:8] == ["maet", "0.0", "1.0", "", "", first["label"]]
    assert float(cells[8]) == first["probabilities"]["negative"]


def test_figures_are_stored_until_the_job_is_deleted(
    client: TestClient, job: str, settings_env: Path
) -> None:
    first = client.get(f"/v1/jobs/{job}/plots/timeline.svg", params={"model": "strnn"})
    cached = settings_env / "plots" / job / "timeline-0-strnn.svg"
    assert cached.read_bytes() == first.content
    cached.write_bytes(b"<svg>cached</svg>")
    again = client.get(f"/v1/jobs/{job}/plots/timeline.svg", params={"model": "strnn"})
    assert again.content == b"<svg>cached</svg>"
    assert client.delete(f"/v1/jobs/{job}").status_code == 204
    assert not cached.parent.exists()


def test_eda_plot_and_its_place_on_the_results_page(client: TestClient, tmp_path: Path) -> None:
    from tests.worker.multimodal import write_deap_edf

    path = write_deap_edf(tmp_path / "s01_gsr.edf", duration_s=40.0)
    with open(path, "rb") as fid:
        recording = client.post("/v1/recordings", files={"file": (path.name, fid)}).json()
    job = store_succeeded_job(recording["id"], path.name, {"rtcan1d": 1})
    reply = client.get(f"/v1/jobs/{job}/plots/eda.svg")
    assert reply.status_code == 200, reply.text
    svg = reply.text
    for trace in ("measured", "tonic", "phasic"):
        assert f">{trace}</text>" in svg
    assert "conductance (µS)" in svg
    page = client.get(f"/jobs/{job}/results").text
    assert "/plots/eda.png" in page


def test_no_eda_plot_without_an_eda_channel(client: TestClient, job: str) -> None:
    reply = client.get(f"/v1/jobs/{job}/plots/eda.png")
    assert reply.status_code == 404
    assert "no EDA (GSR) channel" in reply.json()["detail"]
    assert "/plots/eda.png" not in client.get(f"/jobs/{job}/results").text


def test_a_job_run_without_figures_says_so(client: TestClient, seed_edf: Path) -> None:
    with open(seed_edf, "rb") as fid:
        recording = client.post("/v1/recordings", files={"file": ("a.edf", fid)}).json()
    job = store_succeeded_job(recording["id"], "a.edf", {"maet": 10}, figures=False)
    assert client.get(f"/v1/jobs/{job}").json()["options"]["figures"] is False
    assert client.get(f"/v1/jobs/{job}/result").status_code == 200
    reply = client.get(f"/v1/jobs/{job}/plots/summary.svg")
    assert reply.status_code == 404
    assert reply.json()["detail"] == (
        f"job {job} was run with figures: false and drew none; run a job on its recordings "
        "without that option to get its figures"
    )
    page = client.get(f"/jobs/{job}/results").text
    assert "<code>figures: false</code>" in page and "/plots/" not in page


def test_multipart_jobs_take_the_figures_option(
    client: TestClient, seed_edf: Path, settings_env: Path, tmp_path: Path
) -> None:
    options = {}
    for figures in ("false", None):
        with open(seed_edf, "rb") as fid:
            data = {"models": "maet"} | ({"figures": figures} if figures else {})
            reply = client.post("/v1/jobs", files={"file": ("a.edf", fid)}, data=data)
        assert reply.status_code == 202, reply.text
        options[figures] = reply.json()["options"]["figures"]
    assert options == {"false": False, None: True}
    stored = sorted((settings_env / "uploads").iterdir())
    with open(write_seed_edf(tmp_path / "b.edf", duration_s=12.0), "rb") as fid:
        data = {"models": "maet", "figures": "maybe"}
        reply = client.post("/v1/jobs", files={"file": ("a.edf", fid)}, data=data)
    assert reply.status_code == 422
    assert reply.json()["detail"] == "form field 'figures' must be true or false; got 'maybe'"
    assert sorted((settings_env / "uploads").iterdir()) == stored  # refused before storing
