"""Training losses of the five models (spec sections 1.3, 3.3, 4.3 and 5.2).

* MAET: domain-adversarial term (gradient reversal with the DANN schedule, label-smoothed
  domain cross-entropy whose smoothing grows to uniform targets).
* AIMSTF-SSFF: DSN difference loss and central moment discrepancy (per feature by
  default; the released code's whole-tensor scalar version behind ``scalar=True``).
* STRNN: l1 sparsity penalty on the spatial and temporal projections.
* EmotionCLIP: CLIP-style symmetric loss between EEG embeddings and class-prompt
  embeddings.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import torch
from torch.nn import functional as F


class _GradReverse(torch.autograd.Function):
    """Identity forward; multiplies the gradient by ``-alpha`` backward."""

    @staticmethod
    def forward(ctx: Any, x: torch.Tensor, alpha: float) -> torch.Tensor:
        ctx.alpha = alpha
        return x.view_as(x)

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> tuple[torch.Tensor, None]:
        return -ctx.alpha * grad, None


def grad_reverse(x: torch.Tensor, alpha: float) -> torch.Tensor:
    """Gradient-reversal layer: ``x`` forward, ``-alpha`` times the gradient backward."""
    return _GradReverse.apply(x, alpha)


def dann_alpha(progress: float) -> float:
    """DANN gradient-reversal coefficient ``2 / (1 + exp(-10 p)) - 1``.

    Parameters
    ----------
    progress : float
        Training progress ``p = epoch / epochs`` in [0, 1].

    Returns
    -------
    float
        Coefficient in [0, 1).
    """
    return 2.0 / (1.0 + math.exp(-10.0 * progress)) - 1.0


def domain_smoothing(progress: float, n_domains: int) -> float:
    """Label smoothing of the domain targets, ``(D - 1) / D * p`` (uniform at ``p = 1``)."""
    return (n_domains - 1) / n_domains * progress


def label_smoothing_cross_entropy(
    logits: torch.Tensor, target: torch.Tensor, smoothing: float
) -> torch.Tensor:
    """``(1 - eps) * NLL + eps * mean over classes of -log p``, averaged over the batch."""
    log_prob = F.log_softmax(logits, dim=-1)
    nll = -log_prob.gather(-1, target.unsqueeze(-1)).squeeze(-1)
    uniform = -log_prob.mean(dim=-1)
    return ((1.0 - smoothing) * nll + smoothing * uniform).mean()


def maet_loss(
    outputs: dict[str, torch.Tensor],
    target: torch.Tensor,
    domain: torch.Tensor | None = None,
    progress: float = 0.0,
) -> torch.Tensor:
    """MAET training loss: class cross-entropy plus the smoothed domain term.

    Parameters
    ----------
    outputs : dict
        :meth:`MAET.forward_train` output; ``domain_logits`` is used when present.
    target : torch.Tensor
        Class indices ``(B,)``.
    domain : torch.Tensor | None
        Domain (training subject) indices ``(B,)``; needed with ``domain_logits``.
    progress : float
        Training progress ``epoch / epochs`` that sets the domain label smoothing (the
        gradient-reversal coefficient is passed to the model's ``forward_train``).

    Returns
    -------
    torch.Tensor
        Scalar loss.
    """
    loss = F.cross_entropy(outputs["logits"], target)
    if "domain_logits" in outputs:
        n_domains = outputs["domain_logits"].shape[-1]
        eps = domain_smoothing(progress, n_domains)
        loss = loss + label_smoothing_cross_entropy(outputs["domain_logits"], domain, eps)
    return loss


def difference_loss(private: torch.Tensor, shared: torch.Tensor) -> torch.Tensor:
    """DSN difference (orthogonality) loss between private and shared features.

    Rows are L2-normalised with a detached norm (+1e-6); the loss is the mean of the
    squared entries of ``P^T C``.

    Parameters
    ----------
    private, shared : torch.Tensor
        Features ``(B, D1)`` and ``(B, D2)``.

    Returns
    -------
    torch.Tensor
        Scalar loss.
    """
    p = private / (private.norm(dim=1, keepdim=True).detach() + 1e-6)
    c = shared / (shared.norm(dim=1, keepdim=True).detach() + 1e-6)
    return (p.t() @ c).pow(2).mean()


def central_moment_discrepancy(
    x: torch.Tensor, y: torch.Tensor, n_moments: int = 2, scalar: bool = False
) -> torch.Tensor:
    """Central moment discrepancy between two feature batches.

    Parameters
    ----------
    x, y : torch.Tensor
        Features ``(B, D)``.
    n_moments : int
        Highest moment order (orders 1 … ``n_moments``).
    scalar : bool
        Reproduce the AIMSTF-SSFF code: moments over the whole tensor (batch and features
        together), compared as scalars; its order-1 term is identically 0. Default:
        per-feature moments, the order-1 term comparing the feature means, each order's
        difference measured with the Euclidean norm over features.

    Returns
    -------
    torch.Tensor
        Scalar discrepancy.
    """
    dims = None if scalar else 0
    mean_x = x.mean() if scalar else x.mean(dim=0)
    mean_y = y.mean() if scalar else y.mean(dim=0)
    centred_x, centred_y = x - mean_x, y - mean_y
    first = centred_x.mean() - centred_y.mean() if scalar else mean_x - mean_y
    total = first.norm()
    for order in range(2, n_moments + 1):
        moment_x = centred_x.pow(order).mean(dim=dims)
        moment_y = centred_y.pow(order).mean(dim=dims)
        total = total + (moment_x - moment_y).norm()
    return total


def aimstf_loss(
    outputs: dict[str, torch.Tensor],
    target: torch.Tensor,
    alpha: float = 0.01,
    beta: float = 0.5,
    gamma: float = 0.01,
    scalar_cmd: bool = False,
) -> torch.Tensor:
    """AIMSTF-SSFF loss ``CE + a[D(pe,ce) + D(pf,cf)] + g D(pe,pf) + b CMD(ce,cf)``.

    Parameters
    ----------
    outputs : dict
        :meth:`AIMSTFSSFF.forward_train` output with ``logits``, ``private_eeg``,
        ``private_face``, ``shared_eeg`` and ``shared_face``.
    target : torch.Tensor
        Class indices ``(B,)``, or float targets ``(B,)`` for a one-logit binary model.
    alpha, beta, gamma : float
        Weights of the difference, similarity (CMD) and private-private terms.
    scalar_cmd : bool
        Use the released code's scalar CMD (see :func:`central_moment_discrepancy`).

    Returns
    -------
    torch.Tensor
        Scalar loss.
    """
    logits = outputs["logits"]
    if logits.shape[-1] == 1:
        task = F.binary_cross_entropy_with_logits(logits.squeeze(-1), target.float())
    else:
        task = F.cross_entropy(logits, target)
    pe, pf = outputs["private_eeg"], outputs["private_face"]
    ce, cf = outputs["shared_eeg"], outputs["shared_face"]
    diff = difference_loss(pe, ce) + difference_loss(pf, cf)
    cmd = central_moment_discrepancy(ce, cf, scalar=scalar_cmd)
    return task + alpha * diff + gamma * difference_loss(pe, pf) + beta * cmd


def l1_penalty(weights: Iterable[torch.Tensor]) -> torch.Tensor:
    """Sum of absolute values of all entries of ``weights``."""
    return sum(w.abs().sum() for w in weights)


def strnn_loss(
    logits: torch.Tensor,
    target: torch.Tensor,
    model: torch.nn.Module,
    lambda_spatial: float = 1e-4,
    lambda_temporal: float = 1e-4,
) -> torch.Tensor:
    """STRNN loss: cross-entropy plus l1 sparsity of the spatial and temporal projections.

    Parameters
    ----------
    logits : torch.Tensor
        Class logits ``(B, C)``.
    target : torch.Tensor
        Class indices ``(B,)``.
    model : STRNN
        The model; its ``spatial_projections()`` and ``temporal_projections()`` give
        the projection matrices.
    lambda_spatial, lambda_temporal : float
        Weights of the two l1 terms.

    Returns
    -------
    torch.Tensor
        Scalar loss.
    """
    return (
        F.cross_entropy(logits, target)
        + lambda_spatial * l1_penalty(model.spatial_projections())
        + lambda_temporal * l1_penalty(model.temporal_projections())
    )


def clip_loss(
    eeg_embeddings: torch.Tensor,
    class_embeddings: torch.Tensor,
    target: torch.Tensor,
    logit_scale: torch.Tensor,
    label_smoothing: float = 0.0,
) -> torch.Tensor:
    """Symmetric CLIP-style loss between EEG embeddings and class-prompt embeddings.

    EEG → text: cross-entropy over the ``C`` class prompts of ``scale * cos(e, t_c)``.
    Text → EEG: for every sample's prompt, a softmax over the batch's EEG embeddings whose
    targets are spread uniformly over the samples that share the label.

    Parameters
    ----------
    eeg_embeddings : torch.Tensor
        L2-normalised EEG embeddings ``(B, D)``.
    class_embeddings : torch.Tensor
        L2-normalised prompt embeddings ``(C, D)``.
    target : torch.Tensor
        Class indices ``(B,)``.
    logit_scale : torch.Tensor
        Multiplier of the cosine similarities (the exponentiated learnable temperature).
    label_smoothing : float
        Share of the EEG → text target spread uniformly over the ``C`` classes.

    Returns
    -------
    torch.Tensor
        Scalar loss, the mean of both directions.
    """
    eeg_to_text = logit_scale * eeg_embeddings @ class_embeddings.t()
    text_to_eeg = logit_scale * class_embeddings[target] @ eeg_embeddings.t()
    same = (target.unsqueeze(0) == target.unsqueeze(1)).float()
    soft_targets = same / same.sum(dim=1, keepdim=True)
    loss_t2e = -(soft_targets * F.log_softmax(text_to_eeg, dim=1)).sum(dim=1).mean()
    loss_e2t = F.cross_entropy(eeg_to_text, target, label_smoothing=label_smoothing)
    return 0.5 * (loss_e2t + loss_t2e)
