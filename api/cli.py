"""The ``affectserve`` command: ``up``, ``status``, ``predict``, ``build-models``,
``cleanup``, ``keys``, ``train`` and ``docs``."""

from __future__ import annotations

import argparse
import json
import os
import sys
from importlib import metadata
from pathlib import Path

from model_store.training import calibrate_cli

DEFAULT_URL = "http://127.0.0.1:8000"


def version() -> str:
    """The installed version of affectserve."""
    try:
        return metadata.version("affectserve")
    except metadata.PackageNotFoundError:
        return "unknown (not installed: pip install -e .)"


def _predict(args: argparse.Namespace) -> int:
    from api.remote import predict
    from core.schemas import JobOptions

    try:
        options = json.loads(args.options) if args.options else {}
    except json.JSONDecodeError as err:
        print(f"error: --options is not JSON ({err})", file=sys.stderr)
        return 2
    wait_s = args.timeout if args.wait else None
    job_options = JobOptions(allow_untrained=args.allow_untrained, figures=args.figures)
    return predict(args.url, args.key, args.files, args.model, options, job_options, wait_s)


def _status(args: argparse.Namespace) -> int:
    from api.remote import status

    return status(args.url, args.key)


def _remote_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--url", default=DEFAULT_URL, help=f"address of the service (default {DEFAULT_URL})"
    )
    command.add_argument(
        "--key",
        default=os.environ.get("AFFECTSERVE_KEY"),
        help="API key, if the service needs one (default: $AFFECTSERVE_KEY)",
    )


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
    main.add_argument("--version", action="version", version=f"affectserve {version()}")
    commands = main.add_subparsers(dest="command", required=True)
    up = commands.add_parser("up", help="start the API, a worker and the model server")
    up.add_argument("--host", default="127.0.0.1", help="address to bind (default loopback)")
    up.add_argument("--port", type=int, default=8000, help="port of the API (default 8000)")
    up.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="folder of uploads, results and the job store (default AFFECTSERVE_DATA_DIR)",
    )
    up.add_argument("--workers", type=int, default=1, help="Celery worker processes")
    up.set_defaults(run=_up)
    status = commands.add_parser(
        "status", help="what runs and where: the health of each component, jobs in the queue"
    )
    _remote_options(status)
    status.set_defaults(run=_status)
    predict = commands.add_parser(
        "predict",
        help="upload recordings, run models on them, and (with --wait) print the summary",
        description="Upload recordings (with their companion files: .fdt, face video, "
        "music audio, eye-tracking CSV, each beside the recording of the same name) and "
        "queue one job. With --wait, follow it and print each model's verdict and how far "
        "to trust it; the exit status is 1 when a request is refused or the job fails.",
    )
    predict.add_argument("files", nargs="+", type=Path, help="recordings and companion files")
    predict.add_argument(
        "--model", action="append", help="model to run (repeat); default: every ready model"
    )
    predict.add_argument("--wait", action="store_true", help="wait for the job and print it")
    predict.add_argument(
        "--timeout", type=float, default=600.0, help="longest wait with --wait, s (default 600)"
    )
    predict.add_argument(
        "--options",
        default=None,
        help='reader options as JSON, e.g. \'{"sfreq": 128, "ch_names": ["Fz", "Cz"]}\'',
    )
    predict.add_argument(
        "--allow-untrained",
        action="store_true",
        help="also run models without trained weights (their predictions mean nothing)",
    )
    predict.add_argument(
        "--no-figures",
        dest="figures",
        action="store_false",
        help="draw no figures: the job ends with its result (for many recordings at once)",
    )
    _remote_options(predict)
    predict.set_defaults(run=_predict)
    build = commands.add_parser("build-models", help="build the TorchServe .mar archives")
    build.add_argument("models", nargs="*", help="model names (default: all)")
    build.add_argument("--export-dir", type=Path, default=None, help="where to write the archives")
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
