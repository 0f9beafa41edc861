"""Recipe steps on known signals, and the five cards' own recipes end to end."""

import numpy as np
import pytest

from core.cards import (
    WEIGHTS_DIR,
    RecipeStep,
    band_edges,
    load_card,
    load_cards,
    montage_channels,
)
from signals.features.normalization import (
    Normalization,
    fit_normalization,
    save_normalization,
)
from signals.features.spectral import differential_entropy
from signals.recipe import Stream, run_in_blocks, run_recipe


def _recipe(*steps: tuple[str, dict]) -> list[RecipeStep]:
    return [RecipeStep(step=name, params=params) for name, params in steps]


def _eeg(n_channels: int, sfreq: float, seconds: float, seed: int = 0) -> Stream:
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * sfreq)) / sfreq
    data = rng.normal(0.0, 10e-6, (n_channels, t.size)) + 20e-6 * np.sin(2 * np.pi * 10 * t)
    return Stream(data=data.astype(np.float32), sfreq=sfreq)


SEED_DE = (
    ("filter", {"l_freq": 1.0, "h_freq": 75.0, "notch": [50.0], "sfreq": 200.0}),
    ("windows", {"length_s": 1.0, "step_s": 1.0}),
    ("differential_entropy", {"bands": "seed"}),
    ("lds_smooth", {}),
)


def test_de_chain_windows_and_alpha_peak():
    out = run_recipe(_eeg(62, 1000.0, 30.0), _recipe(*SEED_DE))
    assert out.data.shape == (30, 62, 5)
    assert out.sfreq == 200.0
    np.testing.assert_array_equal(out.window_starts, np.arange(30.0))
    assert np.all(np.argmax(out.data.mean(axis=0), axis=-1) == 2)  # the 10 Hz sine: alpha


def test_the_recipe_de_equals_the_one_de_function():
    stream = _eeg(4, 200.0, 10.0)
    out = run_recipe(
        stream,
        _recipe(
            ("windows", {"length_s": 1.0, "step_s": 1.0}),
            ("differential_entropy", {"bands": "seed"}),
        ),
    )
    windows = stream.data.reshape(4, 10, 200).transpose(1, 0, 2)
    np.testing.assert_allclose(out.data, differential_entropy(windows, 200.0, band_edges("seed")))


def test_strnn_stacks_nine_consecutive_slices():
    out = run_recipe(_eeg(62, 200.0, 20.0), _recipe(*SEED_DE[1:], ("stack_slices", {"n": 9})))
    assert out.data.shape == (12, 9, 62, 5)
    np.testing.assert_array_equal(out.window_starts, np.arange(12.0))
    de = run_recipe(_eeg(62, 200.0, 20.0), _recipe(*SEED_DE[1:])).data
    np.testing.assert_array_equal(out.data[3], de[3:12])


def test_emotionclip_grid_and_maet_band_major_and_asymmetry():
    base = _recipe(*SEED_DE[1:])
    grid = run_recipe(
        _eeg(62, 200.0, 12.0),
        [*base, *_recipe(("grid_9x9", {}), ("stack_slices", {"n": 5, "step": 5}))],
    )
    assert grid.data.shape == (2, 5, 5, 9, 9)
    flat = run_recipe(_eeg(62, 200.0, 12.0), [*base, *_recipe(("flatten", {"band_major": True}))])
    de = run_recipe(_eeg(62, 200.0, 12.0), base).data
    assert flat.data.shape == (12, 310)
    np.testing.assert_array_equal(flat.data[:, :62], de[:, :, 0])
    asym = run_recipe(_eeg(62, 200.0, 12.0), [*base, *_recipe(("dasm", {}))])
    assert asym.data.shape == (12, 27, 5)


def test_deap_baseline_removal_keeps_sixty_stimulus_windows():
    stream = _eeg(32, 128.0, 63.0)
    out = run_recipe(
        stream,
        _recipe(
            ("windows", {"length_s": 1.0, "step_s": 1.0}), ("remove_baseline", {"baseline_s": 3.0})
        ),
    )
    assert out.data.shape == (60, 32, 128)
    np.testing.assert_array_equal(out.window_starts, np.arange(3.0, 63.0))
    baseline = stream.data[:, :384].reshape(32, 3, 128).mean(axis=1)
    np.testing.assert_allclose(out.data[0], stream.data[:, 384:512] - baseline, atol=1e-12)


def test_normalize_reads_statistics_beside_the_weights(tmp_path):
    stream = _eeg(62, 200.0, 10.0)
    recipe = _recipe(*SEED_DE[1:3], ("flatten", {}))
    features = run_recipe(stream, recipe).data
    save_normalization(tmp_path / "stats.npz", fit_normalization(features))
    out = run_recipe(
        stream, [*recipe, *_recipe(("normalize", {"stats": str(tmp_path / "stats.npz")}))]
    )
    np.testing.assert_allclose(out.data.mean(axis=0), 0.0, atol=1e-9)
    zscored = run_recipe(stream, [*recipe, *_recipe(("zscore", {}))])
    np.testing.assert_allclose(zscored.data, out.data)


