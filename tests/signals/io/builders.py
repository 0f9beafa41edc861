"""Recordings the reader tests write: EDF/BDF through edfio, then byte-level edits.

Each edit makes one case no writer makes (record count -1, a file cut short,
EDF+D gaps, UTF-8 text): the offsets are those of the EDF specification.
"""

from __future__ import annotations

from pathlib import Path

import edfio
import numpy as np

#: Byte offsets and widths of the fixed EDF/BDF header fields.
FIELD = {
    "patient": (8, 80),
    "recording": (88, 80),
    "reserved": (192, 44),
    "n_records": (236, 8),
    "record_s": (244, 8),
}


def sine_signals(
    n_channels: int, sfreq: float, duration_s: float, amplitude: float = 50.0
) -> np.ndarray:
    """Sines of 1, 2, ... Hz with a channel-dependent phase, ``amplitude`` in µV."""
    times = np.arange(round(sfreq * duration_s)) / sfreq
    freqs = np.arange(1, n_channels + 1)[:, None]
    return amplitude * np.sin(2 * np.pi * freqs * times + np.arange(n_channels)[:, None])


def write_edf(
    path: Path,
    data: np.ndarray | list[np.ndarray],
    sfreqs: float | list[float],
    labels: list[str],
    *,
    record_s: float = 1.0,
    annotations: list[tuple[float, float | None, str]] = (),
    bdf: bool = False,
    patient: edfio.Patient | None = None,
) -> Path:
    """Write an EDF+C (or BDF+C) file with edfio; ``data`` in µV.

    Parameters
    ----------
    path : Path
        Where to write.
    data : array or list of arrays
        One row per signal (signals may differ in length when rates differ).
    sfreqs : float or list of float
        Sampling rate of every signal, or of each, Hz.
    labels : list of str
        Signal labels.
    record_s : float
        Duration of a data record, seconds.
    annotations : list of (onset_s, duration_s, text)
        EDF+ annotations.
    bdf : bool
        Write a 24-bit BDF+ file.
    patient : edfio.Patient or None
        Patient identification to write into the header.

    Returns
    -------
    Path
    """
    rates = [sfreqs] * len(labels) if np.isscalar(sfreqs) else list(sfreqs)
    signal_cls = edfio.BdfSignal if bdf else edfio.EdfSignal
    container = edfio.Bdf if bdf else edfio.Edf
    digital = (-(2**23), 2**23 - 1) if bdf else (-32768, 32767)
    signals = [
        signal_cls(
            np.asarray(row, dtype=np.float64),
            sampling_frequency=rate,
            label=label,
            physical_dimension="uV",
            physical_range=(-500.0, 500.0),
            digital_range=digital,
        )
        for row, rate, label in zip(data, rates, labels, strict=True)
    ]
    container(
        signals,
        patient=patient,
        data_record_duration=record_s,
        annotations=[edfio.EdfAnnotation(o, d, t) for o, d, t in annotations],
    ).write(path)
    return path


def set_field(path: Path, field: str, value: str) -> None:
    """Overwrite one fixed header field (space-padded ASCII)."""
    offset, width = FIELD[field]
    with open(path, "r+b") as fid:
        fid.seek(offset)
        fid.write(value.encode("ascii").ljust(width)[:width])


def header_layout(path: Path) -> tuple[int, list[int], int]:
    """Header size, samples per record of each signal, bytes per sample."""
    raw = path.read_bytes()
    header_bytes = int(raw[184:192])
    n_signals = int(raw[252:256])
    offset = 256 + n_signals * (16 + 80 + 8 * 5 + 80)
    samples = [int(raw[offset + 8 * i : offset + 8 * i + 8]) for i in range(n_signals)]
    return header_bytes, samples, 3 if raw[:1] == b"\xff" else 2


def rewrite_record_onsets(
    path: Path, onsets: list[float], events: dict[int, tuple[float, str]] | None = None
) -> None:
    """Make an EDF+ file discontinuous: give record ``k`` the start time ``onsets[k]``.

    The last signal must be the annotation signal edfio writes, with room for the
    new time stamps (write the file with a long annotation); each record's
    annotation block is replaced by its time-keeping annotation, followed by
    ``events[k] = (onset_s, text)`` when given.
    """
    header_bytes, samples, width = header_layout(path)
    record_bytes = sum(samples) * width
    block = samples[-1] * width
    set_field(path, "reserved", "EDF+D")
    with open(path, "r+b") as fid:
        for record, onset in enumerate(onsets):
            fid.seek(header_bytes + (record + 1) * record_bytes - block)
            stamp = f"+{onset:g}\x14\x14\x00".encode()
            if record in (events or {}):
                event_onset, text = events[record]
                stamp += f"+{event_onset:g}\x14{text}\x14\x00".encode()
            assert len(stamp) <= block, "no room for the time stamp"
            fid.write(stamp.ljust(block, b"\x00"))


