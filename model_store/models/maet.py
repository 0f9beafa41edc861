"""MAET: Multimodal Adaptive Emotion Transformer (spec section 3).

Each modality vector (EEG differential entropy, eye-movement features) becomes five gated
"views" of itself; a CLS token, a modality type embedding and learned positions are added,
and three pre-norm Transformer blocks with shared attention and modality-routed
feed-forward experts (a third, shared expert from ``mixffn_start_layer_index`` on in the
multimodal case) process the tokens. Unimodal input is classified from the mean of the
view tokens, multimodal input from an adaptively weighted sum of the two CLS tokens.

An optional domain head (gradient reversal on token 0) serves domain-adversarial
cross-subject training through :meth:`MAET.forward_train`.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn
from torch.nn import functional as F

from core.cards import ModelCard
from model_store.losses import grad_reverse
from model_store.models.base import CardModel

MODALITIES = ("eeg", "eye")


def _init_weights(module: nn.Module) -> None:
    """Truncated-normal (std 0.02) Linear weights, zero biases, unit LayerNorms."""
    if isinstance(module, nn.Linear):
        nn.init.trunc_normal_(module.weight, std=0.02)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, nn.LayerNorm):
        nn.init.ones_(module.weight)
        nn.init.zeros_(module.bias)


class MultiViewEmbedding(nn.Module):
    """Gated multi-view embedding of one feature vector into ``seq_len`` tokens.

    Parameters
    ----------
    in_dim : int
        Length of the feature vector.
    embed_dim : int
        Token width.
    seq_len : int
        Number of views (tokens).
    """

    def __init__(self, in_dim: int, embed_dim: int, seq_len: int) -> None:
        super().__init__()
        self.seq_len = seq_len
        self.value = nn.Linear(in_dim, embed_dim)
        self.gate = nn.Linear(in_dim, embed_dim * seq_len)
        self.norm = nn.BatchNorm1d(embed_dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Map ``(B, in_dim)`` to ``(B, seq_len, embed_dim)`` tokens."""
        value = self.value(x).unsqueeze(1)
        gate = torch.sigmoid(self.gate(x)).view(x.shape[0], self.seq_len, -1)
        tokens = value * gate
        return self.norm(tokens.transpose(1, 2)).transpose(1, 2)


