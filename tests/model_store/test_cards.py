"""Every card is consistent with the code that reads it."""

from __future__ import annotations

import inspect

import pytest

from core.cards import load_cards, montage_channels
from signals.recipe import STEPS

# Face video and music audio are decoded by their own readers (signals.features.face,
# signals.features.music), not by recipe steps on a signal stream.
MEDIA_MODALITIES = ("face", "music")


@pytest.mark.parametrize("card", load_cards(), ids=lambda card: card.name)
def test_recipe_steps_exist_with_their_parameters(card) -> None:
    for spec in card.inputs:
        if spec.modality in MEDIA_MODALITIES:
            continue
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
