"""Every file in ``../shared/data/formats`` reads as MNE reads it, or is refused clearly."""

from __future__ import annotations

import numpy as np
import pytest

from signals.io import (
    UnreadableRecordingError,
    read_features,
    read_header,
    read_raw,
    read_signals,
)
from tests.signals.io.format_expectations import (
    FORMATS_DIR,
    N_FIRST,
    FormatCase,
    format_cases,
    mne_expectation,
)

CASES = format_cases()
READABLE = [case for case in CASES if case.mne_reader is not None]
REFUSED = [case for case in CASES if case.mne_reader is None]

pytestmark = pytest.mark.skipif(not CASES, reason=f"{FORMATS_DIR} is absent")


@pytest.mark.parametrize("case", READABLE, ids=[case.id for case in READABLE])
def test_reads_as_mne_does(case: FormatCase) -> None:
    expected = mne_expectation(case)
    path, companions = FORMATS_DIR / case.name, case.companion_paths()
    header = read_header(path, companions)
    assert header.channel_names == expected.channel_names
    assert header.sfreq == expected.sfreq
    assert header.duration_s == pytest.approx(expected.duration_s)
    assert len(header.channel_types) == len(header.channel_sfreqs) == len(expected.channel_names)
    raw = read_raw(path, companions)
    assert raw.ch_names == expected.channel_names
    assert raw.n_times == expected.n_times
    np.testing.assert_array_equal(raw.get_data(stop=N_FIRST), expected.first_samples)


EDF_BDF = [case for case in READABLE if case.name.endswith((".edf", ".bdf"))]


@pytest.mark.parametrize("case", EDF_BDF, ids=[case.id for case in EDF_BDF])
def test_model_channels_read_as_mne_reads_them(case: FormatCase) -> None:
    """The worker's direct EDF/BDF reading of a model's channels equals MNE's values."""
    path = FORMATS_DIR / case.name
    raw = read_raw(path)
    picks = list(range(len(raw.ch_names)))[::-1]
    ours = read_signals(raw, picks, scale=1e6, dtype=np.float64)
    theirs = case.mne_reader(path).get_data(picks=picks) * 1e6
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("case", REFUSED, ids=[case.id for case in REFUSED])
def test_refused_with_a_reason(case: FormatCase) -> None:
    path, companions = FORMATS_DIR / case.name, case.companion_paths()
    with pytest.raises(UnreadableRecordingError) as header_error:
        read_header(path, companions)
    assert case.error in str(header_error.value)
    with pytest.raises(UnreadableRecordingError) as raw_error:
        read_raw(path, companions)
    assert case.error in str(raw_error.value)


def test_known_facts_of_the_files() -> None:
    """Facts stated in the data README, so a reader change that MNE shares is caught."""
    uneven = read_header(FORMATS_DIR / "test_uneven_samp.edf")
    assert uneven.channel_sfreqs == [100.0, 12.8]
    assert uneven.duration_s == 110.0
    stim = read_header(FORMATS_DIR / "test_stim_channel.edf")
    assert stim.channel_types[:2] == ["stim", "stim"]
    chtypes = read_header(FORMATS_DIR / "chtypes_edf.edf")
    assert {"eeg", "ecg"} <= set(chtypes.channel_types)
    assert read_header(FORMATS_DIR / "test.bdf").channel_types[-1] == "stim"
    assert read_header(FORMATS_DIR / "test.edf").n_annotations == 5


SEED_DIR = FORMATS_DIR.parent / "seed-one-session"


@pytest.mark.skipif(not SEED_DIR.is_dir(), reason=f"{SEED_DIR} is absent")
def test_seed_session_features_match_the_flat_copy() -> None:
    """The SEED file's DE features, flattened channel-major, equal the README's flat copy."""
    path = SEED_DIR / "seed_subject_session_clips_1-9.mat"
    header = read_header(path)
    assert (header.kind, header.n_trials, header.duration_s) == ("features", 9, 2010.0)
    features = read_features(path)
    assert [array.shape[1] for array in features.arrays] == [
        235,
        233,
        206,
        238,
        185,
        195,
        237,
        216,
        265,
    ]
    flat = np.load(SEED_DIR / "seed_subject_session_clips_1-9.npz")
    windows = np.vstack(
        [array.transpose(1, 0, 2).reshape(array.shape[1], -1) for array in features.arrays]
    )
    np.testing.assert_allclose(windows, flat["X"], atol=1e-6)
