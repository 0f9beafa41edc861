"""Model results as the job stores them, made by the pipeline's own `model_result`."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from core.cards import load_card
from core.reliability import agreement
from core.schemas import JobProgress, JobResult, ModelResult, RecordingResult, Segment, Stage
from signals.feeding import ModelInputs
from worker.pipeline import model_result as pipeline_model_result


def model_result(
    model: str, n_windows: int, seed: int = 0, segments: list[Segment] | None = None
) -> ModelResult:
    """A result of ``model`` over ``n_windows`` one-second windows of random probabilities,
    summarised over ``segments`` too."""
    card = load_card(model)
    probs = np.random.default_rng(seed).dirichlet(np.ones(len(card.labels)), n_windows)
    inputs = ModelInputs(
        arrays={},
        window_starts=np.arange(n_windows, dtype=float),
        window_s=1.0,
        notes=[f"{model}: made up by tests.results, not a prediction"],
    )
    return pipeline_model_result(card, inputs, probs, SimpleNamespace(name="inprocess"), segments)


def store_succeeded_job(
    recording_id: str,
    filename: str,
    models: dict[str, int],
    state: str = "succeeded",
    figures: bool = True,
) -> str:
    """Record a finished job with a stored result and figures, as the worker would.

    ``models`` maps model names to their number of windows. The segments are read from
    the stored recording and the figures drawn from it by the worker's own functions
    (none when ``figures`` is false, the job's option). Returns the job id.
    """
    from core.config import get_settings
    from core.storage import recording_files, storage_for, write_figures, write_result
    from core.store import Job, Recording, session_factory
    from signals.io import read_raw
    from signals.segments import recording_segments
    from worker.figures import recording_figures, store_figures

    settings = get_settings()
    with session_factory(settings.store_url)() as session:
        job = Job(
            recording_ids=[recording_id],
            models=list(models),
            options={"allow_untrained": True, "figures": figures},
            progress=JobProgress.at(Stage.DONE, 1, 1),
            state=state,
        )
        session.add(job)
        session.commit()
        recording = session.get(Recording, recording_id)
        storage = storage_for(settings)
        with recording_files(storage, recording) as (path, _):
            raw = read_raw(path) if recording.header.get("kind") != "features" else None
            segments = recording_segments(raw) if raw is not None else []
            part = RecordingResult(
                recording_id=recording_id,
                filename=filename,
                models={
                    name: model_result(name, n, seed=k, segments=segments)
                    for k, (name, n) in enumerate(models.items())
                },
                segments=segments,
            )
            part.agreement = agreement(list(part.models.values()))
            if figures:
                drawn = store_figures(recording_figures(0, part, raw), storage, job.id)
                write_figures(storage, job.id, drawn)
        result = JobResult(job_id=job.id, recordings=[part])
        job.result_path = write_result(storage, result)
        session.commit()
        return job.id
