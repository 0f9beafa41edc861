"""A structural check of MAT v5 files, before scipy reads them.

scipy's MAT v5 reader trusts the element tags it finds: a damaged file whose tags
name an unknown data type or array class, or whose sizes disagree, can crash the
process (segmentation fault or bus error, seen with scipy 1.17 on mutated files)
instead of raising an exception. `check_mat5` walks every data element of the file
(decompressing compressed variables one at a time) and refuses a file whose
structure scipy could not read safely, with `UnreadableRecordingError`.

It also refuses a file that declares more than its `ReadLimits` allow, before it
is read: an array whose dimensions hold more than ``max_samples`` values, or a
compressed variable whose declared size is over ``max_samples`` x 8 bytes. A
compressed variable is inflated forward in chunks of `CHUNK` bytes, the numbers
skipped rather than kept, and never past its declared size: the check holds about
one chunk in memory whatever the variable's size, and a decompression bomb that
inflates past its declaration is refused there.

Layout (MATLAB's "MAT-File Format"): a 128-byte header, then data elements. An
element is a tag (data type, byte count; or the 4-byte "small element" form) and
its data, padded to 8 bytes inside arrays. An array (``miMATRIX``) holds array
flags (the class), dimensions, a name, then by class: the real (and imaginary)
numbers; the characters; one array per cell; the field names and one array per
field and element (structs, objects); the indices and values (sparse).
"""

from __future__ import annotations

import math
import mmap
import struct
import zlib
from pathlib import Path

from signals.io.base import NO_LIMITS, ReadLimits, UnreadableRecordingError

#: Bytes per value of the numeric and text data types (miINT8 ... miUTF32).
ITEM_BYTES = {1: 1, 2: 1, 3: 2, 4: 2, 5: 4, 6: 4, 7: 4, 9: 8, 12: 8, 13: 8, 16: 1, 17: 2, 18: 4}
_INT8, _INT32, _UINT32, _MATRIX, _COMPRESSED = 1, 5, 6, 14, 15
_CELL, _STRUCT, _OBJECT, _CHAR, _SPARSE = 1, 2, 3, 4, 5
_NUMERIC_CLASSES = range(6, 16)
_TEXT_TYPES = (1, 2, 3, 4, 5, 6, 16, 17, 18)
_COMPLEX_FLAG = 0x0800
#: Deepest nesting of cells and structs accepted.
MAX_DEPTH = 64
#: Most dimensions of one array.
MAX_DIMS = 64
#: Bytes inflated at a time.
CHUNK = 1 << 20

_CUT = "the end of its container: the file was cut short or is damaged"
_REMEDY = "save it again in MATLAB with save(..., '-v7') and upload the complete file"


class _Inflated:
    """A compressed variable, inflated forward on demand and forgotten behind.

    `read` asks for bytes at positions that never go back before an earlier read's
    start; what lies before is dropped and what is skipped is inflated in `CHUNK`s and
    discarded, so memory stays about one chunk. Nothing past ``limit`` bytes is inflated.
    """

    def __init__(self, compressed: bytes, limit: int) -> None:
        self.inflater = zlib.decompressobj()
        self.compressed = memoryview(compressed)
        self.fed = 0
        self.pending = b""
        self.window = b""
        self.base = 0
        self.limit = limit

    def _more(self) -> bytes:
        """The next inflated bytes (at most `CHUNK`); empty at the end or at ``limit``.

        Compressed input goes in `CHUNK` pieces, so that zlib never copies the whole
        remaining input as its unconsumed tail.
        """
        room = self.limit - self.base - len(self.window)
        while room > 0 and not self.inflater.eof:
            if not self.pending:
                self.pending = bytes(self.compressed[self.fed : self.fed + CHUNK])
                self.fed += len(self.pending)
                if not self.pending:
                    return b""
            try:
                chunk = self.inflater.decompress(self.pending, min(CHUNK, room))
            except zlib.error as err:
                raise _damaged(f"a compressed variable does not decompress: {err}") from err
            self.pending = self.inflater.unconsumed_tail
            if chunk:
                return chunk
        return b""

    def read(self, pos: int, n_bytes: int) -> bytes:
        """Bytes ``pos`` to ``pos + n_bytes`` (fewer where the stream or ``limit`` ends)."""
        if pos < self.base:
            raise RuntimeError(f"read at byte {pos} after byte {self.base}")
        while self.base + len(self.window) < pos:
            self.base, self.window = self.base + len(self.window), b""
            self.window = self._more()
            if not self.window:
                return b""
        if pos - self.base >= CHUNK:
            self.window, self.base = self.window[pos - self.base :], pos
        offset = pos - self.base
        while len(self.window) < offset + n_bytes and (chunk := self._more()):
            self.window += chunk
        return self.window[offset : offset + n_bytes]


