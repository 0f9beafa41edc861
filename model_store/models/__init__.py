"""PyTorch implementations of the served models, built from their cards.

``build_model(card)`` looks the class up by ``card.name`` and constructs it with the
sizes its card states once (`CardModel.card_kwargs`: classes from ``labels``, input
sizes from ``inputs[].shape``) and the card's ``architecture`` keyword arguments,
seeded with ``card.seed`` so that a model without trained weights is the same network
in every process.
"""

from __future__ import annotations

import torch

from core.cards import ModelCard
from model_store.models.aimstf_ssff import AIMSTFSSFF
from model_store.models.base import CardModel
from model_store.models.emotionclip import EmotionCLIP
from model_store.models.maet import MAET
from model_store.models.rtcan1d import RTCAN1D
from model_store.models.strnn import STRNN

REGISTRY: dict[str, type[CardModel]] = {
    "aimstf_ssff": AIMSTFSSFF,
    "emotionclip": EmotionCLIP,
    "maet": MAET,
    "rtcan1d": RTCAN1D,
    "strnn": STRNN,
}


def build_model(card: ModelCard) -> CardModel:
    """Construct the model that ``card`` describes (random initialisation, seeded).

    Parameters
    ----------
    card : ModelCard
        The model's card; ``card.name`` selects the class, its inputs and labels give
        the sizes, ``card.architecture`` holds the other keyword arguments.

    Returns
    -------
    CardModel
        The model in training mode; load trained weights with ``load_state_dict``.

    Raises
    ------
    ValueError
        When ``architecture`` restates a size that the inputs or labels state.
    """
    try:
        cls = REGISTRY[card.name]
    except KeyError:
        raise KeyError(
            f"no model class for card {card.name!r}; known: {sorted(REGISTRY)}"
        ) from None
    sizes = cls.card_kwargs(card)
    restated = sorted(set(sizes) & set(card.architecture))
    if restated:
        raise ValueError(
            f"card {card.name!r} restates {restated} in 'architecture': they come from its "
            "inputs' shapes and its labels; remove them there"
        )
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(card.seed)
        return cls(**sizes, **card.architecture)
