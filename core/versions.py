"""Model versions trained through the service: one folder per owner, model and version.

A version is named ``<model>@<version>`` (the version is the id of the training that
made it); its folder holds ``card.json`` and ``weights.pt``. Only its owner sees it.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from core.cards import ModelCard, load_card
from core.config import Settings

_ANYONE = "_anyone"  # owner of what is made while API keys are off
_REF = re.compile(r"^([a-z0-9_]+)@([0-9a-f]{32})$")


def is_version_ref(name: str) -> bool:
    """True for a ``model@version`` name (a trained version, not a shipped model)."""
    return "@" in name


def version_folder(settings: Settings, owner: str | None, model: str, version: str) -> Path:
    """Folder of the version ``model@version`` of ``owner``."""
    return settings.models_dir / (owner or _ANYONE) / f"{model}@{version}"


def load_version(settings: Settings, owner: str | None, ref: str) -> ModelCard | None:
    """The card of ``owner``'s version ``ref`` (``model@version``); None when it has none."""
    match = _REF.match(ref)
    if match is None:
        return None
    path = version_folder(settings, owner, *match.groups()) / "card.json"
    if not path.is_file():
        return None
    return ModelCard.model_validate_json(path.read_text())


def resolve_card(settings: Settings, owner: str | None, name: str) -> ModelCard:
    """The card of a shipped model (``maet``) or of ``owner``'s version (``maet@<id>``).

    Raises
    ------
    KeyError
        When there is no such model or version (for this owner).
    """
    if not is_version_ref(name):
        return load_card(name)
    card = load_version(settings, owner, name)
    if card is None:
        raise KeyError(
            f"no model version {name!r}; list yours with GET /v1/models, or train one with "
            "POST /v1/trainings"
        )
    return card


def list_versions(settings: Settings, owner: str | None) -> list[ModelCard]:
    """Every version ``owner`` trained, oldest first."""
    folder = settings.models_dir / (owner or _ANYONE)
    cards = [
        ModelCard.model_validate_json(path.read_text())
        for path in sorted(folder.glob("*@*/card.json"), key=lambda p: p.stat().st_mtime)
    ]
    return cards


def delete_version(settings: Settings, owner: str | None, ref: str) -> bool:
    """Delete ``owner``'s version ``ref``; True when there was one."""
    match = _REF.match(ref)
    if match is None:
        return False
    folder = version_folder(settings, owner, *match.groups())
    if not folder.is_dir():
        return False
    shutil.rmtree(folder)
    return True
