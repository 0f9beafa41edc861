"""The web pages in headless Chromium against a running service.

A text file dropped on the page shows the service's error; a chosen EDF is uploaded, run
and its results page shows every plot, one table row per window, each model's verdict per
annotated segment and how far each model can be trusted; the finished job is deleted only
after confirmation. An EEGLAB .set goes up with its .fdt, a plain matrix with reader
options (channels renamed); the recording page (with each model's montage), the history
and the API docs work without any other host.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from core.cards import card_names
from tests.conftest import write_seed_edf

pytestmark = pytest.mark.integration

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright (no downloaded browser)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if shutil.which(CHROMIUM) is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def test_upload_run_and_look_at_the_results(
    browser: object, start_service: Callable, redis_server: str, tmp_path: Path
) -> None:
    service = start_service("inprocess", redis_server)
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    page.set_default_timeout(30_000)
    page.goto(f"{service.url}/")

    dropped = page.evaluate_handle(
        """text => {
            const data = new DataTransfer();
            data.items.add(new File([text], "notes.edf"));
            return data;
        }""",
        "this is not a recording\n",
    )
    page.dispatch_event("#drop-zone", "drop", {"dataTransfer": dropped})
    error = page.locator("#upload-error")
    error.wait_for(state="visible")
    assert error.inner_text().startswith("notes.edf could not be read: the file is text")
    assert page.locator("#submit").is_disabled()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "upload-error.png"))

    recording = write_seed_edf(
        tmp_path / "s01.edf",
        duration_s=30.0,
        annotations=((2.0, 0.0, "film A"), (15.0, 0.0, "film B")),
    )
    page.set_input_files("#file-input", str(recording))
    page.locator("#recordings li[data-recording-id]").first.wait_for()
    assert (
        "62 channels, 200 Hz, 30.0 s"
        in page.locator("#recordings li[data-recording-id]").first.inner_text()
    )
    assert page.locator("#upload-error").is_hidden()
    models = ["maet"]
    for name in card_names():
        page.set_checked(f"#model-{name}", name in models)
    page.check("#allow-untrained")
    page.click("#submit")

    page.wait_for_url("**/jobs/*/results", timeout=180_000)
    page.wait_for_function(
        "Array.from(document.images).every(img => img.complete)", timeout=60_000
    )
    widths = page.eval_on_selector_all("img", "images => images.map(img => img.naturalWidth)")
    expected_images = 2 + len(models) + (len(models) > 1)
    assert len(widths) == expected_images and all(width > 0 for width in widths), widths
    timelines = page.locator("figure.timeline")
    assert timelines.count() == len(models)
    for k in range(len(models)):
        figure = timelines.nth(k)
        assert figure.get_attribute("data-windows") == "30"
        assert figure.locator("table.windows tbody tr").count() == 30
    trust = page.locator('tr[data-model="maet"] .trust')
    assert " % on held-out " in trust.inner_text() and ", chance " in trust.inner_text()
    assert "one person's recordings" in page.locator('tr[data-model="maet"]').inner_text()
    page.screenshot(path=str(ARTIFACTS / "results-page.png"), full_page=True)

    job_url = page.url.removesuffix("/results")
    job_id = job_url.rsplit("/", 1)[1]
    summaries = httpx.get(f"{service.url}/v1/jobs/{job_id}/result").json()["recordings"][0]
    rows = page.locator("table.segments tbody tr")
    assert [rows.nth(k).locator("th").inner_text() for k in range(rows.count())] == [
        "film A",
        "film B",
    ]
    for k, n_windows in enumerate((13, 15)):  # whole 1-s windows in 2-15 s and 15-30 s
        cell = rows.nth(k).locator('td[data-model="maet"]')
        summary = summaries["models"]["maet"]["segments"][k]
        assert cell.get_attribute("data-dominant") == summary["dominant_label"]
        assert f"{n_windows} windows" in cell.inner_text()
    page.goto(job_url)
    assert page.locator("#cancel").is_hidden() and page.locator("#delete").is_visible()
    dialogs: list[str] = []

    def answer(dialog: object, accept: bool) -> None:
        dialogs.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, False))
    page.click("#delete")
    assert dialogs == [f"Delete job {job_id[:8]} and its result? This cannot be undone."]
    assert httpx.get(f"{service.url}/v1/jobs/{job_id}").status_code == 200
    page.once("dialog", lambda dialog: answer(dialog, True))
    page.click("#delete")
    page.wait_for_url("**/jobs")
    assert httpx.get(f"{service.url}/v1/jobs/{job_id}").status_code == 404
    assert page.locator(f'tr[data-job-id="{job_id}"]').count() == 0


def test_the_page_works_with_an_api_key(
    browser: object, start_service: Callable, redis_server: str, tmp_path: Path
) -> None:
    import hashlib
    import json

    key = "page-test-key"
    digest = hashlib.sha256(key.encode()).hexdigest()
    service = start_service("inprocess", redis_server, AFFECTSERVE_API_KEYS=json.dumps([digest]))
    assert httpx.get(f"{service.url}/v1/models").status_code == 401
    page = browser.new_page(viewport={"width": 390, "height": 900})
    page.set_default_timeout(30_000)
    page.goto(f"{service.url}/")
    page.fill("#api-key", key)
    page.dispatch_event("#api-key", "change")
    recording = write_seed_edf(tmp_path / "s02.edf", duration_s=12.0)
    page.set_input_files("#file-input", str(recording))
    page.locator("#recordings li[data-recording-id]").first.wait_for()
    for name in card_names():
        page.set_checked(f"#model-{name}", name == "maet")
    page.check("#allow-untrained")
    page.click("#submit")
    page.wait_for_url("**/jobs/*/results", timeout=180_000)
    page.wait_for_function(
        "Array.from(document.images).every(img => img.complete)", timeout=60_000
    )
    widths = page.eval_on_selector_all("img", "images => images.map(img => img.naturalWidth)")
    assert widths and all(width > 0 for width in widths), widths
    assert page.locator("figure.timeline").first.get_attribute("data-windows") == "12"


def _eeglab_pair(folder: Path) -> list[Path]:
    """session1.set naming session1.fdt, which holds 62 SEED channels (10 s, 200 Hz)."""
    import numpy as np
    import scipy.io
    from eeglabio.raw import export_set

    from core.cards import montage_channels

    names = montage_channels("seed62")
    signals = np.random.default_rng(0).normal(0, 20e-6, (len(names), 2000))
    embedded = folder / "embedded.set"
    export_set(str(embedded), signals, 200.0, names)
    content = {k: v for k, v in scipy.io.loadmat(embedded).items() if not k.startswith("__")}
    content["data"] = "session1.fdt"
    scipy.io.savemat(folder / "session1.set", content)
    (signals * 1e6).T.astype("<f4").tofile(folder / "session1.fdt")
    return [folder / "session1.set", folder / "session1.fdt"]


def test_companions_options_recording_history_and_docs(
    browser: object, start_service: Callable, redis_server: str, tmp_path: Path
) -> None:
    import numpy as np
    import scipy.io

    service = start_service("inprocess", redis_server)
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    page.set_default_timeout(30_000)
    outside: list[str] = []

    def only_this_service(route: object) -> None:
        if route.request.url.startswith(service.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_this_service)
    page.goto(f"{service.url}/")
    page.set_input_files("#file-input", [str(p) for p in _eeglab_pair(tmp_path)])
    first = page.locator("#recordings li[data-recording-id]").first
    first.wait_for()
    assert "EEGLAB, 62 channels, 200 Hz, 10.0 s" in first.inner_text()
    assert "with session1.fdt" in first.inner_text()
    assert page.locator("#upload-error").is_hidden()

    plain = tmp_path / "plain.mat"
    scipy.io.savemat(plain, {"X": np.random.default_rng(1).normal(0, 20, (3, 1280))})
    page.click("#reader-options summary")
    page.fill("#opt-sfreq", "128")
    page.fill("#opt-ch-names", "E1, E2, E3")
    page.fill("#opt-channel-map", "E1=Fz, E2 Cz")
    page.set_input_files("#file-input", str(plain))
    page.locator("#upload-error").wait_for(state="visible")
    assert page.locator("#upload-error").inner_text() == (
        'Rename channels: "E2 Cz" is not OLD=NEW; write pairs such as E1=Fp1, E2=Fp2'
    )
    page.fill("#opt-channel-map", "E1=Fz, E2=Cz, E3=Pz")
    page.set_input_files("#file-input", str(plain))
    second = page.locator("#recordings li[data-recording-id]").nth(1)
    second.wait_for()
    assert "MAT, 3 channels, 128 Hz, 10.0 s" in second.inner_text(), second.inner_text()
    renamed = httpx.get(f"{service.url}/v1/recordings/{second.get_attribute('data-recording-id')}")
    assert renamed.json()["channel_names"] == ["Fz", "Cz", "Pz"]

    with page.expect_navigation():
        first.locator("a").click()
    assert page.locator("h1").inner_text() == "Recording session1.set"
    assert page.locator("table.quality tbody tr").count() == 62
    assert page.locator('li[data-model="maet"]').inner_text().startswith("maet: can be fed")
    montage = page.locator('li[data-model="maet"] .montage')
    assert montage.get_attribute("data-montage") == "seed62"
    assert "62 of its 62 channels recorded, none interpolated." in montage.inner_text()
    preview = page.locator("figure.preview img").element_handle()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=preview)
    recording_id = page.url.rsplit("/", 1)[1]
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#delete-recording")
    page.wait_for_url("**/jobs")
    assert httpx.get(f"{service.url}/v1/recordings/{recording_id}").status_code == 404

    page.goto(f"{service.url}/jobs")
    assert "No jobs yet." in page.locator("main").inner_text()
    page.goto(f"{service.url}/jobs/0000")
    assert page.locator(".error").inner_text() == "no job with id 0000"

    page.goto(f"{service.url}/docs")
    page.locator(".opblock").first.wait_for()
    assert page.locator(".opblock").count() >= 10
    assert page.locator("#operations-jobs-jobs-create").count() == 1
    page.screenshot(path=str(ARTIFACTS / "docs-offline.png"))
    assert outside == []
