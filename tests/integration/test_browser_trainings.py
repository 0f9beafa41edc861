"""The trainings page in headless Chromium: labelled recordings in, a model version out,
and a job run with it, without a terminal."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import write_labelled_edf
from tests.integration.test_browser import ARTIFACTS, browser  # noqa: F401

pytestmark = pytest.mark.integration


def test_train_on_labelled_recordings_in_the_browser(
    browser: object,  # noqa: F811
    start_service: Callable,
    redis_server: str,
    tmp_path: Path,
) -> None:
    service = start_service("inprocess", redis_server)
    trials = [(label, 30.0) for label in ("negative", "neutral", "positive") * 2]
    recording = write_labelled_edf(tmp_path / "session1.edf", trials)
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    page.set_default_timeout(30_000)
    page.goto(f"{service.url}/")
    page.click("text=Train")
    page.wait_for_url("**/trainings")
    assert page.locator("#training-model").input_value() == "emotionclip"  # first ready model
    page.select_option("#training-model", "maet")
    assert page.locator("#model-labels").inner_text() == "negative, neutral, positive"

    page.set_input_files("#training-files", str(recording))
    page.fill("#label-text", "film_negative = sad\n")
    page.fill("#training-epochs", "2")
    page.click("button[type=submit]")
    error = page.locator("#training-error")
    error.wait_for(state="visible")
    assert "unknown label 'sad'" in error.inner_text()

    page.fill(
        "#label-text",
        "film_negative = negative\nfilm_neutral = neutral\nfilm_positive = positive\n",
    )
    page.click("button[type=submit]")
    page.locator("#training").wait_for(state="visible")
    page.locator("#evaluation").wait_for(state="visible", timeout=600_000)
    assert page.locator("#training-state").inner_text() == "succeeded"
    assert page.locator("#eval-chance").inner_text() == "33.3 %"
    assert page.locator("#eval-confusion tr").count() == 4
    version = page.locator("#version").inner_text()
    assert version.startswith("maet@")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "training-page.png"), full_page=True)

    recording_id = service_recording_id(service)
    page.fill("#use-recording", recording_id)
    page.click("#use-run")
    page.wait_for_url("**/jobs/*")
    assert version in page.content()


def service_recording_id(service: object) -> str:
    """The id of the one recording uploaded to ``service``."""
    import sqlite3

    with sqlite3.connect(service.data_dir / "affectserve.db") as db:
        return str(db.execute("SELECT id FROM recordings").fetchone()[0])
