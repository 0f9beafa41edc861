"""``/v1/models``: the model cards."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Response, status

from api.auth import CallerDep, owner_of
from api.deps import SettingsDep
from api.schemas import AcceptedMontage, ErrorBody, ModelRead
from core.cards import ModelCard, load_cards, montage_channels, reference
from core.versions import delete_version, list_versions, resolve_card

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


@router.get("")
def list_models(settings: SettingsDep, caller: CallerDep) -> list[ModelRead]:
    """Every model's card (inputs, labels, weights status, training data, metrics, the
    montages and devices it accepts), then the model versions the caller trained
    (``name`` is ``model@version`` for those)."""
    versions = [
        card.model_copy(update={"name": f"{card.name}@{card.version}"})
        for card in list_versions(settings, owner_of(caller))
    ]
    return [model_read(card) for card in load_cards() + versions]


@router.get("/{name}", responses={404: {"model": ErrorBody}})
def get_model(name: str, settings: SettingsDep, caller: CallerDep) -> ModelRead:
    """One model's card, or one of the caller's model versions (``model@version``), with
    the montages (devices) it accepts."""
    try:
        card = resolve_card(settings, owner_of(caller), name)
    except KeyError as err:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(err.args[0])) from err
    return model_read(card.model_copy(update={"name": name}))


@router.delete(
    "/{name}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={404: {"model": ErrorBody}},
)
def delete_model(name: str, settings: SettingsDep, caller: CallerDep) -> Response:
    """Delete one of the caller's model versions (shipped models cannot be deleted)."""
    if not delete_version(settings, owner_of(caller), name):
        raise HTTPException(
            status.HTTP_404_NOT_FOUND,
            f"you have no model version {name!r}; shipped models cannot be deleted",
        )
    return Response(status_code=status.HTTP_204_NO_CONTENT)
