"""A model ready to predict: built from its card, weights loaded, inputs checked.

The TorchServe handler and the in-process backend both use `LoadedModel`, so the
two backends run the same code.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from numpy.typing import NDArray

from core.cards import ModelCard
from model_store.models import build_model


class LoadedModel:
    """A model in eval mode with its card.

    Parameters
    ----------
    card : ModelCard
        The model's card.
    weights : Path or None
        A ``state_dict`` file; None builds the seeded, untrained initialisation.
    device : str
        Torch device, e.g. ``'cpu'`` or ``'cuda:0'``.
    threads : int
        Torch CPU threads of this process (``Settings.torch_threads``); torch's default,
        one per core, makes two worker processes on two cores fight over them.
    """

    def __init__(
        self, card: ModelCard, weights: Path | None, device: str = "cpu", threads: int = 1
    ) -> None:
        torch.set_num_threads(threads)
        self.card = card
        self.device = torch.device(device)
        torch.manual_seed(card.seed)
        model = build_model(card)
        if weights is not None:
            state = torch.load(weights, map_location="cpu", weights_only=True)
            model.load_state_dict(state)
        self.model = model.to(self.device).eval()

    def check_inputs(self, inputs: dict[str, NDArray[np.floating]]) -> int:
        """Check names and shapes against the card; return the batch size."""
        known = {spec.name: spec for spec in self.card.inputs}
        unknown = sorted(set(inputs) - set(known))
        if unknown:
            raise ValueError(f"{self.card.name} has no inputs {unknown}; it takes {list(known)}")
        missing = [s.name for s in self.card.inputs if s.required and s.name not in inputs]
        if missing:
            raise ValueError(f"{self.card.name} needs inputs {missing}")
        sizes = set()
        for name, array in inputs.items():
            expected = tuple(known[name].shape)
            if tuple(array.shape[1:]) != expected:
                raise ValueError(
                    f"input {name!r} of {self.card.name} has windows of shape "
                    f"{tuple(array.shape[1:])}; expected {expected}"
                )
            sizes.add(array.shape[0])
        if len(sizes) != 1:
            raise ValueError(f"inputs of {self.card.name} differ in batch size: {sorted(sizes)}")
        return sizes.pop()

    def predict(self, inputs: dict[str, NDArray[np.floating]]) -> NDArray[np.float32]:
        """Class probabilities, shape ``(n_windows, n_classes)``."""
        self.check_inputs(inputs)
        tensors = {
            name: torch.as_tensor(np.asarray(a, dtype=np.float32), device=self.device)
            for name, a in inputs.items()
        }
        with torch.inference_mode():
            logits = self.model(**tensors)
        return torch.softmax(logits.float(), dim=-1).cpu().numpy()
