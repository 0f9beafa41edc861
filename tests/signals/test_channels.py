"""Channel names, types, and mapping recordings onto model montages."""

from __future__ import annotations

import numpy as np
import pytest

from core.cards import montage_channels
from signals.channels import (
    HEAD_RADIUS_MM,
    channel_layout,
    classify_channel,
    electrode_directions,
    interpolation_matrix,
    map_channels,
    normalize_channel_name,
    plan_montage,
    standard_directions,
)
from tests.signals.devices import ACTICAP64


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
        ("EEG T3-REF", "T7"),
        ("T4", "T8"),
        ("t5", "P7"),
        ("EEG T6-A2", "P8"),
        ("FP1", "FP1"),
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
        ("EEG Photic-REF", "misc"),
        ("EEG 1", "misc"),
        ("EOG Fp1", "eog"),
        ("EXG1", "misc"),
        ("EXG Channel 0", "misc"),
        ("CB2", "eeg"),
    ],
)
def test_classify_channel(label: str, kind: str) -> None:
    assert classify_channel(label) == kind


def test_map_channels_ignores_non_eeg_namesakes() -> None:
    names = ["EOG Fp1", "Fp1.", "Fp2"]
    mapping = map_channels(names, ["FP1", "FP2"], ["eog", "eeg", "eeg"])
    assert mapping.indices == [1, 2]
    assert mapping.complete


ALL = ["seed62", "deap32", "clinical1020_19", "emotiv_epoc14", "openbci_cyton16"]
ABC128 = [f"{letter}{k}" for letter in "ABCD" for k in range(1, 33)]


def _plan(names: list[str], accepted: list[str] = ALL, limit: float = 38.0, **options):
    layout = channel_layout(names, **options)
    directions = electrode_directions(layout)
    return plan_montage(layout.names, layout.types, directions, "seed62", accepted, limit)


def test_clinical_names_with_old_temporal_names_feed_the_clinical_montage() -> None:
    old = [
        "Fp1",
        "Fp2",
        "F7",
        "F3",
        "Fz",
        "F4",
        "F8",
        "T3",
        "C3",
        "Cz",
        "C4",
        "T4",
        "T5",
        "P3",
        "Pz",
        "P4",
        "T6",
        "O1",
        "O2",
    ]
    plan = _plan([f"EEG {name}-REF" for name in old] + ["ECG", "EDF Annotations"])
    assert plan.can_feed and plan.montage == "clinical1020_19"
    assert plan.sources[montage_channels("seed62").index("T7")] == "EEG T3-REF"
    assert plan.sources[montage_channels("seed62").index("P8")] == "EEG T6-REF"
    assert plan.interpolated == {}
    assert len(plan.missing) == 62 - 19 and "FC1" in plan.missing and "T7" not in plan.missing


def test_a_64_channel_cap_interpolates_the_few_seed_electrodes_it_lacks() -> None:
    plan = _plan(ACTICAP64)
    assert plan.can_feed and plan.montage == "seed62" and plan.missing == []
    assert list(plan.interpolated) == ["FPZ", "FCZ", "PO5", "PO6", "CB1", "CB2"]
    assert plan.interpolated["FCZ"] == pytest.approx(34.7, abs=0.2)
    assert plan.interpolated["CB1"] < 15.0


def test_the_distance_limit_refuses_a_cap_too_sparse_for_the_montage() -> None:
    deap = montage_channels("deap32")
    assert _plan(deap, ["seed62", "deap32"]).montage == "seed62"
    assert len(_plan(deap, ["seed62", "deap32"]).interpolated) == 30
    assert _plan(deap, ["seed62", "deap32"], limit=35.0).montage == "deap32"
    clinical = _plan(montage_channels("clinical1020_19"), ["seed62"])
    assert not clinical.can_feed
    assert (
        "lacks 10 of its 62 channels" in clinical.message and "FC1 (47.9 mm)" in clinical.message
    )
    refused = _plan(ACTICAP64, ["seed62"], limit=30.0)
    assert not refused.can_feed
    assert (
        "lacks 1 of its 62 channels, too far from a recorded electrode to interpolate "
        "(limit 30 mm, AFFECTSERVE_MAX_INTERPOLATION_MM): FCZ (34.7 mm)" in refused.message
    )
    assert "channel_map" in refused.message and '"montage": "biosemi128"' in refused.message


def test_biosemi_actiview_labels_are_placed_by_the_biosemi_montage_never_as_10_20() -> None:
    layout = channel_layout([*ABC128, "EXG1", "EXG2", "Status"])
    assert layout.montage == "biosemi128"
    assert layout.types == ["eeg"] * 128 + ["misc", "misc", "stim"]
    directions = electrode_directions(layout)
    c3 = standard_directions()["C3"]
    # BioSemi's C3 is an electrode of the right back of the head, not 10-20's C3.
    assert np.arccos(directions["C3"] @ c3) * HEAD_RADIUS_MM > 100.0
    plan = plan_montage(layout.names, layout.types, directions, "seed62", ["seed62"], 35.0)
    assert plan.can_feed and plan.montage == "seed62"
    assert plan.sources == [None] * 62 and len(plan.interpolated) == 62
    assert max(plan.interpolated.values()) < 20.0


