"""The typed shapes that cross a process boundary: written by one process, read by another.

The API returns them, the worker writes them, the job store keeps them. Each shape is
defined here once; `api.schemas` adds the request and response bodies that only HTTP uses.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field, field_validator

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
    PLOTS = "plots"
    TRAINING = "training"
    DONE = "done"


#: Stages that count work steps, in the order a job goes through them for each recording.
WORK_STAGES = (Stage.READING, Stage.FEATURES, Stage.INFERENCE, Stage.AGGREGATING, Stage.PLOTS)


class JobProgress(BaseModel):
    """How far a job has come."""

    stage: str = Stage.QUEUED.value
    done: float = 0.0
    total: int = 0
    percent: float = 0.0
    message: str | None = Field(
        default=None,
        description=(
            "What the job is waiting for, when it waits (the model server or the job queue "
            "unreachable, its worker lost); absent while it simply works."
        ),
    )

    @classmethod
    def at(
        cls, stage: Stage, done: float = 0.0, total: int = 0, message: str | None = None
    ) -> JobProgress:
        """Progress at ``stage`` after ``done`` of ``total`` steps; the one way to make one.

        ``done`` is rounded to hundredths and capped at ``total``; ``percent`` follows
        from both (0 while the total is unknown). ``message`` says what the job waits for.
        """
        done = min(done, total) if total else done
        percent = round(100.0 * done / total, 1) if total else 0.0
        return cls(
            stage=stage.value, done=round(done, 2), total=total, percent=percent, message=message
        )


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
    channel_map: dict[str, str] | None = Field(
        default=None,
        description=(
            'New labels for channels of the file, e.g. {"E1": "Fp1", "E2": "Fp2"}: EEG '
            "electrodes named this way are matched to the models' 10-05 channels."
        ),
        examples=[{"E1": "Fp1", "E2": "Fp2"}],
    )
    montage: str | None = Field(
        default=None,
        description=(
            "MNE built-in montage whose labels the file's electrodes carry, e.g. 'biosemi128' "
            "or 'GSN-HydroCel-129': its channels are EEG, placed by it, and interpolated onto "
            "a model's montage. BioSemi ActiView labels (A1..D32) are recognised without it."
        ),
        examples=["biosemi128"],
    )

    @field_validator("channel_map")
    @classmethod
    def _distinct_labels(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        if value is None:
            return value
        if any(not new.strip() for new in value.values()):
            raise ValueError("channel_map gives a channel an empty label")
        if len(set(value.values())) < len(value):
            raise ValueError("channel_map gives two channels the same label")
        return value

    @field_validator("montage")
    @classmethod
    def _builtin_montage(cls, value: str | None) -> str | None:
        import mne  # here only: core's other shapes stay free of MNE

        known = mne.channels.get_builtin_montages()
        if value is not None and value not in known:
            raise ValueError(f"montage {value!r} is not an MNE montage; one of {', '.join(known)}")
        return value


class JobOptions(BaseModel):
    """Options of a job."""

    model_config = ConfigDict(extra="forbid")

    allow_untrained: bool = Field(
        default=False,
        description=(
            "Also run models whose weights status is 'needs-weights'. For testing the "
            "pipeline only: such predictions come from untrained networks and are not results."
        ),
    )
    figures: bool = Field(
        default=True,
        description=(
            "Draw the job's figures (PNG and SVG, `/v1/jobs/{id}/plots`) after its result. "
            "false: the job succeeds as soon as its result is stored and has no figures, "
            "for clients that read only the result (a worker then runs several times more "
            "jobs a minute)."
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


class Segment(BaseModel):
    """A stretch of a recording that its annotations, events or trials name.

    Unlabelled: the labelled trials a training learns from are `signals.labels.Segment`.
    """

    name: str = Field(description="The annotation's text, trigger value or trial key.")
    start_s: float = Field(description="Start, seconds from the start of the recording.")
    end_s: float = Field(description="End, seconds from the start of the recording.")
    source: Literal["annotation", "trigger", "trial"] = Field(
        description=(
            "Where it comes from: an annotation or event of the file (EDF+/BDF+, EEGLAB), "
            "a code on its trigger (Status) channel, or a trial of a feature file. A "
            "marker without duration runs until the next marker."
        )
    )


class SegmentSummary(ModelSummary):
    """A model's verdict over the windows that lie wholly inside one segment."""

    segment: int = Field(description="Position of the segment in the recording's `segments`.")


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
    segments: list[SegmentSummary] = Field(
        default_factory=list,
        description="The summary per segment of the recording that holds a whole window.",
    )


class Agreement(BaseModel):
    """How far models with the same labels agree on one recording (`core.reliability`)."""

    models: list[str] = Field(description="The models compared (all with the same labels).")
    n_windows: int = Field(description="Windows that every one of them predicted (same start).")
    share: float | None = Field(
        description="Share of those windows on which all of them name the same label; "
        "None without any."
    )
    dominant: dict[str, str] = Field(description="Each model's dominant label over the recording.")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def disagree(self) -> bool:
        """True when the models' dominant labels differ, or most windows disagree."""
        split = len(set(self.dominant.values())) > 1
        return split or (self.share is not None and self.share < 0.5)


class RecordingResult(BaseModel):
    """All models' predictions for one recording."""

    recording_id: str
    filename: str
    models: dict[str, ModelResult]
    segments: list[Segment] = Field(
        default_factory=list,
        description="The recording's annotated segments or trials, in time order.",
    )
    agreement: list[Agreement] = Field(
        default_factory=list,
        description="Per group of two or more models with the same labels, how far they "
        "agree; `disagree` flags a group not to rely on.",
    )


class JobResult(BaseModel):
    """The result of a succeeded job."""

    job_id: str
    recordings: list[RecordingResult]


PlotName = Literal["timeline", "summary", "agreement", "topomap", "eda"]
#: The band table (reference.json) of the topomaps a job draws.
DEFAULT_BANDS = "seed"
ImageFormat = Literal["png", "svg"]
IMAGE_FORMATS: tuple[ImageFormat, ...] = ("png", "svg")


def figure_key(name: PlotName, recording: int, variant: str = "all") -> str:
    """The name of one stored figure (without its format suffix).

    ``variant`` is the model of a timeline, the band table of a topomap, ``all`` for the
    other plots: ``timeline-0-maet``, ``topomap-1-seed``, ``summary-0-all``.
    """
    return f"{name}-{recording}-{variant}"


class FigureManifest(BaseModel):
    """The figures a job rendered (``plots/<job id>/figures.json``), and the missing ones.

    Each rendered figure is stored next to the manifest as ``<key>.png`` and ``<key>.svg``
    (`figure_key`).
    """

    bands: str = Field(description="The band table of the topomaps (reference.json name).")
    rendered: list[str] = Field(description="Keys of the figures stored in every format.")
    absent: dict[str, str] = Field(
        default_factory=dict, description="Key of a figure that could not be drawn -> why."
    )
    seconds: float = Field(description="Time taken to draw and store every figure, s.")
