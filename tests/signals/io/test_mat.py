"""MAT files: plain matrices, SEED features, DEAP trials, FieldTrip (v5 and v7.3)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import scipy.io

from core.cards import montage_channels
from signals.io import UnreadableRecordingError, read_features, read_header, read_raw
from tests.signals.io.builders import sine_signals, write_mat73

NAMES = ["Fp1", "Fp2", "Cz", "GSR"]
SFREQ = 250.0
OPTIONS = {"sfreq": SFREQ, "ch_names": NAMES}


def _cells(items: list) -> np.ndarray:
    cells = np.empty((1, len(items)), dtype=object)
    for i, item in enumerate(items):
        cells[0, i] = item
    return cells


@pytest.fixture
def signals() -> np.ndarray:
    """4 channels x 1000 samples (4 s at 250 Hz), µV."""
    return sine_signals(4, SFREQ, 4.0)


def test_plain_matrix_with_upload_options(tmp_path: Path, signals: np.ndarray) -> None:
    path = tmp_path / "rec.mat"
    scipy.io.savemat(path, {"eeg": signals})
    header = read_header(path, options=OPTIONS)
    assert (header.format, header.kind) == ("mat", "signals")
    assert header.channel_names == NAMES
    assert header.channel_types == ["eeg", "eeg", "eeg", "gsr"]
    assert (header.sfreq, header.duration_s) == (SFREQ, 4.0)
    raw = read_raw(path, options=OPTIONS)
    np.testing.assert_allclose(raw.get_data(), signals * 1e-6)


def test_plain_matrix_samples_by_channels_in_volts(tmp_path: Path, signals: np.ndarray) -> None:
    path = tmp_path / "rec.mat"
    scipy.io.savemat(path, {"X": signals.T * 1e-6})
    raw = read_raw(path, options={**OPTIONS, "unit": "V"})
    assert raw.ch_names == NAMES
    np.testing.assert_allclose(raw.get_data(), signals * 1e-6)


def test_plain_matrix_carrying_rate_and_names(tmp_path: Path, signals: np.ndarray) -> None:
    path = tmp_path / "rec.mat"
    scipy.io.savemat(path, {"data": signals, "fs": SFREQ, "labels": _cells(NAMES)})
    header = read_header(path)
    assert header.channel_names == NAMES
    assert header.sfreq == SFREQ


def test_plain_matrix_without_rate_is_refused(tmp_path: Path, signals: np.ndarray) -> None:
    path = tmp_path / "rec.mat"
    scipy.io.savemat(path, {"eeg": signals})
    with pytest.raises(UnreadableRecordingError, match="not its sfreq and ch_names"):
        read_header(path)
    with pytest.raises(UnreadableRecordingError, match="one name per channel"):
        read_header(path, options={"sfreq": SFREQ, "ch_names": ["Cz", "Pz", "Oz"]})


def test_several_matrices_need_the_variable_option(tmp_path: Path, signals: np.ndarray) -> None:
    path = tmp_path / "rec.mat"
    scipy.io.savemat(path, {"eeg": signals, "ica": signals[:2]})
    with pytest.raises(UnreadableRecordingError, match="'variable' upload option"):
        read_header(path, options=OPTIONS)
    raw = read_raw(path, options={**OPTIONS, "variable": "eeg"})
    np.testing.assert_allclose(raw.get_data(), signals * 1e-6)


def test_plain_matrix_v73(tmp_path: Path, signals: np.ndarray) -> None:
    path = write_mat73(tmp_path / "rec.mat", {"eeg": signals, "srate": SFREQ, "ch_names": NAMES})
    header = read_header(path)
    assert (header.channel_names, header.sfreq, header.duration_s) == (NAMES, SFREQ, 4.0)
    np.testing.assert_allclose(read_raw(path).get_data(), signals * 1e-6)


def _seed_arrays(n_clips: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    lengths = [7, 5, 9][:n_clips]
    return {
        f"{feature}{clip + 1}": rng.normal(size=(62, length, 5))
        for feature in ("de_LDS", "de_movingAve", "psd_LDS")
        for clip, length in enumerate(lengths)
    }


@pytest.mark.parametrize("writer", ["v5", "v7.3"])
def test_seed_extracted_features(tmp_path: Path, writer: str) -> None:
    arrays = _seed_arrays(3)
    path = tmp_path / "1_20131027.mat"
    if writer == "v5":
        scipy.io.savemat(path, arrays)
    else:
        write_mat73(path, arrays)
    header = read_header(path)
    assert (header.format, header.kind, header.n_trials) == ("seed-features", "features", 3)
    assert sorted(header.feature_keys) == sorted(arrays)
    assert header.duration_s == 21.0
    assert header.channel_names == montage_channels("seed62")
    features = read_features(path)
    assert features.feature_name == "de_LDS"
    assert features.layout == ("channel", "window", "band")
    assert features.keys == ["de_LDS1", "de_LDS2", "de_LDS3"]
    assert features.bands == ["delta", "theta", "alpha", "beta", "gamma"]
    assert sorted(features.available) == ["de_LDS", "de_movingAve", "psd_LDS"]
    for key, array in zip(features.keys, features.arrays, strict=True):
        np.testing.assert_array_equal(array, arrays[key])
    smooth = read_features(path, options={"feature": "de_movingAve"})
    np.testing.assert_array_equal(smooth.arrays[1], arrays["de_movingAve2"])
    with pytest.raises(UnreadableRecordingError, match="holds no 'dasm_LDS' features"):
        read_features(path, options={"feature": "dasm_LDS"})
    with pytest.raises(UnreadableRecordingError, match="read_features"):
        read_raw(path)


def test_seed_clips_sort_by_number(tmp_path: Path) -> None:
    arrays = {f"de_LDS{clip}": np.full((62, 2, 5), float(clip)) for clip in (10, 2, 1)}
    path = tmp_path / "seed.mat"
    scipy.io.savemat(path, arrays)
    features = read_features(path)
    assert features.keys == ["de_LDS1", "de_LDS2", "de_LDS10"]
    assert [a[0, 0, 0] for a in features.arrays] == [1.0, 2.0, 10.0]


def test_deap_preprocessed(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    data = rng.normal(size=(3, 40, 512))
    labels = rng.uniform(1, 9, size=(3, 4))
    path = tmp_path / "s01.mat"
    scipy.io.savemat(path, {"data": data, "labels": labels})
    header = read_header(path)
    assert (header.format, header.kind, header.n_trials) == ("deap-preprocessed", "features", 3)
    assert header.channel_names[:32] == montage_channels("deap32")
    assert header.channel_names[36] == "GSR"
    assert header.channel_types[32:] == ["eog", "eog", "emg", "emg", "gsr", "resp", "misc", "misc"]
    assert (header.sfreq, header.duration_s) == (128.0, 12.0)
    trials = read_features(path)
    assert trials.layout == ("channel", "sample")
    assert len(trials.arrays) == 3
    np.testing.assert_array_equal(trials.arrays[2], data[2])
    np.testing.assert_array_equal(trials.labels, labels)
    assert trials.label_names == ["valence", "arousal", "dominance", "liking"]


def test_fieldtrip_raw_struct(tmp_path: Path, signals: np.ndarray) -> None:
    path = tmp_path / "ft.mat"
    struct = {
        "label": _cells(NAMES),
        "fsample": SFREQ,
        "trial": _cells([signals]),
        "time": _cells([np.arange(1000) / SFREQ]),
    }
    scipy.io.savemat(path, {"cfg": {"version": 1.0}, "data": struct})
    header = read_header(path)
    assert (header.format, header.channel_names, header.sfreq) == ("fieldtrip", NAMES, SFREQ)
    assert header.channel_types == ["eeg", "eeg", "eeg", "gsr"]
    assert "suggests they are stored in µV or mV" in header.warnings[0]
    np.testing.assert_allclose(read_raw(path).get_data(), signals)
    in_microvolts = {"unit": "uV"}
    assert read_header(path, options=in_microvolts).warnings == []
    np.testing.assert_allclose(read_raw(path, options=in_microvolts).get_data(), signals * 1e-6)


def test_fieldtrip_with_several_trials_is_refused(tmp_path: Path, signals: np.ndarray) -> None:
    path = tmp_path / "ft.mat"
    times = np.arange(1000) / SFREQ
    struct = {
        "label": _cells(NAMES),
        "fsample": SFREQ,
        "trial": _cells([signals, signals]),
        "time": _cells([times, times]),
    }
    scipy.io.savemat(path, {"data": struct})
    with pytest.raises(UnreadableRecordingError, match="several trials must be joined"):
        read_header(path)


def test_mat_cut_short(tmp_path: Path, signals: np.ndarray) -> None:
    path = tmp_path / "rec.mat"
    scipy.io.savemat(path, {"eeg": signals})
    path.write_bytes(path.read_bytes()[:3000])
    with pytest.raises(UnreadableRecordingError, match="cut short"):
        read_raw(path, options=OPTIONS)


def test_mat73_cut_short(tmp_path: Path, signals: np.ndarray) -> None:
    path = write_mat73(tmp_path / "rec.mat", {"eeg": signals, "srate": SFREQ, "ch_names": NAMES})
    path.write_bytes(path.read_bytes()[:4000])
    with pytest.raises(UnreadableRecordingError, match="cut short"):
        read_header(path)


def test_mat_without_signals_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "settings.mat"
    scipy.io.savemat(path, {"gain": 2.0, "name": "session 1"})
    with pytest.raises(UnreadableRecordingError, match="holds no channels x samples matrix"):
        read_header(path)
