from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch

from core.cards import CARDS_DIR, ModelCard, file_sha256
from model_store.models import build_model
from model_store.training.cli import add_parser, card_json, train_main
from model_store.training.datasets import load_dataset
from model_store.training.samples import build_samples
from model_store.training.standardise import without_stats


def _train(seed_dir: Path, out: Path, *extra: str) -> ModelCard:
    card_path = out / "maet.json"
    if not card_path.exists():
        shutil.copy(CARDS_DIR / "maet.json", card_path)
    train_main(
        [
            "maet",
            "--dataset", "seed",
            "--data-dir", str(seed_dir),
            "--protocol", "subject-dependent",
            "--train-trials", "4",
            "--epochs", "1,2",
            "--batch-size", "32",
            "--card", str(card_path),
            "--weights-dir", str(out / "weights"),
            "--checkpoint-dir", str(out / "checkpoints"),
            *extra,
        ]
    )  # fmt: skip
    return ModelCard.model_validate_json(card_path.read_text())


def test_train_writes_weights_and_card(seed_dir: Path, tmp_path: Path) -> None:
    card = _train(seed_dir, tmp_path)
    weights = tmp_path / "weights" / "maet.pt"
    assert card.weights == "maet.pt"
    assert card.weights_sha256 == file_sha256(weights)
    assert card.training.dataset.startswith(
        "seed from ExtractedFeatures/: 2 subject(s), 3 session(s)"
    )
    assert "18 trials, 195 windows" in card.training.dataset
    assert card.training.protocol == (
        "subject-dependent (first 4 trials of each session train, 3 folds over trials)"
    )
    names = [m.name for m in card.metrics]
    assert names == [
        "accuracy_mean_over_folds",
        "accuracy_pooled",
        "chance",
        "baseline_logistic_regression",
        "baseline_linear_svm",
    ]
    for metric in card.metrics:
        assert 0.0 <= metric.value <= 1.0
        assert (metric.dataset, metric.protocol) == (card.training.dataset, card.training.protocol)
    # the pooled confusion matrix counts every test window once: clips 5 and 6 of 3 sessions
    confusion = json.loads(card.metrics[1].note.split(": ", 1)[1])
    assert sum(map(sum, confusion)) == 3 * (13 + 10)
    assert card.metrics[1].value == pytest.approx(
        sum(confusion[i][i] for i in range(3)) / 69, abs=1e-4
    )
    model = build_model(card)
    model.load_state_dict(torch.load(weights, weights_only=True))
    # the z-score statistics of all training windows, beside the weights
    stats = np.load(tmp_path / "weights" / "maet_stats.npz")
    assert stats["mean"].shape == stats["scale"].shape == (1, 62, 5)
    assert np.all(stats["scale"] > 0)
    windows = build_samples(without_stats(card), load_dataset("seed", seed_dir)).inputs["eeg"]
    # MAET's 310 values are channel-major: feature (channel c, band b) is column 5 c + b
    np.testing.assert_allclose(stats["mean"][0, 3, 2], windows[:, 17].mean(), rtol=1e-5)
    np.testing.assert_allclose(stats["scale"][0, 3, 2], windows[:, 17].std(), rtol=1e-4)
    assert (tmp_path / "checkpoints" / "maet.pt").is_file()
    assert "Reproduce: affectserve train maet --dataset seed" in card.training.note


def test_train_is_reproducible(seed_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = _train(seed_dir, tmp_path / "a")
    second = _train(seed_dir, tmp_path / "b")
    assert first.weights_sha256 == second.weights_sha256
    assert first.metrics == second.metrics


def test_cv_only_writes_nothing(seed_dir: Path, tmp_path: Path) -> None:
    card = _train(seed_dir, tmp_path, "--cv-only")
    assert card == ModelCard.model_validate_json((CARDS_DIR / "maet.json").read_text())
    assert not (tmp_path / "weights").exists()


def test_record_adds_another_protocols_metrics(seed_dir: Path, tmp_path: Path) -> None:
    trained = _train(seed_dir, tmp_path)
    card = _train(seed_dir, tmp_path, "--cv-only", "--record", "--train-trials", "3")
    assert card.weights_sha256 == trained.weights_sha256
    assert len(card.metrics) == 10
    assert card.metrics[:5] == trained.metrics
    assert all("first 3 trials" in m.protocol for m in card.metrics[5:])


def test_card_json_keeps_the_cards_layout() -> None:
    for name in ("maet", "strnn", "emotionclip"):
        text = (CARDS_DIR / f"{name}.json").read_text()
        assert card_json(json.loads(text)) + "\n" == text


def test_add_parser_registers_train() -> None:
    import argparse

    parser = argparse.ArgumentParser(prog="affectserve")
    add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(
        ["train", "strnn", "--dataset", "seed", "--data-dir", "x", "--protocol", "trial-kfold"]
    )
    assert (args.model, args.protocol, args.epochs, args.lr) == (
        "strnn",
        "trial-kfold",
        [50],
        [1e-3],
    )
    assert callable(args.run)


def test_train_help_explains_every_option_in_groups(capsys: pytest.CaptureFixture[str]) -> None:
    import argparse

    from api.cli import main
    from model_store.training.cli import add_arguments
    from model_store.training.datasets import LOADERS
    from model_store.training.protocols import PROTOCOLS

    parser = add_arguments(argparse.ArgumentParser())
    undocumented = [action.dest for action in parser._actions if not action.help]
    assert undocumented == []
    with pytest.raises(SystemExit) as stop:
        main(["train", "--help"])
    assert stop.value.code == 0
    text = capsys.readouterr().out
    titles = ["what to train on:", "settings to search:", "evaluation:", "fitting:", "output:"]
    assert [text.index(title) for title in titles] == sorted(text.index(t) for t in titles)
    for name in [*LOADERS, *PROTOCOLS]:
        assert f"\n  {name}: " in text, name
    assert "  --lr X,...            learning rate (default 1e-3)" in text
    assert "example:\n  affectserve train maet --dataset seed" in text


def test_seeds_score_the_same_in_parallel_processes(seed_dir: Path, tmp_path: Path) -> None:
    args = ("--cv-only", "--seeds", "0,1", "--schedule", "cosine")
    alone = _train(seed_dir, tmp_path, *args, "--record")
    (tmp_path / "p").mkdir()
    parallel = _train(seed_dir, tmp_path / "p", *args, "--record", "--jobs", "2")
    assert parallel.metrics == alone.metrics
    # two seeds x three sessions' folds; each epoch count is a run of its own (cosine)
    (recorded,) = [m for m in alone.metrics if "ExtractedFeatures" in m.dataset][:1]
    folds = recorded.note.split("per fold: ")[1].split(";")[0].split(", ")
    assert len(folds) == 6
