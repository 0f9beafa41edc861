"""What each model trains on: how it is built for training and its loss.

The losses themselves live in `model_store.losses`; this module only connects them
to the loop's signature ``loss_fn(model, inputs, targets, domains, progress)``.
Keyword arguments of a factory (``lambda_spatial``, ...) are the settings the
``train`` command can search over with ``--loss-param``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import torch
from torch import Tensor, nn

from core.cards import ModelCard
from model_store import losses
from model_store.training.loop import LossFn, cross_entropy_loss

Inputs = dict[str, Tensor]


def cross_entropy(**_: float) -> LossFn:
    """Cross-entropy of the logits (models without extra terms)."""
    return cross_entropy_loss


def maet(**_: float) -> LossFn:
    """MAET: cross-entropy plus, with a domain head, the DANN domain term."""

    def loss(
        model: nn.Module, inputs: Inputs, targets: Tensor, domains: Tensor, progress: float
    ) -> Tensor:
        outputs = model.forward_train(**inputs, grl_alpha=losses.dann_alpha(progress))
        return losses.maet_loss(outputs, targets, domains, progress)

    return loss


def strnn(lambda_spatial: float = 1e-4, lambda_temporal: float = 1e-4) -> LossFn:
    """STRNN: cross-entropy plus l1 sparsity of the spatial and temporal projections."""

    def loss(
        model: nn.Module, inputs: Inputs, targets: Tensor, domains: Tensor, progress: float
    ) -> Tensor:
        return losses.strnn_loss(model(**inputs), targets, model, lambda_spatial, lambda_temporal)

    return loss


def emotionclip(label_smoothing: float = 0.0) -> LossFn:
    """EmotionCLIP: symmetric EEG-prompt contrastive loss (EEG → text label smoothing)."""

    def loss(
        model: nn.Module, inputs: Inputs, targets: Tensor, domains: Tensor, progress: float
    ) -> Tensor:
        out = model.forward_train(**inputs)
        return losses.clip_loss(
            out["eeg_embeddings"],
            out["class_embeddings"],
            targets,
            out["logit_scale"],
            label_smoothing,
        )

    return loss


def aimstf_ssff(alpha: float = 0.01, beta: float = 0.5, gamma: float = 0.01) -> LossFn:
    """AIMSTF-SSFF: cross-entropy plus difference and CMD terms."""

    def loss(
        model: nn.Module, inputs: Inputs, targets: Tensor, domains: Tensor, progress: float
    ) -> Tensor:
        return losses.aimstf_loss(model.forward_train(**inputs), targets, alpha, beta, gamma)

    return loss


LOSSES: dict[str, Callable[..., LossFn]] = {
    "maet": maet,
    "strnn": strnn,
    "emotionclip": emotionclip,
    "aimstf_ssff": aimstf_ssff,
}


def loss_factory(card: ModelCard) -> Callable[..., LossFn]:
    """The loss factory of the card's model (cross-entropy when it has no own loss)."""
    return LOSSES.get(card.name, cross_entropy)


@cache
def _prompt_embeddings(card_json: str) -> torch.Tensor:
    from model_store.text_encoder import card_prompt_embeddings

    return card_prompt_embeddings(ModelCard.model_validate_json(card_json))


def build_for_training(card: ModelCard) -> nn.Module:
    """Build the card's model; a text-matching model gets its class-prompt embeddings.

    The prompt embeddings are computed once per card and process.
    """
    from model_store.models import build_model

    model = build_model(card)
    if hasattr(model, "set_class_embeddings"):
        model.set_class_embeddings(_prompt_embeddings(card.model_dump_json()))
    return model
