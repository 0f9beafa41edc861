"""RTCAN-1D: residual temporal and channel attention network on EDA (spec section 2).

Three EDA channels (raw, CvxEDA tonic, CvxEDA phasic) of 2500 samples pass a strided
convolution stem, a 1-D non-local (temporal attention) block applied piecewise, channel
attention and a 4-stage one-convolution-per-block residual trunk with channel attention in
every block; the 896-d EDA feature is concatenated with the song's ComParE music vector
(PMEmo) and classified by a three-layer MLP.

Fixed behaviour by default, the released code's behind flags:

* ``nonlocal_pieces``: 3 pieces as in the authors' repository (4 in the 2020 fork).
* ``output_activation``: raw logits by default; ``"softmax"`` reproduces the PMEmo code
  (softmax before cross-entropy), ``"relu"`` the DEAP/AMIGOS code (logits clipped at 0).

The music input is optional: without it the normalised music vector is imputed with its
training mean (zeros after the stored standardisation ``music_mean``/``music_std``).
``music_dim=0`` builds the EDA-only DEAP/AMIGOS variant (channel attention once, after
the non-local block, not inside the residual blocks: ``block_attention=False``).
"""

from __future__ import annotations

import itertools
import math
from typing import Any, Literal

import torch
from torch import nn

from core.cards import ModelCard
from model_store.models.base import CardModel

OutputActivation = Literal["softmax", "relu"] | None