class _Mapped:
    """A whole (uncompressed) file, read where asked."""

    def __init__(self, data: mmap.mmap) -> None:
        self.data = data

    def read(self, pos: int, n_bytes: int) -> bytes:
        """Bytes ``pos`` to ``pos + n_bytes``."""
        return self.data[pos : pos + n_bytes]


class _Elements:
    """Reads element tags of one byte source (a file or a compressed variable)."""

    def __init__(self, source: _Inflated | _Mapped, order: str, limits: ReadLimits) -> None:
        self.source = source
        self.order = order
        self.limits = limits

    def unpack(self, fmt: str, pos: int) -> tuple[int, ...]:
        """Numbers at ``pos`` (`struct` format ``fmt`` without the byte order)."""
        size = struct.calcsize(self.order + fmt)
        raw = self.source.read(pos, size)
        if len(raw) < size:
            raise _damaged(f"the data end before byte {pos + size}: {_CUT}")
        return struct.unpack(self.order + fmt, raw)

    def tag(self, pos: int, end: int) -> tuple[int, int, int, int]:
        """Data type, byte count, data start and the next element's position."""
        if pos + 8 > end:
            raise _damaged(f"the element at byte {pos} runs past {_CUT}")
        first, second = self.unpack("II", pos)
        if first >> 16:
            n_bytes = first >> 16
            if n_bytes > 4:
                raise _damaged(f"a small element at byte {pos} claims {n_bytes} bytes")
            return first & 0xFFFF, n_bytes, pos + 4, pos + 8
        start = pos + 8
        if start + second > end:
            raise _damaged(f"the element at byte {pos} runs past {_CUT}")
        return first, second, start, min(end, start + second + (-second % 8))

    def int32s(self, start: int, n_bytes: int) -> tuple[int, ...]:
        if n_bytes > 4 * MAX_DIMS:
            raise _damaged(f"the element at byte {start} holds {n_bytes // 4} dimensions")
        return self.unpack(f"{n_bytes // 4}i", start)

    def numbers(self, pos: int, end: int, n_values: int) -> int:
        """Check one numeric data element of ``n_values`` values; the next position."""
        kind, n_bytes, _, after = self.tag(pos, end)
        if kind not in ITEM_BYTES or kind in (16, 17, 18):
            raise _damaged(f"numbers at byte {pos} have the unknown data type {kind}")
        if n_bytes != n_values * ITEM_BYTES[kind]:
            raise _damaged(f"numbers at byte {pos} do not fill the array's dimensions")
        return after

    def typed(self, pos: int, end: int, kinds: tuple[int, ...], what: str) -> tuple[int, int, int]:
        """The byte count, data start and next position of an element of ``kinds``."""
        kind, n_bytes, start, after = self.tag(pos, end)
        if kind not in kinds:
            raise _damaged(f"the {what} at byte {pos} has the data type {kind}")
        return n_bytes, start, after

    def array(self, pos: int, end: int, depth: int) -> None:
        """Check the contents of one miMATRIX element, ``pos``..``end``."""
        if pos == end:
            return  # an empty array (an empty cell)
        if depth > MAX_DEPTH:
            raise _damaged(f"arrays are nested more than {MAX_DEPTH} deep")
        n_bytes, start, pos = self.typed(pos, end, (_UINT32,), "array flags")
        if n_bytes != 8:
            raise _damaged(f"the array flags at byte {start} are {n_bytes} bytes, not 8")
        flags = self.int32s(start, 4)[0]
        mclass = flags & 0xFF
        n_bytes, start, pos = self.typed(pos, end, (_INT32,), "dimensions")
        dims = self.int32s(start, n_bytes)
        if len(dims) < 2 or min(dims) < 0:
            raise _damaged(f"the dimensions at byte {start} are {dims}")
        self.limits.check_array(dims, "a MAT array")
        n_values = math.prod(dims)
        if mclass == _OBJECT:
            pos = self.typed(pos, end, (_INT8,), "object class name")[2]
        pos = self.typed(pos, end, (_INT8,), "array name")[2]
        if mclass in _NUMERIC_CLASSES:
            pos = self.numbers(pos, end, n_values)
            if flags & _COMPLEX_FLAG:
                self.numbers(pos, end, n_values)
        elif mclass == _CHAR:
            self.typed(pos, end, _TEXT_TYPES, "characters")
        elif mclass == _CELL:
            self.children(pos, end, n_values, depth)
        elif mclass in (_STRUCT, _OBJECT):
            n_bytes, start, pos = self.typed(pos, end, (_INT32,), "field name length")
            width = self.int32s(start, 4)[0] if n_bytes == 4 else 0
            n_bytes, _, pos = self.typed(pos, end, (_INT8,), "field names")
            if width < 1 or n_bytes % width:
                raise _damaged(f"the field names before byte {pos} do not fit their length")
            self.children(pos, end, n_values * (n_bytes // width), depth)
        elif mclass == _SPARSE:
            pos = self.typed(pos, end, (_INT32,), "sparse row indices")[2]
            self.typed(pos, end, (_INT32,), "sparse column indices")
        else:
            raise _damaged(
                f"an array of MATLAB class {mclass} (a function handle, a MATLAB object such "
                "as a string or table, or damage) cannot be read; keep only numeric arrays, "
                "char arrays, cells and structs in the file"
            )

    def children(self, pos: int, end: int, n_children: int, depth: int) -> None:
        """Check ``n_children`` nested miMATRIX elements starting at ``pos``."""
        for _ in range(n_children):
            n_bytes, start, pos = self.typed(pos, end, (_MATRIX,), "nested array")
            self.array(start, start + n_bytes, depth + 1)


def _damaged(detail: str) -> UnreadableRecordingError:
    return UnreadableRecordingError(f"the MAT file is damaged ({detail}); {_REMEDY}")


def check_mat5(path: Path, limits: ReadLimits = NO_LIMITS) -> None:
    """Refuse a MAT v5 file whose element structure scipy could not read safely.

    Parameters
    ----------
    path : Path
        A MAT v5 (v6/v7) file.
    limits : ReadLimits
        Largest arrays accepted (declared dimensions and decompressed sizes).

    Raises
    ------
    UnreadableRecordingError
        When a tag names an unknown data type or array class, an element runs past
        its container, numbers do not fill their array's dimensions, or a
        compressed variable does not decompress; or when an array is over ``limits``.
    """
    with open(path, "rb") as fid:
        mark = fid.read(128)[126:]
        if mark not in (b"IM", b"MI"):
            raise _damaged("its 128-byte header has no byte-order mark")
        order = "<" if mark == b"IM" else ">"
        with mmap.mmap(fid.fileno(), 0, access=mmap.ACCESS_READ) as data:
            _check_elements(data, order, limits)


def _check_elements(data: mmap.mmap, order: str, limits: ReadLimits) -> None:
    """Check the top-level variables of a file, from byte 128."""
    elements = _Elements(_Mapped(data), order, limits)
    pos = 128
    while pos + 8 <= len(data):
        kind, n_bytes, start, _ = elements.tag(pos, len(data))
        if kind == _COMPRESSED:
            _check_compressed(data[start : start + n_bytes], order, limits)
        elif kind == _MATRIX:
            elements.array(start, start + n_bytes, 0)
        else:
            raise _damaged(f"the top-level element at byte {pos} has the data type {kind}")
        pos = start + n_bytes


def _check_compressed(compressed: bytes, order: str, limits: ReadLimits) -> None:
    """Check one compressed variable: its declared size, then its structure, streaming.

    The variable's first tag declares its size: over ``limits.max_bytes`` it is refused
    before anything else is inflated, and nothing past it is ever inflated (a stream
    that holds more is refused as damaged, since scipy would inflate it all).
    """
    probe = _Elements(_Inflated(compressed, 8), order, limits)
    n_bytes = probe.typed(0, 8 + (1 << 32), (_MATRIX,), "variable")[0]
    if n_bytes > limits.max_bytes:
        raise UnreadableRecordingError(
            f"a compressed MAT variable declares {n_bytes:,} bytes once decompressed; "
            f"the limit is {limits.max_bytes:,} bytes (8 per value of AFFECTSERVE_MAX_SAMPLES): "
            "split the recording into shorter files"
        )
    end = 8 + n_bytes
    inner = _Elements(_Inflated(compressed, end + 1), order, limits)
    n_inner, start, _ = inner.typed(0, end, (_MATRIX,), "variable")
    inner.array(start, start + n_inner, 0)
    if len(inner.source.read(end - 1, 2)) != 1:
        raise _damaged(
            f"a compressed variable does not inflate to exactly the {n_bytes:,} bytes it declares"
        )
