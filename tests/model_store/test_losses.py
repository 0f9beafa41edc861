"""Tests of the training losses with known values."""

from __future__ import annotations

import math

import pytest
import torch
from torch.nn import functional as F

from model_store.losses import (
    aimstf_loss,
    central_moment_discrepancy,
    clip_loss,
    dann_alpha,
    difference_loss,
    domain_smoothing,
    grad_reverse,
    l1_penalty,
    label_smoothing_cross_entropy,
    maet_loss,
    strnn_loss,
)
from model_store.models.strnn import STRNN


def test_grad_reverse_is_identity_forward_and_flips_gradients() -> None:
    x = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
    y = grad_reverse(x, 0.5)
    assert torch.equal(y, x)
    (y * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
    assert torch.equal(x.grad, torch.tensor([-0.5, -1.0, -1.5]))


def test_dann_schedule() -> None:
    assert dann_alpha(0.0) == 0.0
    assert dann_alpha(0.5) == pytest.approx(2 / (1 + math.exp(-5)) - 1)
    assert dann_alpha(1.0) == pytest.approx(0.999909, abs=1e-6)
    assert domain_smoothing(0.0, 19) == 0.0
    assert domain_smoothing(0.5, 19) == pytest.approx(9 / 19)
    assert domain_smoothing(1.0, 19) == pytest.approx(18 / 19)


def test_label_smoothing_cross_entropy() -> None:
    logits = torch.tensor([[2.0, 0.0, -1.0], [0.0, 1.0, 0.0]])
    target = torch.tensor([0, 2])
    assert label_smoothing_cross_entropy(logits, target, 0.0) == pytest.approx(
        float(F.cross_entropy(logits, target))
    )
    log_p = F.log_softmax(logits, dim=1)
    uniform = float(-log_p.mean())
    assert label_smoothing_cross_entropy(logits, target, 1.0) == pytest.approx(uniform)
    # equal logits: log C whatever the smoothing
    flat = torch.zeros(2, 4)
    value = label_smoothing_cross_entropy(flat, torch.tensor([1, 3]), 0.3)
    assert float(value) == pytest.approx(math.log(4))


def test_maet_loss_adds_the_smoothed_domain_term() -> None:
    logits = torch.tensor([[1.0, 0.0, 0.0]])
    target = torch.tensor([0])
    ce = float(F.cross_entropy(logits, target))
    assert float(maet_loss({"logits": logits}, target)) == pytest.approx(ce)
    domain_logits = torch.tensor([[3.0, 0.0]])
    outputs = {"logits": logits, "domain_logits": domain_logits}
    # at the end of training (p = 1) the 2 domains' targets are uniform
    uniform = float(-F.log_softmax(domain_logits, dim=1).mean())
    value = maet_loss(outputs, target, torch.tensor([0]), progress=1.0)
    ls = 0.5 * float(F.cross_entropy(domain_logits, torch.tensor([0]))) + 0.5 * uniform
    assert float(value) == pytest.approx(ce + ls)


def test_difference_loss_known_values() -> None:
    identity = torch.eye(2)
    # identical orthonormal rows: P^T C = I -> mean of squares 2 / 4
    assert float(difference_loss(identity, identity)) == pytest.approx(0.5, rel=1e-5)
    # row scaling does not matter (rows are normalised)
    assert float(difference_loss(3 * identity, identity)) == pytest.approx(0.5, rel=1e-5)
    private = torch.tensor([[1.0, 0.0], [0.0, 0.0]])
    shared = torch.tensor([[0.0, 0.0], [0.0, 1.0]])
    assert float(difference_loss(private, shared)) == 0.0


def test_cmd_per_feature_and_scalar() -> None:
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(64, 3, generator=gen)
    # a shift changes only the means: per-feature CMD = |(3, 0, 4)| = 5
    shift = torch.tensor([3.0, 0.0, 4.0])
    assert float(central_moment_discrepancy(x, x + shift)) == pytest.approx(5.0, rel=1e-5)
    # the code's scalar CMD does not see a shift of every feature at all
    assert float(central_moment_discrepancy(x, x + 2.0)) == pytest.approx(2 * math.sqrt(3))
    assert float(central_moment_discrepancy(x, x + 2.0, scalar=True)) == pytest.approx(
        0.0, abs=1e-5
    )
    # a scaling by 2 of centred features changes only the variances: per feature
    # |3 var|, scalar 3 times the variance of all entries
    x = x - x.mean(0)
    var = x.pow(2).mean(0)
    per_feature = central_moment_discrepancy(x, 2 * x)
    torch.testing.assert_close(per_feature, (3 * var).norm())
    scalar = central_moment_discrepancy(x, 2 * x, scalar=True)
    torch.testing.assert_close(scalar, 3 * (x - x.mean()).pow(2).mean())


def test_aimstf_loss_terms() -> None:
    gen = torch.Generator().manual_seed(1)
    feats = {k: torch.randn(8, 32, generator=gen) for k in ("pe", "pf", "ce", "cf")}
    outputs = {
        "logits": torch.randn(8, 4, generator=gen),
        "private_eeg": feats["pe"],
        "private_face": feats["pf"],
        "shared_eeg": feats["ce"],
        "shared_face": feats["cf"],
    }
    target = torch.arange(8) % 4
    ce = F.cross_entropy(outputs["logits"], target)
    torch.testing.assert_close(aimstf_loss(outputs, target, 0.0, 0.0, 0.0), ce)
    expected = (
        ce
        + 0.01
        * (difference_loss(feats["pe"], feats["ce"]) + difference_loss(feats["pf"], feats["cf"]))
        + 0.01 * difference_loss(feats["pe"], feats["pf"])
        + 0.5 * central_moment_discrepancy(feats["ce"], feats["cf"])
    )
    torch.testing.assert_close(aimstf_loss(outputs, target), expected)
    scalar = aimstf_loss(outputs, target, scalar_cmd=True)
    assert not torch.allclose(scalar, expected)
    binary = dict(outputs, logits=outputs["logits"][:, :1])
    bce = F.binary_cross_entropy_with_logits(binary["logits"][:, 0], (target % 2).float())
    torch.testing.assert_close(aimstf_loss(binary, target % 2, 0.0, 0.0, 0.0), bce)


def test_strnn_loss_penalises_projections() -> None:
    assert float(l1_penalty([torch.tensor([1.0, -2.0]), torch.tensor([[-3.0]])])) == 6.0
    model = STRNN()
    logits = torch.tensor([[0.5, 0.0, -0.5]])
    target = torch.tensor([1])
    spatial = float(model.spatial.projection_weight.detach().abs().sum())
    temporal = sum(float(r.time_projection.weight.detach().abs().sum()) for r in model.temporal)
    value = strnn_loss(logits, target, model, lambda_spatial=1e-3, lambda_temporal=1e-2)
    expected = float(F.cross_entropy(logits, target)) + 1e-3 * spatial + 1e-2 * temporal
    assert float(value.detach()) == pytest.approx(expected, rel=1e-6)


def test_clip_loss_known_values() -> None:
    classes = torch.eye(3, 8)
    target = torch.tensor([0, 1, 2, 1])
    # EEG embeddings equal to their class prompts, large scale: EEG -> text ~ 0; text ->
    # EEG ~ 0 for the single samples and log 2 (the target entropy) for the two class-1
    # rows, whose targets are split 1/2, 1/2: mean log 2 / 2, halved -> log 2 / 4
    perfect = clip_loss(classes[target], classes, target, torch.tensor(100.0))
    assert float(perfect) == pytest.approx(math.log(2) / 4, rel=1e-5)
    # all embeddings identical: log C (EEG -> text) and log B (text -> EEG)
    same = F.normalize(torch.ones(4, 8), dim=1)
    texts = F.normalize(torch.ones(3, 8), dim=1)
    value = clip_loss(same, texts, target, torch.tensor(10.0))
    assert float(value) == pytest.approx(0.5 * (math.log(3) + math.log(4)), rel=1e-6)


def test_clip_loss_label_smoothing_spreads_the_eeg_to_text_target() -> None:
    classes = torch.eye(3, 8)
    target = torch.tensor([0, 1, 2, 1])
    # scale 100: log p = 0 for the true prompt, -100 for the two others, which get
    # 0.1 / 3 of the target each: EEG -> text 2 * 0.1 / 3 * 100; text -> EEG log 2 / 2
    smoothed = clip_loss(classes[target], classes, target, torch.tensor(100.0), 0.1)
    expected = 0.5 * (2 * 0.1 / 3 * 100 + math.log(2) / 2)
    assert float(smoothed) == pytest.approx(expected, rel=1e-5)