def test_rtcan_eda_recipe_gives_three_by_2500():
    pytest.importorskip("cvxopt")
    sfreq = 4.0
    t = np.arange(int(60 * sfreq)) / sfreq
    response = np.clip(np.exp(-(t - 20) / 2.0) - np.exp(-(t - 20) / 0.7), 0, None) * (t >= 20)
    stream = Stream(data=(3.0 + response)[np.newaxis], sfreq=sfreq)
    tail = _recipe(("resample_to_length", {"n_samples": 2500}), ("zscore", {"axis": -1}))
    whole = run_recipe(
        stream, [*_recipe(("cvxeda", {"order": ["tonic", "phasic", "eda"]})), *tail]
    )
    assert whole.data.shape == (1, 3, 2500)
    np.testing.assert_allclose(whole.data.mean(axis=-1), 0.0, atol=1e-9)
    np.testing.assert_allclose(whole.data.std(axis=-1), 1.0, atol=1e-9)
    windowed = run_recipe(
        stream,
        [
            *_recipe(("windows", {"length_s": 30.0, "step_s": 30.0}), ("cvxeda", {})),
            *tail,
        ],
    )
    assert windowed.data.shape == (2, 3, 2500)
    np.testing.assert_array_equal(windowed.window_starts, [0.0, 30.0])


def test_eye_features_step_and_step_order_errors():
    rng = np.random.default_rng(0)
    samples = np.stack(
        [
            rng.normal(960, 5, 2500),
            rng.normal(540, 5, 2500),
            np.full(2500, 3.0),
            np.full(2500, 3.1),
        ]
    )
    out = run_recipe(Stream(data=samples, sfreq=250.0), _recipe(("eye_features", {})))
    assert out.data.shape == (2, 33)
    np.testing.assert_allclose(out.data[:, 8], 3.0)
    with pytest.raises(ValueError, match="after 'windows'"):
        run_recipe(_eeg(2, 200.0, 2.0), _recipe(("differential_entropy", {"bands": "seed"})))
    with pytest.raises(KeyError, match="unknown recipe step"):
        run_recipe(_eeg(2, 200.0, 2.0), _recipe(("nonsense", {})))


def test_the_card_decomposes_eda_with_the_parameters_the_eda_figure_uses(monkeypatch):
    pytest.importorskip("cvxopt")
    from core.cards import load_card
    from signals.features import eda

    # a changed cvxEDA setting reaches the model's recipe: the card restates none
    monkeypatch.setitem(eda.CVXEDA_PARAMS, "alpha", 0.05)
    step = next(s for s in load_card("rtcan1d").input("eda").recipe if s.step == "cvxeda")
    sfreq = 4.0
    t = np.arange(int(40 * sfreq)) / sfreq
    signal = 3.0 + np.clip(np.exp(-(t - 15) / 2.0) - np.exp(-(t - 15) / 0.7), 0, None)
    out = run_recipe(Stream(data=signal[np.newaxis], sfreq=sfreq), [step])
    figure = eda.eda_components(signal, sfreq, step.params["order"])  # as the plot calls it
    np.testing.assert_allclose(out.data, figure, rtol=1e-9, atol=1e-12)
    default = eda.eda_components(signal, sfreq, step.params["order"], alpha=8e-4)
    assert not np.allclose(out.data, default)


def test_the_face_recipe_steps_of_the_card_crop_the_video_windows(tmp_path):
    from core.cards import load_card
    from signals.features.face import video_face_crops
    from signals.recipe import media_stream
    from tests.worker.multimodal import write_video

    spec = load_card("aimstf_ssff").input("face")
    video = write_video(tmp_path / "face.avi", duration_s=6.0)
    out = run_recipe(media_stream(video), spec.recipe)
    assert out.data.shape == (3, *spec.shape)  # 6 s, the first 3 s skipped
    np.testing.assert_array_equal(out.window_starts, [3.0, 4.0, 5.0])
    crop = next(s for s in spec.recipe if s.step == "face_crop").params
    margins = {"above_eyes": crop["above_eyes"], "below_lips": crop["below_lips"]}
    # the face is tracked from the video's start, so the crops of seconds 3-5 are those
    # of the whole video's
    expected = video_face_crops(video, **margins)[3:]
    np.testing.assert_array_equal(out.data, expected)
    with pytest.raises(ValueError, match="reads a media file"):
        run_recipe(Stream(np.zeros((1, 10)), 5.0), spec.recipe)


