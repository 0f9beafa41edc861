"""MAET's 33 eye features on a synthetic gaze/pupil recording with known events."""

import numpy as np
import pytest

from signals.features.eye import (
    N_EYE_FEATURES,
    EyeSamples,
    eye_features,
    read_eye_csv,
    read_precomputed_eye,
)

SFREQ = 250.0


def _recording(seconds: int = 40) -> EyeSamples:
    """Fixations of 0.4 s at fixed points, joined by 32-ms saccades of 300 px."""
    n = int(seconds * SFREQ)
    gx, gy = np.empty(n), np.full(n, 500.0)
    fix, sac = 100, 8
    x, k = 200.0, 0
    while k < n:
        gx[k : k + fix] = x
        k += fix
        step = min(sac, n - k)
        gx[k : k + step] = np.linspace(x, x + 300.0, sac, endpoint=False)[:step]
        x = x + 300.0 if x < 1500 else 200.0
        k += step
    gx[gx > 1800] = 200.0
    blink = slice(int(10.1 * SFREQ), int(10.3 * SFREQ))  # one 200-ms blink
    gx[blink] = gy[blink] = np.nan
    t = np.arange(n) / SFREQ
    pupil = 3.0 + 0.2 * np.sin(2 * np.pi * 0.5 * t)
    pupil_right = pupil.copy()
    pupil_right[blink] = np.nan
    return EyeSamples(SFREQ, gx, gy, pupil, pupil_right)


def test_features_have_maet_layout_and_known_values():
    features = eye_features(_recording())
    assert features.shape == (10, N_EYE_FEATURES)
    de_left = features[:, 0:4]
    assert np.all(np.argmax(de_left, axis=1) == 2)  # 0.5 Hz sits in the 0.4-0.6 Hz band
    np.testing.assert_allclose(features[:, 8], 3.0, atol=0.01)  # left pupil mean, mm
    np.testing.assert_allclose(features[:, 9], 0.2 / np.sqrt(2), atol=0.01)
    fixation_mean = features[:, 12]
    assert np.median(fixation_mean) == pytest.approx(0.4, abs=0.05)
    assert np.median(features[:, 18]) == pytest.approx(8 / SFREQ, abs=0.01)  # saccade s
    blink_mean = features[:, 22]
    assert np.count_nonzero(blink_mean) == 1 and blink_mean[2] == pytest.approx(0.2, abs=0.01)
    np.testing.assert_allclose(features[:, 24], 1 / 40)  # one blink in 40 s
    assert np.all(features[0, 24:] == features[-1, 24:])  # clip-level values repeat
    assert np.isfinite(features).all()


def test_csv_with_tobii_names_and_precomputed_rows(tmp_path):
    samples = _recording(8)
    n = len(samples.gaze_x)
    columns = ["Recording timestamp", "Gaze point X", "Gaze point Y"]
    columns += ["Pupil diameter left", "Pupil diameter right"]
    lines = ["\t".join(columns)]
    for k in range(n):
        values = [
            samples.gaze_x[k],
            samples.gaze_y[k],
            samples.pupil_left[k],
            samples.pupil_right[k],
        ]
        text = ["" if np.isnan(v) else f"{v:.4f}".replace(".", ",") for v in values]
        lines.append("\t".join([str(k * 4000), *text]))
    path = tmp_path / "eye.tsv"
    path.write_text("\n".join(lines))
    read = read_eye_csv(path)
    assert read.sfreq == pytest.approx(SFREQ)
    np.testing.assert_allclose(read.pupil_left, samples.pupil_left, atol=1e-4)
    assert eye_features(read).shape == (2, N_EYE_FEATURES)

    rows = np.arange(3 * N_EYE_FEATURES, dtype=float).reshape(3, N_EYE_FEATURES)
    header = ",".join(f"f{k}" for k in range(N_EYE_FEATURES))
    np.savetxt(tmp_path / "pre.csv", rows, delimiter=",", header=header, comments="")
    np.testing.assert_array_equal(read_precomputed_eye(tmp_path / "pre.csv"), rows)
    np.savetxt(tmp_path / "bad.csv", rows[:, :30], delimiter=",")
    with pytest.raises(ValueError, match="expected 33"):
        read_precomputed_eye(tmp_path / "bad.csv")
