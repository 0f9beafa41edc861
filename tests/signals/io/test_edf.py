"""EDF/EDF+/BDF/BDF+ reading, each edge case written by the test."""

from __future__ import annotations

import dataclasses
import datetime
from pathlib import Path

import edfio
import mne
import numpy as np
import pytest

from signals.io import Gap, UnreadableRecordingError, read_header, read_raw, read_signals
from signals.io import edf as edf_module
from tests.signals.io.builders import (
    header_layout,
    replace_bytes,
    rewrite_record_onsets,
    set_field,
    sine_signals,
    write_edf,
)

LABELS = ["Fp1", "Fp2", "Cz", "EOG left"]
SFREQ = 256.0
#: A long annotation, so that every record's annotation block has room for new time stamps.
ROOM = [(0.0, None, "room for a time stamp and an event")]


@pytest.fixture
def edf(tmp_path: Path) -> Path:
    """A 10-s EDF+C file, 4 signals at 256 Hz, two annotations."""
    return write_edf(
        tmp_path / "rec.edf",
        sine_signals(4, SFREQ, 10.0),
        SFREQ,
        LABELS,
        annotations=[(1.5, 2.0, "happy clip"), (6.0, None, "button")],
    )


def test_header_of_edf(edf: Path) -> None:
    header = read_header(edf)
    assert header.format == "edf"
    assert header.kind == "signals"
    assert header.channel_names == LABELS
    assert header.channel_types == ["eeg", "eeg", "eeg", "eog"]
    assert header.sfreq == SFREQ
    assert header.channel_sfreqs == [SFREQ] * 4
    assert header.duration_s == 10.0
    assert header.n_annotations == 2
    assert header.gaps == []
    assert header.warnings == []


def test_raw_of_edf_holds_the_written_samples(edf: Path) -> None:
    raw = read_raw(edf)
    expected = sine_signals(4, SFREQ, 10.0) * 1e-6
    assert raw.get_data().shape == (4, 2560)
    # 16-bit over ±500 µV: one step is 1000 µV / 65535 ≈ 0.015 µV.
    np.testing.assert_allclose(raw.get_data(), expected, atol=0.02e-6)
    assert raw.get_channel_types() == ["eeg", "eeg", "eeg", "eog"]
    assert list(raw.annotations.description) == ["happy clip", "button"]
    np.testing.assert_allclose(raw.annotations.onset, [1.5, 6.0])


def test_bdf_with_status_channel(tmp_path: Path) -> None:
    data = np.vstack([sine_signals(2, 512.0, 4.0), np.repeat([0.0, 10.0], 1024)])
    path = write_edf(tmp_path / "rec.bdf", data, 512.0, ["A1", "Oz", "Status"], bdf=True)
    header = read_header(path)
    assert header.format == "bdf"
    assert header.channel_types == ["eeg", "eeg", "stim"]
    assert header.duration_s == 4.0
    raw = read_raw(path)
    # 24-bit over ±500 µV: one step ≈ 6e-5 µV.
    np.testing.assert_allclose(raw.get_data(picks=[0, 1]), data[:2] * 1e-6, atol=1e-10)


def test_header_never_holds_identifying_fields(tmp_path: Path) -> None:
    patient = edfio.Patient(
        code="MCH-0234567", sex="F", birthdate=datetime.date(1951, 5, 2), name="Jane_Doe"
    )
    path = write_edf(
        tmp_path / "rec.edf", sine_signals(1, 100.0, 2.0), 100.0, ["Cz"], patient=patient
    )
    assert b"Jane_Doe" in path.read_bytes()
    text = repr(dataclasses.asdict(read_header(path)))
    for secret in ("Jane", "Doe", "MCH-0234567", "1951", "02-MAY"):
        assert secret.lower() not in text.lower()


def test_record_count_minus_one_is_inferred(edf: Path) -> None:
    set_field(edf, "n_records", "-1")
    header = read_header(edf)
    assert header.duration_s == 10.0
    assert "inferred from the file size" in header.warnings[0]
    assert read_raw(edf).n_times == 2560


def test_header_claiming_more_records_than_held(edf: Path) -> None:
    set_field(edf, "n_records", "25")
    with pytest.raises(UnreadableRecordingError, match="declares 25 data records but the file"):
        read_header(edf)
    with pytest.raises(UnreadableRecordingError, match="holds only 10"):
        read_raw(edf)


def test_file_cut_inside_a_record(edf: Path) -> None:
    raw = edf.read_bytes()
    edf.write_bytes(raw[: len(raw) - 1000])
    with pytest.raises(UnreadableRecordingError, match="cut short"):
        read_header(edf)


def test_file_cut_inside_the_header(edf: Path) -> None:
    edf.write_bytes(edf.read_bytes()[:600])
    with pytest.raises(UnreadableRecordingError, match="ends inside the EDF/BDF header"):
        read_header(edf)


def test_damaged_header_field(edf: Path) -> None:
    set_field(edf, "record_s", "one")
    with pytest.raises(UnreadableRecordingError, match="'duration of a data record'"):
        read_header(edf)


