"""The job's typed contract: the result the worker stores is the API's `JobResult`, every
progress write goes through `JobProgress.at`, the result is readable once every model has run,
and the figures are drawn inside the job after it."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from sqlalchemy.orm import Session, sessionmaker

from api.routes.jobs import result_readable
from core.cards import load_card
from core.config import Settings
from core.schemas import FigureManifest, JobProgress, JobResult, JobState, Stage
from core.storage import LocalStorage, figures_prefix, read_figures, read_result
from core.store import Job, Recording, session_factory
from signals.feeding import ModelInputs
from tests.conftest import write_seed_edf
from tests.worker.test_pipeline_faults import UniformClient
from worker import pipeline
from worker.pipeline import RESULT_READY_MESSAGE, model_result, run_job


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Settings, sessionmaker[Session], str]:
    """A queued MAET + STRNN job on a 20-s, 62-channel recording."""
    settings = Settings(data_dir=tmp_path / "data", heartbeat_s=0.2)
    settings.ensure_dirs()
    path = write_seed_edf(settings.uploads_dir / "rec.edf", duration_s=20.0)
    sessions = session_factory(settings.store_url)
    with sessions() as session:
        recording = Recording(
            filename="rec.edf", sha256="0" * 64, path=str(path), format="edf", header={}
        )
        session.add(recording)
        session.flush()
        job = Job(recording_ids=[recording.id], models=["maet", "strnn"], options={})
        session.add(job)
        session.commit()
        return settings, sessions, job.id


def test_model_result_holds_each_windows_probabilities_and_the_summary() -> None:
    card = load_card("maet")
    probs = np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.2, 0.5, 0.3], [0.1, 0.2, 0.7]])
    inputs = ModelInputs(
        arrays={}, window_starts=np.array([0.0, 1.0, 2.5, 4.0]), window_s=2.0, notes=["n"]
    )
    result = model_result(card, inputs, probs, SimpleNamespace(name="stub"))
    assert card.labels == ["negative", "neutral", "positive"]
    assert [(w.start_s, w.end_s, w.label) for w in result.windows] == [
        (0.0, 2.0, "negative"),
        (1.0, 3.0, "positive"),
        (2.5, 4.5, "neutral"),
        (4.0, 6.0, "positive"),
    ]
    assert result.windows[1].probabilities == {"negative": 0.1, "neutral": 0.3, "positive": 0.6}
    assert result.summary.label_counts == {"negative": 1, "neutral": 1, "positive": 2}
    assert result.summary.mean_probabilities == pytest.approx(
        {"negative": 0.275, "neutral": 0.3, "positive": 0.425}
    )
    assert result.summary.dominant_label == "positive"
    assert result.warnings[-1] == "n" and result.provenance.backend == "stub"


def test_stored_result_is_the_apis_jobresult_byte_for_byte(setup: tuple) -> None:
    settings, sessions, job_id = setup
    run_job(job_id, sessions, UniformClient(), settings, "w")
    with sessions() as session:
        job = session.get(Job, job_id)
    assert job.state == JobState.SUCCEEDED, job.error
    stored = (settings.data_dir / job.result_path).read_bytes()
    result = JobResult.model_validate_json(stored)
    assert result.model_dump_json().encode() == stored
    maet = result.recordings[0].models["maet"]
    assert maet.summary.n_windows == 20 and len(maet.windows) == 20
    assert maet.windows[0].probabilities == pytest.approx(
        {"negative": 1 / 3, "neutral": 1 / 3, "positive": 1 / 3}
    )


def test_every_progress_write_goes_through_jobprogress_at(
    setup: tuple, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, sessions, job_id = setup
    written: list[tuple[str, float, int]] = []
    make = JobProgress.at.__func__

    def spy(
        cls: type[JobProgress],
        stage: Stage,
        done: float = 0,
        total: int = 0,
        message: str | None = None,
    ) -> JobProgress:
        progress = make(cls, stage, done, total, message)
        written.append((progress.stage, progress.done, progress.total))
        return progress

    monkeypatch.setattr(JobProgress, "at", classmethod(spy))
    run_job(job_id, sessions, UniformClient(), settings, "w")
    with sessions() as session:
        job = session.get(Job, job_id)
    stages = list(dict.fromkeys(stage for stage, _, _ in written))
    assert stages == [
        "starting",
        "reading",
        "features",
        "inference",
        "aggregating",
        "plots",
        "done",
    ]
    assert written[-1] == ("done", 8, 8)
    assert (job.progress.stage, job.progress.percent) == ("done", 100.0)


def test_progress_is_capped_and_its_percent_derived() -> None:
    assert JobProgress.at(Stage.QUEUED) == JobProgress()
    assert JobProgress.at(Stage.INFERENCE, 2.5, 4) == JobProgress(
        stage="inference", done=2.5, total=4, percent=62.5
    )
    assert JobProgress.at(Stage.INFERENCE, 5.0, 4).done == 4


def test_the_result_is_readable_while_the_figures_are_drawn(
    setup: tuple, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, sessions, job_id = setup
    seen = []
    draw = pipeline.store_figures

    def spy(*args: object) -> FigureManifest:
        with sessions() as session:
            job = session.get(Job, job_id)
            seen.append((job.state, job.progress.stage, job.progress.message, job.result_path))
            seen.append(result_readable(job))
        return draw(*args)

    monkeypatch.setattr(pipeline, "store_figures", spy)
    run_job(job_id, sessions, UniformClient(), settings, "w")
    with sessions() as session:
        job = session.get(Job, job_id)
    assert job.state == JobState.SUCCEEDED
    assert seen[0] == ("running", "plots", RESULT_READY_MESSAGE, job.result_path)
    assert seen[1] is True
    result = read_result(LocalStorage(settings.data_dir), seen[0][3])
    assert list(result.recordings[0].models) == ["maet", "strnn"]


def test_each_recording_is_fetched_from_the_storage_once(
    setup: tuple, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, sessions, job_id = setup
    fetched: list[str] = []
    local = LocalStorage.local

    def counting(self: LocalStorage, key: str) -> object:
        fetched.append(key)
        return local(self, key)

    monkeypatch.setattr(LocalStorage, "local", counting)
    run_job(job_id, sessions, UniformClient(), settings, "w")
    with sessions() as session:
        assert session.get(Job, job_id).state == JobState.SUCCEEDED
    assert fetched == [str(settings.uploads_dir / "rec.edf")]  # for results and figures


def test_figures_are_drawn_in_the_job_with_the_reason_of_each_missing_one(setup: tuple) -> None:
    settings, sessions, job_id = setup
    run_job(job_id, sessions, UniformClient(), settings, "w")
    storage = LocalStorage(settings.data_dir)
    manifest = read_figures(storage, job_id)
    assert manifest is not None and manifest.bands == "seed"
    assert manifest.rendered == [
        "timeline-0-maet",
        "timeline-0-strnn",
        "summary-0-all",
        "agreement-0-all",
        "topomap-0-seed",
    ]
    assert manifest.absent == {
        "eda-0-all": "no EDA plot for rec.edf: the recording has no EDA (GSR) channel"
    }
    for key in manifest.rendered:
        assert storage.get(f"{figures_prefix(job_id)}/{key}.png").startswith(b"\x89PNG")
        assert b"<svg" in storage.get(f"{figures_prefix(job_id)}/{key}.svg")


def test_a_job_without_figures_ends_with_its_result(
    setup: tuple, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, sessions, job_id = setup
    with sessions() as session:
        session.get(Job, job_id).options = {"figures": False}
        session.commit()
    drawn: list[object] = []
    monkeypatch.setattr(pipeline, "store_figures", lambda *args: drawn.append(args))
    run_job(job_id, sessions, UniformClient(), settings, "w")
    with sessions() as session:
        job = session.get(Job, job_id)
    assert job.state == JobState.SUCCEEDED and job.progress.stage == Stage.DONE
    assert drawn == []
    storage = LocalStorage(settings.data_dir)
    assert read_figures(storage, job_id) is None
    assert list(read_result(storage, job.result_path).recordings[0].models) == ["maet", "strnn"]
