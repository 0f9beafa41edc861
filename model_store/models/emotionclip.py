"""EmotionCLIP: EEG-text matching for emotion recognition (spec section 5).

The authors' code is not available; this follows the spec's recommended re-implementation
(section 5.2, all inferred). An SST-LegoViT-style EEG encoder embeds a short sequence of
1-s DE slices: a multi-scale (1x1, 3x3, 5x5) convolution stem over the 9 x 9 electrode grid
with the 5 bands as channels gives one token per slice (mean over the occupied cells),
a Transformer over the slice tokens with a CLS token gives the EEG embedding, and a
projection head maps it into the text space. Class logits are scaled cosine similarities
with the class-prompt embeddings.

The text side is the frozen all-MiniLM-L6-v2 sentence encoder (384-d, see
:mod:`model_store.text_encoder`) instead of the CLIP text encoder, which is not available
offline here. The class-prompt embeddings are a buffer of the model (saved in its state
dict), so serving needs no text encoder; other label sets can be scored zero-shot by
passing their prompt embeddings to :meth:`EmotionCLIP.forward`.
"""

from __future__ import annotations

import math
from typing import Any

import torch
from torch import nn
from torch.nn import functional as F

from core.cards import ModelCard
from model_store.models.base import CardModel
from model_store.models.slices import per_slice
from signals.features.grid import grid_occupied, montage_grid, to_grid

DEFAULT_TEMPLATES = ("an EEG recording of a person feeling {}",)


