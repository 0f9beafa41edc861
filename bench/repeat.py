"""Long EDF/BDF files for the benchmarks, written fast: one minute repeated."""

from __future__ import annotations

from pathlib import Path


def repeat_minute(minute: Path, path: Path, minutes: int, n_signals: int) -> Path:
    """Write ``path``: the EDF or BDF ``minute`` (its data records cover one minute) with
    its records repeated ``minutes`` times and its header's record count to match;
    ``minute`` is deleted.

    Writing one minute with edfio and copying its records costs one minute's encoding
    whatever the length, where edfio would encode every sample of an hour.
    """
    with open(minute, "rb") as fid:
        header = bytearray(fid.read(256 * (n_signals + 1)))
        records = fid.read()
    header[236:244] = f"{int(header[236:244]) * minutes:<8d}".encode("ascii")
    with open(path, "wb") as out:
        out.write(header)
        for _ in range(minutes):
            out.write(records)
    minute.unlink()
    return path
