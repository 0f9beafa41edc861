"""The typed shapes of a training (calibration) job: what the API stores for the worker,
and the evaluation the worker writes back."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator


class LabelSource(BaseModel):
    """Where one recording's trial labels come from: exactly one of the fields."""

    model_config = ConfigDict(extra="forbid")

    annotations: dict[str, str] | None = Field(
        default=None,
        description="Annotation text -> class; each annotated span (EDF+/BDF+) is one trial.",
    )
    csv: str | None = Field(
        default=None,
        description="A labels CSV: columns start_s,end_s,label (spans of a continuous "
        "recording) or trial,label (trials of a trial file such as SEED features).",
    )
    label: str | None = Field(
        default=None, description="The whole recording is one trial of this class."
    )
    seed_labels: bool = Field(
        default=False,
        description="Read SEED's label.mat, uploaded as a companion file of the features.",
    )

    @model_validator(mode="after")
    def _one_source(self) -> LabelSource:
        given = [
            name
            for name in ("annotations", "csv", "label", "seed_labels")
            if getattr(self, name) not in (None, False)
        ]
        if len(given) != 1:
            raise ValueError(
                "give exactly one label source per recording: annotations, csv, label or "
                f"seed_labels (given: {', '.join(given) or 'none'})"
            )
        return self


class TrainingSettings(BaseModel):
    """Optimisation settings of a training."""

    model_config = ConfigDict(extra="forbid")

    epochs: int = Field(default=20, ge=1, le=500, description="Passes over the training trials.")
    lr: float = Field(default=1e-3, gt=0, le=1, description="AdamW learning rate.")
    batch_size: int = Field(default=32, ge=1, le=4096)
    weight_decay: float = Field(default=1e-2, ge=0)
    seed: int = 0


class TrainingSpec(BaseModel):
    """Everything the worker needs to run a training; kept with the training's job row."""

    model: str
    base: str | None = Field(
        default=None, description="'shipped' to start from the shipped weights (calibration)."
    )
    labels: dict[str, LabelSource] = Field(description="Per recording id, its label source.")
    settings: TrainingSettings = Field(default_factory=TrainingSettings)


class TrainingEvaluation(BaseModel):
    """Trial-grouped cross-validation of a trained model, beside chance and a baseline."""

    protocol: str
    n_trials: int
    n_windows: int
    labels: list[str]
    accuracy: float = Field(description="Pooled accuracy over the held-out trials' windows.")
    fold_accuracy: list[float]
    baseline_accuracy: float = Field(
        description="z-scored logistic regression on the same folds and windows."
    )
    chance: float = Field(description="Share of the largest class.")
    confusion: list[list[int]] = Field(description="Rows true class, columns predicted.")
    beats_chance: bool


class TrainingResult(BaseModel):
    """What a succeeded training stores: its evaluation and the model version it made."""

    training_id: str
    version: str = Field(description="The model version, ``model@<training id>``.")
    evaluation: TrainingEvaluation
