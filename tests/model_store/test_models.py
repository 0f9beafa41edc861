"""Tests of the five model implementations built from their cards."""

from __future__ import annotations

import pytest
import torch

from core.cards import load_card, montage_channels, reference
from model_store.models import build_model
from model_store.models.aimstf_ssff import AIMSTFSSFF, similarity_weights
from model_store.models.emotionclip import EmotionCLIP
from model_store.models.maet import MAET
from model_store.models.rtcan1d import RTCAN1D, piecewise
from model_store.models.strnn import STRNN

BATCH = 3


@pytest.fixture(autouse=True, scope="module")
def _one_torch_thread():
    """One intra-op thread: on the shared 2-core machine this is many times faster."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def n_params(model: torch.nn.Module) -> int:
    """Number of trainable parameters."""
    return sum(p.numel() for p in model.parameters())


def window_shapes(name: str) -> dict[str, tuple[int, ...]]:
    """Per-window input shapes of model ``name``: the card's inputs."""
    return {spec.name: tuple(spec.shape) for spec in load_card(name).inputs}


def make_inputs(name: str, names: tuple[str, ...], batch: int = BATCH) -> dict[str, torch.Tensor]:
    """Random float inputs of model ``name`` for the inputs ``names``."""
    shapes = window_shapes(name)
    gen = torch.Generator().manual_seed(1)
    return {key: torch.randn(batch, *shapes[key], generator=gen) for key in names}


# every input combination a model accepts; the first is the full one
COMBINATIONS = {
    "aimstf_ssff": [("eeg", "face")],
    "emotionclip": [("eeg",)],
    "maet": [("eeg", "eye"), ("eeg",), ("eye",)],
    "rtcan1d": [("eda", "music"), ("eda",)],
    "strnn": [("eeg",)],
}
MODELS = sorted(COMBINATIONS)


@pytest.mark.parametrize(
    ("name", "names"), [(m, c) for m in MODELS for c in COMBINATIONS[m]], ids=str
)
def test_output_shape(name: str, names: tuple[str, ...]) -> None:
    card = load_card(name)
    model = build_model(card).eval()
    with torch.no_grad():
        logits = model(**make_inputs(name, names))
    assert logits.shape == (BATCH, len(card.labels))
    assert torch.isfinite(logits).all()


@pytest.mark.parametrize("name", MODELS)
def test_build_is_seeded(name: str) -> None:
    card = load_card(name)
    first, second = build_model(card), build_model(card)
    for (key, a), b in zip(first.state_dict().items(), second.state_dict().values(), strict=True):
        assert torch.equal(a, b), key


@pytest.mark.parametrize("name", MODELS)
def test_gradients_reach_every_parameter(name: str) -> None:
    model = build_model(load_card(name)).train()

    def loss() -> torch.Tensor:
        outputs = (model(**make_inputs(name, names, batch=2)) for names in COMBINATIONS[name])
        return sum(out.square().sum() for out in outputs)

    # one SGD step first: zero-initialised gates (RTCAN-1D's non-local output BN) block
    # every gradient behind them until they have moved once
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-6)
    loss().backward()
    optimizer.step()
    optimizer.zero_grad()
    loss().backward()
    missing = [
        key for key, p in model.named_parameters() if p.grad is None or not p.grad.abs().sum() > 0
    ]
    assert missing == []


@pytest.mark.parametrize("name", MODELS)
def test_eval_is_deterministic_and_state_dict_round_trips(name: str) -> None:
    card = load_card(name)
    model = build_model(card).eval()
    inputs = make_inputs(name, COMBINATIONS[name][0])
    with torch.no_grad():
        first, second = model(**inputs), model(**inputs)
    assert torch.equal(first, second)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(card.seed + 1)
        other = type(model)(**type(model).card_kwargs(card), **card.architecture).eval()
    with torch.no_grad():
        assert not torch.allclose(other(**inputs), first)
        other.load_state_dict(model.state_dict())
        assert torch.equal(other(**inputs), first)


