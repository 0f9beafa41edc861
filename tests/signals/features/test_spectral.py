"""Band power and DE against signals whose answer is known."""

import numpy as np
import pytest

from core.cards import band_edges
from signals.features.spectral import band_power, differential_entropy

SFREQ = 200.0


def test_gaussian_noise_de_is_half_log_2_pi_e_variance_in_every_band():
    sigma = 2.0
    rng = np.random.default_rng(0)
    noise = rng.normal(0.0, sigma, size=(40, 4, int(60 * SFREQ)))  # 60-s windows
    bands = band_edges("seed")
    power = band_power(noise, SFREQ, bands)
    de = differential_entropy(noise, SFREQ, bands)
    assert de.shape == (40, 4, 5)
    np.testing.assert_allclose(power.mean(axis=(0, 1)), sigma**2, rtol=0.03)
    expected = 0.5 * np.log(2 * np.pi * np.e * sigma**2)
    np.testing.assert_allclose(de.mean(axis=(0, 1)), expected, atol=0.03)


def test_ten_hz_sine_puts_its_power_in_alpha():
    t = np.arange(int(4 * SFREQ)) / SFREQ
    sine = np.sin(2 * np.pi * 10.0 * t)[np.newaxis]
    for table in ("seed", "seed_iv", "seed_vii"):
        power = band_power(sine, SFREQ, band_edges(table))[0]
        alpha = list(band_edges(table)).index("alpha")
        assert np.argmax(power) == alpha
        assert power[alpha] > 1e4 * np.delete(power, alpha).max()


def test_zero_padding_keeps_the_scale_and_float32_is_accepted():
    rng = np.random.default_rng(1)
    noise = rng.normal(0.0, 1.0, size=(50, 800)).astype(np.float32)
    bands = band_edges("seed_iv")
    plain = band_power(noise, SFREQ, bands)
    padded = band_power(noise, SFREQ, bands, n_fft=3200)
    assert plain.dtype == np.float64
    np.testing.assert_allclose(padded.mean(axis=0), plain.mean(axis=0), rtol=0.05)
    np.testing.assert_allclose(plain.mean(axis=0), 1.0, rtol=0.1)


def test_a_band_without_fft_bins_is_refused():
    with pytest.raises(ValueError, match="holds no FFT bin"):
        band_power(np.zeros((1, 10)), SFREQ, {"narrow": (1.0, 2.0)})


def test_integer_samples_give_the_power_of_the_same_values_as_floats():
    # raw ADC counts: the taper must not be cast to integers (it would be all zeros)
    counts = np.random.default_rng(2).integers(-500, 500, size=(3, 2, 400))
    bands = band_edges("seed")
    power = band_power(counts, SFREQ, bands)
    np.testing.assert_allclose(power, band_power(counts.astype(np.float64), SFREQ, bands))
    assert power.min() > 1e3  # counts of standard deviation ~290


def test_band_power_is_the_mean_periodogram_of_the_bins_between_inclusive_edges():
    # 1-s windows at 200 Hz: FFT bins every 1 Hz. A cosine of amplitude A on the 8 Hz
    # bin, tapered by np.hanning (sum w = (N-1)/2, sum w^2 = 3(N-1)/8), has
    # |X(8 Hz)| = A sum(w) / 2, so the one-bin band 8-8 Hz holds
    # (A sum(w)/2)^2 / sum(w^2) = A^2 (N-1)/6 = 4 * 199/6 = 132.67. The bins at 7 and
    # 9 Hz hold a quarter of it each (|X| = A sum(w)/4): the 7-9 Hz band averages
    # (1 + 1/4 + 1/4) / 3 = 1/2 of it.
    n = 200
    cosine = 2.0 * np.cos(2 * np.pi * 8.0 * np.arange(n) / SFREQ)
    power = band_power(cosine, SFREQ, {"bin": (8.0, 8.0), "three": (7.0, 9.0)})
    np.testing.assert_allclose(power, [4 * (n - 1) / 6, 4 * (n - 1) / 12], rtol=0.01)
    np.testing.assert_allclose(power[0], 132.67, rtol=1e-4)