class Attention(nn.Module):
    """Multi-head self-attention with learned query and value biases and no key bias."""

    def __init__(self, dim: int, num_heads: int) -> None:
        super().__init__()
        self.num_heads = num_heads
        self.qkv = nn.Linear(dim, 3 * dim, bias=False)
        self.q_bias = nn.Parameter(torch.zeros(dim))
        self.v_bias = nn.Parameter(torch.zeros(dim))
        self.proj = nn.Linear(dim, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Attend over the tokens of ``x`` (B, N, dim)."""
        batch, n_tokens, dim = x.shape
        bias = torch.cat([self.q_bias, torch.zeros_like(self.q_bias), self.v_bias])
        qkv = F.linear(x, self.qkv.weight, bias)
        qkv = qkv.view(batch, n_tokens, 3, self.num_heads, dim // self.num_heads)
        q, k, v = qkv.permute(2, 0, 3, 1, 4)
        out = F.scaled_dot_product_attention(q, k, v)
        return self.proj(out.transpose(1, 2).reshape(batch, n_tokens, dim))


class FeedForward(nn.Module):
    """One feed-forward expert: LayerNorm, Linear, GELU, Linear."""

    def __init__(self, dim: int, hidden: int) -> None:
        super().__init__()
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Apply the expert to every token of ``x``."""
        return self.fc2(F.gelu(self.fc1(self.norm(x))))


class Block(nn.Module):
    """Pre-norm Transformer block with modality experts (a mixture of modality experts).

    Parameters
    ----------
    dim : int
        Token width.
    num_heads : int
        Attention heads.
    hidden : int
        Hidden width of every feed-forward expert.
    with_mix : bool
        Create the shared expert that multimodal input uses in this block.
    layer_scale_init : float
        Initial value of the layer-scale vectors.
    """

    def __init__(
        self, dim: int, num_heads: int, hidden: int, with_mix: bool, layer_scale_init: float
    ) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = Attention(dim, num_heads)
        self.gamma_1 = nn.Parameter(torch.full((dim,), layer_scale_init))
        self.gamma_2 = nn.Parameter(torch.full((dim,), layer_scale_init))
        self.experts = nn.ModuleDict({m: FeedForward(dim, hidden) for m in MODALITIES})
        self.mix = FeedForward(dim, hidden) if with_mix else None

    def forward(self, x: torch.Tensor, modalities: tuple[str, ...]) -> torch.Tensor:
        """Run the block on the concatenated tokens of ``modalities`` (equal counts each)."""
        x = x + self.gamma_1 * self.attn(self.norm1(x))
        if self.mix is not None and len(modalities) > 1:
            ffn = self.mix(x)
        else:
            parts = x.chunk(len(modalities), dim=1)
            ffn = torch.cat(
                [self.experts[m](p) for m, p in zip(modalities, parts, strict=True)], dim=1
            )
        return x + self.gamma_2 * ffn


class MAET(CardModel):
    """Multimodal Adaptive Emotion Transformer.

    Parameters
    ----------
    eeg_dim : int
        Length of the EEG feature vector (62 channels x 5 bands = 310).
    eye_dim : int
        Length of the eye-movement feature vector (33).
    n_classes : int
        Number of emotion classes.
    embed_dim : int
        Token width.
    depth : int
        Number of Transformer blocks.
    num_heads : int
        Attention heads.
    mlp_ratio : int
        Feed-forward hidden width as a multiple of ``embed_dim``.
    seq_len : int
        Number of gated views per modality.
    mixffn_start_layer_index : int
        First block in which multimodal input uses the shared feed-forward expert.
    layer_scale_init : float
        Initial layer-scale value.
    num_domains : int
        Number of domains (training subjects) of the domain-adversarial head; 0 builds
        no domain head.
    """

    @classmethod
    def card_kwargs(cls, card: ModelCard) -> dict[str, Any]:
        """Classes from the labels; feature lengths from the ``eeg`` and ``eye`` shapes."""
        (eeg_dim,) = card.input("eeg").shape
        (eye_dim,) = card.input("eye").shape
        return {"n_classes": len(card.labels), "eeg_dim": eeg_dim, "eye_dim": eye_dim}

    def __init__(
        self,
        eeg_dim: int = 310,
        eye_dim: int = 33,
        n_classes: int = 3,
        embed_dim: int = 32,
        depth: int = 3,
        num_heads: int = 4,
        mlp_ratio: int = 4,
        seq_len: int = 5,
        mixffn_start_layer_index: int = 2,
        layer_scale_init: float = 0.1,
        num_domains: int = 0,
    ) -> None:
        super().__init__()
        dims = {"eeg": eeg_dim, "eye": eye_dim}
        self.embed = nn.ModuleDict(
            {m: MultiViewEmbedding(dims[m], embed_dim, seq_len) for m in MODALITIES}
        )
        self.cls_token = nn.ParameterDict(
            {m: nn.Parameter(torch.zeros(1, 1, embed_dim)) for m in MODALITIES}
        )
        self.pos_embed = nn.ParameterDict(
            {m: nn.Parameter(torch.zeros(1, seq_len + 1, embed_dim)) for m in MODALITIES}
        )
        self.type_embed = nn.ParameterDict(
            {m: nn.Parameter(torch.zeros(1, 1, embed_dim)) for m in MODALITIES}
        )
        hidden = embed_dim * mlp_ratio
        self.blocks = nn.ModuleList(
            Block(embed_dim, num_heads, hidden, i >= mixffn_start_layer_index, layer_scale_init)
            for i in range(depth)
        )
        self.norm = nn.LayerNorm(embed_dim, eps=1e-6)
        self.unimodal_heads = nn.ModuleDict(
            {m: nn.Linear(embed_dim, n_classes) for m in MODALITIES}
        )
        self.fusion_score = nn.Parameter(torch.randn(embed_dim, 1))
        self.head = nn.Linear(embed_dim, n_classes)
        self.domain_head = (
            nn.Sequential(
                nn.Linear(embed_dim, embed_dim), nn.GELU(), nn.Linear(embed_dim, num_domains)
            )
            if num_domains > 0
            else None
        )
        self.apply(_init_weights)
        for table in (self.cls_token, self.pos_embed, self.type_embed):
            for param in table.values():
                nn.init.trunc_normal_(param, std=0.02)

    def _tokens(self, modality: str, x: torch.Tensor) -> torch.Tensor:
        """CLS + view tokens of one modality with type and position embeddings."""
        tokens = self.embed[modality](x)
        cls = self.cls_token[modality].expand(x.shape[0], -1, -1)
        tokens = torch.cat([cls, tokens], dim=1)
        return tokens + self.type_embed[modality] + self.pos_embed[modality]

    def _encode(
        self, eeg: torch.Tensor | None, eye: torch.Tensor | None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Class logits and token 0 after the final norm."""
        given = {"eeg": eeg, "eye": eye}
        modalities = tuple(m for m in MODALITIES if given[m] is not None)
        if not modalities:
            raise ValueError("MAET needs at least one of 'eeg' and 'eye'")
        x = torch.cat([self._tokens(m, given[m]) for m in modalities], dim=1)
        for block in self.blocks:
            x = block(x, modalities)
        x = self.norm(x)
        if len(modalities) == 1:
            logits = self.unimodal_heads[modalities[0]](x[:, 1:].mean(dim=1))
        else:
            cls = torch.stack([x[:, 0], x[:, x.shape[1] // 2]], dim=1)
            weights = torch.softmax(cls @ self.fusion_score, dim=1)
            logits = self.head((weights * cls).sum(dim=1))
        return logits, x[:, 0]

    def forward(
        self, eeg: torch.Tensor | None = None, eye: torch.Tensor | None = None
    ) -> torch.Tensor:
        """Class logits ``(B, n_classes)`` from EEG (B, eeg_dim) and/or eye (B, eye_dim)."""
        return self._encode(eeg, eye)[0]

    def forward_train(
        self,
        eeg: torch.Tensor | None = None,
        eye: torch.Tensor | None = None,
        grl_alpha: float = 1.0,
    ) -> dict[str, torch.Tensor]:
        """Class logits and, with a domain head, domain logits behind gradient reversal.

        Parameters
        ----------
        eeg, eye : torch.Tensor | None
            Inputs as in :meth:`forward`.
        grl_alpha : float
            Gradient-reversal coefficient (see :func:`model_store.losses.dann_alpha`).

        Returns
        -------
        dict
            ``logits`` and, when ``num_domains > 0``, ``domain_logits`` ``(B, num_domains)``.
        """
        logits, first = self._encode(eeg, eye)
        out = {"logits": logits}
        if self.domain_head is not None:
            out["domain_logits"] = self.domain_head(grad_reverse(first, grl_alpha))
        return out
