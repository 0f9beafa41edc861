"""The web pages: upload form, job progress, results."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from core.cards import ModelCard, card_names, load_card
from signals.plots.colours import label_colour
from tests.conftest import write_seed_edf
from tests.results import store_succeeded_job


def _upload(client: TestClient, path: Path, name: str = "s01.edf") -> str:
    with open(path, "rb") as fid:
        return client.post("/v1/recordings", files={"file": (name, fid)}).json()["id"]


def test_upload_page_lists_every_model_with_its_weights_status(client: TestClient) -> None:
    reply = client.get("/")
    assert reply.status_code == 200
    page = reply.text
    assert '<input id="file-input" name="files" type="file" multiple' in page
    assert '<label class="button" for="file-input">' in page
    for name in card_names():
        card = load_card(name)
        assert f'<input type="checkbox" id="model-{name}" name="models" value="{name}"' in page
        assert f'<label for="model-{name}">' in page
        assert card.title in page
        status = "trained" if card.weights_status == "ready" else "no trained weights"
        assert f'<span class="badge {card.weights_status}">{status}</span>' in page
    assert '<label for="allow-untrained">' in page
    assert '<input id="opt-channel-map" data-option="channel_map" type="text"' in page
    assert 'list="montage-names">' in page
    assert '<option value="biosemi128">' in page and '<option value="GSN-HydroCel-129">' in page
    assert "https://" not in page and "http://" not in page.replace("http://testserver", "")


def test_models_at_chance_or_untrained_are_not_ticked_and_say_why(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The shipped cards have no model at chance: EmotionCLIP's figures are made so here."""
    from core.reliability import headline, reliability
    from core.schemas import Reliability

    def at_chance_emotionclip(card: ModelCard, montage: str | None = None) -> Reliability:
        if card.name != "emotionclip":
            return reliability(card, montage)
        measured = reliability(card, montage)
        return measured.model_copy(update={"badge": "at-chance", "accuracy": measured.chance})

    monkeypatch.setattr("api.routes.pages.reliability", at_chance_emotionclip)
    page = " ".join(client.get("/").text.split())
    badges = {name: at_chance_emotionclip(load_card(name)) for name in card_names()}
    assert {rel.badge for rel in badges.values()} >= {"at-chance", "untrained", "moderate"}
    for name, rel in badges.items():
        box = re.search(rf'<input type="checkbox" id="model-{name}"[^>]*>', page).group(0)
        ticked = rel.badge not in ("at-chance", "untrained")
        assert ("checked" in box) == ticked, name
        note = re.search(rf'<p class="hint unticked" id="unticked-{name}">([^<]*)</p>', page)
        assert (note is None) == ticked, name
        if rel.badge == "at-chance":
            assert f'aria-describedby="unticked-{name}"' in box
            assert note.group(1) == (
                f"Not ticked: its measured accuracy is at chance level ({headline(rel)}), so "
                "its predictions carry no information. Tick it to run it anyway."
            )
        elif rel.badge == "untrained":
            assert note.group(1).startswith("Not ticked: it has no trained weights")


def test_static_files_are_served_and_local(client: TestClient) -> None:
    for name, kind in (
        ("style.css", "text/css"),
        ("upload.js", "javascript"),
        ("job.js", "javascript"),
        ("results.js", "javascript"),
        ("key.js", "javascript"),
        ("history.js", "javascript"),
        ("recording.js", "javascript"),
    ):
        reply = client.get(f"/static/{name}")
        assert reply.status_code == 200 and kind in reply.headers["content-type"]
        assert "http" not in reply.text and "@import" not in reply.text


def test_every_page_offers_the_api_key_field(client: TestClient) -> None:
    page = client.get("/").text
    assert '<input id="api-key" type="password"' in page
    assert "/static/key.js" in page
    script = client.get("/static/key.js").text
    assert 'headers.set("X-API-Key", key)' in script
    assert 'const STORE = "affectserve_key"' in script and "document.cookie" in script


@pytest.fixture
def job(client: TestClient, seed_edf: Path) -> str:
    return store_succeeded_job(_upload(client, seed_edf), "s01.edf", {"maet": 60, "strnn": 42})


