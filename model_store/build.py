"""Build one TorchServe ``.mar`` archive per model card.

An archive holds the shared handler, the card (``card.json``) and, when the model is
trained, its weights (``weights.pt``). The model code itself comes from the installed
``model_store`` package, so the server and the in-process backend run the same code.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from core.cards import CARDS_DIR, ModelCard, load_card

ARCHIVES_DIR = Path(__file__).resolve().parent / "archives"
HANDLER = Path(__file__).resolve().parent / "handler.py"
#: The production server's configuration (docker-compose), written by `docker_properties`.
DOCKER_PROPERTIES = Path(__file__).resolve().parents[1] / "docker" / "torchserve.properties"
#: Largest request and response TorchServe takes, MiB (a batch of 64 face windows is 17 MB).
MAX_REQUEST_MB = 64
#: TorchServe's tokens last ten years: a restart makes new ones, which clients read again.
TOKEN_LIFETIME_MIN = 10 * 365 * 24 * 60


def _archiver() -> str:
    beside = Path(sys.executable).parent / "torch-model-archiver"
    found = str(beside) if beside.exists() else shutil.which("torch-model-archiver")
    if found is None:
        raise RuntimeError(
            "torch-model-archiver is not installed; pip install torch-model-archiver==0.12.0"
        )
    return found


def _sources(card: ModelCard) -> list[Path]:
    paths = [CARDS_DIR / f"{card.name}.json", HANDLER]
    if card.weights_status == "ready" and card.weights_path is not None:
        paths.append(card.weights_path)
    return paths


def archive_is_current(card: ModelCard, export_dir: Path = ARCHIVES_DIR) -> bool:
    """True when the archive exists and is newer than its card, handler and weights."""
    archive = export_dir / f"{card.name}.mar"
    if not archive.is_file():
        return False
    built = archive.stat().st_mtime
    return all(path.stat().st_mtime <= built for path in _sources(card))


def model_config(card: ModelCard, gpu_id: int | None = None) -> str:
    """TorchServe's per-model configuration (YAML) from the card's ``serving`` section.

    Parameters
    ----------
    card : ModelCard
        The model's card.
    gpu_id : int or None
        The GPU that runs this model; None runs it on the CPU.
    """
    serving = card.serving
    lines = [
        f"minWorkers: {serving.workers}",
        f"maxWorkers: {serving.workers}",
        f"batchSize: {serving.batch_size}",
        f"maxBatchDelay: {serving.max_batch_delay_ms}",
        f"responseTimeout: {serving.response_timeout_s}",
        f"deviceType: {'cpu' if gpu_id is None else 'gpu'}",
    ]
    if gpu_id is not None:
        lines.append(f"deviceIds: [{gpu_id}]")
    return "\n".join(lines) + "\n"


def server_properties(
    inference_port: int,
    management_port: int,
    models: str,
    bind: str = "127.0.0.1",
    heap: str = "512m",
    model_store: Path | None = None,
) -> str:
    """TorchServe's server ``config.properties``; the per-model settings are the cards'.

    Token authorisation is on (TorchServe writes its keys to ``key_file.json``, 0600, in
    its working folder; clients read them from there) and the model-registration API is closed (the
    archives are loaded at start); the JVM is small with the serial collector. The
    metrics and gRPC ports follow the management port (+1, +2, +3) so that servers
    with different ports never collide; gRPC always binds loopback. Workers, batch
    size and timeouts come from each archive's `model_config` (the card's
    ``serving``).

    Parameters
    ----------
    inference_port, management_port : int
        HTTP ports of the inference and management APIs.
    models : str
        ``load_models``: comma-separated archive names, or ``'all'``.
    bind : str
        Address the HTTP APIs bind (loopback, or ``0.0.0.0`` inside a container).
    heap : str
        JVM maximum heap (``-Xmx``), e.g. ``'512m'``.
    model_store : Path or None
        Folder of the archives; None leaves it to ``--model-store``.
    """
    lines = [
        f"inference_address=http://{bind}:{inference_port}",
        f"management_address=http://{bind}:{management_port}",
        f"metrics_address=http://{bind}:{management_port + 1}",
        "grpc_inference_address=127.0.0.1",
        f"grpc_inference_port={management_port + 2}",
        "grpc_management_address=127.0.0.1",
        f"grpc_management_port={management_port + 3}",
        "disable_token_authorization=false",
        f"token_expiration_min={TOKEN_LIFETIME_MIN}",
        "enable_model_api=false",
        "default_workers_per_model=1",
        f"vmargs=-Xmx{heap} -XX:+UseSerialGC",
        f"max_request_size={MAX_REQUEST_MB << 20}",
        f"max_response_size={MAX_REQUEST_MB << 20}",
    ]
    if model_store is not None:
        lines.append(f"model_store={model_store}")
    lines.append(f"load_models={models}")
    return "\n".join(lines) + "\n"


def docker_properties() -> str:
    """The text of `DOCKER_PROPERTIES`: every archive, APIs on the internal network."""
    comment = (
        "# TorchServe inside the compose network (reachable only on the internal network).\n"
        "# Written by model_store.build.docker_properties(); do not edit by hand.\n"
    )
    return comment + server_properties(8080, 8081, "all", bind="0.0.0.0", heap="1g")


def build_archive(
    card: ModelCard, export_dir: Path = ARCHIVES_DIR, gpu_id: int | None = None
) -> Path:
    """Build ``<export_dir>/<name>.mar`` for ``card``; returns its path.

    ``gpu_id`` places the model on that GPU (production); None keeps it on the CPU.
    """
    export_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as staging:
        stage = Path(staging)
        config = stage / "model-config.yaml"
        config.write_text(model_config(card, gpu_id))
        extra = [stage / "card.json"]
        shutil.copyfile(CARDS_DIR / f"{card.name}.json", extra[0])
        if card.weights_status == "ready" and card.weights_path is not None:
            extra.append(stage / "weights.pt")
            shutil.copyfile(card.weights_path, extra[1])
        subprocess.run(
            [
                _archiver(),
                "--model-name",
                card.name,
                "--version",
                card.version,
                "--handler",
                str(HANDLER),
                "--extra-files",
                ",".join(str(p) for p in extra),
                "--config-file",
                str(config),
                "--export-path",
                str(export_dir),
                "--force",
            ],
            check=True,
            capture_output=True,
        )
    return export_dir / f"{card.name}.mar"


def build_archives(
    names: list[str],
    export_dir: Path = ARCHIVES_DIR,
    only_stale: bool = False,
    gpu: bool = False,
) -> list[Path]:
    """Build the archives of the named models (only the stale ones if asked).

    With ``gpu``, each model gets its card's ``serving.gpu_id``, or by default its
    index among ``names``: one GPU per model.
    """
    built = []
    for index, name in enumerate(names):
        card = load_card(name)
        if only_stale and archive_is_current(card, export_dir):
            continue
        gpu_id = (index if card.serving.gpu_id is None else card.serving.gpu_id) if gpu else None
        built.append(build_archive(card, export_dir, gpu_id))
    return built
