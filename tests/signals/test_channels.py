"""Channel names, types, and mapping recordings onto model montages."""

from __future__ import annotations

import mne
import numpy as np
import pytest

from core.cards import montage_channels
from signals.channels import (
    apply_montage_mapping,
    classify_channel,
    map_channels,
    map_to_montage,
    normalize_channel_name,
    standard_positions,
)


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("EEG Fp1-Ref", "FP1"),
        ("EEG FP1-REF", "FP1"),
        ("Fp1-A1", "FP1"),
        ("C3-M2", "C3"),
        ("Fp1.", "FP1"),
        ("Fc5..", "FC5"),
        ("fpz", "FPZ"),
        (" Oz ", "OZ"),
        ("EEG:Cz", "CZ"),
    ],
)
def test_normalize_channel_name(label: str, expected: str) -> None:
    assert normalize_channel_name(label) == expected


@pytest.mark.parametrize(
    ("label", "kind"),
    [
        ("EEG Fp1-Ref", "eeg"),
        ("Fp1", "eeg"),
        ("CB1", "eeg"),
        ("T3", "eeg"),
        ("hEOG", "eog"),
        ("EOG1", "eog"),
        ("LOC", "eog"),
        ("zEMG", "emg"),
        ("EMG Chin", "emg"),
        ("ECG ECG1", "ecg"),
        ("EKG", "ecg"),
        ("GSR", "gsr"),
        ("EDA", "gsr"),
        ("Respiration belt", "resp"),
        ("Thorax", "resp"),
        ("Status", "stim"),
        ("tRigGer", "stim"),
        ("STI 014", "stim"),
        ("SaO2 X9", "misc"),
        ("Plethysmograph", "misc"),
        ("sine 5Hz", "misc"),
    ],
)
def test_classify_channel(label: str, kind: str) -> None:
    assert classify_channel(label) == kind


def test_map_channels_ignores_non_eeg_namesakes() -> None:
    names = ["EOG Fp1", "Fp1.", "Fp2"]
    mapping = map_channels(names, ["FP1", "FP2"], ["eog", "eeg", "eeg"])
    assert mapping.indices == [1, 2]
    assert mapping.complete


def test_map_to_montage_all_found() -> None:
    montage = montage_channels("deap32")
    names = [f"EEG {name.upper()}-REF" for name in reversed(montage)]
    mapping = map_to_montage(names, "deap32")
    assert mapping.can_feed
    assert mapping.interpolated == []
    assert mapping.sources[0] == "EEG FP1-REF"
    assert mapping.message == "all 32 deap32 channels found"


def test_map_to_montage_interpolates_few_missing() -> None:
    montage = montage_channels("seed62")
    names = [name for name in montage if name not in ("CZ", "P3", "OZ")]
    mapping = map_to_montage(names, "seed62")
    assert mapping.can_feed
    assert mapping.interpolated == ["CZ", "P3", "OZ"]
    assert "3 of the 62 seed62 channels are missing and will be interpolated" in mapping.message


def test_map_to_montage_refuses_many_missing() -> None:
    montage = montage_channels("deap32")
    mapping = map_to_montage(montage[:28], "deap32")
    assert not mapping.can_feed
    assert mapping.interpolated == []
    assert mapping.missing == montage[28:]
    assert mapping.message == (
        "the recording lacks 4 of the 32 deap32 channels (at most 3 may be interpolated): "
        + ", ".join(montage[28:])
    )


def test_map_to_montage_threshold_is_a_parameter() -> None:
    montage = montage_channels("deap32")
    assert not map_to_montage(montage[:-1], "deap32", max_missing_fraction=0.0).can_feed
    assert map_to_montage(montage[:-8], "deap32", max_missing_fraction=0.25).can_feed


def test_channels_without_a_standard_position_are_not_interpolated() -> None:
    montage = montage_channels("seed62")
    mapping = map_to_montage([name for name in montage if name != "CB1"], "seed62")
    assert not mapping.can_feed
    assert "CB1 has no standard 10-05 position" in mapping.message


def _spatial_field(names: list[str], n_times: int = 500) -> np.ndarray:
    """Signals that vary smoothly over the scalp: x and y of each electrode times two sines."""
    positions = standard_positions()
    times = np.arange(n_times) / 100.0
    xy = np.array([positions[normalize_channel_name(name)][:2] for name in names])
    waves = np.vstack([np.sin(2 * np.pi * 3 * times), np.cos(2 * np.pi * 5 * times)])
    return 1e-3 * xy @ waves


def test_apply_montage_mapping_orders_and_interpolates() -> None:
    montage = montage_channels("deap32")
    truth = _spatial_field(montage)
    kept = [i for i, name in enumerate(montage) if name not in ("Cz", "P3")]
    names = [f"EEG {montage[i]}-Ref" for i in reversed(kept)] + ["ECG"]
    data = np.vstack([truth[list(reversed(kept))], np.zeros((1, truth.shape[1]))])
    raw = mne.io.RawArray(data, mne.create_info(names, 100.0, "misc"), verbose="error")
    raw.set_annotations(mne.Annotations([1.0], [0.5], ["clip"]))
    mapping = map_to_montage(raw.ch_names, "deap32")
    out = apply_montage_mapping(raw, mapping)
    assert out.ch_names == montage
    assert set(out.get_channel_types()) == {"eeg"}
    assert out.info["bads"] == []
    np.testing.assert_array_equal(out.get_data(picks=kept), truth[kept])
    for name in ("Cz", "P3"):
        interpolated = out.get_data(picks=[name])[0]
        expected = truth[montage.index(name)]
        assert np.corrcoef(interpolated, expected)[0, 1] > 0.99
        assert np.abs(interpolated - expected).max() < 0.2 * np.abs(expected).max()
    assert list(out.annotations.description) == ["clip"]


def test_apply_montage_mapping_refuses_an_unfeedable_mapping() -> None:
    montage = montage_channels("deap32")
    raw = mne.io.RawArray(
        np.zeros((10, 100)), mne.create_info(montage[:10], 100.0, "eeg"), verbose="error"
    )
    with pytest.raises(ValueError, match="lacks 22 of the 32"):
        apply_montage_mapping(raw, map_to_montage(raw.ch_names, "deap32"))
