"""AIMSTF-SSFF: adaptive multi-level spatial-temporal EEG features with specific-shared
feature fusion of EEG and face video (spec section 1).

EEG branch: multi-scale temporal convolutions (0.5, 0.25, 0.125 s kernels) over the 32
channels, then six levels of temporal-spatial attention (TSAM) whose outputs are gated
(GRU-like) with a similarity-weighted sum of all earlier levels. Face branch: the
DeepVANet per-frame CNN and a ConvLSTM over the 5 frames of a 1-s segment. Fusion:
private and shared encoders per modality, adaptive weights of the private EEG, private
face and shared features, and a linear classifier (the fusion head has no nonlinearity).

Fixed behaviour by default, the released code's behind flags:

* ``attention_over_batch``: the TSAM self-attention receives ``(B, 32, 136)`` as
  ``(sequence, batch, dim)``, so it attends across the samples of the mini-batch (default:
  the 32 EEG channels are the tokens).
* ``shared_score_head``: one ``Linear(32, 1)`` scores all three fused features from the
  same vector, so the adaptive weights are always 1/3 (default: ``Linear(32, 3)``).

The released code's unused per-level query-attention module (3,168 dead parameters per
level) is not built. The scalar CMD of the released loss is a flag of
:func:`model_store.losses.aimstf_loss`.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn
from torch.nn import functional as F

from core.cards import ModelCard
from model_store.models.base import CardModel


class MultiScaleTemporal(nn.Module):
    """Three parallel temporal convolutions concatenated along time, then BatchNorm.

    Parameters
    ----------
    channels : int
        EEG channels (input and output channels of each convolution).
    sfreq : int
        Sampling rate, Hz; kernels are 0.5, 0.25 and 0.125 s long.
    """

    def __init__(self, channels: int, sfreq: int) -> None:
        super().__init__()
        self.branches = nn.ModuleList(
            nn.Sequential(
                nn.Conv1d(channels, channels, int(fraction * sfreq)),
                nn.LeakyReLU(),
                nn.AvgPool1d(2, 2),
            )
            for fraction in (0.5, 0.25, 0.125)
        )
        self.norm = nn.BatchNorm1d(channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Map ``(B, C, n_times)`` to ``(B, C, sum of branch lengths)``."""
        return self.norm(torch.cat([branch(x) for branch in self.branches], dim=-1))


def conv_bn_act(in_ch: int, out_ch: int) -> nn.Sequential:
    """Conv1d (kernel 3, same length) → BatchNorm → LeakyReLU."""
    return nn.Sequential(
        nn.Conv1d(in_ch, out_ch, 3, padding=1), nn.BatchNorm1d(out_ch), nn.LeakyReLU()
    )


