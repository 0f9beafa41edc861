"""``/v1/models``: the model cards."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, status

from api.schemas import ErrorBody
from core.cards import ModelCard, load_card, load_cards

router = APIRouter(prefix="/v1/models", tags=["models"])


@router.get("", operation_id="models-list")
def list_models() -> list[ModelCard]:
    """Every model's card: inputs, labels, weights status, training data and metrics."""
    return load_cards()


@router.get("/{name}", operation_id="models-get", responses={404: {"model": ErrorBody}})
def get_model(name: str) -> ModelCard:
    """One model's card."""
    try:
        return load_card(name)
    except KeyError as err:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(err.args[0])) from err
