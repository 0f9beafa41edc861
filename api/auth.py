"""Optional API keys: who is calling, and what they may see.

Off unless the operator configures keys: ``AFFECTSERVE_API_KEYS`` and
``AFFECTSERVE_ADMIN_KEYS`` (JSON lists of SHA-256 hex digests), or the keys file that
``affectserve keys add`` writes (``data_dir/api_keys.json``). Only digests are stored.
With keys on, every API request carries ``X-API-Key: <key>`` or
``Authorization: Bearer <key>``; recordings and jobs belong to the key that made them and
are 404 to every other key; an admin key sees everything.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import APIKeyCookie, APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from api.schemas import ErrorBody
from core.config import Settings, get_settings

KEY_PREFIX = "afs_"

UNAUTHORISED: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "API keys are on and this one is missing or unknown."}
}

api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False)
bearer = HTTPBearer(auto_error=False)


@dataclass(frozen=True)
class Caller:
    """An authenticated caller: the digest of its key, and whether it is an admin."""

    key_id: str
    admin: bool


def hash_key(key: str) -> str:
    """The SHA-256 hex digest under which a key is stored."""
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> str:
    """A new random key (256 bits)."""
    return KEY_PREFIX + secrets.token_urlsafe(32)


def keys_file(settings: Settings) -> Path:
    """Where ``affectserve keys add`` keeps key digests."""
    return settings.data_dir / "api_keys.json"


def read_keys_file(path: Path) -> list[dict[str, Any]]:
    """The entries of a keys file (none when it does not exist)."""
    if not path.exists():
        return []
    return list(json.loads(path.read_text())["keys"])


@cache
def _file_keys(path: Path, _mtime_ns: int) -> tuple[frozenset[str], frozenset[str]]:
    entries = read_keys_file(path)
    return (
        frozenset(e["sha256"] for e in entries if not e.get("admin")),
        frozenset(e["sha256"] for e in entries if e.get("admin")),
    )


def known_keys(settings: Settings) -> tuple[frozenset[str], frozenset[str]]:
    """Digests of (user keys, admin keys) from the settings and the keys file."""
    path = keys_file(settings)
    users, admins = _file_keys(path, path.stat().st_mtime_ns) if path.exists() else ((), ())
    return (
        frozenset(settings.api_keys) | frozenset(users),
        frozenset(settings.admin_keys) | frozenset(admins),
    )


def add_key(settings: Settings, name: str, admin: bool) -> str:
    """Make a key, store its digest in the keys file; returns the key (shown once)."""
    key = new_key()
    path = keys_file(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    entries = read_keys_file(path)
    entries.append(
        {
            "name": name,
            "sha256": hash_key(key),
            "admin": admin,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
    )
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"keys": entries}, indent=1))
    os.chmod(tmp, 0o600)
    tmp.replace(path)
    return key


def _unauthorised(message: str) -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, message, headers={"WWW-Authenticate": "Bearer"}
    )


api_key_cookie = APIKeyCookie(
    name="affectserve_key",
    auto_error=False,
    description=(
        "The web page sends the key it was given as this cookie; it is honoured for GET "
        "and HEAD only, so another site cannot make a browser change data (CSRF)."
    ),
)
SAFE_METHODS = ("GET", "HEAD")


def get_caller(
    request: Request,
    settings: Annotated[Settings, Depends(get_settings)],
    header_key: Annotated[str | None, Depends(api_key_header)],
    bearer_key: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    cookie_key: Annotated[str | None, Depends(api_key_cookie)],
) -> Caller | None:
    """The caller of this request; None when API keys are off.

    Raises
    ------
    HTTPException
        401 when keys are on and the request has none, or an unknown one.
    """
    users, admins = known_keys(settings)
    if not users and not admins:
        return None
    key = header_key or (bearer_key.credentials if bearer_key else None)
    if not key and cookie_key and request.method not in SAFE_METHODS:
        raise _unauthorised(
            "the key cookie is accepted for GET only: send the key as 'X-API-Key: <key>' "
            "to change data"
        )
    key = key or cookie_key
    if not key:
        raise _unauthorised(
            "this server needs an API key: send it as 'X-API-Key: <key>' or "
            "'Authorization: Bearer <key>' (the operator makes keys with affectserve keys add)"
        )
    digest = hash_key(key)
    is_admin = any(hmac.compare_digest(digest, known) for known in admins)
    if not is_admin and not any(hmac.compare_digest(digest, known) for known in users):
        raise _unauthorised("unknown API key")
    return Caller(key_id=digest, admin=is_admin)


CallerDep = Annotated[Caller | None, Depends(get_caller)]


def owner_of(caller: Caller | None) -> str | None:
    """The owner to record on what ``caller`` creates."""
    return caller.key_id if caller else None


def can_see(caller: Caller | None, owner: str | None) -> bool:
    """True when ``caller`` may see a row owned by ``owner``."""
    return caller is None or caller.admin or owner == caller.key_id


def optional_security(schema: dict[str, Any]) -> dict[str, Any]:
    """State the key requirement once, for the whole API, with "no key" as one choice.

    FastAPI lists the key schemes on every operation, which tells generated clients
    that every call needs a key. Keys are off unless the operator turns them on, so the
    schema says so: a top-level ``security`` whose first choice, ``{}``, needs nothing.
    """
    schemes: list[dict[str, list[str]]] = []
    for operation in (op for path in schema.get("paths", {}).values() for op in path.values()):
        for requirement in operation.pop("security", []):
            if requirement not in schemes:
                schemes.append(requirement)
    if schemes:
        schema["security"] = [{}, *schemes]
    return schema