def test_biosemi_64_actiview_labels_get_their_10_10_names() -> None:
    layout = channel_layout([f"{letter}{k}" for letter in "AB" for k in range(1, 33)])
    assert layout.montage == "biosemi64"
    assert layout.names[:3] == ["Fp1", "AF7", "AF3"] and layout.names[32] == "Fpz"
    plan = plan_montage(
        layout.names, layout.types, electrode_directions(layout), "seed62", ["seed62"], 35.0
    )
    assert plan.can_feed and list(plan.interpolated) == ["PO5", "PO6", "CB1", "CB2"]


def test_a_few_abc_labels_without_the_cap_stay_unplaced() -> None:
    layout = channel_layout(["A1", "A2", "C3", "F1"])
    assert layout.montage is None


def test_channel_map_and_montage_options() -> None:
    names = [f"E{k}" for k in range(1, 20)]
    clinical = montage_channels("clinical1020_19")
    plan = _plan(names, channel_map=dict(zip(names, clinical, strict=True)))
    assert plan.montage == "clinical1020_19"
    with pytest.raises(ValueError, match="channel_map renames X1, which the file does not have"):
        channel_layout(names, channel_map={"X1": "Fp1"})
    with pytest.raises(ValueError, match="gives two channels the same name"):
        channel_layout(names, channel_map={"E1": "Fp1", "E2": "Fp1"})
    egi = channel_layout([f"E{k}" for k in range(1, 129)], montage="GSN-HydroCel-129")
    assert egi.types == ["eeg"] * 128
    assert _plan(egi.names, ["seed62"], montage="GSN-HydroCel-129").montage == "seed62"
    with pytest.raises(ValueError, match="no channel is named as in the biosemi32 montage"):
        channel_layout(["x", "y"], montage="biosemi32")


def test_muse_is_refused_with_what_would_work() -> None:
    plan = _plan(["TP9", "AF7", "AF8", "TP10"], [*ALL, "emotiv_insight5"])
    assert not plan.can_feed
    assert plan.message.startswith("needs one of the montages seed62 (NeuroScan Quik-Cap 62")
    assert (
        "Closest is emotiv_insight5, but the recording lacks 3 of its 5 channels, too far from "
        "a recorded electrode to interpolate (limit 38 mm, AFFECTSERVE_MAX_INTERPOLATION_MM): "
        "T7 (45.5 mm), PZ (165.3 mm), T8 (47 mm)"
    ) in plan.message
    assert "Emotiv Insight" in plan.message


def _spatial_field(names: list[str], n_times: int = 500) -> np.ndarray:
    """Signals that vary smoothly over the scalp: x and y of each electrode times two sines."""
    directions = standard_directions()
    times = np.arange(n_times) / 100.0
    xy = np.array([directions[normalize_channel_name(name)][:2] for name in names])
    waves = np.vstack([np.sin(2 * np.pi * 3 * times), np.cos(2 * np.pi * 5 * times)])
    return 50.0 * xy @ waves


def test_interpolation_recovers_a_smooth_field() -> None:
    recorded = list(ACTICAP64)
    truth = _spatial_field([*recorded, "FCZ", "CB1"])
    directions = standard_directions()
    matrix = interpolation_matrix(
        [directions[normalize_channel_name(name)] for name in recorded], ["FCZ", "CB1"]
    )
    assert matrix.shape == (2, 64)
    np.testing.assert_allclose(matrix.sum(axis=1), 1.0, atol=0.05)
    made = matrix @ truth[: len(recorded)]
    for k in range(2):
        expected = truth[len(recorded) + k]
        assert np.corrcoef(made[k], expected)[0, 1] > 0.99
        assert np.abs(made[k] - expected).max() < 0.15 * np.abs(expected).max()


def test_raw_directions_reads_placed_positions_and_names_the_rest() -> None:
    import mne

    from signals.channels import raw_directions, set_positions

    names = [*ABC128[:40], "Cz"]
    raw = mne.io.RawArray(np.zeros((41, 10)), mne.create_info(names, 100.0, "eeg"))
    named = raw_directions(raw)
    assert list(named) == ["A1", "A2", "Cz"]  # earlobe electrodes of 10-20, and Cz
    layout = channel_layout(ABC128)
    placed = mne.io.RawArray(np.zeros((128, 10)), mne.create_info(ABC128, 100.0, "eeg"))
    set_positions(placed, layout)
    directions = raw_directions(placed)
    expected = electrode_directions(layout)
    assert list(directions) == ABC128
    np.testing.assert_allclose(directions["C3"], expected["C3"], atol=1e-9)
