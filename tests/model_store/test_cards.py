"""Every card is consistent with the code that reads it."""

from __future__ import annotations

import hashlib
import inspect
import json
import os

import pytest

from core.cards import load_cards, montage_channels
from signals.recipe import STEPS


@pytest.mark.parametrize("card", load_cards(), ids=lambda card: card.name)
def test_recipe_steps_exist_with_their_parameters(card) -> None:
    for spec in card.inputs:
        for step in spec.recipe:
            assert step.step in STEPS, (card.name, spec.name, step.step)
            parameters = inspect.signature(STEPS[step.step]).parameters
            takes_any = any(p.kind is p.VAR_KEYWORD for p in parameters.values())
            assert takes_any or set(step.params) <= set(parameters), (card.name, step)


@pytest.mark.parametrize("card", load_cards(), ids=lambda card: card.name)
def test_montages_and_labels(card) -> None:
    for spec in card.inputs:
        if spec.montage is not None:
            assert len(montage_channels(spec.montage)) > 0
    assert len(set(card.labels)) == len(card.labels) > 1


@pytest.mark.parametrize("card", load_cards(), ids=lambda card: card.name)
def test_training_command_is_a_valid_train_command(card) -> None:
    import argparse

    from model_store.training.cli import add_arguments

    words = card.training.command.split()
    assert words[:3] == ["affectserve", "train", card.name]
    args = add_arguments(argparse.ArgumentParser()).parse_args(words[2:])
    assert args.model == card.name and args.protocol and args.dataset


def test_weights_are_hashed_once_per_file_version(tmp_path, monkeypatch) -> None:
    from core import cards

    weights = tmp_path / "m.pt"
    weights.write_bytes(b"trained")
    hashed = []

    def counting_sha256(path):
        hashed.append(path)
        return hashlib.sha256(path.read_bytes()).hexdigest()

    card_file = tmp_path / "maet.json"
    card_file.write_text((cards.CARDS_DIR / "maet.json").read_text())
    monkeypatch.setattr(cards, "CARDS_DIR", tmp_path)
    monkeypatch.setattr(cards, "WEIGHTS_DIR", tmp_path)
    monkeypatch.setattr(cards, "file_sha256", counting_sha256)
    cards._digest.cache_clear()
    trained = {"weights": "m.pt", "weights_sha256": hashlib.sha256(b"trained").hexdigest()}
    card_file.write_text(json.dumps({**json.loads(card_file.read_text()), **trained}, indent=2))
    first, again = cards.load_card("maet"), cards.load_card("maet")
    statuses = [card.weights_status for card in (first, again, first, again)]
    assert [*statuses, first.model_dump()["weights_status"]] == ["ready"] * 5
    assert hashed == [weights]
    weights.write_bytes(b"damaged")  # a new version of the file is hashed again
    os.utime(weights, ns=(1, 1))
    assert first.weights_status == "ready"  # as checked when it was loaded
    assert cards.load_card("maet").weights_status == "needs-weights"
    assert hashed == [weights, weights]
    renamed = first.model_copy(update={"weights": "other.pt"})
    assert renamed.weights_status == "needs-weights"
    assert len(hashed) == 2


SEED_SPLIT = "subject-dependent (first 6 trials of each session train, 1 folds over trials)"


@pytest.mark.parametrize("name", ["maet", "strnn", "emotionclip"])
def test_seed_cards_state_the_later_clips_split_beside_chance_and_baselines(name: str) -> None:
    """Shipped figures: clips 1-6 -> 7-9, mean over 3 seeds, beside chance and baselines."""
    import numpy as np

    from core.cards import WEIGHTS_DIR, load_card
    from model_store.training.standardise import stats_file

    card = load_card(name)
    assert card.training.protocol == SEED_SPLIT
    assert "--train-trials 6" in card.training.command
    assert "--seeds 0,1,2" in card.training.command
    figures = {m.name: m for m in card.metrics if m.protocol == SEED_SPLIT}
    assert {m.dataset for m in figures.values()} == {card.training.dataset}
    assert "1 subject(s), 1 session(s), 9 trials" in card.training.dataset
    seeds = figures["accuracy_mean_over_folds"].note.split("per fold: ")[1].split(";")[0]
    assert len(seeds.split(", ")) == 3  # one fold, three seeds
    # clips 7-9 (237 + 216 + 265 windows, stacks of 9 lose 8 per clip): the largest
    # class, positive clip 9, is the chance level
    lost = 0 if card.input("eeg").shape == [310] else 8
    assert figures["chance"].value == pytest.approx((265 - lost) / (718 - 3 * lost), abs=1e-4)
    assert figures["accuracy_mean_over_folds"].value > figures["chance"].value + 0.2
    assert {"baseline_logistic_regression", "baseline_linear_svm"} <= set(figures)
    stats = stats_file(card.input("eeg"))
    if stats is not None:
        with np.load(WEIGHTS_DIR / stats) as saved:
            assert saved["mean"].shape == (1, 62, 5)