class NonLocal1D(nn.Module):
    """Embedded-Gaussian non-local block with sub-sampled keys, starting as identity.

    Parameters
    ----------
    channels : int
        Input and output channels.
    inter_channels : int
        Channels of the query, key and value embeddings.
    """

    def __init__(self, channels: int, inter_channels: int) -> None:
        super().__init__()
        self.theta = nn.Conv1d(channels, inter_channels, 1)
        self.phi = nn.Sequential(nn.Conv1d(channels, inter_channels, 1), nn.MaxPool1d(2))
        self.g = nn.Sequential(nn.Conv1d(channels, inter_channels, 1), nn.MaxPool1d(2))
        self.out = nn.Sequential(nn.Conv1d(inter_channels, channels, 1), nn.BatchNorm1d(channels))
        nn.init.zeros_(self.out[1].weight)
        nn.init.zeros_(self.out[1].bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Apply the block to ``x`` ``(B, channels, L)``."""
        query = self.theta(x).transpose(1, 2)
        attention = torch.softmax(query @ self.phi(x), dim=-1)
        y = attention @ self.g(x).transpose(1, 2)
        return self.out(y.transpose(1, 2)) + x


class ChannelAttention(nn.Module):
    """Squeeze-excitation channel attention (``CALayer``) over a 1-D feature map."""

    def __init__(self, channels: int, reduction: int) -> None:
        super().__init__()
        self.scale = nn.Sequential(
            nn.AdaptiveAvgPool1d(1),
            nn.Conv1d(channels, channels // reduction, 1),
            nn.ReLU(),
            nn.Conv1d(channels // reduction, channels, 1),
            nn.Sigmoid(),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Rescale the channels of ``x`` ``(B, C, L)``."""
        return x * self.scale(x)


class ResidualBlock(nn.Module):
    """One-convolution residual block, optionally with channel attention on its input."""

    def __init__(self, channels: int, stride: int, reduction: int, attention: bool) -> None:
        super().__init__()
        self.attention = ChannelAttention(channels, reduction) if attention else nn.Identity()
        self.body = nn.Sequential(
            nn.Conv1d(channels, channels, 3, stride, 1, bias=False),
            nn.BatchNorm1d(channels),
            nn.ReLU(),
        )
        self.shortcut = (
            nn.Sequential(
                nn.Conv1d(channels, channels, 1, stride, bias=False), nn.BatchNorm1d(channels)
            )
            if stride > 1
            else nn.Identity()
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Block output ``ReLU(body(CA(x)) + shortcut(x))``."""
        return torch.relu(self.body(self.attention(x)) + self.shortcut(x))


def piecewise(block: nn.Module, x: torch.Tensor, pieces: int) -> torch.Tensor:
    """Apply ``block`` to each of ``pieces`` contiguous time pieces of ``x`` separately."""
    return torch.cat([block(part) for part in x.tensor_split(pieces, dim=-1)], dim=-1)


class RTCAN1D(CardModel):
    """Residual temporal and channel attention network for EDA (+ music) classification.

    Parameters
    ----------
    n_classes : int
        Number of classes (2: low / high).
    eda_channels : int
        EDA channels (raw, tonic, phasic).
    eda_length : int
        Samples per EDA channel.
    music_dim : int
        Length of the music feature vector; 0 builds the EDA-only variant.
    channels : int
        Feature channels of the stem and trunk.
    stages, blocks_per_stage : int
        Residual trunk layout (every stage starts with a stride-2 block).
    reduction : int
        Channel-attention reduction.
    nonlocal_pieces : int
        Number of contiguous pieces the non-local block is applied to.
    block_attention : bool
        Channel attention inside every residual block (PMEmo model).
    pool_size : int
        Average-pool length after the final stride-3 down-sampling.
    hidden : tuple of int
        Widths of the classifier's hidden layers.
    output_activation : {None, 'softmax', 'relu'}
        Activation after the last layer (None: raw logits).
    """

    @classmethod
    def card_kwargs(cls, card: ModelCard) -> dict[str, Any]:
        """Classes from the labels; EDA ``(channels, length)`` and music vector lengths."""
        eda_channels, eda_length = card.input("eda").shape
        (music_dim,) = card.input("music").shape
        return {
            "n_classes": len(card.labels),
            "eda_channels": eda_channels,
            "eda_length": eda_length,
            "music_dim": music_dim,
        }

    def __init__(
        self,
        n_classes: int = 2,
        eda_channels: int = 3,
        eda_length: int = 2500,
        music_dim: int = 6373,
        channels: int = 64,
        stages: int = 4,
        blocks_per_stage: int = 2,
        reduction: int = 8,
        nonlocal_pieces: int = 3,
        block_attention: bool = True,
        pool_size: int = 14,
        hidden: tuple[int, ...] | list[int] = (256, 128),
        output_activation: OutputActivation = None,
    ) -> None:
        super().__init__()
        self.nonlocal_pieces = nonlocal_pieces
        self.output_activation = output_activation
        self.stem = nn.Sequential(
            nn.Conv1d(eda_channels, channels, 7, 2, 3), nn.BatchNorm1d(channels)
        )
        self.non_local = NonLocal1D(channels, channels // 2)
        self.attention = ChannelAttention(channels, reduction)
        blocks = [
            ResidualBlock(channels, 2 if b == 0 else 1, reduction, block_attention)
            for _ in range(stages)
            for b in range(blocks_per_stage)
        ]
        self.trunk = nn.Sequential(*blocks)
        self.downsample = nn.Sequential(
            nn.Conv1d(channels, channels, 1, 3, bias=False), nn.BatchNorm1d(channels)
        )
        self.pool = nn.AvgPool1d(pool_size, stride=1)
        length = (eda_length + 1) // 2
        for _ in range(stages):
            length = (length + 1) // 2
        length = (length + 2) // 3 - pool_size + 1
        self.eda_dim = channels * length
        self.music_dim = music_dim
        self.register_buffer("music_mean", torch.zeros(music_dim))
        self.register_buffer("music_std", torch.ones(music_dim))
        widths = [self.eda_dim + music_dim, *hidden]
        layers: list[nn.Module] = []
        for width_in, width_out in itertools.pairwise(widths):
            layers += [nn.Linear(width_in, width_out), nn.ReLU()]
        self.classifier = nn.Sequential(*layers, nn.Linear(widths[-1], n_classes))
        for module in self.modules():
            if isinstance(module, nn.Conv1d):
                fan_out = module.kernel_size[0] * module.out_channels
                nn.init.normal_(module.weight, 0.0, math.sqrt(2.0 / fan_out))

    def set_music_stats(self, mean: torch.Tensor, std: torch.Tensor) -> None:
        """Store the training set's music-feature mean and standard deviation."""
        self.music_mean.copy_(mean)
        self.music_std.copy_(std.clamp(min=1e-8))

    def eda_features(self, eda: torch.Tensor) -> torch.Tensor:
        """The ``(B, eda_dim)`` EDA feature of ``eda`` ``(B, channels, length)``."""
        x = self.stem(eda)
        x = self.attention(piecewise(self.non_local, x, self.nonlocal_pieces))
        x = self.pool(self.downsample(self.trunk(x)))
        return x.flatten(1)

    def forward(self, eda: torch.Tensor, music: torch.Tensor | None = None) -> torch.Tensor:
        """Class logits ``(B, n_classes)`` from EDA ``(B, 3, 2500)`` and music ``(B, 6373)``.

        Without ``music`` the normalised music vector is 0 (the training mean).
        """
        features = self.eda_features(eda)
        if self.music_dim:
            if music is None:
                normalised = features.new_zeros(features.shape[0], self.music_dim)
            else:
                normalised = (music - self.music_mean) / self.music_std
            features = torch.cat([features, normalised], dim=1)
        logits = self.classifier(features)
        if self.output_activation == "softmax":
            return torch.softmax(logits, dim=-1)
        if self.output_activation == "relu":
            return torch.relu(logits)
        return logits
