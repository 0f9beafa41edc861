"""``/v1/models``: the model cards."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, status

from api.schemas import AcceptedMontage, ErrorBody, ModelRead
from core.cards import ModelCard, load_card, load_cards, montage_channels, reference

router = APIRouter(prefix="/v1/models", tags=["models"])


def model_read(card: ModelCard) -> ModelRead:
    """``card`` with the montages it accepts (card ``montages`` + reference.json devices)."""
    own = [{"montage": s.montage} for s in card.inputs if s.modality == "eeg" and s.montage]
    figures = [figure.model_dump() for figure in card.montages] or own
    accepts = [
        AcceptedMontage(
            **figure,
            channels=montage_channels(figure["montage"]),
            devices=reference()["montages"][figure["montage"]].get("devices", []),
        )
        for figure in figures
    ]
    return ModelRead(**card.model_dump(exclude={"weights_status", "modalities"}), accepts=accepts)


@router.get("", operation_id="models-list")
def list_models() -> list[ModelRead]:
    """Every model's card: inputs, labels, weights status, training data, metrics, and the
    montages (devices) it accepts."""
    return [model_read(card) for card in load_cards()]


@router.get("/{name}", operation_id="models-get", responses={404: {"model": ErrorBody}})
def get_model(name: str) -> ModelRead:
    """One model's card, with the montages (devices) it accepts."""
    try:
        return model_read(load_card(name))
    except KeyError as err:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(err.args[0])) from err
