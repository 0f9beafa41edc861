"""The web pages in headless Chromium against a running service.

A text file dropped on the page shows the service's error; a chosen EDF is uploaded, run
and its results page shows every plot and one table row per window.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

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

    recording = write_seed_edf(tmp_path / "s01.edf", duration_s=30.0)
    page.set_input_files("#file-input", str(recording))
    page.locator("#recordings li").first.wait_for()
    assert "62 channels, 200 Hz, 30.0 s" in page.locator("#recordings li").first.inner_text()
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
    page.screenshot(path=str(ARTIFACTS / "results-page.png"), full_page=True)


def test_the_page_works_with_an_api_key(
    browser: object, start_service: Callable, redis_server: str, tmp_path: Path
) -> None:
    import hashlib
    import json

    import httpx

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
    page.locator("#recordings li").first.wait_for()
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
