"""Recordings as EEG devices' own software writes them: labels, rates, extra channels.

Each `Device` names its signals exactly as the device's software stores them in EDF/BDF
(EmotivPRO, Muse apps, OpenBCI GUI, clinical systems, BioSemi ActiView, BrainVision
Recorder exports); `write_device` writes 2 minutes of EEG with realistic amplitudes:
pink-like background of about 15 µV, a 10 Hz alpha rhythm strongest at the back, and the
DC offset some amplifiers keep (Emotiv's ~4200 µV).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import edfio
import numpy as np

from core.cards import montage_channels

#: actiCAP 64 (Brain Products, 10-10): FCz is the reference and Fpz the ground, so
#: neither is recorded.
# fmt: off
ACTICAP64 = [
    "Fp1", "Fp2", "F7", "F3", "Fz", "F4", "F8", "FC5", "FC1", "FC2", "FC6", "T7", "C3", "Cz",
    "C4", "T8", "TP9", "CP5", "CP1", "CP2", "CP6", "TP10", "P7", "P3", "Pz", "P4", "P8", "PO9",
    "O1", "Oz", "O2", "PO10", "AF7", "AF3", "AF4", "AF8", "F5", "F1", "F2", "F6", "FT9", "FT7",
    "FC3", "FC4", "FT8", "FT10", "C5", "C1", "C2", "C6", "TP7", "CP3", "CPz", "CP4", "TP8",
    "P5", "P1", "P2", "P6", "PO7", "PO3", "POz", "PO4", "PO8",
]
# fmt: on
#: OpenBCI's default electrode positions for Cyton (8) and Cyton + Daisy (16) channels.
OPENBCI16 = montage_channels("openbci_cyton16")
#: EmotivPRO's extra signals beside the EEG.
EMOTIV_EXTRA = ["COUNTER", "INTERPOLATED", "RAW_CQ", "MARKER_HARDWARE"]
#: A clinical 19-channel 10-20 cap with the old temporal names.
# fmt: off
CLINICAL_OLD = [
    "Fp1", "Fp2", "F7", "F3", "Fz", "F4", "F8", "T3", "C3", "Cz", "C4", "T4", "T5", "P3", "Pz",
    "P4", "T6", "O1", "O2",
]
# fmt: on
BIOSEMI_EXTRA = [f"EXG{k}" for k in range(1, 9)]


def actiview(n_letters: int) -> list[str]:
    """BioSemi ActiView's electrode labels: A1..A32, B1..B32, ..."""
    return [f"{chr(ord('A') + k)}{j}" for k in range(n_letters) for j in range(1, 33)]


@dataclass(frozen=True)
class Device:
    """An EEG device, how its software writes a recording, and what it should feed.

    Attributes
    ----------
    name : str
        Device, for test ids.
    eeg : list of str
        EEG labels as written.
    extra : list of str
        Other signals the software writes (counters, EXG, Status).
    sfreq : float
        Sampling rate, Hz.
    bdf : bool
        BDF (24-bit) rather than EDF.
    offset_uv : float
        DC offset of the EEG, µV.
    montage : str
        The accepted montage it should run as (reference.json name), or '' if refused.
    options : dict
        Upload options the user gives.
    """

    name: str
    eeg: list[str]
    extra: list[str] = field(default_factory=list)
    sfreq: float = 256.0
    bdf: bool = False
    offset_uv: float = 0.0
    montage: str = ""
    options: dict[str, object] = field(default_factory=dict)


