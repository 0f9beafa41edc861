"""Model cards: the one source of truth about each model.

A card states a model's inputs (modality, channels, sampling rate, window), its
preprocessing recipe, its labels, how it was trained and what it scored. The worker,
the TorchServe handler, the API and the docs all read the cards from here; nothing
else keeps a copy of a channel list or a band table.

This module imports neither torch nor the web framework, so every process can use it.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, PrivateAttr, computed_field

from core.schemas import WeightsStatus

#: The cards are data files of the model store; this module only reads them.
CARDS_DIR = Path(__file__).resolve().parents[1] / "model_store" / "cards"
WEIGHTS_DIR = CARDS_DIR.parent / "weights"

Modality = Literal["eeg", "eye", "eda", "face", "music"]


class RecipeStep(BaseModel):
    """One step of a preprocessing recipe: a named worker function and its arguments."""

    step: str
    params: dict[str, Any] = Field(default_factory=dict)


class InputSpec(BaseModel):
    """One input tensor of a model and how it is made from a recording."""

    name: str = Field(description="Name of the tensor in the request bundle, e.g. 'eeg'.")
    modality: Modality
    required: bool = True
    montage: str | None = Field(
        default=None, description="Name of the channel montage in reference.json."
    )
    sfreq: float | None = Field(default=None, description="Sampling rate fed to features, Hz.")
    window_s: float | None = Field(default=None, description="Window length, seconds.")
    step_s: float | None = Field(default=None, description="Window step, seconds.")
    shape: list[int] = Field(description="Shape of one window's tensor (no batch axis).")
    recipe: list[RecipeStep] = Field(default_factory=list)


class Metric(BaseModel):
    """A measured result, always with the data and protocol that produced it."""

    name: str
    value: float
    dataset: str
    protocol: str
    note: str = ""


class MontageFigure(BaseModel):
    """A montage (channel subset of the model's input montage) the model accepts, and how
    well the model does on it, measured on held-out trials beside a linear baseline.

    A recording feeds the model through the largest accepted montage whose channels it has
    (after channel-name aliases and interpolation); the model's other input channels are
    filled as "missing" (zero after the training normalisation), exactly as in training.
    """

    montage: str = Field(description="Name of the montage in reference.json.")
    accuracy: float | None = Field(
        default=None, description="Accuracy on held-out trials with only these channels."
    )
    baseline_accuracy: float | None = Field(
        default=None,
        description="z-scored logistic regression on the same channels, windows and split.",
    )
    chance: float = Field(description="Chance level: share of the largest class in the test.")
    dataset: str = ""
    protocol: str = ""


class Training(BaseModel):
    """How the shipped weights were (or can be) trained."""

    dataset: str | None = None
    protocol: str | None = None
    command: str = Field(description="The command that trains this model.")
    note: str = ""


class Serving(BaseModel):
    """How TorchServe runs the model (the archive's ``model-config.yaml``)."""

    workers: int = Field(default=1, ge=1, description="Worker processes of this model.")
    batch_size: int = Field(
        default=1, ge=1, description="Requests TorchServe joins into one handler call."
    )
    max_batch_delay_ms: int = Field(default=50, ge=0)
    response_timeout_s: int = Field(default=120, ge=1)
    gpu_id: int | None = Field(
        default=None,
        description="GPU of this model in production; by default the model's index in "
        "name order (one GPU per model).",
    )


class ModelCard(BaseModel):
    """Everything the service knows about one model."""

    name: str
    version: str
    title: str
    description: str
    reference: str
    architecture: dict[str, Any] = Field(
        default_factory=dict, description="Keyword arguments of the model class."
    )
    inputs: list[InputSpec]
    labels: list[str]
    training: Training
    metrics: list[Metric] = Field(default_factory=list)
    montages: list[MontageFigure] = Field(
        default_factory=list,
        description="Montages the model accepts, largest first, each with its measured "
        "accuracy; empty means only the input montage itself.",
    )
    weights: str | None = Field(
        default=None, description="File name under model_store/weights of trained weights."
    )
    weights_sha256: str | None = None
    seed: int = 0
    serving: Serving = Field(default_factory=Serving)

    @property
    def weights_path(self) -> Path | None:
        """Path of the trained weights, or None when the card names none."""
        return WEIGHTS_DIR / self.weights if self.weights else None

    #: (weights, weights_sha256, status) as checked when the card was made.
    _weights_checked: tuple[str | None, str | None, WeightsStatus] | None = PrivateAttr(None)

    def model_post_init(self, context: Any, /) -> None:
        """Check the weights file once, when the card is loaded or built."""
        self._weights_checked = self._check_weights()

    def _check_weights(self) -> tuple[str | None, str | None, WeightsStatus]:
        path = self.weights_path
        ready = self.weights_sha256 is not None and path is not None
        ready = ready and weights_digest(path) == self.weights_sha256
        return self.weights, self.weights_sha256, "ready" if ready else "needs-weights"

    @computed_field(description="'ready' with trained weights; 'needs-weights' when untrained.")
    @property
    def weights_status(self) -> WeightsStatus:
        """``ready`` when trained weights exist and match their checksum.

        Checked when the card was loaded; reading it touches no file (a copy whose
        ``weights`` or ``weights_sha256`` changed is checked again).
        """
        checked = self._weights_checked
        if checked is None or checked[:2] != (self.weights, self.weights_sha256):
            checked = self._weights_checked = self._check_weights()
        return checked[2]

    @computed_field(description="Modalities of the model's inputs, required ones first.")
    @property
    def modalities(self) -> list[str]:
        """Modalities of all inputs, required ones first."""
        ordered = sorted(self.inputs, key=lambda spec: not spec.required)
        return list(dict.fromkeys(spec.modality for spec in ordered))

    def input(self, name: str) -> InputSpec:
        """Return the input spec called ``name``."""
        for spec in self.inputs:
            if spec.name == name:
                return spec
        raise KeyError(f"model {self.name!r} has no input {name!r}")


def file_sha256(path: Path) -> str:
    """SHA-256 hex digest of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fid:
        for block in iter(lambda: fid.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def weights_digest(path: Path) -> str | None:
    """SHA-256 of a weights file, hashed once per version (path, mtime, size).

    Returns None when the file does not exist.
    """
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return _digest(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=32)
def _digest(path: Path, mtime_ns: int, size: int) -> str:
    """`file_sha256` of one version of a file (the key makes a changed file miss)."""
    return file_sha256(path)


@cache
def reference() -> dict[str, Any]:
    """Shared reference tables: channel montages, electrode grids and band edges."""
    return json.loads((CARDS_DIR / "reference.json").read_text())


def montage_channels(name: str) -> list[str]:
    """Channel names of the montage ``name``, in model input order."""
    return list(reference()["montages"][name]["channels"])


def band_edges(name: str) -> dict[str, tuple[float, float]]:
    """Band edges (Hz) of the band table ``name``, e.g. ``'seed'``."""
    return {band: (lo, hi) for band, (lo, hi) in reference()["bands"][name].items()}


def load_card(name: str) -> ModelCard:
    """Read the card of model ``name``."""
    names = card_names()
    if name not in names:
        raise KeyError(f"unknown model {name!r}; known models: {', '.join(names)}")
    return ModelCard.model_validate_json((CARDS_DIR / f"{name}.json").read_text())


def save_card(card: ModelCard) -> Path:
    """Write ``card`` to its JSON file (computed fields are not stored)."""
    path = CARDS_DIR / f"{card.name}.json"
    data = card.model_dump(mode="json", exclude={"weights_status", "modalities"})
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return path


def card_names() -> list[str]:
    """Names of all models that have a card."""
    return sorted(p.stem for p in CARDS_DIR.glob("*.json") if p.stem != "reference")


def load_cards() -> list[ModelCard]:
    """All model cards, sorted by name."""
    return [load_card(name) for name in card_names()]
