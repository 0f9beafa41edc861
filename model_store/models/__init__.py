"""PyTorch implementations of the served models, built from their cards.

``build_model(card)`` looks the class up by ``card.name`` and constructs it with the
card's ``architecture`` keyword arguments, seeded with ``card.seed`` so that a model
without trained weights is the same network in every process.
"""

from __future__ import annotations

import torch
from torch import nn

from core.cards import ModelCard
from model_store.models.aimstf_ssff import AIMSTFSSFF
from model_store.models.emotionclip import EmotionCLIP
from model_store.models.maet import MAET
from model_store.models.rtcan1d import RTCAN1D
from model_store.models.strnn import STRNN

REGISTRY: dict[str, type[nn.Module]] = {
    "aimstf_ssff": AIMSTFSSFF,
    "emotionclip": EmotionCLIP,
    "maet": MAET,
    "rtcan1d": RTCAN1D,
    "strnn": STRNN,
}


def build_model(card: ModelCard) -> nn.Module:
    """Construct the model that ``card`` describes (random initialisation, seeded).

    Parameters
    ----------
    card : ModelCard
        The model's card; ``card.name`` selects the class, ``card.architecture`` holds
        its keyword arguments.

    Returns
    -------
    torch.nn.Module
        The model in training mode; load trained weights with ``load_state_dict``.
    """
    try:
        cls = REGISTRY[card.name]
    except KeyError:
        raise KeyError(
            f"no model class for card {card.name!r}; known: {sorted(REGISTRY)}"
        ) from None
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(card.seed)
        return cls(**card.architecture)
