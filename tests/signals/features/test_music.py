"""openSMILE ComParE 2016 functionals of a synthetic song."""

import numpy as np
import pytest
from scipy.io import wavfile

from signals.features.music import N_COMPARE_FEATURES, music_features

pytest.importorskip("opensmile", reason="the optional 'music' extra (opensmile) is not installed")


def test_compare_functionals_have_6373_values(tmp_path):
    sfreq = 16000
    t = np.arange(3 * sfreq) / sfreq
    tone = 0.3 * np.sin(2 * np.pi * 440 * t) * (1 + 0.5 * np.sin(2 * np.pi * 2 * t))
    wavfile.write(tmp_path / "song.wav", sfreq, (tone * 32767).astype(np.int16))
    features = music_features(tmp_path / "song.wav")
    assert features.shape == (N_COMPARE_FEATURES,) == (6373,)
    assert np.isfinite(features).all() and np.ptp(features) > 0


def test_unreadable_audio_is_reported(tmp_path):
    (tmp_path / "noise.wav").write_bytes(b"not audio")
    with pytest.raises(ValueError, match="could not be read"):
        music_features(tmp_path / "noise.wav")
