"""Request and response bodies of the v1 API."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from core.cards import ModelCard, MontageFigure
from core.schemas import (
    JobOptions,
    JobProgress,
    JobResult,
    JobStateName,
    ModelResult,
    ModelSummary,
    MontageUse,
    Provenance,
    RecordingResult,
    UploadOptions,
    WeightsStatus,
    WindowPrediction,
)
from core.trainings import LabelSource, TrainingEvaluation, TrainingSettings

__all__ = [
    "JobOptions",
    "JobProgress",
    "JobResult",
    "ModelResult",
    "ModelSummary",
    "Provenance",
    "RecordingResult",
    "UploadOptions",
    "WindowPrediction",
]


def as_utc(value: datetime) -> datetime:
    """``value`` in UTC; a naive time (as SQLite returns it) is taken to be UTC already."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


#: A time as RFC 3339 in UTC, e.g. "2026-11-22T12:00:00Z".
UtcDatetime = Annotated[datetime, AfterValidator(as_utc)]


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
    """Whether a recording can feed a model, and through which of its montages."""

    model: str
    can_feed: bool
    weights_status: WeightsStatus
    reason: str = ""
    montage: MontageUse | None = Field(
        default=None,
        description="The accepted montage the EEG input would run through, with the "
        "channels missing and interpolated (null without EEG input or when refused).",
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
                            "reason": (
                                "needs one of the montages seed62 (NeuroScan Quik-Cap 62 "
                                "(SEED)). Closest is seed62, but the recording lacks 60 of "
                                "its 62 channels, too far from a recorded electrode to "
                                "interpolate (limit 38 mm, AFFECTSERVE_MAX_INTERPOLATION_MM)"
                                ": FPZ (30.3 mm), ..."
                            ),
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
    montage: str | None = Field(
        default=None,
        description="MNE montage placing the electrodes (the montage option or a recognised "
        "BioSemi cap); null when the labels are 10-05 names.",
    )
    companions: list[str] = Field(default_factory=list, description="Names of companion files.")
    models: list[ModelFeed]
    created_at: UtcDatetime


class JobCreate(BaseModel):
    """A job: run models on uploaded recordings."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"recording_ids": ["4f1c2a9e0b7d4c3f8a6e5d2b1c0f9e8d"], "models": ["maet"]}
            ]
        },
    )

    recording_ids: list[str] = Field(min_length=1, max_length=64)
    models: list[str] | None = Field(
        default=None,
        description="Model names; default: every ready model the recordings can feed.",
    )
    options: JobOptions = Field(default_factory=JobOptions)


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
    state: JobStateName
    recording_ids: list[str]
    models: list[str]
    options: JobOptions
    progress: JobProgress
    error: str | None = None
    created_at: UtcDatetime
    updated_at: UtcDatetime
    links: dict[str, str]


class JobList(BaseModel):
    """Jobs, newest first."""

    jobs: list[JobRead]


class AcceptedMontage(MontageFigure):
    """A montage a model accepts: its channels, the devices that record it, its accuracy."""

    chance: float | None = Field(default=None, description="Chance level (null: unmeasured).")
    channels: list[str] = Field(description="The montage's electrodes (10-05 names).")
    devices: list[str] = Field(description="Devices and caps that record these electrodes.")


class ModelRead(ModelCard):
    """A model's card, with the montages (devices) it accepts spelled out."""

    accepts: list[AcceptedMontage] = Field(
        description="Montages a recording may feed the EEG input through, largest first "
        "(the card's montages, else its input montage), with the devices that record each; "
        "empty for a model without EEG input."
    )


class TrainingCreate(BaseModel):
    """A training: a model version fitted on uploaded recordings and their labels."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "model": "maet",
                    "labels": {
                        "4f1c2a9e0b7d4c3f8a6e5d2b1c0f9e8d": {
                            "annotations": {"film_happy": "positive", "film_sad": "negative"}
                        }
                    },
                    "base": "shipped",
                    "settings": {"epochs": 20},
                }
            ]
        },
    )

    model: str = Field(description="Architecture to train (a shipped model's name).")
    labels: dict[str, LabelSource] = Field(
        min_length=1, description="Per uploaded recording id, where its trial labels come from."
    )
    base: Literal["shipped"] | None = Field(
        default=None,
        description="'shipped': start from the shipped weights (calibration); none: from a "
        "random initialisation.",
    )
    settings: TrainingSettings = Field(default_factory=TrainingSettings)


class TrainingRead(BaseModel):
    """A training's state and progress; its evaluation and model version once done."""

    id: str
    state: JobStateName
    model: str
    base: str | None
    recording_ids: list[str]
    progress: JobProgress
    error: str | None = None
    evaluation: TrainingEvaluation | None = Field(
        default=None,
        description="Cross-validation by trial with chance and a logistic-regression baseline.",
    )
    version: str | None = Field(
        default=None, description="The trained model version, usable in POST /v1/jobs."
    )
    created_at: datetime
    updated_at: datetime
    links: dict[str, str]


class TrainingList(BaseModel):
    """Trainings, newest first."""

    trainings: list[TrainingRead]
