"""Which models an upload can feed, and every model's inputs with their windows aligned."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import numpy as np
import pytest

from core.cards import ModelCard, MontageFigure, load_card, load_cards, montage_channels
from signals import feeding, recipe
from signals.feeding import CannotFeedError, check_feed, companion_modality, prepare_inputs
from signals.io import read_header, read_raw
from signals.recipe import Stream
from tests.conftest import write_seed_edf
from tests.signals.devices import DEVICES, write_device
from tests.worker.multimodal import (
    write_deap_edf,
    write_eye_features,
    write_eye_samples,
    write_video,
    write_wav,
)

FACE_REQUEST = (
    "needs a face video (mp4, avi, mov, mkv) beside the recording: add it as a companion file"
)
DEAP_MODELS = ("aimstf_ssff", "rtcan1d")


def _has(module: str) -> bool:
    try:
        __import__(module)
    except ImportError:
        return False
    return True


def _header(path: Path, companions: list[str] = ()) -> dict:
    return {**dataclasses.asdict(read_header(path)), "companions": list(companions)}


def _feeds(header: dict) -> dict[str, feeding.FeedCheck]:
    return {card.name: check_feed(card, header) for card in load_cards()}


@pytest.mark.parametrize(
    ("name", "modality"),
    [
        ("face.mp4", "face"),
        ("FACE.AVI", "face"),
        ("clip.mov", "face"),
        ("clip.mkv", "face"),
        ("song.wav", "music"),
        ("song.MP3", "music"),
        ("song.flac", "music"),
        ("song.ogg", "music"),
        ("gaze.csv", "eye"),
        ("gaze.tsv", "eye"),
        ("rec.fdt", None),
        ("notes.txt", None),
    ],
)
def test_companion_modality_from_the_extension(name: str, modality: str | None) -> None:
    assert companion_modality(name) == modality


def test_check_feed_answers_per_model_for_a_deap_recording(tmp_path: Path) -> None:
    path = write_deap_edf(tmp_path / "deap.edf", duration_s=32.0)
    alone = _feeds(_header(path))
    assert {name: check.can_feed for name, check in alone.items()} == {
        "aimstf_ssff": False,
        "emotionclip": True,
        "maet": True,
        "rtcan1d": True,
        "strnn": True,
    }
    assert alone["aimstf_ssff"].reason.startswith(FACE_REQUEST)
    music_only = _feeds(_header(path, ["song.wav", "rec.fdt"]))
    assert music_only["aimstf_ssff"].reason.startswith(FACE_REQUEST)
    with_face = _feeds(_header(path, ["song.wav", "Face.MP4"]))
    assert with_face["aimstf_ssff"].can_feed and with_face["rtcan1d"].can_feed


def test_check_feed_says_what_an_eda_model_lacks(tmp_path: Path) -> None:
    seed = _feeds(_header(write_seed_edf(tmp_path / "seed.edf", duration_s=12.0)))
    assert not seed["rtcan1d"].can_feed
    assert seed["rtcan1d"].reason.startswith("needs an EDA (skin conductance) channel")
    assert seed["maet"].can_feed and seed["strnn"].can_feed
    short = _feeds(_header(write_deap_edf(tmp_path / "short.edf", duration_s=20.0), ["f.avi"]))
    assert short["rtcan1d"].reason == "the recording (20.00 s) is shorter than one 30.0 s window"
    assert short["aimstf_ssff"].can_feed
    features = {"kind": "features", "format": "seed-features", "sfreq": 1.0, "companions": []}
    refused = check_feed(load_card("rtcan1d"), features)
    assert refused.reason == "its eda input cannot come from a seed-features file"


@pytest.fixture(scope="module")
def uploads(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, dict[str, Path]]]:
    """A DEAP-style EDF with face video (and music) and a SEED EDF with eye samples."""
    pytest.importorskip("cv2")
    folder = tmp_path_factory.mktemp("uploads")
    deap_companions = {"face.avi": write_video(folder / "face.avi", duration_s=32.0)}
    if _has("opensmile"):
        deap_companions["song.wav"] = write_wav(folder / "song.wav")
    eye = {"gaze.csv": write_eye_samples(folder / "gaze.csv", duration_s=12.0)}
    return {
        "deap": (write_deap_edf(folder / "deap.edf", duration_s=32.0), deap_companions),
        "seed": (write_seed_edf(folder / "seed.edf", duration_s=12.0), eye),
    }


def _prepare(card: ModelCard, path: Path, companions: dict[str, Path]) -> feeding.ModelInputs:
    return prepare_inputs(read_raw(path), card, companions)


@pytest.mark.parametrize("card", load_cards(), ids=lambda card: card.name)
def test_every_input_has_the_card_shape(card: ModelCard, uploads: dict) -> None:
    if card.name == "rtcan1d":
        pytest.importorskip("cvxopt")
    path, companions = uploads["deap" if card.name in DEAP_MODELS else "seed"]
    header = _header(path, list(companions))
    assert check_feed(card, header).can_feed
    inputs = _prepare(card, path, companions)
    expected = {  # windows: baseline 0-3 s dropped; one 30-s segment; 9-s stacks; 1-s windows
        "aimstf_ssff": np.arange(3.0, 32.0),
        "rtcan1d": np.array([0.0]),
        "strnn": np.arange(4.0),
        "emotionclip": np.arange(4.0),
        "maet": np.arange(12.0),
    }[card.name]
    np.testing.assert_array_equal(inputs.window_starts, expected)
    made = {spec.name for spec in card.inputs if spec.required or spec.name in inputs.arrays}
    if card.name == "maet":
        assert "eye" in made
    if card.name == "rtcan1d" and _has("opensmile"):
        assert "music" in made
    assert set(inputs.arrays) == made
    for name in made:
        shape = (len(expected), *card.input(name).shape)
        assert inputs.arrays[name].shape == shape, name


def test_face_windows_follow_the_eeg_windows_in_time(tmp_path: Path) -> None:
    pytest.importorskip("cv2")
    card = load_card("aimstf_ssff")
    path = write_deap_edf(tmp_path / "deap.edf", duration_s=12.0)
    video = write_video(tmp_path / "face.avi", duration_s=8.0)
    inputs = _prepare(card, path, {"face.avi": video})
    np.testing.assert_array_equal(inputs.window_starts, [3.0, 4.0, 5.0, 6.0, 7.0])
    assert inputs.arrays["eeg"].shape == (5, 32, 128)
    face = inputs.arrays["face"]
    assert face.shape == (5, 5, 3, 64, 64) and face.min() >= 0.0 and face.max() <= 1.0
    np.testing.assert_allclose(face[0], face[-1])  # the same portrait in every frame
    assert face.std() > 0.1
    assert "4 of 9 windows left out: face did not cover them" in inputs.notes
    full = _prepare(card, path, {"face.avi": write_video(tmp_path / "long.avi", duration_s=12.0)})
    np.testing.assert_array_equal(full.window_starts, np.arange(3.0, 12.0))
    np.testing.assert_allclose(full.arrays["eeg"], _eeg_alone(card, path))


def _eeg_alone(card: ModelCard, path: Path) -> np.ndarray:
    raw, spec = read_raw(path), card.input("eeg")
    plan = feeding.montage_plan(spec, feeding.raw_header(raw), ["deap32"])
    return feeding.run_recipe(feeding.eeg_stream(raw, plan), spec.recipe).data


def test_a_video_without_a_face_or_no_video_is_refused(tmp_path: Path) -> None:
    pytest.importorskip("cv2")
    card = load_card("aimstf_ssff")
    path = write_deap_edf(tmp_path / "deap.edf", duration_s=12.0)
    blank = write_video(tmp_path / "blank.mp4", duration_s=12.0, face=False)
    with pytest.raises(CannotFeedError, match="face input: no face was found in any of the 60"):
        _prepare(card, path, {"wall.avi": blank})
    with pytest.raises(CannotFeedError, match="^aimstf_ssff: " + re.escape(FACE_REQUEST)):
        _prepare(card, path, {"song.wav": blank})


def test_eda_segments_come_from_the_gsr_channel(tmp_path: Path) -> None:
    pytest.importorskip("cvxopt")
    card = load_card("rtcan1d")
    path = write_deap_edf(tmp_path / "deap.edf", duration_s=65.0)
    inputs = _prepare(card, path, {})
    np.testing.assert_array_equal(inputs.window_starts, [0.0, 30.0])
    eda = inputs.arrays["eda"]
    assert eda.shape == (2, 3, 2500) and set(inputs.arrays) == {"eda"}
    np.testing.assert_allclose(eda.mean(axis=-1), 0.0, atol=1e-9)
    np.testing.assert_allclose(eda.std(axis=-1), 1.0, atol=1e-9)
    # the GSR repeats every 10 s: both segments hold the same three responses
    assert np.corrcoef(eda[0, 0], eda[1, 0])[0, 1] > 0.99
    no_gsr = write_deap_edf(tmp_path / "eeg-only.edf", duration_s=40.0, gsr=False)
    with pytest.raises(CannotFeedError, match="needs an EDA"):
        _prepare(card, no_gsr, {})


def test_music_is_repeated_per_window_or_left_out_with_a_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("cvxopt")
    card = load_card("rtcan1d")
    path = write_deap_edf(tmp_path / "deap.edf", duration_s=65.0)
    song = {"song.wav": write_wav(tmp_path / "song.wav")}
    if _has("opensmile"):
        music = _prepare(card, path, song).arrays["music"]
        assert music.shape == (2, 6373) and np.isfinite(music).all()
        np.testing.assert_array_equal(music[0], music[1])

    def no_opensmile(path: Path) -> np.ndarray:
        raise ImportError("music features need openSMILE")

    monkeypatch.setattr(recipe, "music_features", no_opensmile)
    inputs = _prepare(card, path, song)
    assert set(inputs.arrays) == {"eda"}
    assert "the music input was left out: music features need openSMILE" in inputs.notes


def test_eye_features_from_samples_or_precomputed_rows(tmp_path: Path) -> None:
    card = load_card("maet")
    path = write_seed_edf(tmp_path / "seed.edf", duration_s=10.0)
    samples = {"gaze.csv": write_eye_samples(tmp_path / "gaze.csv", duration_s=6.0)}
    inputs = _prepare(card, path, samples)
    np.testing.assert_array_equal(inputs.window_starts, np.arange(6.0))
    assert inputs.arrays["eeg"].shape == (6, 310) and inputs.arrays["eye"].shape == (6, 33)
    np.testing.assert_allclose(inputs.arrays["eye"][:, 8], 3.0)  # left pupil mean, mm
    np.testing.assert_allclose(inputs.arrays["eye"][:, 10], 3.2)  # right pupil mean, mm
    assert "4 of 10 windows left out: eye did not cover them" in inputs.notes
    rows = {"eye.csv": write_eye_features(tmp_path / "eye.csv", n_windows=4)}
    precomputed = _prepare(card, path, rows)
    np.testing.assert_array_equal(precomputed.arrays["eye"][:, 0], [0.0, 1.0, 2.0, 3.0])
    eeg_only = _prepare(card, path, {})
    assert set(eeg_only.arrays) == {"eeg"} and len(eeg_only.window_starts) == 10
    (tmp_path / "bad.csv").write_text("a,b\n1,2\n")
    with pytest.raises(CannotFeedError, match=r"eye input: bad\.csv is neither eye samples"):
        _prepare(card, path, {"bad.csv": tmp_path / "bad.csv"})


def test_a_sparse_cap_runs_its_montage_with_the_other_channels_as_nan_features(
    tmp_path: Path,
) -> None:
    accepted = ["seed62", "deap32", "emotiv_epoc14"]
    card = load_card("maet")
    card = card.model_copy(
        update={"montages": [MontageFigure(montage=m, chance=0.4) for m in accepted]}
    )
    spec = card.input("eeg")
    epoc = next(device for device in DEVICES if device.name == "emotiv-epoc-x")
    raw = read_raw(write_device(epoc, tmp_path, duration_s=20.0))
    plan = feeding.montage_plan(
        spec, feeding.raw_header(raw), feeding.accepted_montages(card, spec)
    )
    assert plan.montage == "emotiv_epoc14" and plan.interpolated == {}
    assert len(plan.missing) == 48
    to_de = spec.model_copy(update={"recipe": spec.recipe[:3]})
    features = feeding.eeg_features(feeding.eeg_stream(raw, plan), to_de, plan).data
    assert features.shape == (20, 62, 5)
    channels = montage_channels("seed62")
    present = [channels.index(name) for name in montage_channels("emotiv_epoc14")]
    assert sorted(present) == plan.rows
    assert np.isnan(np.delete(features, present, axis=1)).all()
    alone = Stream(raw.get_data(picks=[plan.sources[k] for k in plan.rows]) * 1e6, 128.0)
    np.testing.assert_allclose(
        features[:, plan.rows], feeding.run_recipe(alone, to_de.recipe).data, rtol=1e-4
    )
    use = feeding.prepare_inputs(raw, card).montage
    assert use is not None and use.montage == "emotiv_epoc14" and len(use.channels) == 14


def test_a_model_without_per_channel_features_needs_every_channel(tmp_path: Path) -> None:
    card = load_card("aimstf_ssff")
    spec = card.input("eeg")
    partial = [
        MontageFigure(montage="deap32", chance=0.5),
        MontageFigure(montage="emotiv_epoc14", chance=0.5),
    ]
    card = card.model_copy(update={"montages": partial})
    epoc = next(device for device in DEVICES if device.name == "emotiv-epoc-x")
    raw = read_raw(write_device(epoc, tmp_path, duration_s=20.0))
    plan = feeding.montage_plan(
        spec, feeding.raw_header(raw), feeding.accepted_montages(card, spec)
    )
    assert plan.montage == "emotiv_epoc14"
    with pytest.raises(CannotFeedError, match="has no per-channel features to leave missing"):
        feeding.eeg_features(feeding.eeg_stream(raw, plan), spec, plan)


EEG_MODELS = ("maet", "strnn", "emotionclip")


@pytest.mark.parametrize("cap", ["seed62", "emotiv-epoc-x"])
def test_models_that_share_a_recipe_prefix_compute_it_once_per_recording(
    cap: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if cap == "seed62":
        path = write_seed_edf(tmp_path / "seed.edf", duration_s=20.0, sfreq=500.0)
    else:
        path = write_device(next(d for d in DEVICES if d.name == cap), tmp_path, duration_s=20.0)
    raw = read_raw(path)
    cards = [load_card(name) for name in EEG_MODELS]
    alone = {card.name: prepare_inputs(raw, card) for card in cards}
    calls = {"differential_entropy": 0, "lds_smooth": 0, "minmax_scale": 0}
    for name in calls:

        def counted(stream: Stream, _step=recipe.STEPS[name], _name=name, **params) -> Stream:
            calls[_name] += 1
            return _step(stream, **params)

        monkeypatch.setitem(recipe.STEPS, name, counted)
    memo = feeding.RecipeMemo()
    shared = {card.name: prepare_inputs(raw, card, memo=memo) for card in cards}
    assert calls == {"differential_entropy": 1, "lds_smooth": 1, "minmax_scale": 1}
    for name in EEG_MODELS:
        assert shared[name].notes == alone[name].notes
        assert shared[name].montage == alone[name].montage
        np.testing.assert_array_equal(shared[name].window_starts, alone[name].window_starts)
        np.testing.assert_array_equal(shared[name].arrays["eeg"], alone[name].arrays["eeg"])
    kept = [steps.count('"step"') for _, steps in memo.streams]
    # to DE, LDS, min-max; then per model every step but its last (MAET and STRNN:
    # normalize, fill_missing; EmotionCLIP: fill_missing)
    assert sorted(kept) == [3, 4, 5, 6, 6, 6, 7, 7]
    # made for the three cards, the memo keeps only what they share: up to min-max
    memo = feeding.RecipeMemo.for_cards(cards)
    for card in cards:
        made = prepare_inputs(raw, card, memo=memo).arrays["eeg"]
        np.testing.assert_array_equal(made, alone[card.name].arrays["eeg"])
    assert calls == {"differential_entropy": 2, "lds_smooth": 2, "minmax_scale": 2}
    assert [steps.count('"step"') for _, steps in memo.streams] == [5]


def test_a_recipe_without_a_feature_step_is_not_kept(tmp_path: Path) -> None:
    raw = read_raw(write_seed_edf(tmp_path / "seed.edf", duration_s=12.0))
    card = load_card("maet")
    spec = card.input("eeg")
    windows = spec.model_copy(update={"recipe": spec.recipe[:2]})
    plan = feeding.montage_plan(spec, feeding.raw_header(raw), ["seed62"])
    memo = feeding.RecipeMemo()
    made = feeding.eeg_input(raw, windows, plan, memo)
    assert made.data.shape == (12, 62, 200) and memo.streams == {}


@pytest.mark.parametrize("cap", ["seed62", "biosemi-64", "emotiv-epoc-x"])
def test_the_eeg_input_read_in_blocks_equals_the_whole_recording(cap: str, tmp_path: Path) -> None:
    # 150 s: three blocks of 60 s windows, read with 2-s margins (direct, interpolated
    # and missing channels). The resample has no high-pass, so the two agree to float32
    # precision at the edges too: 3e-5 nats; 2e-4 for the Emotiv's 4.2 mV DC offset,
    # 280 times its signal, whose float32 rounding moves the DE of both paths alike.
    if cap == "seed62":
        path = write_seed_edf(tmp_path / "seed.edf", duration_s=150.0, sfreq=1000.0)
    else:
        path = write_device(next(d for d in DEVICES if d.name == cap), tmp_path, duration_s=150.0)
    raw = read_raw(path)
    card = load_card("maet")
    spec = card.input("eeg")
    plan = feeding.montage_plan(
        spec, feeding.raw_header(raw), feeding.accepted_montages(card, spec)
    )
    assert bool(plan.interpolated) == (cap == "biosemi-64")
    assert bool(plan.missing) == (cap == "emotiv-epoc-x")
    to_de = spec.model_copy(update={"recipe": spec.recipe[:3]})
    blocks = feeding.eeg_input(raw, to_de, plan)
    whole = feeding.eeg_features(feeding.eeg_stream(raw, plan), to_de, plan)
    np.testing.assert_array_equal(blocks.window_starts, np.arange(150.0))
    np.testing.assert_array_equal(np.isnan(blocks.data), np.isnan(whole.data))
    np.testing.assert_allclose(
        blocks.data, whole.data, atol=2e-4 if cap == "emotiv-epoc-x" else 3e-5
    )