def test_hypnogram_without_signals(tmp_path: Path) -> None:
    path = tmp_path / "hypnogram.edf"
    edfio.Edf(
        [],
        annotations=[
            edfio.EdfAnnotation(0, 30, "Sleep stage W"),
            edfio.EdfAnnotation(30, 30, "Sleep stage 1"),
        ],
    ).write(path)
    with pytest.raises(UnreadableRecordingError, match="only annotations"):
        read_header(path)
    with pytest.raises(UnreadableRecordingError, match="only annotations"):
        read_raw(path)


def test_duplicate_labels_are_made_unique(tmp_path: Path) -> None:
    path = write_edf(tmp_path / "dup.edf", sine_signals(3, 100.0, 2.0), 100.0, ["C3", "C4", "C3"])
    header = read_header(path)
    assert header.channel_names == ["C3-0", "C4", "C3-1"]
    assert header.warnings == [
        "the channel label(s) C3 occur more than once; they were made unique (MNE appends -0, "
        "-1, ...)"
    ]
    raw = read_raw(path)
    np.testing.assert_allclose(
        raw.get_data(picks=["C3-1"])[0], sine_signals(3, 100.0, 2.0)[2] * 1e-6, atol=2e-8
    )


def test_repeated_annotation_signals_are_not_duplicate_channels(tmp_path: Path) -> None:
    data = np.vstack([sine_signals(1, 100.0, 4.0), np.zeros((1, 400))])
    path = write_edf(
        tmp_path / "two.edf", data, 100.0, ["Fp1", "spare"], annotations=[(1, 1, "x")]
    )
    header_bytes, samples, width = header_layout(path)
    raw = bytearray(path.read_bytes())
    record = sum(samples) * width
    for start in range(header_bytes, len(raw), record):  # the spare signal holds no TALs
        raw[start + samples[0] * width : start + (samples[0] + samples[1]) * width] = bytes(
            samples[1] * width
        )
    raw[256 + 16 : 256 + 32] = b"EDF Annotations ".ljust(16)
    path.write_bytes(bytes(raw))
    header = read_header(path)
    assert header.channel_names == ["Fp1"] and header.channel_types == ["eeg"]
    assert header.warnings == []
    assert header.n_annotations == 1


def test_utf8_annotation_text(edf: Path) -> None:
    replace_bytes(edf, b"happy clip", "Ärger ж!".encode())
    assert read_header(edf).n_annotations == 2
    assert read_raw(edf).annotations.description[0] == "Ärger ж!"


def test_mixed_signal_rates(tmp_path: Path) -> None:
    data = [sine_signals(1, 256.0, 8.0)[0], sine_signals(1, 32.0, 8.0)[0]]
    path = write_edf(tmp_path / "mixed.edf", data, [256.0, 32.0], ["Cz", "Resp belt"])
    header = read_header(path)
    assert header.channel_sfreqs == [256.0, 32.0]
    assert header.sfreq == 256.0
    assert header.channel_types == ["eeg", "resp"]
    raw = read_raw(path)
    assert raw.n_times == 2048
    # MNE holds the slow signal at each of its samples until the next one.
    np.testing.assert_allclose(raw.get_data(picks=[1])[0, ::8], data[1] * 1e-6, atol=2e-8)


def test_non_integer_record_duration(tmp_path: Path) -> None:
    data = sine_signals(2, 200.0, 3.5)
    path = write_edf(tmp_path / "half.edf", data, 200.0, ["O1", "O2"], record_s=0.5)
    assert header_layout(path)[1][:2] == [100, 100]
    header = read_header(path)
    assert (header.sfreq, header.duration_s) == (200.0, 3.5)
    np.testing.assert_allclose(read_raw(path).get_data(), data * 1e-6, atol=2e-8)


def test_edf_plus_d_reports_and_keeps_gaps(tmp_path: Path) -> None:
    data = sine_signals(2, 100.0, 6.0)
    path = write_edf(tmp_path / "gappy.edf", data, 100.0, ["C3", "C4"], annotations=ROOM)
    # Records 0-2 at 0, 1, 2 s; records 3-5 resume at 7.5 s: a 4.5-s gap at 3 s.
    rewrite_record_onsets(path, [0, 1, 2, 7.5, 8.5, 9.5], {4: (9.0, "after gap")})
    header = read_header(path)
    assert header.gaps == [Gap(onset_s=3.0, duration_s=4.5)]
    assert header.n_annotations == 1
    assert header.duration_s == 10.5
    assert any("discontinuous" in note for note in header.warnings)
    raw = read_raw(path)
    assert raw.n_times == 1050
    values = raw.get_data()
    np.testing.assert_allclose(values[:, :300], data[:, :300] * 1e-6, atol=2e-8)
    np.testing.assert_array_equal(values[:, 300:750], 0.0)
    np.testing.assert_allclose(values[:, 750:], data[:, 300:] * 1e-6, atol=2e-8)
    assert list(raw.annotations.description) == ["BAD_ACQ_SKIP", "after gap"]
    np.testing.assert_allclose(raw.annotations.onset, [3.0, 9.0])
    np.testing.assert_allclose(raw.annotations.duration, [4.5, 0.0])