def test_results_page_links_each_plot_and_lists_each_window(client: TestClient, job: str) -> None:
    page = client.get(f"/jobs/{job}/results").text
    images = [html.unescape(src) for src in re.findall(r'<img src="([^"]+)"', page)]
    assert sorted(images) == sorted(
        f"/v1/jobs/{job}/plots/{name}.png?recording=0{query}"
        for name, query in (
            ("summary", ""),
            ("timeline", "&model=maet"),
            ("timeline", "&model=strnn"),
            ("agreement", ""),
            ("topomap", ""),
        )
    )
    for src in images:
        assert client.get(src).status_code == 200, src
    assert '<figure class="plot timeline" data-model="maet" data-windows="60">' in page
    assert '<figure class="plot timeline" data-model="strnn" data-windows="42">' in page
    tables = re.findall(r'<table class="windows" data-model="(\w+)">(.*?)</table>', page, re.S)
    assert [(name, body.count("<tr><td>")) for name, body in tables] == [
        ("maet", 60),
        ("strnn", 42),
    ]
    assert f'href="/v1/jobs/{job}/result" download' in page
    assert f'href="/v1/jobs/{job}/result.csv" download' in page
    assert f"--colour: {label_colour('positive')}" in page
    assert "<li>maet: made up by tests.results, not a prediction</li>" in page


def test_results_page_summarises_each_annotated_segment(
    client: TestClient, tmp_path: Path
) -> None:
    path = write_seed_edf(
        tmp_path / "films.edf",
        duration_s=30.0,
        annotations=((2.0, 0.0, "film A"), (12.5, 0.0, "film B"), (24.0, 3.0, "rating")),
    )
    job = store_succeeded_job(_upload(client, path), "films.edf", {"maet": 30, "strnn": 20})
    result = client.get(f"/v1/jobs/{job}/result").json()["recordings"][0]
    page = client.get(f"/jobs/{job}/results").text
    table = re.search(r'<table class="segments">(.*?)</table>', page, re.S).group(1)
    assert "from the file&#39;s annotations or events" in table
    rows = re.findall(
        r'<tr data-segment="(\d+)">\s*<th scope="row">([^<]+)</th>(.*?)</tr>', table, re.S
    )
    assert [(k, name) for k, name, _ in rows] == [
        ("0", "film A"),
        ("1", "film B"),
        ("2", "rating"),
    ]
    summaries = {
        (name, s["segment"]): s
        for name, model in result["models"].items()
        for s in model["segments"]
    }
    assert sorted(summaries) == [("maet", 0), ("maet", 1), ("maet", 2), ("strnn", 0), ("strnn", 1)]
    for k, _, cells in rows:
        for name in ("maet", "strnn"):
            summary = summaries.get((name, int(k)))
            if summary is None:
                assert f'<td data-model="{name}" class="hint">no whole window inside</td>' in cells
                continue
            dominant = summary["dominant_label"]
            assert f'<td data-model="{name}" data-dominant="{dominant}"' in cells
            mean = summary["mean_probabilities"][dominant]
            assert f"mean p = {mean:.2f}, {summary['n_windows']} windows" in cells
    assert summaries[("strnn", 1)]["n_windows"] == 7  # 1-s windows starting at 13, ..., 19 s


def test_results_page_without_segments_says_so(client: TestClient, job: str) -> None:
    page = client.get(f"/jobs/{job}/results").text
    assert '<table class="segments">' not in page
    assert "s01.edf has no annotations, events, trigger" in " ".join(page.split())


def test_results_page_of_one_model_has_no_agreement(client: TestClient, seed_edf: Path) -> None:
    job = store_succeeded_job(_upload(client, seed_edf), "a.edf", {"maet": 5})
    page = client.get(f"/jobs/{job}/results").text
    assert "agreement.png" not in page and "timeline.png" in page


def test_job_page_shows_progress_and_error_in_words(client: TestClient, seed_edf: Path) -> None:
    from core.config import get_settings
    from core.schemas import JobProgress, Stage
    from core.store import session_factory, update_job

    job = store_succeeded_job(_upload(client, seed_edf), "a.edf", {"maet": 5}, state="running")
    page = client.get(f"/jobs/{job}").text
    assert f'data-job-id="{job}" data-state="running"' in page
    assert '<button id="cancel" type="button" class="button" >' in page
    for stage in ("reading", "features", "inference", "aggregating"):
        assert f'<li data-stage="{stage}">' in page
    assert '<p id="job-message" class="hint" aria-live="polite" hidden></p>' in page
    waiting = JobProgress.at(Stage.INFERENCE, 1, 4, "waiting for the model server to serve maet")
    with session_factory(get_settings().store_url)() as session:
        update_job(session, job, progress=waiting)
    page = client.get(f"/jobs/{job}").text
    assert 'aria-live="polite" >waiting for the model server to serve maet</p>' in page
    reply = client.get(f"/jobs/{job}/results", follow_redirects=False)
    assert reply.status_code == 303 and reply.headers["location"].endswith(f"/jobs/{job}")
    with session_factory(get_settings().store_url)() as session:
        update_job(session, job, state="failed", error="the model server is unreachable")
    page = client.get(f"/jobs/{job}").text
    assert "The job failed: the model server is unreachable</div>" in page
    assert 'id="cancel" type="button" class="button" hidden' in page
    assert client.get("/jobs/0000").status_code == 404


