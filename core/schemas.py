"""The typed shapes that cross a process boundary: written by one process, read by another.

The API returns them, the worker writes them, the job store keeps them. Each shape is
defined here once; `api.schemas` adds the request and response bodies that only HTTP uses.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

WeightsStatus = Literal["ready", "needs-weights"]


class JobState(StrEnum):
    """Where a job is in its life; the last three are final."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def final(self) -> bool:
        """True for a state a job never leaves."""
        return self in FINAL_STATES


ACTIVE_STATES = (JobState.QUEUED, JobState.RUNNING)
FINAL_STATES = (JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED)
#: The job state as a JSON-schema enum of strings (the field type of every API body).
JobStateName = Literal[tuple(JobState)]  # type: ignore[valid-type]


class JobKind(StrEnum):
    """What a job does: run models on recordings, or train a model version on them."""

    INFERENCE = "inference"
    TRAINING = "training"


class Stage(StrEnum):
    """The stage a job's progress names."""

    QUEUED = "queued"
    STARTING = "starting"
    READING = "reading"
    FEATURES = "features"
    INFERENCE = "inference"
    AGGREGATING = "aggregating"
    TRAINING = "training"
    DONE = "done"


#: Stages that count work steps, in the order a job goes through them for each recording.
WORK_STAGES = (Stage.READING, Stage.FEATURES, Stage.INFERENCE, Stage.AGGREGATING)


class JobProgress(BaseModel):
    """How far a job has come."""

    stage: str = Stage.QUEUED.value
    done: float = 0.0
    total: int = 0
    percent: float = 0.0


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


class JobOptions(BaseModel):
    """Options of a job."""

    allow_untrained: bool = Field(
        default=False,
        description=(
            "Also run models whose weights status is 'needs-weights'. For testing the "
            "pipeline only: such predictions come from untrained networks and are not results."
        ),
    )


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


class Reliability(BaseModel):
    """How far one model's predictions can be trusted, stated beside them."""

    badge: Literal["untrained", "unmeasured", "at-chance", "weak", "moderate", "strong"] = Field(
        description="A word for what the figures say."
    )
    accuracy: float | None = Field(
        default=None, description="Measured accuracy for the montage that ran, held-out trials."
    )
    baseline_accuracy: float | None = Field(
        default=None, description="z-scored logistic regression on the same split."
    )
    chance: float | None = Field(default=None, description="Chance level of that measurement.")
    dataset: str | None = None
    protocol: str | None = None
    note: str = Field(description="What the figures mean for this result, in plain language.")


class MontageUse(BaseModel):
    """Which montage fed a model, and which of its channels were not recorded."""

    montage: str = Field(description="Accepted montage (reference.json name) that ran.")
    channels: list[str] = Field(description="Model input channels taken from the recording.")
    missing: list[str] = Field(
        default_factory=list, description="Model input channels filled as missing."
    )
    interpolated: dict[str, float] = Field(
        default_factory=dict,
        description="Interpolated channel -> distance to the nearest recorded electrode, mm.",
    )


class ModelResult(BaseModel):
    """One model's predictions for one recording."""

    model: str
    labels: list[str]
    window_s: float
    windows: list[WindowPrediction]
    summary: ModelSummary
    warnings: list[str]
    provenance: Provenance
    montage: MontageUse | None = None
    reliability: Reliability | None = None


class RecordingResult(BaseModel):
    """All models' predictions for one recording."""

    recording_id: str
    filename: str
    models: dict[str, ModelResult]


class JobResult(BaseModel):
    """The result of a succeeded job."""

    job_id: str
    recordings: list[RecordingResult]