class TSAM(nn.Module):
    """Temporal-spatial attention module: self-attention path + spatial conv/SE path.

    Parameters
    ----------
    channels : int
        EEG channels.
    length : int
        Time length (the attention's embedding size).
    num_heads : int
        Attention heads.
    dropout : float
        Attention dropout.
    se_channels : int
        Bottleneck of the squeeze-excitation over channels.
    attention_over_batch : bool
        Reproduce the released code's attention across the mini-batch.
    """

    def __init__(
        self,
        channels: int,
        length: int,
        num_heads: int,
        dropout: float,
        se_channels: int,
        attention_over_batch: bool,
    ) -> None:
        super().__init__()
        self.attention_over_batch = attention_over_batch
        self.temporal_conv = conv_bn_act(channels, channels)
        self.attention = nn.MultiheadAttention(length, num_heads, dropout, batch_first=True)
        self.spatial_conv = conv_bn_act(length, length)
        self.excitation = nn.Sequential(
            nn.AdaptiveAvgPool1d(1),
            nn.Conv1d(channels, se_channels, 1),
            nn.ReLU(),
            nn.Conv1d(se_channels, channels, 1),
            nn.Sigmoid(),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Map ``(B, C, L)`` to ``(B, C, L)``."""
        tokens = self.temporal_conv(x)
        if self.attention_over_batch:
            tokens = tokens.transpose(0, 1)
        temporal = self.attention(tokens, tokens, tokens, need_weights=False)[0]
        if self.attention_over_batch:
            temporal = temporal.transpose(0, 1)
        spatial = self.spatial_conv(x.transpose(1, 2)).transpose(1, 2)
        return temporal + spatial * self.excitation(spatial)


class Gate(nn.Module):
    """GRU-like convolutional gate between a level's output and its weighted history."""

    def __init__(self, channels: int, hidden: int) -> None:
        super().__init__()
        self.update = nn.Conv1d(2 * channels, hidden, 3, padding=1)
        self.history = conv_bn_act(channels, hidden)
        self.candidate = nn.Conv1d(channels, hidden, 3, padding=1)
        self.out = conv_bn_act(hidden, channels)

    def forward(self, x: torch.Tensor, history: torch.Tensor) -> torch.Tensor:
        """Gated update ``(B, C, L)`` of level output ``x`` with ``history``."""
        z = torch.sigmoid(self.update(torch.cat([x, history], dim=1)))
        gated = z * self.history(history) + (1 - z) * torch.tanh(self.candidate(x))
        return self.out(gated)


def similarity_weights(current: torch.Tensor, earlier: list[torch.Tensor]) -> torch.Tensor:
    """Weights ``(B, n_earlier)`` of earlier levels: 1 - cos (one level) or 1 - softmax(cos).

    Levels less similar to the current one get more weight.
    """
    flat = current.flatten(1)
    cos = torch.stack([F.cosine_similarity(flat, f.flatten(1), dim=1) for f in earlier], dim=1)
    return 1 - (cos if len(earlier) == 1 else torch.softmax(cos, dim=1))


class EEGBranch(nn.Module):
    """Dual spatial-temporal EEG encoder (multi-scale convolution + gated TSAM levels)."""

    def __init__(
        self,
        channels: int,
        n_times: int,
        sfreq: int,
        num_layers: int,
        num_heads: int,
        dropout: float,
        se_channels: int,
        gate_hidden: int,
        out_dim: int,
        attention_over_batch: bool,
    ) -> None:
        super().__init__()
        self.multiscale = MultiScaleTemporal(channels, sfreq)
        length = sum((n_times - int(f * sfreq) + 1) // 2 for f in (0.5, 0.25, 0.125))
        self.levels = nn.ModuleList(
            TSAM(channels, length, num_heads, dropout, se_channels, attention_over_batch)
            for _ in range(num_layers)
        )
        self.gates = nn.ModuleList(Gate(channels, gate_hidden) for _ in range(num_layers))
        self.fc = nn.Linear(channels * length, out_dim)

    def forward(self, eeg: torch.Tensor) -> torch.Tensor:
        """Map EEG ``(B, C, n_times)`` to a feature ``(B, out_dim)``."""
        features = [self.multiscale(eeg)]
        for level, gate in zip(self.levels, self.gates, strict=True):
            x = level(features[-1])
            weights = similarity_weights(x, features)
            history = sum(w[:, None, None] * f for w, f in zip(weights.T, features, strict=True))
            features.append(gate(x, history) + x)
        return self.fc(features[-1].flatten(1))


class ConvLSTMCell(nn.Module):
    """Convolutional LSTM cell: gates i, f, o, g from one convolution over ``[x; h]``."""

    def __init__(self, in_channels: int, hidden: int, kernel: int) -> None:
        super().__init__()
        self.hidden = hidden
        self.conv = nn.Conv2d(in_channels + hidden, 4 * hidden, kernel, padding=kernel // 2)

    def forward(
        self, x: torch.Tensor, state: tuple[torch.Tensor, torch.Tensor]
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """One step: new ``(h, c)`` from input ``x`` and state ``(h, c)``."""
        h, c = state
        i, f, o, g = self.conv(torch.cat([x, h], dim=1)).chunk(4, dim=1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        return torch.sigmoid(o) * torch.tanh(c), c


class FaceBranch(nn.Module):
    """DeepVANet face encoder: per-frame CNN, ConvLSTM over frames, linear projection."""

    def __init__(self, image_size: int, out_dim: int) -> None:
        super().__init__()
        self.cnn = nn.Sequential(
            nn.Conv2d(3, 32, 3),
            nn.ReLU(),
            nn.MaxPool2d(3, 2),
            nn.Conv2d(32, 64, 3),
            nn.ReLU(),
            nn.MaxPool2d(3, 2),
            nn.Conv2d(64, 128, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(3, 2),
        )
        side = image_size
        for shrink in (2, 2, 0):
            side = (side - shrink - 3) // 2 + 1
        self.side = side
        self.lstm = ConvLSTMCell(128, 128, 3)
        self.fc = nn.Linear(128 * side * side, out_dim)

    def forward(self, face: torch.Tensor) -> torch.Tensor:
        """Map frames ``(B, T, 3, H, W)`` in [0, 1] to a feature ``(B, out_dim)``."""
        batch, n_frames = face.shape[:2]
        maps = self.cnn(face.flatten(0, 1)).view(batch, n_frames, 128, self.side, self.side)
        h = c = maps.new_zeros(batch, 128, self.side, self.side)
        for t in range(n_frames):
            h, c = self.lstm(maps[:, t], (h, c))
        return self.fc(h.flatten(1))


def two_linear(in_dim: int, mid: int, out_dim: int) -> nn.Sequential:
    """Linear → Linear with no nonlinearity in between (as in the released fusion)."""
    return nn.Sequential(nn.Linear(in_dim, mid), nn.Linear(mid, out_dim))


class AIMSTFSSFF(CardModel):
    """EEG + face emotion classifier with specific-shared feature fusion.

    Parameters
    ----------
    n_classes : int
        Number of classes (1 builds a single logit for binary BCE training).
    eeg_channels : int
        EEG channels.
    eeg_times : int
        Samples per EEG window.
    sfreq : int
        EEG sampling rate, Hz.
    image_size : int
        Side of the square face frames.
    num_layers : int
        TSAM levels.
    num_heads : int
        TSAM attention heads.
    attention_dropout : float
        TSAM attention dropout.
    se_channels : int
        Squeeze-excitation bottleneck.
    gate_hidden : int
        Hidden channels of the level gates.
    feature_dim : int
        EEG and face feature size.
    fusion_dropout : float
        Dropout in the fusion head.
    attention_over_batch : bool
        Reproduce the released code's attention across the mini-batch.
    shared_score_head : bool
        Reproduce the released code's single score head (weights always 1/3).
    """

    @classmethod
    def card_kwargs(cls, card: ModelCard) -> dict[str, Any]:
        """Classes from the labels; EEG ``(channels, times)`` and rate, face frame side."""
        eeg = card.input("eeg")
        eeg_channels, eeg_times = eeg.shape
        *_, height, width = card.input("face").shape
        if height != width or eeg.sfreq is None:
            raise ValueError(f"{card.name}: face frames must be square and the EEG rate stated")
        return {
            "n_classes": len(card.labels),
            "eeg_channels": eeg_channels,
            "eeg_times": eeg_times,
            "sfreq": int(eeg.sfreq),
            "image_size": width,
        }

    def __init__(
        self,
        n_classes: int = 4,
        eeg_channels: int = 32,
        eeg_times: int = 128,
        sfreq: int = 128,
        image_size: int = 64,
        num_layers: int = 6,
        num_heads: int = 4,
        attention_dropout: float = 0.2,
        se_channels: int = 8,
        gate_hidden: int = 24,
        feature_dim: int = 128,
        fusion_dropout: float = 0.5,
        attention_over_batch: bool = False,
        shared_score_head: bool = False,
    ) -> None:
        super().__init__()
        self.eeg_branch = EEGBranch(
            eeg_channels,
            eeg_times,
            sfreq,
            num_layers,
            num_heads,
            attention_dropout,
            se_channels,
            gate_hidden,
            feature_dim,
            attention_over_batch,
        )
        self.face_branch = FaceBranch(image_size, feature_dim)
        self.private_eeg = two_linear(feature_dim, 64, 32)
        self.private_face = two_linear(feature_dim, 64, 32)
        self.shared = two_linear(feature_dim, 64, 32)
        self.shared_fusion = nn.Sequential(nn.Linear(64, 32), nn.Dropout(fusion_dropout))
        self.score = nn.Sequential(nn.Linear(96, 32), nn.Linear(32, 1 if shared_score_head else 3))
        self.shared_score_head = shared_score_head
        self.fc1 = nn.Sequential(nn.Linear(96, 48), nn.Dropout(fusion_dropout))
        self.fc2 = nn.Sequential(nn.Linear(48, 48), nn.Dropout(fusion_dropout))
        self.classifier = nn.Linear(48, n_classes)

    def forward(self, eeg: torch.Tensor, face: torch.Tensor) -> torch.Tensor:
        """Class logits ``(B, n_classes)`` from EEG (B, 32, 128) and face (B, 5, 3, 64, 64)."""
        return self.forward_train(eeg, face)["logits"]

    def forward_train(self, eeg: torch.Tensor, face: torch.Tensor) -> dict[str, torch.Tensor]:
        """All fusion outputs, for :func:`model_store.losses.aimstf_loss`.

        Returns
        -------
        dict
            ``private_eeg``, ``private_face``, ``shared_eeg``, ``shared_face`` (B, 32);
            ``modality_weights`` (B, 3); ``fc1``, ``fc2`` (B, 48); ``logits``.
        """
        e, f = self.eeg_branch(eeg), self.face_branch(face)
        pe, pf = self.private_eeg(e), self.private_face(f)
        ce, cf = self.shared(e), self.shared(f)
        common = self.shared_fusion(torch.cat([ce, cf], dim=1))
        parts = [pe, pf, common]
        scores = self.score(torch.cat(parts, dim=1))
        if self.shared_score_head:
            scores = scores.expand(-1, 3)
        weights = torch.softmax(scores, dim=1)
        fused = torch.cat([w[:, None] * p for w, p in zip(weights.T, parts, strict=True)], dim=1)
        fc1 = self.fc1(fused)
        fc2 = self.fc2(fc1)
        return {
            "private_eeg": pe,
            "private_face": pf,
            "shared_eeg": ce,
            "shared_face": cf,
            "modality_weights": weights,
            "fc1": fc1,
            "fc2": fc2,
            "logits": self.classifier(fc2),
        }