def test_edf_plus_d_refuses_huge_gaps(tmp_path: Path) -> None:
    path = write_edf(
        tmp_path / "gappy.edf", sine_signals(1, 10.0, 2.0), 10.0, ["Cz"], annotations=ROOM
    )
    rewrite_record_onsets(path, [0, 5000])
    assert read_header(path).gaps == [Gap(onset_s=1.0, duration_s=4999.0)]
    with pytest.raises(UnreadableRecordingError, match="4999 s of gaps"):
        read_raw(path)


def test_edf_plus_d_without_gaps_reads_as_continuous(edf: Path) -> None:
    rewrite_record_onsets(edf, list(range(10)))
    assert read_header(edf).gaps == []
    assert read_raw(edf).n_times == 2560


def test_reader_matches_mne(edf: Path) -> None:
    ours = read_raw(edf)
    theirs = mne.io.read_raw_edf(edf, preload=True, verbose="error")
    np.testing.assert_array_equal(ours.get_data(), theirs.get_data())


def test_unfinished_biosemi_recording(tmp_path: Path) -> None:
    """BioSemi writes -1 records until stopped; a crash leaves a partial last record."""
    path = write_edf(
        tmp_path / "rec.bdf", sine_signals(2, 512.0, 6.0), 512.0, ["Cz", "Pz"], bdf=True
    )
    set_field(path, "n_records", "-1")
    path.write_bytes(path.read_bytes()[:-700])
    header = read_header(path)
    assert header.duration_s == 5.0
    assert "inferred from the file size" in header.warnings[0]
    assert "form no complete data record" in header.warnings[1]
    raw = read_raw(path)
    np.testing.assert_allclose(
        raw.get_data(), sine_signals(2, 512.0, 6.0)[:, :2560] * 1e-6, atol=1e-10
    )


@pytest.mark.parametrize("bdf", [False, True], ids=["edf", "bdf"])
def test_signals_are_read_straight_from_the_file_as_mne_reads_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bdf: bool
) -> None:
    data = sine_signals(4, SFREQ, 10.0)
    path = write_edf(tmp_path / ("rec.bdf" if bdf else "rec.edf"), data, SFREQ, LABELS, bdf=bdf)
    layout = edf_module.read_edf_layout(path, "bdf" if bdf else "edf")
    monkeypatch.setattr(edf_module, "_CHUNK_BYTES", 3 * layout.record_bytes)  # 3 records a read
    raw = read_raw(path)
    assert not raw.preload
    ours = read_signals(raw, [2, 0], scale=1e6)
    assert ours.dtype == np.float32 and ours.shape == (2, 2560)
    # the file was read directly, not through MNE
    direct = edf_module.read_edf_signals(path, layout.fmt, [2, 0], scale=1e6)
    np.testing.assert_array_equal(ours, direct)
    reader = mne.io.read_raw_bdf if bdf else mne.io.read_raw_edf
    theirs = reader(path, preload=True, verbose="error").get_data(picks=[2, 0]) * 1e6
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-5)
    # the written sines, to the file's resolution (16 bit over ±500 µV: 0.015 µV)
    np.testing.assert_allclose(ours, data[[2, 0]], atol=0.02 if not bdf else 1e-4)
    # a block of samples, across record boundaries (records of 256 samples), and the end
    for start, stop in [(100, 900), (256, 512), (2000, 2560), (2500, None)]:
        block = read_signals(raw, [2, 0], scale=1e6, start=start, stop=stop)
        np.testing.assert_array_equal(block, ours[:, start:stop])
    preloaded = reader(path, preload=True, verbose="error")
    np.testing.assert_array_equal(
        read_signals(preloaded, [1], start=300, stop=700),
        preloaded.get_data(picks=[1])[:, 300:700].astype(np.float32),
    )


def test_trigger_and_mixed_rate_signals_are_read_by_mne(tmp_path: Path) -> None:
    data = np.vstack([sine_signals(2, 512.0, 4.0), np.repeat([0.0, 10.0], 1024)])
    path = write_edf(tmp_path / "rec.bdf", data, 512.0, ["A1", "Oz", "Status"], bdf=True)
    raw = read_raw(path)
    np.testing.assert_array_equal(
        read_signals(raw, [2], dtype=np.float64), raw.get_data(picks=[2])
    )
    mixed = [sine_signals(1, 256.0, 8.0)[0], sine_signals(1, 32.0, 8.0)[0]]
    path = write_edf(tmp_path / "mixed.edf", mixed, [256.0, 32.0], ["Cz", "Resp belt"])
    raw = read_raw(path)
    assert raw.preload  # MNE upsamples the slow signal once, over the whole file
    slow = read_signals(raw, [1], scale=1e6, dtype=np.float64)[0]
    np.testing.assert_allclose(slow[::8], mixed[1], atol=0.02)
