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