def test_upload_page_shows_training_data_and_scores(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from api.routes import pages
    from core.cards import Metric, Training

    card = load_card("maet").model_copy(
        update={
            "training": Training(dataset="SEED", protocol="leave-one-clip-out", command="x"),
            "metrics": [
                Metric(name="accuracy", value=0.8512, dataset="SEED", protocol="subject-wise")
            ],
        }
    )
    monkeypatch.setattr(pages, "load_cards", lambda: [card])
    page = client.get("/").text
    assert "<dd>SEED (leave-one-clip-out)</dd>" in page
    assert "<dd>accuracy 0.851 on SEED (subject-wise)</dd>" in page


def test_results_page_states_trust_beside_each_prediction(client: TestClient, job: str) -> None:
    from core.reliability import headline
    from core.schemas import Reliability

    page = client.get(f"/jobs/{job}/results").text
    result = client.get(f"/v1/jobs/{job}/result").json()
    models = result["recordings"][0]["models"]
    for name in ("maet", "strnn"):
        rel = Reliability.model_validate(models[name]["reliability"])
        row = html.unescape(re.search(rf'<tr data-model="{name}">(.*?)</tr>', page, re.S)[1])
        assert f'<span class="trust {rel.badge}">{headline(rel)}</span>' in row
        assert rel.note in row
    maet = {w["start_s"]: w["label"] for w in models["maet"]["windows"]}
    strnn = {w["start_s"]: w["label"] for w in models["strnn"]["windows"]}
    same = sum(maet[start] == label for start, label in strnn.items())
    text = " ".join(re.search(r'<p class="agreement[^>]*>(.*?)</p>', page, re.S).group(1).split())
    assert (
        f"maet, strnn name the same label in <strong>{100 * same / 42:.0f} %</strong> of the 42 "
        in text
    )
    dominant = {name: models[name]["summary"]["dominant_label"] for name in models}
    flagged = 'class="agreement disagree"' in page
    assert flagged == (dominant["maet"] != dominant["strnn"] or same / 42 < 0.5)
    assert ("The models disagree" in text) == flagged


def test_agreement_flags_models_that_disagree() -> None:
    from core.reliability import agreement
    from core.schemas import ModelResult
    from tests.results import model_result

    def labelled(model: str, labels: str) -> ModelResult:
        result = ModelResult.model_validate(model_result(model, len(labels)))
        for window, label in zip(result.windows, labels, strict=True):
            window.label = {"n": "negative", "o": "neutral", "p": "positive"}[label]
        result.summary.dominant_label = "positive" if labels.count("p") > 2 else "neutral"
        return result

    rtcan = ModelResult.model_validate(model_result("rtcan1d", 5))
    [group] = agreement([labelled("maet", "ppppo"), labelled("strnn", "pppon"), rtcan])
    assert (group.models, group.n_windows, group.share) == (["maet", "strnn"], 5, 0.6)
    assert not group.disagree
    [group] = agreement([labelled("maet", "ppppo"), labelled("strnn", "ppnon")])
    assert group.share == 0.4 and group.disagree
    [group] = agreement([labelled("maet", "ppppp"), labelled("strnn", "ppp")])
    assert group.n_windows == 3 and group.share == 1.0 and not group.disagree
    assert agreement([rtcan]) == []
    assert group.model_dump()["disagree"] is False


def test_agreement_figure_says_when_the_models_disagree() -> None:
    from core.reliability import agreement
    from core.schemas import RecordingResult, figure_key
    from tests.results import model_result
    from worker.figures import recording_figures

    models = {name: model_result(name, 5, seed=k) for k, name in enumerate(("maet", "strnn"))}
    for window in models["maet"].windows:
        window.label = "positive"
    for window in models["strnn"].windows:
        window.label = "negative"
    part = RecordingResult(recording_id="r", filename="a.edf", models=models)
    part.agreement = agreement(list(models.values()))
    assert part.agreement[0].share == 0.0
    draw = dict(recording_figures(0, part, None))[figure_key("agreement", 0)]
    assert draw().get_suptitle() == (
        "Agreement of the models on a.edf: maet and strnn disagree, rely on none alone"
    )


def test_api_docs_work_offline(client: TestClient) -> None:
    for path, script in (("/docs", "swagger-ui-bundle.js"), ("/redoc", "redoc.standalone.js")):
        page = client.get(path)
        assert page.status_code == 200
        assert "cdn" not in page.text and "https://" not in page.text
        assert f'src="/static/docs/{script}"' in page.text
        asset = client.get(f"/static/docs/{script}")
        assert asset.status_code == 200 and len(asset.content) > 500_000
    assert client.get("/static/docs/swagger-ui.css").status_code == 200


def test_job_page_offers_cancel_while_active_and_delete_when_finished(
    client: TestClient, seed_edf: Path
) -> None:
    from core.config import get_settings
    from core.store import session_factory, update_job

    recording = _upload(client, seed_edf)
    job = store_succeeded_job(recording, "a.edf", {"maet": 5}, state="queued")
    page = client.get(f"/jobs/{job}").text
    assert '<button id="cancel" type="button" class="button" >' in page
    assert '<button id="delete" type="button" class="button danger" hidden>' in page
    assert f'/recordings/{recording}"><code>{recording[:8]}</code></a>' in page
    with session_factory(get_settings().store_url)() as session:
        update_job(session, job, state="succeeded")
    page = client.get(f"/jobs/{job}").text
    assert '<button id="cancel" type="button" class="button" hidden>' in page
    assert '<button id="delete" type="button" class="button danger" >' in page
    script = client.get("/static/job.js").text
    assert "window.confirm(`Delete job" in script
    assert "[hidden] { display: none !important; }" in client.get("/static/style.css").text


def test_history_lists_jobs_and_filters_by_state(client: TestClient, seed_edf: Path) -> None:
    recording = _upload(client, seed_edf)
    done = store_succeeded_job(recording, "a.edf", {"maet": 5})
    running = store_succeeded_job(recording, "a.edf", {"strnn": 5}, state="running")
    page = client.get("/jobs").text
    rows = re.findall(r'<tr data-job-id="(\w+)" data-state="(\w+)">(.*?)</tr>', page, re.S)
    assert [(job, state) for job, state, _ in rows] == [
        (running, "running"),
        (done, "succeeded"),
    ]
    assert 'class="button cancel"' in rows[0][2] and "delete" not in rows[0][2]
    assert 'class="button danger delete"' in rows[1][2] and "cancel" not in rows[1][2]
    assert f'/jobs/{done}/results">Results</a>' in rows[1][2]
    only = client.get("/jobs", params={"state": "succeeded"}).text
    assert done in only and running not in only
    assert '<option value="succeeded" selected>' in only
    empty = client.get("/jobs", params={"state": "failed"}).text
    assert "No failed jobs yet." in empty
    reply = client.get("/jobs", params={"state": "lost"})
    assert reply.status_code == 400 and "<h1>Invalid address</h1>" in reply.text
    assert "query parameter &#39;state&#39;: should be &#39;queued&#39;" in reply.text
    assert client.get("/v1/jobs", params={"limit": 0}).status_code == 422


def test_missing_pages_answer_with_a_page(client: TestClient) -> None:
    for path, detail in (
        ("/jobs/0000", "no job with id 0000"),
        ("/jobs/0000/results", "no job with id 0000"),
        ("/recordings/0000", "no recording with id 0000"),
    ):
        reply = client.get(path)
        assert reply.status_code == 404 and reply.headers["content-type"].startswith("text/html")
        assert f'<p class="error" role="alert" data-status="404">{detail}</p>' in reply.text
    api = client.get("/v1/jobs/0000")
    assert api.status_code == 404 and api.json() == {"detail": "no job with id 0000"}
    browsed = client.get("/nowhere", headers={"accept": "text/html"})
    assert browsed.status_code == 404 and "<h1>Not found</h1>" in browsed.text
    assert client.get("/nowhere").json() == {"detail": "Not Found"}


def test_recording_page_shows_header_quality_and_models(
    client: TestClient, tmp_path: Path
) -> None:
    import mne
    import numpy as np

    from tests.conftest import write_seed_edf

    path = write_seed_edf(tmp_path / "s.edf", duration_s=20.0)
    raw = mne.io.read_raw_edf(path, preload=True, verbose="error")
    raw._data[1] = 0.0  # FPZ flat
    raw._data[2] *= 12  # FP2 noisy
    faulty = tmp_path / "faulty.edf"
    mne.export.export_raw(faulty, raw, fmt="edf", verbose="error")
    recording = _upload(client, faulty, "faulty.edf")
    page = client.get(f"/recordings/{recording}").text
    assert (
        "<dt>Channels</dt><dd>62</dd>" in page
        and "<dt>Sampling rate</dt><dd>200.0 Hz</dd>" in page
    )
    quality = dict(
        re.findall(
            r'<tr data-channel="(\w+)">.*?<span class="quality [\w-]+">([\w ]+)</span>', page
        )
    )
    names = raw.ch_names
    assert len(quality) == 62
    assert quality[names[1]] == "flat" and quality[names[2]] == "noisy"
    assert {quality[name] for name in names[3:]} == {"ok"} and quality[names[0]] == "ok"
    feeds = dict(re.findall(r'<li data-model="(\w+)" class="(yes|no)">', page))
    assert feeds["maet"] == "yes" and feeds["rtcan1d"] == "no"
    assert f'<img src="http://testserver/recordings/{recording}/preview.png"' in page

    def red_pixels(recording_id: str) -> int:
        import io

        from PIL import Image

        reply = client.get(f"/recordings/{recording_id}/preview.png")
        assert reply.status_code == 200 and reply.headers["content-type"] == "image/png"
        image = np.asarray(Image.open(io.BytesIO(reply.content)).convert("RGB")).astype(int)
        assert image.shape[0] > 62 * 14  # a row per channel
        red = (image[..., 0] > 180) & (image[..., 1] < 90) & (image[..., 2] < 90)
        return int(red.sum())

    assert red_pixels(recording) > 100
    assert red_pixels(_upload(client, path, "clean.edf")) == 0
    assert client.get("/recordings/0000/preview.png").status_code == 404


def test_recording_page_says_which_montage_each_model_uses_and_what_is_interpolated(
    client: TestClient, tmp_path: Path
) -> None:
    import mne

    from core.reliability import headline, reliability

    raw = mne.io.read_raw_edf(
        write_seed_edf(tmp_path / "full.edf", duration_s=12.0), preload=True, verbose="error"
    )
    raw.drop_channels(["FZ", "CZ", "PZ"])
    path = tmp_path / "three-missing.edf"
    mne.export.export_raw(path, raw, fmt="edf", verbose="error")
    page = " ".join(client.get(f"/recordings/{_upload(client, path, 'three.edf')}").text.split())
    feeds = dict(re.findall(r'<li data-model="(\w+)" class="yes">(.*?)</li>', page))
    assert {"maet", "strnn"} <= set(feeds)
    for name in ("maet", "strnn"):
        text = html.unescape(re.sub(r"<[^>]+>", "", feeds[name]))
        assert "Through the seed62 montage (SEED / SEED-IV / SEED-VII 62-channel" in text
        assert "59 of its 62 channels recorded." in text
        assert (
            "Interpolated from their neighbours (3): FZ (27.3 mm from the nearest recorded "
            "electrode), CZ (35.6 mm from the nearest recorded electrode), PZ (27.4 mm" in text
        )
        trust = headline(reliability(load_card(name), "seed62"))
        assert text.strip().endswith(f"How good with this montage: {trust}"), text


def test_pages_that_need_a_key_say_so_in_a_page(
    settings_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from api.auth import hash_key
    from api.main import create_app
    from core.config import get_settings

    monkeypatch.setenv("AFFECTSERVE_API_KEYS", json.dumps([hash_key("k")]))
    get_settings.cache_clear()
    with TestClient(create_app()) as keyed:
        reply = keyed.get("/jobs")
        assert reply.status_code == 401 and "<h1>An API key is needed</h1>" in reply.text
        assert "this server needs an API key" in reply.text
        assert keyed.get("/v1/jobs").json()["detail"].startswith("this server needs an API key")
        keyed.cookies.set("affectserve_key", "k")
        assert keyed.get("/jobs").status_code == 200
