"""Reliability of a model's predictions: badges and notes from the card's figures."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.cards import Metric, ModelCard, MontageFigure, Training, load_card
from core.reliability import badge, headline, n_subjects, reliability

ONE_PERSON = "seed: 1 subject(s), 1 session(s), 9 trials"
FIFTEEN = "seed: 15 subject(s), 3 session(s), 675 trials"


def _trained(card: ModelCard, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> ModelCard:
    """``card`` with weights that match their checksum (a file of our own)."""
    from core import cards

    weights = tmp_path / "w.pt"
    weights.write_bytes(b"weights")
    monkeypatch.setattr(cards, "WEIGHTS_DIR", tmp_path)
    return card.model_copy(
        update={"weights": "w.pt", "weights_sha256": cards.file_sha256(weights)}
    )


@pytest.fixture
def maet(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> ModelCard:
    card = load_card("maet").model_copy(
        update={
            "training": Training(dataset=FIFTEEN, protocol="leave-one-subject-out", command="x"),
            "metrics": [],
            "montages": [
                MontageFigure(
                    montage="seed62",
                    accuracy=0.70,
                    baseline_accuracy=0.55,
                    chance=0.34,
                    dataset=FIFTEEN,
                    protocol="leave-one-subject-out",
                ),
                MontageFigure(
                    montage="emotiv_epoc14",
                    accuracy=0.41,
                    baseline_accuracy=0.43,
                    chance=0.33,
                    dataset=ONE_PERSON,
                    protocol="trial-kfold (k=3)",
                ),
                MontageFigure(montage="openbci_cyton8", chance=0.33),
            ],
        }
    )
    return _trained(card, monkeypatch, tmp_path)


@pytest.mark.parametrize(
    ("accuracy", "chance", "baseline", "word"),
    [
        (0.36, 0.33, None, "at-chance"),
        (0.41, 0.33, None, "weak"),
        (0.55, 0.33, None, "moderate"),
        (0.55, 0.33, 0.60, "weak"),
        (0.80, 0.33, None, "strong"),
        (0.54, 0.50, None, "at-chance"),
        (0.58, 0.50, None, "weak"),
        (0.70, 0.50, None, "moderate"),
    ],
)
def test_badge_measures_the_way_from_chance_to_perfect(
    accuracy: float, chance: float, baseline: float | None, word: str
) -> None:
    assert badge(accuracy, chance, baseline) == word


def test_the_montage_that_ran_gives_the_figures(maet: ModelCard) -> None:
    full = reliability(maet, "seed62")
    assert (full.badge, full.accuracy, full.baseline_accuracy, full.chance) == (
        "moderate",
        0.70,
        0.55,
        0.34,
    )
    assert full.note == ""
    assert headline(full) == "moderate: 70 % on held-out people, chance 34 %, linear baseline 55 %"
    assert reliability(maet) == full

    small = reliability(maet, "emotiv_epoc14")
    assert small.badge == "weak"
    assert headline(small) == "weak: 41 % on held-out trials, chance 33 %, linear baseline 43 %"
    assert small.note == (
        "A z-scored logistic regression on the same split does as well (43 %). Trained on one "
        "person's recordings; expect near-chance results on other people unless calibrated."
    )


def test_a_montage_without_figures_is_unmeasured(maet: ModelCard) -> None:
    for montage in ("openbci_cyton8", "clinical1020_19"):
        rel = reliability(maet, montage)
        assert rel.badge == "unmeasured" and rel.accuracy is None
        assert f"accuracy with the {montage} montage was never measured" in rel.note
        assert headline(rel) == "unmeasured: accuracy never measured"


def test_untrained_weights_say_so_whatever_the_figures(maet: ModelCard) -> None:
    rel = reliability(maet.model_copy(update={"weights": None}), "seed62")
    assert rel.badge == "untrained" and rel.accuracy is None
    assert rel.note.startswith("No trained weights") and "Train it with: x" in rel.note


def test_card_metrics_stand_in_for_the_input_montage(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    metrics = [
        Metric(name="accuracy_pooled", value=0.9, dataset=ONE_PERSON, protocol="other"),
        Metric(name="accuracy_mean_over_folds", value=0.37, dataset=ONE_PERSON, protocol="loco"),
        Metric(name="accuracy_pooled", value=0.39, dataset=ONE_PERSON, protocol="loco"),
    ]
    card = load_card("strnn").model_copy(
        update={
            "training": Training(dataset=ONE_PERSON, protocol="loco", command="x"),
            "metrics": metrics,
            "montages": [],
        }
    )
    rel = reliability(_trained(card, monkeypatch, tmp_path))
    assert (rel.badge, rel.accuracy, rel.chance, rel.protocol) == (
        "at-chance",
        0.39,
        1 / 3,
        "loco",
    )
    assert rel.note.startswith("Its measured accuracy is at chance level")
    assert "No linear baseline was measured on the same split" in rel.note
    assert "one person's recordings" in rel.note


def test_shipped_cards_are_never_unqualified() -> None:
    from core.cards import load_cards

    for card in load_cards():
        rel = reliability(card)
        if card.weights_status != "ready":
            assert rel.badge == "untrained"
        else:
            assert rel.accuracy is not None and rel.chance is not None and rel.note


def test_subjects_are_read_from_the_dataset_text() -> None:
    assert n_subjects(ONE_PERSON) == 1 and n_subjects(FIFTEEN) == 15 and n_subjects("DEAP") is None


@pytest.mark.parametrize("name", ["maet", "strnn", "emotionclip"])
def test_every_shipped_montage_figure_says_it_comes_from_one_person(name: str) -> None:
    """The per-montage figures of the SEED-trained cards name one subject, so the note
    with every prediction warns about other people, whatever montage ran."""
    card = load_card(name)
    assert card.montages
    for measured in card.montages:
        note = reliability(card, measured.montage).note
        assert "trained on one person's recordings" in note.lower(), (measured.montage, note)