class SpatialSpectralStem(nn.Module):
    """Multi-scale convolution over the electrode grid, bands as input channels.

    Parameters
    ----------
    in_bands : int
        Bands (input channels).
    branch_channels : int
        Output channels of each of the three kernel sizes.
    embed_dim : int
        Token width.
    occupied : torch.Tensor
        ``(n_rows, n_cols)`` mask of the grid cells that hold an electrode.
    pool : {"mean", "learned"}
        How the grid becomes one token: ``"mean"`` averages the occupied cells (the
        spec's global average); ``"learned"`` weights each cell per token channel, starting
        from that average, so the token can keep where on the head a pattern lies.
    """

    def __init__(
        self,
        in_bands: int,
        branch_channels: int,
        embed_dim: int,
        occupied: torch.Tensor,
        pool: str = "mean",
    ) -> None:
        super().__init__()
        if pool not in ("mean", "learned"):
            raise ValueError(f"pool must be 'mean' or 'learned', got {pool!r}")
        self.branches = nn.ModuleList(
            nn.Conv2d(in_bands, branch_channels, k, padding=k // 2) for k in (1, 3, 5)
        )
        self.norm = nn.BatchNorm2d(3 * branch_channels)
        self.mix = nn.Conv2d(3 * branch_channels, embed_dim, 1)
        self.register_buffer("occupied", occupied, persistent=False)
        mean = (occupied / occupied.sum()).expand(embed_dim, -1, -1).clone()
        if pool == "learned":
            self.cell_weights = nn.Parameter(mean)
        else:
            self.register_buffer("cell_weights", mean, persistent=False)

    def forward(self, grid: torch.Tensor) -> torch.Tensor:
        """Map grids ``(N, bands, rows, cols)`` to tokens ``(N, embed_dim)``."""
        x = torch.cat([branch(grid) for branch in self.branches], dim=1)
        x = self.mix(F.gelu(self.norm(x)))
        return (x * (self.cell_weights * self.occupied)).sum(dim=(2, 3))


class EmotionCLIP(CardModel):
    """EEG encoder matched against class-prompt embeddings.

    Parameters
    ----------
    n_classes : int
        Number of classes (rows of the stored prompt embeddings).
    sample_length : int
        Time slices per sample (T).
    in_bands : int
        DE bands per electrode.
    grid : str
        Electrode grid in the reference tables; its montage fixes the channel order.
    branch_channels : int
        Channels of each stem convolution branch.
    embed_dim : int
        Width of the slice tokens and of the Transformer.
    depth : int
        Transformer layers.
    num_heads : int
        Attention heads.
    mlp_dim : int
        Transformer feed-forward width.
    dropout : float
        Dropout in the Transformer.
    pool : {"mean", "learned"}
        How the stem pools the grid into a slice token (`SpatialSpectralStem`).
    text_dim : int
        Width of the text embeddings (384 for all-MiniLM-L6-v2).
    init_temperature : float
        Initial softmax temperature; logits are ``cos / temperature``.
    max_logit_scale : float
        Upper clamp of ``1 / temperature``.
    prompt_templates : list of str
        Prompt templates with a ``{}`` slot for the class name (used by :meth:`prompts`).
    """

    @classmethod
    def card_kwargs(cls, card: ModelCard) -> dict[str, Any]:
        """What the card states: classes, slices, bands and the electrode grid.

        ``n_classes`` from the labels, slices and bands from the ``eeg`` shape
        ``(T, 62, 5)``, the grid from the ``eeg`` montage (`montage_grid`).
        """
        eeg = card.input("eeg")
        sample_length, _, in_bands = eeg.shape
        return {
            "n_classes": len(card.labels),
            "grid": montage_grid(eeg.montage or ""),
            "sample_length": sample_length,
            "in_bands": in_bands,
        }

    def __init__(
        self,
        n_classes: int = 3,
        sample_length: int = 9,
        in_bands: int = 5,
        grid: str = "seed62_9x9",
        branch_channels: int = 32,
        embed_dim: int = 128,
        depth: int = 2,
        num_heads: int = 4,
        mlp_dim: int = 256,
        dropout: float = 0.1,
        pool: str = "mean",
        text_dim: int = 384,
        init_temperature: float = 0.07,
        max_logit_scale: float = 100.0,
        prompt_templates: list[str] | tuple[str, ...] = DEFAULT_TEMPLATES,
    ) -> None:
        super().__init__()
        self.grid = grid
        self.prompt_templates = list(prompt_templates)
        self.max_logit_scale = max_logit_scale
        occupied = torch.from_numpy(grid_occupied(grid)).float()
        self.stem = SpatialSpectralStem(in_bands, branch_channels, embed_dim, occupied, pool)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, embed_dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, sample_length + 1, embed_dim))
        layer = nn.TransformerEncoderLayer(
            embed_dim,
            num_heads,
            mlp_dim,
            dropout,
            activation="gelu",
            batch_first=True,
            norm_first=True,
        )
        self.transformer = nn.TransformerEncoder(layer, depth, enable_nested_tensor=False)
        self.head_norm = nn.LayerNorm(embed_dim)
        self.projection = nn.Linear(embed_dim, text_dim)
        self.log_logit_scale = nn.Parameter(torch.tensor(math.log(1.0 / init_temperature)))
        class_embeddings = F.normalize(torch.randn(n_classes, text_dim), dim=1)
        self.register_buffer("class_embeddings", class_embeddings)
        nn.init.trunc_normal_(self.cls_token, std=0.02)
        nn.init.trunc_normal_(self.pos_embed, std=0.02)

    def prompts(self, labels: list[str]) -> list[str]:
        """Prompts of ``labels`` (every template per label, label-major)."""
        return [template.format(label) for label in labels for template in self.prompt_templates]

    def set_class_embeddings(self, embeddings: torch.Tensor) -> None:
        """Store the class-prompt embeddings ``(n_classes, text_dim)`` (normalised here)."""
        if embeddings.shape != self.class_embeddings.shape:
            raise ValueError(
                f"expected class embeddings of shape {tuple(self.class_embeddings.shape)}, "
                f"got {tuple(embeddings.shape)}"
            )
        self.class_embeddings.copy_(F.normalize(embeddings.detach().float(), dim=1))

    def logit_scale(self) -> torch.Tensor:
        """``1 / temperature``, clamped to ``max_logit_scale``."""
        return self.log_logit_scale.exp().clamp(max=self.max_logit_scale)

    def slice_tokens(self, slices: torch.Tensor) -> torch.Tensor:
        """Tokens ``(N, embed_dim)`` of DE slices ``(N, 62, bands)``."""
        return self.stem(to_grid(slices, self.grid))  # grid (N, bands, rows, cols)

    def encode_eeg(self, eeg: torch.Tensor) -> torch.Tensor:
        """Unit-length EEG embeddings ``(B, text_dim)`` from DE slices ``(B, T, 62, bands)``.

        In eval mode the stem runs once per slice of overlapping stacks
        (:func:`~model_store.models.slices.per_slice`).
        """
        batch, n_slices = eeg.shape[:2]
        tokens = per_slice(self.slice_tokens, eeg, share=not self.training)
        tokens = torch.cat([self.cls_token.expand(batch, -1, -1), tokens], dim=1)
        tokens = self.transformer(tokens + self.pos_embed[:, : n_slices + 1])
        return F.normalize(self.projection(self.head_norm(tokens[:, 0])), dim=1)

    def forward(
        self, eeg: torch.Tensor, text_embeddings: torch.Tensor | None = None
    ) -> torch.Tensor:
        """Class logits ``scale * cos(EEG, prompt)``.

        Parameters
        ----------
        eeg : torch.Tensor
            DE slices ``(B, T, 62, bands)`` in the grid montage's channel order.
        text_embeddings : torch.Tensor | None
            Prompt embeddings ``(C, text_dim)`` of another label set (zero-shot), e.g. from
            :func:`model_store.text_encoder.prompt_embeddings`; None uses the stored ones.

        Returns
        -------
        torch.Tensor
            ``(B, C)`` logits.
        """
        return self.forward_train(eeg, text_embeddings)["logits"]

    def forward_train(
        self, eeg: torch.Tensor, text_embeddings: torch.Tensor | None = None
    ) -> dict[str, torch.Tensor]:
        """Logits plus what :func:`model_store.losses.clip_loss` needs.

        Returns
        -------
        dict
            ``logits``, ``eeg_embeddings``, ``class_embeddings`` (normalised) and
            ``logit_scale``.
        """
        texts = self.class_embeddings if text_embeddings is None else text_embeddings
        texts = F.normalize(texts.to(eeg.dtype), dim=1)
        embeddings = self.encode_eeg(eeg)
        scale = self.logit_scale()
        return {
            "logits": scale * embeddings @ texts.t(),
            "eeg_embeddings": embeddings,
            "class_embeddings": texts,
            "logit_scale": scale,
        }
