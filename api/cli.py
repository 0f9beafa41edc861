"""The ``affectserve`` command: ``up``, ``build-models`` and ``train``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _up(args: argparse.Namespace) -> int:
    from api.launcher import up

    return up(args.host, args.port, args.data_dir, args.workers)


def _build_models(args: argparse.Namespace) -> int:
    from model_store.build import ARCHIVES_DIR, build_archives
    from model_store.cards import card_names

    names = args.models or card_names()
    for path in build_archives(names, args.export_dir or ARCHIVES_DIR):
        print(path)
    return 0


def _docs(args: argparse.Namespace) -> int:
    from model_store.docs import write_docs

    print(write_docs())
    return 0


def parser() -> argparse.ArgumentParser:
    """The command-line parser."""
    main = argparse.ArgumentParser(
        prog="affectserve", description="Emotion recognition from physiological recordings."
    )
    commands = main.add_subparsers(dest="command", required=True)
    up = commands.add_parser("up", help="start the API, a worker and the model server")
    up.add_argument("--host", default="127.0.0.1", help="address to bind (default loopback)")
    up.add_argument("--port", type=int, default=8000)
    up.add_argument("--data-dir", type=Path, default=None, help="uploads, results, job store")
    up.add_argument("--workers", type=int, default=1, help="Celery worker processes")
    up.set_defaults(run=_up)
    build = commands.add_parser("build-models", help="build the TorchServe .mar archives")
    build.add_argument("models", nargs="*", help="model names (default: all)")
    build.add_argument("--export-dir", type=Path, default=None)
    build.set_defaults(run=_build_models)
    docs = commands.add_parser("docs", help="write docs/models.md from the model cards")
    docs.set_defaults(run=_docs)
    return main


def main(argv: list[str] | None = None) -> int:
    """Run the ``affectserve`` command."""
    args = parser().parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
