"""FieldTrip raw structs (``data.trial``, ``data.label``, ``data.fsample``) through MNE."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import mne
import numpy as np

from signals.channels import classify_channels
from signals.io.base import RecordingHeader, UnreadableRecordingError
from signals.io.mat import list_variables, unit_scale


def _struct_name(path: Path, wanted: str | None) -> str:
    """Name of the variable that holds the FieldTrip raw struct (nothing loaded)."""
    structs = [v.name for v in list_variables(path) if v.mclass == "struct"]
    if wanted is not None and wanted in structs:
        return wanted
    if wanted is None and "data" in structs:
        return "data"
    if wanted is None and len(structs) == 1:
        return structs[0]
    raise UnreadableRecordingError(
        f"the MAT file holds the structs {', '.join(structs) or '(none)'}; name the FieldTrip "
        "raw struct to read with the 'variable' upload option"
    )


def read_fieldtrip_raw(path: Path, options: dict[str, Any]) -> mne.io.BaseRaw:
    """Read a FieldTrip raw struct with one trial (volts, types classified).

    Parameters
    ----------
    path : Path
        A MAT v5 or v7.3 file holding the struct.
    options : dict
        ``variable``: name of the struct (by default ``data``, or the file's only
        struct); ``unit``: unit of the stored values (default ``'V'``, as MNE reads
        them).

    Returns
    -------
    mne.io.BaseRaw

    Returns
    -------
    mne.io.BaseRaw
    """
    name = _struct_name(path, options.get("variable"))
    scale = unit_scale(options, "V")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            raw = mne.io.read_raw_fieldtrip(path, info=None, data_name=name)
    except (ValueError, TypeError, KeyError, IndexError, RuntimeError, AttributeError) as err:
        raise UnreadableRecordingError(
            f"the FieldTrip struct '{name}' could not be read as one continuous recording "
            f"({err}); FieldTrip data cut into several trials must be joined first "
            "(ft_redefinetrial) or uploaded as one file per trial"
        ) from err
    if scale != 1.0:
        raw.apply_function(lambda values: values * scale, picks="all", channel_wise=True)
    raw.set_channel_types(
        dict(zip(raw.ch_names, classify_channels(raw.ch_names), strict=True)),
        on_unit_change="ignore",
        verbose="error",
    )
    return raw


def read_fieldtrip_header(path: Path, options: dict[str, Any]) -> RecordingHeader:
    """Header of a FieldTrip raw struct (MNE reads the struct whole).

    Warns when the values, taken as volts, exceed 1 V: they are then most likely
    µV, and the ``unit`` upload option should say so.
    """
    raw = read_fieldtrip_raw(path, options)
    signals = [i for i, kind in enumerate(raw.get_channel_types()) if kind != "stim"]
    peak = float(np.abs(raw.get_data(picks=signals)).max(initial=0.0))
    notes = (
        [
            f"the signals reach {peak:.3g} V, which suggests they are stored in µV or mV: "
            "give the 'unit' upload option (e.g. unit=uV)"
        ]
        if peak > 1.0
        else []
    )
    return RecordingHeader(
        format="fieldtrip",
        channel_names=list(raw.ch_names),
        channel_types=raw.get_channel_types(),
        sfreq=float(raw.info["sfreq"]),
        channel_sfreqs=[float(raw.info["sfreq"])] * len(raw.ch_names),
        duration_s=float(raw.n_times / raw.info["sfreq"]),
        n_annotations=len(raw.annotations),
        warnings=notes,
    )