def replace_bytes(path: Path, old: bytes, new: bytes) -> None:
    """Replace bytes of equal length anywhere in the file."""
    assert len(old) == len(new)
    raw = path.read_bytes()
    assert raw.count(old) == 1
    path.write_bytes(raw.replace(old, new))


def write_mat73(path: Path, variables: dict[str, np.ndarray | str | list[str]]) -> Path:
    """Write a MATLAB v7.3 file as MATLAB does: HDF5 after a 512-byte text block.

    Numeric arrays are stored transposed (MATLAB is column-major), text as
    ``uint16`` char arrays, lists of text as cell arrays of references.
    """
    import h5py

    with h5py.File(path, "w", userblock_size=512) as fid:
        refs = fid.create_group("#refs#")
        for name, value in variables.items():
            if isinstance(value, str):
                _char(fid, name, value)
            elif isinstance(value, list):
                cells = [_char(refs, f"{name}{i}", text).ref for i, text in enumerate(value)]
                item = fid.create_dataset(name, data=np.array([cells]).T, dtype=h5py.ref_dtype)
                item.attrs["MATLAB_class"] = np.bytes_("cell")
            else:
                array = np.asarray(value, dtype=np.float64)
                item = fid.create_dataset(name, data=np.atleast_2d(array).T)
                item.attrs["MATLAB_class"] = np.bytes_("double")
    with open(path, "r+b") as fid:
        fid.write(b"MATLAB 7.3 MAT-file, Platform: GLNXA64, Created by: tests".ljust(128))
    return path


def _char(group, name: str, text: str):
    item = group.create_dataset(name, data=np.array([[ord(c)] for c in text], dtype=np.uint16))
    item.attrs["MATLAB_class"] = np.bytes_("char")
    return item


#: Zeros deflated once and repeated: a stream that inflates to gigabytes costs megabytes.
_ZERO_BLOCK = 1 << 24


def _deflated_zeros(prefix: bytes, n_blocks: int) -> bytes:
    """A zlib stream of ``prefix`` then ``n_blocks`` x 16 MiB of zeros (with its checksum)."""
    import struct
    import zlib

    zeros = bytes(_ZERO_BLOCK)
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = deflate.compress(prefix) + deflate.flush(zlib.Z_FULL_FLUSH)
    block = deflate.compress(zeros) + deflate.flush(zlib.Z_FULL_FLUSH)
    tail = deflate.flush()
    a_sum, b_sum = 1, 0
    for byte in prefix:
        a_sum = (a_sum + byte) % 65521
        b_sum = (b_sum + a_sum) % 65521
    b_sum = (b_sum + n_blocks * _ZERO_BLOCK * a_sum) % 65521
    return b"\x78\xda" + first + block * n_blocks + tail + struct.pack(">I", b_sum << 16 | a_sum)


def write_mat5_bomb(path: Path, declared_shape: tuple[int, int], n_blocks: int) -> Path:
    """A compressed MAT v5 file: one double matrix ``x`` of ``declared_shape`` whose
    compressed data inflate to ``n_blocks`` x 16 MiB of zeros (600 blocks: ~10 MB on disk,
    ~10 GB inflated), whatever the shape declares."""
    import struct

    rows, cols = declared_shape
    body = (
        struct.pack("<II", 6, 8)
        + struct.pack("<II", 6, 0)  # array flags: class double
        + struct.pack("<IIii", 5, 8, rows, cols)
        + struct.pack("<HH", 1, 1)
        + b"x\0\0\0"  # small element: the name
        + struct.pack("<II", 9, min(rows * cols * 8, 2**32 - 1))
    )
    matrix_bytes = min(len(body) + rows * cols * 8, 2**32 - 1)
    stream = _deflated_zeros(struct.pack("<II", 14, matrix_bytes) + body, n_blocks)
    header = b"MATLAB 5.0 MAT-file, written by the bomb tests".ljust(116) + bytes(8)
    header += struct.pack("<H", 0x0100) + b"IM"
    path.write_bytes(header + struct.pack("<II", 15, len(stream)) + stream)
    return path


def write_mat73_bomb(path: Path, declared_shape: tuple[int, int]) -> Path:
    """A MAT v7.3 file whose gzip-compressed ``labels`` array declares ``declared_shape``
    doubles but stores no chunk (HDF5 fills them with zeros when read), next to a small
    ``data`` matrix: the header reader would load ``labels`` for the channel names."""
    write_mat73(path, {"data": np.zeros((4, 1000)), "sfreq": np.array(100.0)})
    import h5py

    with h5py.File(path, "r+") as fid:
        item = fid.create_dataset(
            "labels", shape=declared_shape, dtype="f8", chunks=(256, 256), compression="gzip"
        )
        item.attrs["MATLAB_class"] = np.bytes_("double")
    return path
