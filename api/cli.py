"""The ``affectserve`` command: ``up``, ``build-models``, ``cleanup`` and ``keys``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from model_store.training import calibrate_cli


def _up(args: argparse.Namespace) -> int:
    from api.launcher import up

    return up(args.host, args.port, args.data_dir, args.workers)


def _build_models(args: argparse.Namespace) -> int:
    from core.cards import card_names
    from model_store.build import ARCHIVES_DIR, build_archives

    names = args.models or card_names()
    for path in build_archives(names, args.export_dir or ARCHIVES_DIR, gpu=args.gpu):
        print(path)
    return 0


def _cleanup(args: argparse.Namespace) -> int:
    from core.config import Settings
    from core.retention import cleanup
    from core.store import session_factory

    settings = Settings(**({"retention_days": args.days} if args.days else {}))
    if settings.retention_days is None:
        print("no retention set: pass --days or set AFFECTSERVE_RETENTION_DAYS")
        return 2
    settings.ensure_dirs()
    with session_factory(settings.store_url)() as session:
        report = cleanup(session, settings)
    print(f"deleted {report.jobs} jobs, {report.recordings} recordings, {report.files} files")
    return 0


def _keys_add(args: argparse.Namespace) -> int:
    from api.auth import add_key, keys_file
    from core.config import Settings

    settings = Settings()
    key = add_key(settings, args.name, args.admin)
    kind = "admin key" if args.admin else "API key"
    print(f"new {kind} {args.name!r} (stored hashed in {keys_file(settings)}); shown only once:")
    print(key)
    return 0


def _keys_list(_args: argparse.Namespace) -> int:
    from api.auth import keys_file, read_keys_file
    from core.config import Settings

    for entry in read_keys_file(keys_file(Settings())):
        kind = "admin" if entry.get("admin") else "user"
        print(f"{entry['sha256'][:12]}  {kind:5}  {entry['created_at']}  {entry['name']}")
    return 0


def _docs(args: argparse.Namespace) -> int:
    from model_store.docs import write_docs

    print(write_docs())
    return 0


def _train(args: argparse.Namespace) -> int:
    from model_store.training.cli import train_main

    train_main(args.arguments)
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
    build.add_argument(
        "--gpu", action="store_true", help="one GPU per model (production); default CPU"
    )
    build.set_defaults(run=_build_models)
    clean = commands.add_parser(
        "cleanup", help="delete finished jobs, results and unused uploads past the retention"
    )
    clean.add_argument("--days", type=float, default=None, help="retention in days")
    clean.set_defaults(run=_cleanup)
    keys = commands.add_parser("keys", help="API keys (stored hashed in the data dir)")
    key_commands = keys.add_subparsers(dest="keys_command", required=True)
    add = key_commands.add_parser("add", help="make a key and print it once")
    add.add_argument("name", help="who or what the key is for")
    add.add_argument("--admin", action="store_true", help="the key sees every job")
    add.set_defaults(run=_keys_add)
    key_commands.add_parser("list", help="list the keys (digest prefixes)").set_defaults(
        run=_keys_list
    )
    train = commands.add_parser(
        "train",
        add_help=False,
        help="train a model and record its metrics in its card (affectserve train --help)",
    )
    train.set_defaults(run=_train)
    calibrate_cli.add_parser(commands)
    docs = commands.add_parser("docs", help="write docs/models.md from the model cards")
    docs.set_defaults(run=_docs)
    return main


def main(argv: list[str] | None = None) -> int:
    """Run the ``affectserve`` command (``train`` parses its own arguments)."""
    command_line = parser()
    args, rest = command_line.parse_known_args(argv)
    if args.command == "train":
        args.arguments = rest
    elif rest:
        command_line.error(f"unrecognized arguments: {' '.join(rest)}")
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
