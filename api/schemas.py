"""Request and response bodies of the v1 API."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from model_store.cards import WeightsStatus

JobState = Literal["queued", "running", "succeeded", "failed", "cancelled"]


class ErrorBody(BaseModel):
    """An error: what is wrong and how to fix it."""

    detail: str


class ComponentHealth(BaseModel):
    """State of one component the service depends on."""

    ok: bool
    detail: str


class Health(BaseModel):
    """Real state of each component; the service is usable only when all are ok."""

    status: Literal["ok", "degraded"]
    components: dict[str, ComponentHealth]


class ModelFeed(BaseModel):
    """Whether a recording can feed a model."""

    model: str
    can_feed: bool
    weights_status: WeightsStatus
    reason: str = ""


class UploadOptions(BaseModel):
    """Reader options for files that do not carry everything themselves."""

    model_config = ConfigDict(extra="forbid")

    sfreq: float | None = Field(
        default=None, gt=0, description="Sampling rate of a plain MAT matrix, Hz."
    )
    ch_names: list[str] | None = Field(
        default=None, description="Channel names of a plain matrix."
    )
    variable: str | None = Field(default=None, description="Which MAT variable holds the data.")
    unit: Literal["V", "mV", "uV", "nV"] | None = Field(
        default=None, description="Unit of a plain matrix (default uV) or FieldTrip struct (V)."
    )
    feature: str | None = Field(default=None, description="SEED feature name (default de_LDS).")
    window_s: float | None = Field(default=None, gt=0, description="SEED feature window, s.")
    max_gap_s: float | None = Field(
        default=None, ge=0, description="EDF+D: longest total gap filled with flat signal, s."
    )


class GapRead(BaseModel):
    """A gap in a discontinuous recording."""

    onset_s: float
    duration_s: float


class RecordingRead(BaseModel):
    """An uploaded recording and what was read from its header."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "4f1c2a9e0b7d4c3f8a6e5d2b1c0f9e8d",
                    "filename": "subject01.edf",
                    "format": "edf",
                    "channel_names": ["Fp1", "Fp2"],
                    "channel_types": ["eeg", "eeg"],
                    "sfreq": 200.0,
                    "channel_sfreqs": [200.0, 200.0],
                    "duration_s": 60.0,
                    "n_annotations": 0,
                    "warnings": [],
                    "models": [
                        {
                            "model": "maet",
                            "can_feed": False,
                            "weights_status": "needs-weights",
                            "reason": "the recording lacks 60 of the seed62 channels",
                        }
                    ],
                    "created_at": "2026-11-22T12:00:00Z",
                }
            ]
        }
    )

    id: str
    filename: str
    format: str
    channel_names: list[str]
    channel_types: list[str]
    sfreq: float = Field(description="Sampling rate the signals are read at, Hz.")
    channel_sfreqs: list[float] = Field(description="Stored rate of each signal, Hz.")
    duration_s: float
    n_annotations: int
    warnings: list[str]
    kind: Literal["signals", "features"] = "signals"
    gaps: list[GapRead] = Field(default_factory=list)
    feature_keys: list[str] = Field(default_factory=list)
    n_trials: int = 1
    companions: list[str] = Field(default_factory=list, description="Names of companion files.")
    models: list[ModelFeed]
    created_at: datetime


class JobOptions(BaseModel):
    """Options of a job."""

    allow_untrained: bool = Field(
        default=False,
        description=(
            "Also run models whose weights status is 'needs-weights'. For testing the "
            "pipeline only: such predictions come from untrained networks and are not results."
        ),
    )


class JobCreate(BaseModel):
    """A job: run models on uploaded recordings."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"recording_ids": ["4f1c2a9e0b7d4c3f8a6e5d2b1c0f9e8d"], "models": ["maet"]}
            ]
        }
    )

    recording_ids: list[str] = Field(min_length=1, max_length=64)
    models: list[str] | None = Field(
        default=None,
        description="Model names; default: every ready model the recordings can feed.",
    )
    options: JobOptions = Field(default_factory=JobOptions)


class JobProgress(BaseModel):
    """How far a job has come."""

    stage: str = "queued"
    done: float = 0.0
    total: int = 0
    percent: float = 0.0


class JobRead(BaseModel):
    """A job's state and progress, with links to itself and its result."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "9b2e4d6f8a0c4e1b9d3f5a7c2e4b6d8f",
                    "state": "running",
                    "recording_ids": ["4f1c2a9e0b7d4c3f8a6e5d2b1c0f9e8d"],
                    "models": ["maet"],
                    "options": {"allow_untrained": False},
                    "progress": {"stage": "inference", "done": 2.5, "total": 4, "percent": 62.5},
                    "error": None,
                    "created_at": "2026-11-22T12:00:00Z",
                    "updated_at": "2026-11-22T12:00:03Z",
                    "links": {"self": "/v1/jobs/9b2e4d6f8a0c4e1b9d3f5a7c2e4b6d8f"},
                }
            ]
        }
    )

    id: str
    state: JobState
    recording_ids: list[str]
    models: list[str]
    options: JobOptions
    progress: JobProgress
    error: str | None = None
    created_at: datetime
    updated_at: datetime
    links: dict[str, str]


class JobList(BaseModel):
    """Jobs, newest first."""

    jobs: list[JobRead]


class WindowPrediction(BaseModel):
    """One window's class probabilities and predicted label."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "start_s": 12.0,
                    "end_s": 13.0,
                    "probabilities": {"negative": 0.1, "neutral": 0.3, "positive": 0.6},
                    "label": "positive",
                }
            ]
        }
    )

    start_s: float
    end_s: float
    probabilities: dict[str, float]
    label: str


class ModelSummary(BaseModel):
    """A model's verdict over the whole recording."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "n_windows": 60,
                    "label_counts": {"negative": 10, "neutral": 20, "positive": 30},
                    "mean_probabilities": {"negative": 0.2, "neutral": 0.35, "positive": 0.45},
                    "dominant_label": "positive",
                }
            ]
        }
    )

    n_windows: int
    label_counts: dict[str, int]
    mean_probabilities: dict[str, float]
    dominant_label: str


class Provenance(BaseModel):
    """What produced a result."""

    model_version: str
    weights_status: WeightsStatus
    weights_sha256: str | None
    recipe: dict[str, list[dict[str, object]]]
    packages: dict[str, str]
    backend: str


class ModelResult(BaseModel):
    """One model's predictions for one recording."""

    model: str
    labels: list[str]
    window_s: float
    windows: list[WindowPrediction]
    summary: ModelSummary
    warnings: list[str]
    provenance: Provenance


class RecordingResult(BaseModel):
    """All models' predictions for one recording."""

    recording_id: str
    filename: str
    models: dict[str, ModelResult]


class JobResult(BaseModel):
    """The result of a succeeded job."""

    job_id: str
    recordings: list[RecordingResult]