def test_maet_parameter_count_matches_spec() -> None:
    # spec 3.2: 139.5 k with 7 classes (139,541 exactly), 141.2 k with a 19-domain head
    assert n_params(MAET(n_classes=7)) == 139_541
    assert n_params(MAET(n_classes=7, num_domains=19)) == 139_541 + 1_683
    assert abs(n_params(MAET(n_classes=7)) - 139_500) / 139_500 < 0.02
    # the SEED card's 3-class heads: 3 x (32 x 4) fewer weights and biases
    assert n_params(build_model(load_card("maet"))) == 139_541 - 3 * 4 * 33


def test_maet_embedding_makes_five_gated_views() -> None:
    model = MAET().eval()
    x = torch.randn(2, 310)
    tokens = model.embed["eeg"](x)
    assert tokens.shape == (2, 5, 32)
    # without the gate all five views are the same vector
    torch.nn.init.zeros_(model.embed["eeg"].gate.weight)
    torch.nn.init.zeros_(model.embed["eeg"].gate.bias)
    tokens = model.embed["eeg"](x)
    assert torch.allclose(tokens, tokens[:, :1].expand_as(tokens))


def test_maet_multimodal_fusion_weights_cls_tokens() -> None:
    torch.manual_seed(0)
    model = MAET().eval()
    inputs = make_inputs("maet", ("eeg", "eye"))
    # the fusion score decides how the two CLS tokens are weighted
    with torch.no_grad():
        both = model(**inputs)
        model.fusion_score.mul_(1e4)
        sharp = model(**inputs)
    assert not torch.allclose(both, sharp)
    # the EEG-only path never touches the shared (mixed) expert
    with torch.no_grad():
        eeg_only = model(eeg=inputs["eeg"])
        model.blocks[2].mix.fc2.weight.mul_(3.0)
        assert torch.equal(model(eeg=inputs["eeg"]), eeg_only)
        assert not torch.allclose(model(**inputs), sharp)


def test_maet_domain_head_reverses_gradients() -> None:
    model = MAET(num_domains=4)
    x = torch.randn(4, 310)
    grads = []
    for alpha in (0.0, 1.0):
        model.zero_grad()
        out = model.forward_train(eeg=x, grl_alpha=alpha)
        assert out["logits"].shape == (4, 3)
        assert out["domain_logits"].shape == (4, 4)
        out["domain_logits"].sum().backward()
        grads.append(model.embed["eeg"].value.weight.grad.clone())
        assert model.domain_head[0].weight.grad.abs().sum() > 0
    assert torch.equal(grads[0], torch.zeros_like(grads[0]))
    assert grads[1].abs().sum() > 0
    with pytest.raises(ValueError, match="at least one"):
        model()


def test_strnn_parameter_count_matches_spec() -> None:
    # spec 4.3: ~11.1 k (LibEER layout, T = 9, 3 classes); concatenated heads save 3
    assert n_params(STRNN(sum_temporal_heads=True)) == 11_099
    assert n_params(build_model(load_card("strnn"))) == 11_096
    assert abs(11_096 - 11_100) / 11_100 < 0.02


def reference_spatial_states(
    model: STRNN, x: torch.Tensor, direction: int, corner: tuple[int, int]
) -> torch.Tensor:
    """Slow node-by-node spatial RNN of one direction, visiting cells from ``corner``."""
    rows = [row.split() for row in reference()["grids"]["seed62_9x9"]["rows"]]
    channels = montage_channels("seed62")
    where = {name: (r, c) for r, row in enumerate(rows) for c, name in enumerate(row)}
    dr, dc = (1 if corner[0] == 0 else -1), (1 if corner[1] == 0 else -1)
    sp = model.spatial
    u, w = sp.input_weight[direction], sp.recurrent_weight[direction]
    b = sp.input_bias[direction] + sp.recurrent_bias[direction] + sp.bias[direction]
    states: dict[tuple[int, int], torch.Tensor] = {}
    order = sorted(where.values(), key=lambda rc: (dr * rc[0], dc * rc[1]))
    for r, c in order:
        if rows[r][c] == ".":
            continue
        agg = sum(
            (
                states.get(n, torch.zeros(x.shape[0], w.shape[0], dtype=x.dtype))
                for n in [(r, c - dc), (r - dr, c - dc), (r - dr, c)]
            ),
        )
        feat = x[:, channels.index(rows[r][c])]
        states[(r, c)] = torch.relu(feat @ u.t() + agg @ w.t() + b)
    return torch.stack([states[where[ch]] for ch in channels], dim=1)