DEVICES = [
    Device(
        "emotiv-epoc-x",
        montage_channels("emotiv_epoc14"),
        EMOTIV_EXTRA,
        128.0,
        offset_uv=4200.0,
        montage="emotiv_epoc14",
    ),
    Device(
        "emotiv-insight",
        montage_channels("emotiv_insight5"),
        EMOTIV_EXTRA,
        128.0,
        offset_uv=4200.0,
        montage="emotiv_insight5",
    ),
    Device("muse", ["TP9", "AF7", "AF8", "TP10"], ["Right AUX"], 256.0),
    Device(
        "openbci-cyton",
        [f"EXG Channel {k}" for k in range(8)],
        ["Accel Channel 0", "Accel Channel 1", "Accel Channel 2"],
        250.0,
        bdf=True,
        montage="openbci_cyton8",
        options={"channel_map": {f"EXG Channel {k}": OPENBCI16[k] for k in range(8)}},
    ),
    Device(
        "openbci-cyton-daisy",
        [f"EXG Channel {k}" for k in range(16)],
        ["Accel Channel 0", "Accel Channel 1", "Accel Channel 2"],
        125.0,
        bdf=True,
        montage="openbci_cyton16",
        options={"channel_map": {f"EXG Channel {k}": OPENBCI16[k] for k in range(16)}},
    ),
    Device(
        "clinical-10-20",
        [f"EEG {name}-REF" for name in CLINICAL_OLD],
        ["ECG EKG-REF", "Photic-REF"],
        256.0,
        montage="clinical1020_19",
    ),
    Device(
        "biosemi-32",
        montage_channels("deap32"),
        [*BIOSEMI_EXTRA, "GSR1", "Status"],
        512.0,
        bdf=True,
        montage="seed62",
    ),
    Device(
        "biosemi-64", actiview(2), [*BIOSEMI_EXTRA, "Status"], 256.0, bdf=True, montage="seed62"
    ),
    Device("acticap-64", ACTICAP64, ["ECG"], 500.0, montage="seed62"),
    Device(
        "numbered-64",
        [f"Ch{k}" for k in range(1, 65)],
        ["Aux1"],
        250.0,
        montage="seed62",
        options={"channel_map": {f"Ch{k}": name for k, name in enumerate(ACTICAP64, 1)}},
    ),
    Device(
        "biosemi-128", actiview(4), [*BIOSEMI_EXTRA, "Status"], 256.0, bdf=True, montage="seed62"
    ),
]


def eeg_signals(n_channels: int, sfreq: float, duration_s: float, seed: int = 0) -> np.ndarray:
    """EEG-like signals, µV: 1/f background of ~15 µV RMS plus a 10 Hz rhythm."""
    rng = np.random.default_rng(seed)
    n_times = round(sfreq * duration_s)
    spectrum = np.fft.rfft(rng.normal(size=(n_channels, n_times)), axis=-1)
    freqs = np.fft.rfftfreq(n_times, 1.0 / sfreq)
    spectrum /= np.sqrt(np.maximum(freqs, 1.0))
    background = np.fft.irfft(spectrum, n=n_times, axis=-1)
    background *= 15.0 / background.std(axis=-1, keepdims=True)
    times = np.arange(n_times) / sfreq
    alpha = 10.0 * np.sin(2 * np.pi * 10.0 * times + rng.uniform(0, 2 * np.pi, (n_channels, 1)))
    return background + alpha


def write_device(device: Device, folder: Path, duration_s: float = 120.0) -> Path:
    """Write ``device``'s recording of ``duration_s`` seconds; return its path."""
    eeg = eeg_signals(len(device.eeg), device.sfreq, duration_s) + device.offset_uv
    extra = np.zeros((len(device.extra), eeg.shape[1]))
    signal = edfio.BdfSignal if device.bdf else edfio.EdfSignal
    digital = (-(2**23), 2**23 - 1) if device.bdf else (-32768, 32767)
    low, high = device.offset_uv - 1000.0, device.offset_uv + 1000.0
    signals = [
        signal(
            row,
            sampling_frequency=device.sfreq,
            label=label,
            physical_dimension="uV",
            physical_range=(low, high),
            digital_range=digital,
        )
        for row, label in zip(eeg, device.eeg, strict=True)
    ] + [
        signal(
            row,
            sampling_frequency=device.sfreq,
            label=label,
            physical_dimension="",
            physical_range=(-1000.0, 1000.0),
            digital_range=digital,
        )
        for row, label in zip(extra, device.extra, strict=True)
    ]
    path = folder / f"{device.name}.{'bdf' if device.bdf else 'edf'}"
    (edfio.Bdf if device.bdf else edfio.Edf)(signals).write(path)
    return path
