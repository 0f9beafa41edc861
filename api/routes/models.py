"""``/v1/models``: the model cards."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Response, status

from api.auth import CallerDep, owner_of
from api.deps import SettingsDep
from api.schemas import ErrorBody
from core.cards import ModelCard, load_cards
from core.versions import delete_version, list_versions, resolve_card

router = APIRouter(prefix="/v1/models", tags=["models"])


@router.get("", operation_id="models-list")
def list_models(settings: SettingsDep, caller: CallerDep) -> list[ModelCard]:
    """Every model's card (inputs, labels, weights status, training data and metrics), then
    the model versions the caller trained (``name`` is ``model@version`` for those)."""
    versions = [
        card.model_copy(update={"name": f"{card.name}@{card.version}"})
        for card in list_versions(settings, owner_of(caller))
    ]
    return load_cards() + versions


@router.get("/{name}", operation_id="models-get", responses={404: {"model": ErrorBody}})
def get_model(name: str, settings: SettingsDep, caller: CallerDep) -> ModelCard:
    """One model's card, or one of the caller's model versions (``model@version``)."""
    try:
        card = resolve_card(settings, owner_of(caller), name)
    except KeyError as err:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(err.args[0])) from err
    return card.model_copy(update={"name": name})


@router.delete(
    "/{name}",
    operation_id="models-delete",
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
