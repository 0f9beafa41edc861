"""Write the API's OpenAPI document to ``openapi.json`` and regenerate the Python client.

Usage::

    python scripts/openapi.py            # openapi.json only
    python scripts/openapi.py --client   # and client/ with openapi-python-client

The client generator is pinned in the ``client`` extra (``pip install -e ".[client]"``).
Files of ``client/`` that the generator does not write (``example.py``) are kept, and
so is ``client/README.md``, written for integrators.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "openapi.json"
CLIENT = ROOT / "client"
GENERATOR_CONFIG = ROOT / "scripts" / "openapi-client.yaml"
#: Files of client/ written by hand where the generator writes its own: kept.
KEPT = ("README.md",)


def app_schema() -> dict[str, Any]:
    """The OpenAPI document of the application as it is now."""
    sys.path.insert(0, str(ROOT))
    from api.main import create_app

    return create_app().openapi()


def schema_text(schema: dict[str, Any]) -> str:
    """The committed form of the document: 2-space JSON, UTF-8, newline at the end."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def generate_client(schema_path: Path, out: Path) -> None:
    """Run openapi-python-client on ``schema_path``; replace the generated files in ``out``."""
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "client"
        subprocess.run(
            [
                "openapi-python-client",
                "generate",
                "--path",
                str(schema_path),
                "--config",
                str(GENERATOR_CONFIG),
                "--meta",
                "pdm",
                "--output-path",
                str(target),
                "--fail-on-warning",
            ],
            check=True,
        )
        import_unset(target)
        out.mkdir(exist_ok=True)
        for item in target.iterdir():
            if item.name in KEPT:
                continue
            old = out / item.name
            if old.is_dir():
                shutil.rmtree(old)
            elif old.exists():
                old.unlink()
            shutil.move(str(item), old)


def import_unset(client_dir: Path) -> None:
    """Import ``Unset`` where the generated code uses it without importing it.

    openapi-python-client 0.29.1 forgets the import for an operation whose body has
    several content types (``POST /v1/jobs`` takes JSON or multipart).
    """
    for path in client_dir.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "| Unset" in text and "from ...types import UNSET, Response\n" in text:
            text = text.replace(
                "from ...types import UNSET, Response\n",
                "from ...types import UNSET, Response, Unset\n",
            )
            path.write_text(text, encoding="utf-8")


def main() -> None:
    """Dump the document; with ``--client``, regenerate the client from it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--client", action="store_true", help="also regenerate client/")
    args = parser.parse_args()
    SCHEMA.write_text(schema_text(app_schema()), encoding="utf-8")
    print(f"wrote {SCHEMA.relative_to(ROOT)}")
    if args.client:
        generate_client(SCHEMA, CLIENT)
        print(f"generated {CLIENT.relative_to(ROOT)}/")


if __name__ == "__main__":
    main()
