"""The quality bench reads its training settings from the card's command."""

from __future__ import annotations

from bench.quality import card_config, card_loss_options
from core.cards import load_card


def _with_command(command: str):
    card = load_card("emotionclip")
    training = card.training.model_copy(update={"command": command})
    return card.model_copy(update={"training": training})


def test_loss_settings_are_the_first_value_of_each_loss_param() -> None:
    card = _with_command(
        "affectserve train emotionclip --dataset seed --data-dir PATH --protocol "
        "subject-dependent --epochs 30 --loss-param label_smoothing=0.1,0.2 "
        "--loss-param other=3"
    )
    assert card_loss_options(card) == {"label_smoothing": 0.1, "other": 3.0}
    assert card_config(card).epochs == 30


def test_a_command_without_loss_params_gives_none() -> None:
    card = _with_command(
        "affectserve train emotionclip --dataset seed --data-dir PATH --protocol subject-dependent"
    )
    assert card_loss_options(card) == {}