def _signal_input(spec, sfreq: float, seconds: float) -> Stream:
    """A synthetic continuous input of a card: EEG (µV, its montage), EDA (µS) or eye."""
    modality = spec.modality
    if modality == "eeg":
        return _eeg(len(montage_channels(spec.montage)), sfreq, seconds)
    t = np.arange(int(seconds * sfreq)) / sfreq
    if modality == "eda":
        return Stream(data=(3.0 + 0.01 * t)[np.newaxis], sfreq=sfreq)
    rng = np.random.default_rng(0)
    pupil = np.full(t.size, 3.0)
    gaze = [rng.normal(960, 5, t.size), rng.normal(540, 5, t.size)]
    return Stream(data=np.stack([*gaze, pupil, pupil + 0.1]), sfreq=sfreq)


CARD_SIGNAL_INPUTS = [
    (card.name, spec.name)
    for card in load_cards()
    for spec in card.inputs
    if spec.modality in ("eeg", "eda", "eye")
]


@pytest.mark.parametrize(("model", "name"), CARD_SIGNAL_INPUTS)
def test_each_card_recipe_makes_windows_of_the_card_shape(model: str, name: str):
    spec = load_card(model).input(name)
    if any(step.step == "cvxeda" for step in spec.recipe):
        pytest.importorskip("cvxopt")
    seconds = 12.0 if spec.modality != "eda" else 30.0
    rate = {"eeg": 250.0, "eda": 50.0, "eye": 120.0}[spec.modality]
    out = run_recipe(_signal_input(spec, rate, seconds), spec.recipe)
    assert out.data.shape[1:] == tuple(spec.shape)
    assert len(out.window_starts) == len(out.data) > 0
    assert np.isfinite(out.data).all()


def test_missing_channels_become_the_training_mean_after_normalize(tmp_path):
    # two windows of 3 channels x 2 bands; channel 1 is missing (a smaller montage)
    features = np.array(
        [
            [[1.0, 3.0], [np.nan, np.nan], [5.0, 2.0]],
            [[2.0, 4.0], [np.nan, np.nan], [0.0, 4.0]],
        ]
    )
    stats = tmp_path / "stats.npz"
    save_normalization(stats, Normalization(np.full((1, 3, 2), 0.5), np.full((1, 3, 2), 0.25)))
    out = run_recipe(
        Stream(data=features, sfreq=1.0, window_starts=np.arange(2.0)),
        _recipe(
            ("minmax_scale", {"per_window": True}),
            ("normalize", {"stats": str(stats)}),
            ("fill_missing", {}),
            ("flatten", {}),
        ),
    )
    # window 0 spans [1, 5] without the missing channel: 0, 0.5 | - | 1, 0.25; window 1
    # spans [0, 4]: 0.5, 1 | - | 0, 1; then (x - 0.5) / 0.25, and 0 where missing
    np.testing.assert_allclose(
        out.data,
        [[-2.0, 0.0, 0.0, 0.0, 2.0, -1.0], [0.0, 2.0, 0.0, 0.0, -2.0, 2.0]],
    )


def test_fill_missing_takes_the_value_given():
    out = run_recipe(
        Stream(data=np.array([[1.0, np.nan], [np.nan, -2.0]]), sfreq=1.0),
        _recipe(("fill_missing", {"value": 7.0})),
    )
    np.testing.assert_array_equal(out.data, [[1.0, 7.0], [7.0, -2.0]])


def test_emotionclip_fills_missing_channels_without_standardising():
    # z-scoring measured worse for EmotionCLIP (docs/quality.md): per-window scaling only
    names = [step.step for step in load_card("emotionclip").input("eeg").recipe]
    assert "normalize" not in names
    assert names[names.index("minmax_scale") :] == ["minmax_scale", "fill_missing", "stack_slices"]


@pytest.mark.parametrize("model", ["maet", "strnn"])
def test_seed_cards_standardise_with_the_statistics_shipped_beside_the_weights(model: str):
    """The served features are (per-window scaled DE - training mean) / training sd."""
    spec = load_card(model).input("eeg")
    names = [step.step for step in spec.recipe]
    assert names[names.index("minmax_scale") + 1 :][:2] == ["normalize", "fill_missing"]
    stats = np.load(WEIGHTS_DIR / f"{model}_stats.npz")
    assert stats["mean"].shape == stats["scale"].shape == (1, 62, 5)
    # the training windows are per-window min-max scaled: means inside (0, 1), spreads
    # well below the range
    assert stats["mean"].min() > 0.0 and stats["mean"].max() < 1.0
    assert stats["scale"].min() > 0.0 and stats["scale"].max() < 0.5
    stream = _signal_input(spec, 250.0, 12.0)
    served = run_recipe(stream, spec.recipe).data
    done = names.index("minmax_scale") + 1
    scaled = run_recipe(stream, spec.recipe[:done]).data
    expected = (scaled - stats["mean"]) / stats["scale"]
    window = served[0] if served.ndim == 2 else served[0, 0]
    np.testing.assert_allclose(window.reshape(62, 5), expected[0], rtol=1e-6)


