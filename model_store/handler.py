"""TorchServe handler for every affectserve model, driven by the card in the archive.

The archive holds ``card.json`` and, when trained, ``weights.pt``. Each request body
is one ``.npz`` bundle holding a batch of windows; the reply is the class
probabilities with the label names. All signal processing happens in the worker.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ts.torch_handler.base_handler import BaseHandler

from core.cards import ModelCard
from core.config import get_settings
from model_store.bundle import decode_bundle
from model_store.serving import LoadedModel


class AffectHandler(BaseHandler):
    """Decode the bundle, run the model, return probabilities with labels."""

    def initialize(self, context: Any) -> None:
        """Build the model from the archive's card and weights, on ``torch_threads``."""
        properties = context.system_properties
        model_dir = Path(properties["model_dir"])
        card = ModelCard.model_validate_json((model_dir / "card.json").read_text())
        weights = model_dir / "weights.pt"
        gpu = properties.get("gpu_id")
        device = "cpu"
        if gpu is not None:
            import torch

            if torch.cuda.is_available():
                device = f"cuda:{gpu}"
        self.loaded = LoadedModel(
            card,
            weights if weights.is_file() else None,
            device,
            get_settings().torch_threads,
        )
        self.initialized = True

    def handle(self, data: list[dict[str, Any]], context: Any) -> list[dict[str, Any]]:
        """One reply per request: ``{'labels': [...], 'probabilities': [[...], ...]}``."""
        replies = []
        for row in data:
            body = row.get("body") or row.get("data")
            probabilities = self.loaded.predict(decode_bundle(body))
            replies.append(
                {"labels": self.loaded.card.labels, "probabilities": probabilities.tolist()}
            )
        return replies
