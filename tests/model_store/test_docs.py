"""The models page is generated from the cards and committed up to date."""

from __future__ import annotations

from core.cards import load_card, montage_channels
from model_store.docs import DOCS_PATH, render_card, render_models_markdown


def test_committed_page_is_current() -> None:
    assert DOCS_PATH.read_text() == render_models_markdown(), "run: affectserve docs"


def test_card_section_states_inputs_and_training() -> None:
    card = load_card("maet")
    text = render_card(card)
    assert f"seed62 ({len(montage_channels('seed62'))} channels)" in text
    assert "| `eeg` (required) | eeg |" in text
    assert card.training.command in text
    assert f"Weights: **{card.weights_status}**" in text


def test_card_section_states_accuracy_per_montage() -> None:
    card = load_card("maet")
    text = render_card(card)
    for m in card.montages:
        row = (
            f"| {m.montage} | {len(montage_channels(m.montage))} | {m.accuracy:.3f} "
            f"| {m.baseline_accuracy:.3f} | {m.chance:.3f} |"
        )
        assert row in text
    assert "| emotiv_epoc14 | 14 |" in text
