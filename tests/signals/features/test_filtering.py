"""FFT band-pass/notch/resample, average reference and fixed-length resampling."""

import numpy as np
import pytest
from scipy.signal import butter, sosfiltfilt

from signals.features.filtering import (
    average_reference,
    fft_length,
    filter_resample,
    resample_to_length,
)

SFREQ = 1000.0
T = np.arange(int(20 * SFREQ)) / SFREQ
MIDDLE = slice(int(5 * SFREQ), int(15 * SFREQ))


def _amplitude(x, freq, t=T):
    """Amplitude of the ``freq`` component in the middle of ``x`` (least squares)."""
    basis = np.stack([np.sin(2 * np.pi * freq * t), np.cos(2 * np.pi * freq * t)], axis=1)
    coef, *_ = np.linalg.lstsq(basis[MIDDLE], x[MIDDLE], rcond=None)
    return float(np.hypot(*coef))


def test_bandpass_keeps_the_passband_and_removes_the_rest():
    x = (
        3.0
        + np.sin(2 * np.pi * 10 * T)
        + np.sin(2 * np.pi * 0.2 * T)
        + np.sin(2 * np.pi * 150 * T)
    )
    y = filter_resample(x, SFREQ, l_freq=1.0, h_freq=40.0)
    assert _amplitude(y, 10) == pytest.approx(1.0, abs=0.01)
    assert _amplitude(y, 0.2) < 0.01
    assert _amplitude(y, 150) < 1e-3
    assert abs(y[MIDDLE].mean()) < 0.01


def test_cutoff_gain_is_half_like_forward_backward_butterworth():
    x = np.sin(2 * np.pi * 40 * T)
    assert _amplitude(filter_resample(x, SFREQ, h_freq=40.0), 40) == pytest.approx(0.5, abs=0.01)


def test_notch_removes_mains_and_keeps_neighbours():
    x = np.sin(2 * np.pi * 50 * T) + np.sin(2 * np.pi * 40 * T)
    y = filter_resample(x, SFREQ, notch_freqs=(50.0,))
    assert _amplitude(y, 50) < 0.01
    assert _amplitude(y, 40) > 0.97


def test_matches_sosfiltfilt_away_from_the_edges():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, T.size))
    sos = butter(4, [1.0, 75.0], btype="band", fs=SFREQ, output="sos")
    ref = sosfiltfilt(sos, x, axis=-1)
    ours = filter_resample(x, SFREQ, l_freq=1.0, h_freq=75.0)
    for a, b in zip(ours, ref, strict=True):
        assert np.corrcoef(a[MIDDLE], b[MIDDLE])[0, 1] > 0.999


def test_resampling_down_and_up_keeps_a_sine_and_the_dtype():
    x = np.sin(2 * np.pi * 10 * T).astype(np.float32)
    y = filter_resample(x, SFREQ, new_sfreq=200.0)
    assert y.dtype == np.float32
    assert y.shape == (4000,)
    np.testing.assert_allclose(y, np.sin(2 * np.pi * 10 * np.arange(4000) / 200.0), atol=1e-3)
    single = filter_resample(x.astype(np.float64), SFREQ, new_sfreq=200.0, dtype=np.float32)
    assert single.dtype == np.float32
    np.testing.assert_allclose(single, y, atol=1e-5)
    up = filter_resample(np.sin(2 * np.pi * 5 * np.arange(2560) / 128.0), 128.0, new_sfreq=200.0)
    assert up.shape == (4000,)
    np.testing.assert_allclose(
        up[200:-200], np.sin(2 * np.pi * 5 * np.arange(4000) / 200.0)[200:-200], atol=1e-3
    )


def test_average_reference_removes_the_common_signal():
    rng = np.random.default_rng(2)
    common = rng.standard_normal(500)
    local = rng.standard_normal((8, 500))
    out = average_reference(local + common)
    np.testing.assert_allclose(out.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(out, local - local.mean(axis=0), atol=1e-12)


def test_resample_to_length_one_dimensional_and_image_quirk():
    n = 87**2  # a DEAP trial's 7569 GSR samples (spec §2.1)
    t = np.arange(n) / n
    slow = np.sin(2 * np.pi * 2 * t)
    out = resample_to_length(slow[np.newaxis], 2500)
    assert out.shape == (1, 2500)
    np.testing.assert_allclose(
        out[0, 50:-50], np.sin(2 * np.pi * 2 * np.arange(2500) / 2500)[50:-50], atol=1e-3
    )
    ramp = np.arange(n, dtype=float)
    image = resample_to_length(ramp, 2500, image_quirk=True).reshape(50, 50)
    # each row of the 50 x 50 image comes from one 87-sample row of the 87 x 87 reshape
    assert np.ptp(image[:, 0]) == pytest.approx(87 * 86, rel=0.05)
    assert np.ptp(image[0]) == pytest.approx(86, rel=0.05)
    with pytest.raises(ValueError, match="square"):
        resample_to_length(ramp, 2000, image_quirk=True)


@pytest.mark.parametrize(
    ("n_min", "step", "expected"),
    [
        (66_000, 5, 81_920),  # 5 * 2**14: a quarter longer than 67,500 at most
        (154_000, 5, 163_840),  # 5 * 2**15 rather than 155,520
        (60_000, 5, 61_440),  # 3 * 5 * 2**12
        (66_000, 1, 67_500),  # 98,304 would pad half as much again: 5-smooth instead
        (7, 4, 8),
    ],
)
def test_fft_length_prefers_binary_multiples_of_the_step(
    n_min: int, step: int, expected: int
) -> None:
    length = fft_length(n_min, step)
    assert length == expected
    assert length >= n_min and length % step == 0