#: The EEG models' steps up to the DE (MAET, STRNN, EmotionCLIP: resample only) and a
#: chain with a 1 Hz high-pass, whose reach is 3 s.
TO_DE = _recipe(
    ("resample", {"sfreq": 200}),
    ("windows", {"length_s": 1.0, "step_s": 1.0}),
    ("differential_entropy", {"bands": "seed"}),
)
FILTERED = _recipe(
    ("filter", {"l_freq": 1.0, "h_freq": 75.0, "notch": [50.0], "sfreq": 200}),
    ("windows", {"length_s": 1.0, "step_s": 0.5}),
    ("differential_entropy", {"bands": "seed"}),
)


def _blocks(stream: Stream, recipe: list[RecipeStep], block_s: float) -> Stream:
    def read(start: int, stop: int) -> Stream:
        return Stream(stream.data[:, start:stop], stream.sfreq)

    blocks = run_in_blocks(read, stream.data.shape[-1], stream.sfreq, recipe, block_s)
    assert blocks is not None
    return blocks


def test_a_sine_has_its_known_de_when_computed_in_blocks():
    # Every 1-s window of a 10 Hz cosine at 1 kHz, resampled to 200 Hz in blocks, has
    # the DE of the cosine sampled at 200 Hz directly. The alpha band (8-13 Hz, 6
    # bins) holds A^2 (N-1)/6 on the 10 Hz bin and about a quarter of it on each
    # neighbour (see test_spectral): 1.5/6 of it on average.
    amplitude, sfreq = 20.0, 1000.0
    t = np.arange(int(95 * sfreq)) / sfreq
    sine = Stream((amplitude * np.cos(2 * np.pi * 10.0 * t))[np.newaxis].astype(np.float32), sfreq)
    de = _blocks(sine, TO_DE, block_s=10.0)
    assert de.data.shape == (95, 1, 5)
    np.testing.assert_array_equal(de.window_starts, np.arange(95.0))
    ideal = amplitude * np.cos(2 * np.pi * 10.0 * np.arange(200) / 200.0)
    known = differential_entropy(ideal, 200.0, band_edges("seed"))
    # the other bands hold only the taper's leakage (10^-7 of alpha's power): float32
    # rounding of the signal moves their DE by up to 5e-4 nats
    np.testing.assert_allclose(de.data[:, 0, 2], known[2], atol=1e-5)
    np.testing.assert_allclose(de.data[:, 0], np.broadcast_to(known, (95, 5)), atol=1e-3)
    alpha = 0.5 * np.log(2 * np.pi * np.e * amplitude**2 * 199 / 24)
    assert known[2] == pytest.approx(alpha, abs=5e-3)


@pytest.mark.parametrize(
    ("sfreq", "recipe", "edge_s"), [(1000.0, TO_DE, 0.0), (2048.0, FILTERED, 3.0)]
)
def test_blocks_give_the_whole_recording_features(sfreq, recipe, edge_s):
    # Away from the recording's first and last `edge_s` (the high-pass's reach, where
    # the whole recording's own FFT wraps its other end in), blocks equal the whole
    # recording to float32 precision (1e-5 nats, i.e. 0.002 % of band power); at the
    # edges to 0.02 nats. Blocks of 10 s: 6-7 blocks, each read with 2 or 6 s margins.
    stream = _eeg(8, sfreq, 64.0)
    stream = Stream((stream.data * 1e6 + 150.0).astype(np.float32), sfreq)  # µV, DC offset
    whole = run_recipe(stream, recipe)
    blocks = _blocks(stream, recipe, block_s=10.0)
    np.testing.assert_array_equal(blocks.window_starts, whole.window_starts)
    assert blocks.sfreq == whole.sfreq == 200.0
    inner = (whole.window_starts >= edge_s) & (whole.window_starts + 1.0 <= 64.0 - edge_s)
    np.testing.assert_allclose(blocks.data[inner], whole.data[inner], atol=3e-5)
    np.testing.assert_allclose(blocks.data, whole.data, atol=2e-2)


def test_recipes_that_are_not_per_window_run_whole():
    stream = _eeg(2, 200.0, 10.0)
    baseline = _recipe(
        ("windows", {"length_s": 1.0, "step_s": 1.0}),
        ("remove_baseline", {"baseline_s": 3.0}),
        ("differential_entropy", {"bands": "seed"}),
    )
    for recipe in (baseline, TO_DE[:2], TO_DE[:1]):
        read = lambda start, stop: Stream(stream.data[:, start:stop], 200.0)  # noqa: E731
        assert run_in_blocks(read, 2000, 200.0, recipe) is None