def test_strnn_spatial_rnn_matches_node_by_node_traversal() -> None:
    # float64, so that the two summation orders agree far inside the tolerance
    model = STRNN().double().eval()
    x = torch.randn(2, 62, 5, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        fast = model.spatial._states(x)
        for direction, corner in enumerate([(0, 0), (0, 8), (8, 0), (8, 8)]):
            slow = reference_spatial_states(model, x, direction, corner)
            torch.testing.assert_close(fast[direction], slow)
        # the LibEER quirk repeats the top-left neighbourhood in the fourth direction
        quirk = STRNN(libeer_direction4=True).double().eval()
        quirk.load_state_dict(model.state_dict())
        quirk_states = quirk.spatial._states(x)
        torch.testing.assert_close(quirk_states[:3], fast[:3])
        torch.testing.assert_close(quirk_states[3], reference_spatial_states(model, x, 3, (0, 0)))
        assert not torch.allclose(quirk_states[3], fast[3])


def test_strnn_grid_mapping_follows_reference_grid() -> None:
    model = STRNN()
    channels = montage_channels("seed62")
    # FP1 sits in row 0, column 3; CB2 in row 8, column 6 of the 9 x 9 grid
    assert int(model.spatial.positions[channels.index("FP1")]) == 3
    assert int(model.spatial.positions[channels.index("CB2")]) == 8 * 9 + 6
    assert int(model.spatial.occupied.sum()) == 62


def test_strnn_summed_heads_flag() -> None:
    summed = STRNN(sum_temporal_heads=True).eval()
    eeg = torch.randn(2, 9, 62, 5)
    with torch.no_grad():
        forward_q = summed.temporal[0](summed.spatial(eeg.flatten(0, 1)).view(2, 9, -1))
        torch.nn.init.zeros_(summed.heads[1].weight)
        torch.nn.init.zeros_(summed.heads[1].bias)
        torch.testing.assert_close(summed(eeg), summed.heads[0](forward_q))
    assert len(STRNN().heads) == 1
    assert STRNN().heads[0].in_features == 10
    assert [p.shape for p in STRNN().spatial_projections()] == [(10, 62)] * 4
    assert [p.shape for p in STRNN().temporal_projections()] == [(5, 9)] * 2


def test_emotionclip_parameter_count_matches_card() -> None:
    # no count in the spec: the card's description states this breakdown
    model = build_model(load_card("emotionclip"))
    assert n_params(model) == 344_833
    assert n_params(model.stem) == 28_672
    assert isinstance(model.stem.cell_weights, torch.nn.Parameter)
    assert model.stem.cell_weights.numel() == 128 * 9 * 9
    assert n_params(model.transformer) == 264_960
    assert n_params(model.head_norm) + n_params(model.projection) == 49_792
    assert "344,833" in load_card("emotionclip").description


def test_emotionclip_logits_are_scaled_cosines_and_zero_shot() -> None:
    model = build_model(load_card("emotionclip")).eval()
    eeg = make_inputs("emotionclip", ("eeg",))["eeg"]
    with torch.no_grad():
        out = model.forward_train(eeg)
        embeddings = out["eeg_embeddings"]
        torch.testing.assert_close(embeddings.norm(dim=1), torch.ones(BATCH))
        torch.testing.assert_close(out["logit_scale"], torch.tensor(1 / 0.07))
        expected = (1 / 0.07) * embeddings @ model.class_embeddings.t()
        torch.testing.assert_close(model(eeg), expected)
        # zero-shot: another label set's prompt embeddings (scaled: normalised inside)
        texts = torch.randn(4, 384)
        zero_shot = model(eeg, text_embeddings=3.0 * texts)
        assert zero_shot.shape == (BATCH, 4)
        normed = texts / texts.norm(dim=1, keepdim=True)
        torch.testing.assert_close(zero_shot, (1 / 0.07) * embeddings @ normed.t())
        model.log_logit_scale.fill_(10.0)
        assert float(model.logit_scale()) == 100.0


def test_emotionclip_class_embeddings_live_in_the_state_dict() -> None:
    model = EmotionCLIP()
    new = torch.randn(3, 384)
    model.set_class_embeddings(2.0 * new)
    state = model.state_dict()
    torch.testing.assert_close(state["class_embeddings"], new / new.norm(dim=1, keepdim=True))
    assert "positions" not in state
    with pytest.raises(ValueError, match="shape"):
        model.set_class_embeddings(torch.randn(4, 384))
    assert model.prompts(["happy"]) == ["an EEG recording of a person feeling happy"]


def _mixed_maps(stem: torch.nn.Module, grid: torch.Tensor) -> torch.Tensor:
    """The stem's feature maps before pooling."""
    branches = torch.cat([b(grid) for b in stem.branches], 1)
    return stem.mix(torch.nn.functional.gelu(stem.norm(branches)))


def test_emotionclip_pools_over_occupied_cells_only() -> None:
    model = EmotionCLIP().eval()
    weights = model.stem.cell_weights * model.stem.occupied
    assert not isinstance(model.stem.cell_weights, torch.nn.Parameter)  # the spec's mean
    assert int((weights[0] > 0).sum()) == 62
    torch.testing.assert_close(weights.sum(dim=(1, 2)), torch.ones(128))
    assert float(weights[0, 0, 0]) == 0.0  # an empty corner of the 9 x 9 grid
    # the pooled token is the mean of the mixed feature map over the 62 electrodes
    grid = torch.randn(2, 5, 9, 9)
    with torch.no_grad():
        occupied = _mixed_maps(model.stem, grid)[:, :, weights[0] > 0]
        torch.testing.assert_close(model.stem(grid), occupied.mean(dim=2))


def test_emotionclip_learned_pool_starts_at_the_mean_and_weights_each_cell() -> None:
    mean, learned = EmotionCLIP().eval(), EmotionCLIP(pool="learned").eval()
    learned.load_state_dict(mean.state_dict(), strict=False)
    grid = torch.randn(2, 5, 9, 9)
    with torch.no_grad():
        torch.testing.assert_close(learned.stem(grid), mean.stem(grid))
        maps = _mixed_maps(learned.stem, grid)
        learned.stem.cell_weights.zero_()
        learned.stem.cell_weights[3, 0, 4] = 2.0  # one front-row cell, token channel 3 only
        learned.stem.cell_weights[:, 0, 0] = 5.0  # an empty corner: ignored
        tokens = learned.stem(grid)
    torch.testing.assert_close(tokens[:, 3], 2.0 * maps[:, 3, 0, 4])
    assert float(tokens[:, [0, 1, 2, 4]].abs().max()) == 0.0
    with pytest.raises(ValueError, match="pool must be 'mean' or 'learned'"):
        EmotionCLIP(pool="max")


def test_rtcan1d_parameter_count_matches_spec() -> None:
    # spec 2.2: PMEmo full model ~2.04 M (1.86 M in the 7269 -> 256 layer), DEAP ~0.40 M
    model = build_model(load_card("rtcan1d"))
    assert model.eda_dim == 896
    assert n_params(model) == 2_034_602
    assert n_params(model.classifier[0]) == 7269 * 256 + 256
    assert abs(n_params(model) - 2_040_000) / 2_040_000 < 0.02
    deap = RTCAN1D(music_dim=0, block_attention=False)
    assert abs(n_params(deap) - 400_000) / 400_000 < 0.02


def test_rtcan1d_nonlocal_starts_as_identity_and_splits_pieces() -> None:
    model = RTCAN1D().eval()
    x = torch.randn(2, 64, 1250)
    with torch.no_grad():
        torch.testing.assert_close(model.non_local(x), x)
        model.non_local.out[1].weight.fill_(1.0)
        three = piecewise(model.non_local, x, 3)
        four = piecewise(model.non_local, x, 4)
        # pieces are independent: changing the last third leaves the first third alone
        x2 = x.clone()
        x2[..., 900:] += 1.0
        torch.testing.assert_close(piecewise(model.non_local, x2, 3)[..., :417], three[..., :417])
        assert not torch.allclose(piecewise(model.non_local, x2, 1)[..., :417], three[..., :417])
    assert not torch.allclose(three, four)
    quirk = RTCAN1D(nonlocal_pieces=4).eval()
    quirk.load_state_dict(model.state_dict())
    eda = torch.randn(2, 3, 2500)
    with torch.no_grad():
        assert not torch.allclose(quirk(eda), model(eda))


def test_rtcan1d_output_activation_flags() -> None:
    model = RTCAN1D().eval()
    eda = make_inputs("rtcan1d", ("eda",))["eda"]
    with torch.no_grad():
        logits = model(eda)
        for flag, expected in (("softmax", logits.softmax(-1)), ("relu", logits.relu())):
            quirk = RTCAN1D(output_activation=flag).eval()
            quirk.load_state_dict(model.state_dict())
            torch.testing.assert_close(quirk(eda), expected)


def test_rtcan1d_missing_music_is_the_training_mean() -> None:
    model = RTCAN1D().eval()
    inputs = make_inputs("rtcan1d", ("eda", "music"))
    mean, std = torch.randn(6373), torch.rand(6373) + 0.5
    model.set_music_stats(mean, std)
    with torch.no_grad():
        imputed = model(eda=inputs["eda"])
        at_mean = model(eda=inputs["eda"], music=mean.expand(BATCH, -1))
        with_music = model(**inputs)
    torch.testing.assert_close(imputed, at_mean)
    assert not torch.allclose(with_music, imputed)
    assert torch.equal(model.state_dict()["music_mean"], mean)
    assert RTCAN1D(music_dim=0)(torch.randn(2, 3, 2500)).shape == (2, 2)


def test_aimstf_ssff_parameter_count_matches_spec() -> None:
    # spec 1.2: EEG multi-scale 114,848, TSAM 137,312 per level of which 3,168 are an
    # unused module (not built), gate 11,736, EEG FC 557,184; face 93,248 + 1,180,160 +
    # 589,952; total ~3.46 M (3.44 M without the unused modules), 2 classes
    model = AIMSTFSSFF(n_classes=2, shared_score_head=True)
    eeg = model.eeg_branch
    assert n_params(eeg.multiscale) == 114_848
    assert n_params(eeg.levels[0]) == 137_312 - 3_168
    assert n_params(eeg.gates[0]) == 11_736
    assert n_params(eeg.fc) == 557_184
    assert n_params(model.face_branch) == 93_248 + 1_180_160 + 589_952
    fusion = n_params(model) - n_params(eeg) - n_params(model.face_branch)
    assert fusion == 43_331  # the spec's layer list; its "33 k" is an arithmetic slip
    assert abs(n_params(model) - 3_440_000) / 3_440_000 < 0.02
    # the card: 4 classes and three score outputs
    assert n_params(build_model(load_card("aimstf_ssff"))) == 3_454_167


def test_aimstf_ssff_score_head_flag() -> None:
    inputs = make_inputs("aimstf_ssff", ("eeg", "face"))
    quirk = AIMSTFSSFF(shared_score_head=True).eval()
    fixed = AIMSTFSSFF().eval()
    with torch.no_grad():
        weights = quirk.forward_train(**inputs)["modality_weights"]
        torch.testing.assert_close(weights, torch.full((BATCH, 3), 1 / 3))
        learned = fixed.forward_train(**inputs)["modality_weights"]
    torch.testing.assert_close(learned.sum(dim=1), torch.ones(BATCH))
    assert not torch.allclose(learned, torch.full((BATCH, 3), 1 / 3))


def test_aimstf_ssff_attention_flag_mixes_the_batch() -> None:
    inputs = make_inputs("aimstf_ssff", ("eeg", "face"))
    fixed = AIMSTFSSFF().eval()
    quirk = AIMSTFSSFF(attention_over_batch=True).eval()
    quirk.load_state_dict(fixed.state_dict())
    other = {k: v.clone() for k, v in inputs.items()}
    other["eeg"][1:] = torch.randn_like(other["eeg"][1:])
    with torch.no_grad():
        # fixed: sample 0's output does not depend on the other samples of the batch
        torch.testing.assert_close(fixed(**other)[0], fixed(**inputs)[0])
        # quirk: attention across the batch makes it depend on them
        assert not torch.allclose(quirk(**other)[0], quirk(**inputs)[0])
        assert not torch.allclose(quirk(**inputs), fixed(**inputs))


def test_aimstf_similarity_weights() -> None:
    x = torch.randn(2, 4, 6)
    # one earlier level: w = 1 - cos; identical features get weight 0, opposite ones 2
    torch.testing.assert_close(similarity_weights(x, [x]), torch.zeros(2, 1))
    torch.testing.assert_close(similarity_weights(x, [-x]), torch.full((2, 1), 2.0))
    # several: 1 - softmax(cos); the dissimilar level gets the larger weight
    weights = similarity_weights(x, [x, -x])
    expected = 1 - torch.softmax(torch.tensor([1.0, -1.0]), dim=0)
    torch.testing.assert_close(weights, expected.expand(2, 2))
    assert bool((weights[:, 1] > weights[:, 0]).all())


@pytest.mark.parametrize("name", MODELS)
def test_card_is_consistent_with_its_model(name: str) -> None:
    card = load_card(name)
    assert not set(type(build_model(card)).card_kwargs(card)) & set(card.architecture)
    assert card.training.command.startswith(f"affectserve train {name} --dataset ")
    if card.weights is None:
        assert card.weights_sha256 is None
        assert "No trained weights are shipped yet" in card.training.note
    else:
        assert card.weights_status == "ready"
        assert card.training.dataset and card.training.protocol and card.metrics


# Logits of each seeded, untrained model on inputs drawn with torch seed 0, recorded
# before the card shapes were derived and the two grid functions were made one. STRNN's
# were recorded again when its spatial recurrent weights came to start at a third of the
# Xavier gain (a node sums three neighbours: with the full gain the logits were ~70).
RECORDED_LOGITS = {
    "strnn": [[1.41687, 3.13093, -0.31261], [1.05156, 3.88065, 0.03197]],
    "emotionclip": [[0.60315, -0.81193, -0.46618], [0.5821, -0.81653, -0.46393]],
    "maet": [[-0.03015, -0.06547, -0.13992], [-0.03473, -0.06878, -0.13875]],
    "rtcan1d": [[0.10024, 0.10865], [0.11459, 0.11023]],
    "aimstf_ssff": [
        [-0.03305, 0.14442, -0.04561, 0.12607],
        [-0.03302, 0.14434, -0.04563, 0.12595],
    ],
}


@pytest.mark.parametrize("name", MODELS)
def test_models_built_from_card_sizes_give_the_recorded_logits(name: str) -> None:
    card = load_card(name)
    model = build_model(card).eval()
    gen = torch.Generator().manual_seed(0)
    inputs = {spec.name: torch.rand(2, *spec.shape, generator=gen) for spec in card.inputs}
    with torch.no_grad():
        logits = model(**inputs).double()
    expected = torch.tensor(RECORDED_LOGITS[name], dtype=torch.float64)
    torch.testing.assert_close(logits, expected, atol=2e-5, rtol=1e-5)


@pytest.mark.parametrize("name", ["strnn", "emotionclip", "maet"])
def test_shipped_weights_load_into_the_card_sized_model(name: str) -> None:
    card = load_card(name)
    if card.weights_status != "ready":
        pytest.skip(f"{name} ships no weights")
    state = torch.load(card.weights_path, map_location="cpu", weights_only=True)
    build_model(card).load_state_dict(state)  # strict: every tensor shape matches


def test_a_card_restating_a_size_is_refused() -> None:
    card = load_card("strnn")
    restated = {**card.architecture, "n_classes": 3, "grid": "seed62_9x9"}
    with pytest.raises(ValueError, match=r"restates \['grid', 'n_classes'\]"):
        build_model(card.model_copy(update={"architecture": restated}))


def test_sizes_follow_the_card_inputs_and_labels() -> None:
    card = load_card("maet")
    eeg = card.input("eeg").model_copy(update={"shape": [62 * 4]})
    fewer = card.model_copy(update={"labels": ["a", "b"], "inputs": [eeg, card.input("eye")]})
    model = build_model(fewer)
    assert MAET.card_kwargs(fewer) == {"n_classes": 2, "eeg_dim": 248, "eye_dim": 33}
    assert model.embed["eeg"].value.in_features == 248
    assert model.embed["eye"].value.in_features == 33
    assert model(eeg=torch.zeros(4, 248), eye=torch.zeros(4, 33)).shape == (4, 2)
