"""Recipe steps on known signals, and the models' own recipes (from their cards) run
end to end on synthetic recordings.

The face and music inputs are not covered here: their steps decode video and audio
(`signals.feeding`, tests/signals/test_feeding.py).
"""

import numpy as np
import pytest

from core.cards import RecipeStep, band_edges, load_card, montage_channels
from signals.features.normalization import fit_normalization, save_normalization
from signals.features.spectral import differential_entropy
from signals.recipe import Stream, minmax_scale, run_recipe


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


# three windows of 2 x 2 features: a spread one, a constant one, one with a negative value
KNOWN_FEATURES = np.array(
    [
        [[0.0, 2.0], [4.0, 8.0]],
        [[10.0, 10.0], [10.0, 10.0]],
        [[-1.0, 1.0], [3.0, 0.0]],
    ]
)


def test_minmax_scale_per_window_scales_each_window_to_its_own_range():
    stream = Stream(data=KNOWN_FEATURES, sfreq=1.0, window_starts=np.arange(3.0))
    out = minmax_scale(stream, per_window=True).data
    # window 0: (x - 0) / 8; window 1: constant, so x - 10; window 2: (x + 1) / 4
    expected = [
        [[0.0, 0.25], [0.5, 1.0]],
        [[0.0, 0.0], [0.0, 0.0]],
        [[0.0, 0.5], [1.0, 0.25]],
    ]
    np.testing.assert_array_equal(out, expected)


def test_minmax_scale_over_the_recording_uses_one_range():
    stream = Stream(data=KNOWN_FEATURES, sfreq=1.0, window_starts=np.arange(3.0))
    out = minmax_scale(stream).data
    np.testing.assert_allclose(out, (KNOWN_FEATURES + 1.0) / 11.0, rtol=1e-15)  # [-1, 10]
    constant = minmax_scale(replace_data(stream, np.full((3, 2, 2), 4.0))).data
    np.testing.assert_array_equal(constant, 0.0)


def replace_data(stream: Stream, data: np.ndarray) -> Stream:
    """``stream`` with other data."""
    return Stream(data=data, sfreq=stream.sfreq, window_starts=stream.window_starts)


def card_eeg(model: str, sfreq: float, seconds: float, seed: int = 0) -> Stream:
    """Noise (10 µV) and a 10 Hz sine (20 µV) on the channels of ``model``'s EEG montage."""
    montage = load_card(model).input("eeg").montage
    return _eeg(len(montage_channels(montage)), sfreq, seconds, seed)


def card_recipe(model: str, name: str) -> list[RecipeStep]:
    """The recipe of input ``name`` as ``model``'s card states it."""
    return load_card(model).input(name).recipe


@pytest.fixture(scope="module")
def maet_eeg() -> Stream:
    """MAET's EEG recipe on 12 s at 400 Hz (the recipe resamples to 200 Hz)."""
    return run_recipe(card_eeg("maet", 400.0, 12.0), card_recipe("maet", "eeg"))


def test_maet_card_recipe_gives_310_values_per_window_spanning_zero_to_one(maet_eeg):
    assert maet_eeg.data.shape == (12, *load_card("maet").input("eeg").shape) == (12, 310)
    assert maet_eeg.sfreq == 200.0
    np.testing.assert_array_equal(maet_eeg.window_starts, np.arange(12.0))
    np.testing.assert_array_equal(maet_eeg.data.min(axis=1), 0.0)
    np.testing.assert_array_equal(maet_eeg.data.max(axis=1), 1.0)
    # channel-major (value c*5 + b): the 10 Hz sine puts every channel's peak in alpha
    per_channel = maet_eeg.data.reshape(12, 62, 5)
    assert np.all(per_channel.argmax(axis=-1) == 2)


@pytest.mark.parametrize("model", ["emotionclip", "strnn"])
def test_stacking_card_recipes_stack_nine_of_maets_windows(model, maet_eeg):
    out = run_recipe(card_eeg(model, 400.0, 12.0), card_recipe(model, "eeg"))
    assert out.data.shape == (4, *load_card(model).input("eeg").shape) == (4, 9, 62, 5)
    np.testing.assert_array_equal(out.window_starts, np.arange(4.0))
    for k in range(4):
        np.testing.assert_allclose(out.data[k], maet_eeg.data[k : k + 9].reshape(9, 62, 5))


def test_aimstf_card_recipe_removes_the_three_second_baseline():
    stream = card_eeg("aimstf_ssff", 128.0, 63.0)
    times = np.arange(stream.data.shape[-1]) / 128.0
    # a whole number of 10 Hz periods per second: the baseline mean is the sine itself
    sine = 20.0 * np.sin(2 * np.pi * 10.0 * times)
    data = sine + np.arange(32.0)[:, np.newaxis] + 5.0 * (times >= 3.0)
    out = run_recipe(Stream(data=data, sfreq=128.0), card_recipe("aimstf_ssff", "eeg"))
    assert out.data.shape == (60, *load_card("aimstf_ssff").input("eeg").shape) == (60, 32, 128)
    np.testing.assert_array_equal(out.window_starts, np.arange(3.0, 63.0))
    np.testing.assert_allclose(out.data, 5.0, atol=1e-9)


def test_rtcan_card_recipe_gives_standardised_eda_tonic_phasic():
    pytest.importorskip("cvxopt")
    sfreq = 50.0
    t = np.arange(int(60 * sfreq)) / sfreq
    response = np.clip(np.exp(-(t - 40) / 2.0) - np.exp(-(t - 40) / 0.7), 0, None) * (t >= 40)
    eda = 3.0 + 0.01 * t + response
    out = run_recipe(Stream(data=eda[np.newaxis], sfreq=sfreq), card_recipe("rtcan1d", "eda"))
    assert out.data.shape == (2, *load_card("rtcan1d").input("eda").shape) == (2, 3, 2500)
    np.testing.assert_array_equal(out.window_starts, [0.0, 30.0])
    np.testing.assert_allclose(out.data.mean(axis=-1), 0.0, atol=1e-9)
    np.testing.assert_allclose(out.data.std(axis=-1), 1.0, atol=1e-9)
    # row 0 is the signal itself: the second window's (with the response) follows it
    window = eda[1500:]
    resampled = np.interp(np.linspace(0, 1500 - 1, 2500), np.arange(1500), window)
    reference = (resampled - resampled.mean()) / resampled.std()
    assert np.corrcoef(out.data[1, 0], reference)[0, 1] > 0.99


def test_maet_card_eye_recipe_gives_33_features_per_second():
    rng = np.random.default_rng(0)
    samples = np.stack(
        [
            rng.normal(960, 5, 2500),
            rng.normal(540, 5, 2500),
            np.full(2500, 3.0),
            np.full(2500, 3.1),
        ]
    )
    out = run_recipe(Stream(data=samples, sfreq=250.0), card_recipe("maet", "eye"))
    assert out.data.shape == (10, *load_card("maet").input("eye").shape) == (10, 33)
    np.testing.assert_array_equal(out.window_starts, np.arange(10.0))
    np.testing.assert_allclose(out.data[:, 8], 3.0)
