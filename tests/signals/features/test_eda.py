"""EDA cleaning and cvxEDA decomposition on synthetic and real skin conductance."""

from pathlib import Path

import numpy as np
import pytest

from signals.features.eda import clean_eda, cvxeda, eda_components
from signals.features.filtering import filter_resample

pytest.importorskip("neurokit2")
pytest.importorskip("cvxopt")

SFREQ = 5.0
REAL = Path(__file__).resolve().parents[3] / "../shared/data/eda/bio_eventrelated_100hz.csv"


def _bateman(t, tau0=2.0, tau1=0.7):
    response = np.where(
        t >= 0, np.exp(-np.clip(t, 0, None) / tau0) - np.exp(-np.clip(t, 0, None) / tau1), 0.0
    )
    return response / response.max()


def test_cvxeda_recovers_the_tonic_level_and_the_responses():
    t = np.arange(int(120 * SFREQ)) / SFREQ
    tonic = 4.0 + 0.005 * t
    onsets = [15.0, 45.0, 75.0, 100.0]
    phasic = sum(0.6 * _bateman(t - onset) for onset in onsets)
    rng = np.random.default_rng(0)
    eda = tonic + phasic + rng.normal(0.0, 0.005, t.size)
    est_tonic, est_phasic = cvxeda(eda, SFREQ)
    assert np.median(np.abs(est_tonic - tonic)) < 0.05
    assert est_tonic.mean() == pytest.approx(tonic.mean(), abs=0.05)
    for onset in onsets:
        window = (t >= onset) & (t < onset + 8)
        peak = t[window][np.argmax(est_phasic[window])]
        assert 0.5 <= peak - onset <= 3.0
        assert est_phasic[window].max() == pytest.approx(0.6, abs=0.15)


def test_components_follow_the_requested_order():
    t = np.arange(int(60 * SFREQ)) / SFREQ
    eda = 2.0 + 0.5 * _bateman(t - 20)
    stacked = eda_components(eda, SFREQ, order=("tonic", "phasic", "eda"))
    assert stacked.shape == (3, t.size)
    np.testing.assert_array_equal(stacked[2], eda)
    np.testing.assert_allclose(stacked[0] + stacked[1], eda, atol=0.05)
    with pytest.raises(ValueError, match="unknown EDA components"):
        eda_components(eda, SFREQ, order=("eda", "driver"))


def test_cleaning_fills_gaps_and_removes_fast_noise():
    t = np.arange(2000) / 100.0
    eda = 5.0 + 0.1 * np.sin(2 * np.pi * 0.1 * t) + 0.2 * np.sin(2 * np.pi * 20 * t)
    eda[500:510] = np.nan
    clean = clean_eda(eda, 100.0)
    assert np.isfinite(clean).all()
    expected = 5.0 + 0.1 * np.sin(2 * np.pi * 0.1 * t)
    away = np.r_[100:450, 560:1900]
    np.testing.assert_allclose(clean[away], expected[away], atol=0.01)
    np.testing.assert_allclose(clean[500:510], expected[500:510], atol=0.2)


def test_real_recording_scrs_follow_negative_pictures_by_one_to_three_seconds():
    if not REAL.is_file():
        pytest.skip(f"{REAL} is absent (shared data not available)")
    table = np.genfromtxt(REAL, delimiter=",", names=True)
    light = table["Photosensor"]
    onsets = (np.flatnonzero((light[1:] < 2.5) & (light[:-1] >= 2.5)) + 1) / 100.0
    np.testing.assert_allclose(onsets, [10.24, 49.58, 92.24, 129.84], atol=0.02)
    eda = filter_resample(clean_eda(table["EDA"], 100.0), 100.0, new_sfreq=SFREQ)
    tonic, phasic = cvxeda(eda, SFREQ)
    assert 12.5 < np.median(tonic) < 16.8  # µS, within the recording's range
    t = np.arange(eda.size) / SFREQ
    rises = []
    for onset in onsets:
        window = (t >= onset) & (t < onset + 8)
        segment = phasic[window]
        peak = int(np.argmax(segment))
        trough = int(np.argmin(segment[: peak + 1]))
        rises.append((segment[peak] - segment[trough], t[window][trough] - onset))
    for negative in (0, 3):  # conditions: negative, neutral, neutral, negative
        amplitude, latency = rises[negative]
        assert amplitude > 0.5
        assert 1.0 <= latency <= 3.5
    for neutral in (1, 2):
        assert rises[neutral][0] < 0.2
