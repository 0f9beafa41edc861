"""EDF, EDF+, BDF and BDF+ through MNE, with the checks MNE does not make.

MNE reads what a file holds; before it does, `read_edf_layout` checks the fixed
header against the file size (so a file cut short is refused instead of read in
part), finds annotation-only files, and for EDF+D/BDF+D reads the start time of
every data record so that gaps are reported and kept as gaps.

Continuous recordings stay on disk after `read_edf_raw` (MNE parses the header);
`read_edf_signals` reads the channels a model needs straight into float32, record
block by record block, without MNE's float64 copy of every channel: the worker's
memory for a recording is then about its float32 size.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

import mne
import numpy as np
from numpy.typing import NDArray

from signals.channels import classify_channels
from signals.io.base import NO_LIMITS, Gap, ReadLimits, RecordingHeader, UnreadableRecordingError

_Number = TypeVar("_Number", int, float)
_ANNOTATION_LABELS = ("EDF Annotations", "BDF Annotations")
_RECORD_ONSET = re.compile(rb"^([+-]\d+(?:\.\d*)?)\x14\x14")
#: Samples filled per read when a discontinuous recording is laid out with its gaps.
_CHUNK_SAMPLES = 1 << 20
#: Bytes of data records read at a time by `read_edf_signals`.
_CHUNK_BYTES = 1 << 22
#: Physical dimensions MNE reads as µV and mV (any other is taken as the SI unit).
_MICRO = ("\u03bcV", "\u00b5V", "\x83\xcaV", "uV")
_MILLI = ("mV",)
#: Conductance dimensions (skin conductance, GSR/EDA) and their factor to siemens; MNE
#: takes every one of them as siemens, so `read_edf_raw` applies the factor itself.
_CONDUCTANCE = {
    "S": 1.0,
    "mS": 1e-3,
    "uS": 1e-6,
    "\u00b5S": 1e-6,
    "\u03bcS": 1e-6,
    "umho": 1e-6,
    "nS": 1e-9,
}


def to_si(dimension: str) -> float:
    """Factor from a value in the physical dimension ``dimension`` to its SI unit.

    Voltages as MNE reads them (µV, mV; any other voltage is taken as volts) and
    conductances by their prefix (S, mS, µS, nS), so that skin conductance is in siemens
    whatever the file stores.
    """
    dimension = dimension.strip()
    if dimension in _MICRO:
        return 1e-6
    if dimension in _MILLI:
        return 1e-3
    return _CONDUCTANCE.get(dimension, 1.0)


def physical_dimensions(path: Path, layout: EdfLayout) -> list[str]:
    """The physical dimension (unit) field of every signal of an EDF/BDF file."""
    n_signals = len(layout.labels)
    with open(path, "rb") as fid:
        fid.seek(256 + n_signals * (16 + 80))
        block = fid.read(n_signals * 8)
    return [field.decode("latin-1").strip() for field in _fixed_fields(block, n_signals, 8)]


#: The first 8 bytes of an EDF file and of a BDF file.
EDF_MAGIC, BDF_MAGIC = b"0       ", b"\xffBIOSEMI"
#: What `deidentified_head` writes over header bytes 8-184: EDF+'s anonymous patient and
#: recording fields, and the start date and time MNE's ``anonymize`` gives (1 January
#: 2000, 00:00:00; EDF years 00-84 are 2000-2084).
_ANONYMOUS = b"X X X X".ljust(80) + b"Startdate X X X X".ljust(80) + b"01.01.00" + b"00.00.00"


def deidentified_head(head: bytes) -> bytes:
    """The first bytes of a file with its EDF/BDF identifying header fields blanked.

    The patient and recording fields become EDF+'s anonymous form (no name, birth date,
    administration code or equipment) and the start date and time become 1 January 2000,
    midnight, as MNE's ``anonymize`` sets them; annotation onsets are relative to the
    start and keep their meaning. Bytes of other formats come back unchanged.

    Parameters
    ----------
    head : bytes
        The first bytes of an uploaded file (at least 184 for an EDF/BDF header).

    Returns
    -------
    bytes
        ``head`` with bytes 8-184 replaced when it starts like EDF or BDF.
    """
    if not head.startswith((EDF_MAGIC, BDF_MAGIC)) or len(head) < 184:
        return head
    return head[:8] + _ANONYMOUS + head[184:]


@dataclass(frozen=True)
class EdfLayout:
    """The parts of an EDF/BDF header the checks need (nothing identifying).

    Attributes
    ----------
    fmt : str
        ``'edf'`` or ``'bdf'``.
    header_bytes : int
        Size of the header, bytes.
    n_records : int
        Number of complete data records the file holds.
    record_s : float
        Duration of one data record, seconds.
    labels : list of str
        Label of every signal, annotation signals included.
    samples_per_record : list of int
        Samples per record of every signal.
    discontinuous : bool
        True for EDF+D/BDF+D.
    gaps : list of Gap
        Gaps between records (EDF+D/BDF+D only).
    warnings : list of str
        What the checks found that the user should know.
    """

    fmt: str
    header_bytes: int
    n_records: int
    record_s: float
    labels: list[str]
    samples_per_record: list[int]
    discontinuous: bool
    gaps: list[Gap] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def bytes_per_sample(self) -> int:
        """2 for EDF, 3 for BDF."""
        return 3 if self.fmt == "bdf" else 2

    @property
    def record_bytes(self) -> int:
        """Size of one data record, bytes."""
        return sum(self.samples_per_record) * self.bytes_per_sample

    @property
    def signal_indices(self) -> list[int]:
        """Indices of the signals that are not annotation channels."""
        return [i for i, label in enumerate(self.labels) if label not in _ANNOTATION_LABELS]


def _number(raw: bytes, field_name: str, kind: type[_Number]) -> _Number:
    text = raw.decode("latin-1").strip()
    try:
        return kind(text)
    except ValueError:
        raise UnreadableRecordingError(
            f"the EDF/BDF header field '{field_name}' holds {text!r}, not a number: the "
            "header is damaged; export the recording again from the recording software"
        ) from None


def _fixed_fields(block: bytes, n_signals: int, width: int) -> list[bytes]:
    return [block[i * width : (i + 1) * width] for i in range(n_signals)]


def read_edf_layout(path: Path, fmt: str) -> EdfLayout:
    """Check an EDF/BDF header against the file and return its layout.

    Reads the fixed header (256 bytes plus 256 per signal) and, for EDF+D/BDF+D,
    the start-time annotation of each data record; no signal samples.

    Parameters
    ----------
    path : Path
        The file.
    fmt : str
        ``'edf'`` or ``'bdf'``.

    Returns
    -------
    EdfLayout

    Raises
    ------
    UnreadableRecordingError
        The header is damaged, the file holds fewer records than the header
        declares, or the file holds no signals (only annotations).
    """
    size = path.stat().st_size
    with open(path, "rb") as fid:
        main = fid.read(256)
        if len(main) < 256:
            raise UnreadableRecordingError(
                f"the file ends inside the EDF/BDF header ({size} bytes): it was cut short; "
                "upload the complete file"
            )
        header_bytes = _number(main[184:192], "number of bytes in header", int)
        reserved = main[192:236].decode("latin-1")
        n_declared = _number(main[236:244], "number of data records", int)
        record_s = _number(main[244:252], "duration of a data record", float)
        n_signals = _number(main[252:256], "number of signals", int)
        if n_signals < 1 or header_bytes != 256 * (n_signals + 1):
            raise UnreadableRecordingError(
                f"the EDF/BDF header declares {n_signals} signals and {header_bytes} header "
                "bytes, which do not agree: the header is damaged; export the recording again"
            )
        signal_block = fid.read(header_bytes - 256)
    if len(signal_block) < header_bytes - 256:
        raise UnreadableRecordingError(
            f"the file ends inside the EDF/BDF header ({size} of {header_bytes} header bytes): "
            "it was cut short; upload the complete file"
        )
    labels = [
        label.decode("latin-1").strip() for label in _fixed_fields(signal_block, n_signals, 16)
    ]
    offset = n_signals * (16 + 80 + 8 + 8 + 8 + 8 + 8 + 80)
    samples = [
        _number(raw, "samples per record", int)
        for raw in _fixed_fields(signal_block[offset:], n_signals, 8)
    ]
    layout = EdfLayout(
        fmt=fmt,
        header_bytes=header_bytes,
        n_records=n_declared,
        record_s=record_s,
        labels=labels,
        samples_per_record=samples,
        discontinuous=reserved.startswith(("EDF+D", "BDF+D")),
    )
    if not layout.signal_indices:
        raise UnreadableRecordingError(
            "the file holds only annotations (for example a hypnogram or an event list) and "
            "no signals; upload the recording that holds the signals"
        )
    if record_s <= 0 or layout.record_bytes <= 0 or min(samples) < 0:
        raise UnreadableRecordingError(
            f"the EDF/BDF header declares records of {record_s} s with {sum(samples)} samples: "
            "it holds no signal data; export the recording again"
        )
    n_records, notes = _count_records(layout, size, n_declared)
    layout = replace(layout, n_records=n_records, warnings=notes)
    return replace(layout, gaps=_record_gaps(path, layout)) if layout.discontinuous else layout


def _count_records(layout: EdfLayout, size: int, n_declared: int) -> tuple[int, list[str]]:
    n_held, spare = divmod(size - layout.header_bytes, layout.record_bytes)
    if n_held == 0:
        raise UnreadableRecordingError(
            "the file holds no complete data record (it ends right after the header): "
            "upload the complete recording"
        )
    notes: list[str] = []
    if n_declared == -1:
        notes.append(
            "the header does not give the number of data records (-1: the recording was not "
            f"stopped properly); {n_held} records were inferred from the file size"
        )
    elif n_declared > n_held:
        raise UnreadableRecordingError(
            f"the header declares {n_declared} data records but the file holds only "
            f"{n_held}: the file was cut short (an interrupted copy, download or "
            "upload); upload the complete file"
        )
    elif n_declared < n_held:
        notes.append(
            f"the header declares {n_declared} data records but the file holds {n_held}; "
            "all records in the file were read"
        )
    if spare:
        notes.append(f"the last {spare} bytes form no complete data record and were ignored")
    return n_held, notes


def _record_gaps(path: Path, layout: EdfLayout) -> list[Gap]:
    tal = next(i for i, label in enumerate(layout.labels) if label in _ANNOTATION_LABELS)
    tal_offset = sum(layout.samples_per_record[:tal]) * layout.bytes_per_sample
    tal_bytes = layout.samples_per_record[tal] * layout.bytes_per_sample
    onsets = np.empty(layout.n_records)
    with open(path, "rb") as fid:
        for record in range(layout.n_records):
            fid.seek(layout.header_bytes + record * layout.record_bytes + tal_offset)
            match = _RECORD_ONSET.match(fid.read(tal_bytes))
            if match is None:
                raise UnreadableRecordingError(
                    f"data record {record + 1} of this EDF+D/BDF+D file does not start with "
                    "its time stamp: the file is damaged; export it again"
                )
            onsets[record] = float(match.group(1))
    starts = onsets - onsets[0]
    expected = np.arange(layout.n_records) * layout.record_s
    lag = starts - expected
    if np.any(np.diff(starts) < layout.record_s - 1e-6):
        raise UnreadableRecordingError(
            "the data records of this EDF+D/BDF+D file overlap or run backwards in time: the "
            "file is damaged; export it again"
        )
    jumps = np.flatnonzero(np.diff(lag) > 1e-6) + 1
    return [
        Gap(onset_s=float(expected[j] + lag[j - 1]), duration_s=float(lag[j] - lag[j - 1]))
        for j in jumps
    ]


def _open(path: Path, fmt: str, preload: bool) -> mne.io.BaseRaw:
    reader = mne.io.read_raw_bdf if fmt == "bdf" else mne.io.read_raw_edf
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return reader(path, preload=preload, verbose="error")
    except (ValueError, RuntimeError, OSError, IndexError, UnicodeDecodeError) as err:
        raise UnreadableRecordingError(
            f"the {fmt.upper()} file could not be read ({err}); export it again from the "
            "recording software"
        ) from err


def _gap_warning(gaps: list[Gap]) -> str:
    listed = ", ".join(f"{g.duration_s:g} s at {g.onset_s:g} s" for g in gaps)
    return (
        f"the recording is discontinuous (EDF+D) with {len(gaps)} gap(s): {listed}; gaps are "
        "kept as flat stretches annotated BAD_ACQ_SKIP"
    )


def read_edf_header(path: Path, fmt: str, limits: ReadLimits = NO_LIMITS) -> RecordingHeader:
    """Read an EDF/BDF header (no signal data) into a `RecordingHeader`.

    Parameters
    ----------
    path : Path
        The file.
    fmt : str
        ``'edf'`` or ``'bdf'``.
    limits : ReadLimits
        Checked on the fixed header (channels, rates, records, gaps) before MNE opens
        the file.

    Returns
    -------
    RecordingHeader
    """
    layout = read_edf_layout(path, fmt)
    limits.check_recording(
        len(layout.signal_indices),
        max(layout.samples_per_record[i] for i in layout.signal_indices) / layout.record_s,
        layout.n_records * layout.record_s + sum(gap.duration_s for gap in layout.gaps),
    )
    raw = _open(path, fmt, preload=False)
    notes = list(layout.warnings)
    labels = [layout.labels[i] for i in layout.signal_indices]
    repeated = sorted({label for label in labels if labels.count(label) > 1})
    if repeated:
        notes.append(
            f"the channel label(s) {', '.join(repeated)} occur more than once; they were made "
            "unique (MNE appends -0, -1, ...)"
        )
    if layout.gaps:
        notes.append(_gap_warning(layout.gaps))
    recorded_s = raw.n_times / raw.info["sfreq"]
    return RecordingHeader(
        format=fmt,
        channel_names=list(raw.ch_names),
        channel_types=classify_channels(raw.ch_names),
        sfreq=float(raw.info["sfreq"]),
        channel_sfreqs=[
            layout.samples_per_record[i] / layout.record_s for i in layout.signal_indices
        ],
        duration_s=float(recorded_s + sum(gap.duration_s for gap in layout.gaps)),
        n_annotations=len(_annotations(path, raw, layout)),
        warnings=notes,
        gaps=list(layout.gaps),
    )


def read_edf_raw(path: Path, fmt: str, max_gap_s: float = 600.0) -> mne.io.BaseRaw:
    """Open an EDF/BDF file as an MNE Raw, gaps kept as gaps.

    A continuous recording whose signals share one rate is left on disk
    (``preload=False``): MNE reads samples when they are asked for, and
    `read_edf_signals` reads a model's channels straight into float32. One with
    signals at several rates is read whole (MNE upsamples the slower signals), and
    a discontinuous one (EDF+D/BDF+D) is laid out in memory with its gaps.

    Parameters
    ----------
    path : Path
        The file.
    fmt : str
        ``'edf'`` or ``'bdf'``.
    max_gap_s : float
        Longest total gap (seconds) an EDF+D/BDF+D file may have; its gaps are
        filled with zeros and annotated ``BAD_ACQ_SKIP``.

    Returns
    -------
    mne.io.BaseRaw
        Channel types set by `signals.channels.classify_channels`.
    """
    layout = read_edf_layout(path, fmt)
    rates = {layout.samples_per_record[i] for i in layout.signal_indices}
    # MNE upsamples slower signals per read segment: read a mixed-rate file once, whole.
    raw = _open(path, fmt, preload=len(rates) > 1)
    _conductance_in_siemens(raw, path, layout)
    if layout.gaps:
        raw = _with_gaps(raw, layout, max_gap_s)
    raw.set_channel_types(
        dict(zip(raw.ch_names, classify_channels(raw.ch_names), strict=True)),
        on_unit_change="ignore",
        verbose="error",
    )
    return raw


def _conductance_in_siemens(raw: mne.io.BaseRaw, path: Path, layout: EdfLayout) -> None:
    """Scale channels stored in mS, µS or nS to siemens (MNE reads them as siemens).

    A preloaded recording is scaled in memory; one left on disk through MNE's
    per-channel calibration, which every later read applies.
    """
    dimensions = physical_dimensions(path, layout)
    for k, signal in enumerate(layout.signal_indices):
        factor = _CONDUCTANCE.get(dimensions[signal], 1.0)
        if factor == 1.0:
            continue
        if raw.preload:
            raw._data[k] *= factor
        else:
            raw._cals[k] *= factor


def _with_gaps(raw: mne.io.BaseRaw, layout: EdfLayout, max_gap_s: float) -> mne.io.RawArray:
    total_gap = sum(gap.duration_s for gap in layout.gaps)
    if total_gap > max_gap_s:
        raise UnreadableRecordingError(
            f"the recording is discontinuous (EDF+D) with {total_gap:g} s of gaps, more than "
            f"the {max_gap_s:g} s this service fills; split it into continuous EDF+C files"
        )
    sfreq = raw.info["sfreq"]
    bounds, shifts, gap_s = [0], [0], 0.0
    for gap in layout.gaps:
        bounds.append(round((gap.onset_s - gap_s) * sfreq))
        gap_s += gap.duration_s
        shifts.append(round(gap_s * sfreq))
    bounds.append(raw.n_times)
    data = np.zeros((len(raw.ch_names), raw.n_times + shifts[-1]))
    for first, last, shift in zip(bounds[:-1], bounds[1:], shifts, strict=True):
        for start in range(first, last, _CHUNK_SAMPLES):
            stop = min(start + _CHUNK_SAMPLES, last)
            data[:, start + shift : stop + shift] = raw.get_data(start=start, stop=stop)
    out = mne.io.RawArray(data, raw.info, verbose="error")
    annotations = _annotations(raw.filenames[0], raw, layout)
    out.set_annotations(
        annotations
        + mne.Annotations(
            onset=[gap.onset_s for gap in layout.gaps],
            duration=[gap.duration_s for gap in layout.gaps],
            description=["BAD_ACQ_SKIP"] * len(layout.gaps),
            orig_time=annotations.orig_time,
        )
    )
    return out


def _annotations(path: Path, raw: mne.io.BaseRaw, layout: EdfLayout) -> mne.Annotations:
    """The file's annotations; MNE's Raw drops those past the joined EDF+D records."""
    if not layout.gaps:
        return raw.annotations
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mne.read_annotations(path)


def _calibration(
    path: Path, layout: EdfLayout, signals: list[int]
) -> tuple[NDArray[np.float64], NDArray[np.float64]] | None:
    """Gain and offset taking the stored integers of ``signals`` to volts.

    ``volts = gain * digital + offset`` (the EDF rule ``physical = physical_min +
    (digital - digital_min) * (physical_max - physical_min) / (digital_max -
    digital_min)``, times the unit of the physical dimension as MNE reads it).
    None when a field is not a number or the digital range is empty.
    """
    n_signals = len(layout.labels)
    with open(path, "rb") as fid:
        fid.seek(256 + n_signals * (16 + 80))
        block = fid.read(n_signals * (8 * 5))

    units, *numbers = (_fixed_fields(block[k * 8 * n_signals :], n_signals, 8) for k in range(5))
    try:
        phys_min, phys_max, dig_min, dig_max = (
            np.array([float(column[i].decode("latin-1")) for i in signals]) for column in numbers
        )
    except ValueError:
        return None
    scale = np.array([to_si(units[i].decode("latin-1")) for i in signals])
    span = dig_max - dig_min
    if np.any(span == 0):
        return None
    gain = (phys_max - phys_min) / span
    return gain * scale, (phys_min - dig_min * gain) * scale


def _decode_records(raw: bytes, fmt: str, n_records: int) -> NDArray[np.integer]:
    """Data records as integers, shape ``(n_records, samples per record)``."""
    if fmt == "edf":
        return np.frombuffer(raw, dtype="<i2").reshape(n_records, -1)
    triples = np.frombuffer(raw, dtype=np.uint8).reshape(n_records, -1, 3).astype(np.int32)
    values = triples[..., 0] | (triples[..., 1] << 8) | (triples[..., 2] << 16)
    return (values ^ 0x800000) - 0x800000


def read_edf_signals(
    path: Path,
    fmt: str,
    signals: list[int],
    *,
    scale: float = 1.0,
    dtype: type[np.floating] = np.float32,
    start: int = 0,
    stop: int | None = None,
    n_times: int | None = None,
) -> NDArray[np.floating] | None:
    """Read some signals of a continuous EDF/BDF file, in volts times ``scale``.

    The data records that hold samples ``start`` to ``stop`` are read a block at a
    time; only the requested signals are kept, converted to ``dtype`` as they are
    scaled. The values equal MNE's reading (`mne.io.read_raw_edf`) to the precision
    of ``dtype``.

    Parameters
    ----------
    path : Path
        The file.
    fmt : str
        ``'edf'`` or ``'bdf'``.
    signals : list of int
        Indices of the signals among the file's signals that are not annotation
        channels (the order of MNE's ``ch_names``).
    scale : float
        Factor applied to volts (``1e6`` for µV).
    dtype : numpy floating type
        Output precision.
    start, stop : int
        First sample and the sample after the last (None: to the end of the file).
    n_times : int or None
        The number of samples per signal another reader found (MNE's ``n_times``);
        when given and the file holds another number, None is returned.

    Returns
    -------
    data : array, shape (len(signals), stop - start) or None
        None when this direct reading does not apply and MNE should read instead:
        an EDF+D/BDF+D file, signals sampled at different rates, calibration fields
        that are not numbers, or a length other than ``n_times``.
    """
    layout = read_edf_layout(path, fmt)
    columns = [layout.signal_indices[i] for i in signals]
    counts = {layout.samples_per_record[i] for i in columns}
    if layout.discontinuous or len(counts) != 1:
        return None
    calibration = _calibration(path, layout, columns)
    if calibration is None:
        return None
    gain, offset = (np.asarray(v * scale, dtype=dtype) for v in calibration)
    n_per_record = counts.pop()
    total = layout.n_records * n_per_record
    if n_times is not None and n_times != total:
        return None
    stop = total if stop is None else min(stop, total)
    begin, end = start // n_per_record, -(-stop // n_per_record)
    offsets = np.cumsum([0, *layout.samples_per_record[:-1]])[columns]
    out = np.empty((len(columns), end - begin, n_per_record), dtype=dtype)
    chunk = max(1, _CHUNK_BYTES // layout.record_bytes)
    with open(path, "rb") as fid:
        fid.seek(layout.header_bytes + begin * layout.record_bytes)
        for first in range(0, end - begin, chunk):
            n_read = min(chunk, end - begin - first)
            records = _decode_records(fid.read(n_read * layout.record_bytes), fmt, n_read)
            for row, offset_in_record in enumerate(offsets):
                target = out[row, first : first + n_read]
                columns_of_row = records[:, offset_in_record : offset_in_record + n_per_record]
                np.multiply(columns_of_row, gain[row], out=target)
                target += offset[row]
    first_sample = start - begin * n_per_record
    return out.reshape(len(columns), -1)[:, first_sample : first_sample + stop - start]
