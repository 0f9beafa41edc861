"""Rated data sets (DEAP, MAHNOB-HCI, AMIGOS): continuous signals, 1-9 self-ratings.

A rating becomes a class by a task: ``valence`` / ``arousal`` (``low`` below 5,
``high`` from 5 on, the AIMSTF-SSFF/DeepVANet rule) or ``quadrant`` (``HVHA``,
``HVLA``, ``LVHA``, ``LVLA`` with high meaning above 5, spec section 1.1).
"""

from __future__ import annotations

import pickle
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import scipy.io

from core.cards import montage_channels
from model_store.training.datasets.base import DataSet, Signal, Trial
from signals.feeding import SI_TO_MICRO
from signals.io import read_raw
from signals.recipe import Stream, media_stream

TASK_LABELS = {
    "valence": ["low", "high"],
    "arousal": ["low", "high"],
    "quadrant": ["HVHA", "HVLA", "LVHA", "LVLA"],
}

DEAP_SFREQ = 128.0  # Hz, data_preprocessed_python
DEAP_GSR_INDEX = 36  # 0-based row of the GSR channel among DEAP's 40
AMIGOS_SFREQ = 128.0  # Hz, the preprocessed release
AMIGOS_EEG = [
    "AF3",
    "F7",
    "F3",
    "FC5",
    "T7",
    "P7",
    "O1",
    "O2",
    "P8",
    "T8",
    "FC6",
    "F4",
    "F8",
    "AF4",
]
AMIGOS_GSR_INDEX = 16  # 0-based column of GSR in joined_data
AMIGOS_SHORT_VIDEOS = 16
MAHNOB_STIMULUS_MARGIN_S = 30.0  # s of recording before and after the stimulus


def rating_label(valence: float, arousal: float, task: str) -> str:
    """Class name of a (valence, arousal) rating on the 1-9 scale under ``task``."""
    if task not in TASK_LABELS:
        raise ValueError(f"unknown task {task!r}; known: {', '.join(TASK_LABELS)}")
    if task in ("valence", "arousal"):
        value = valence if task == "valence" else arousal
        return "low" if value < 5 else "high"
    return ("H" if valence > 5 else "L") + "V" + ("H" if arousal > 5 else "L") + "A"


def _signals(
    eeg: np.ndarray, eeg_channels: list[str], gsr: np.ndarray, sfreq: float
) -> dict[str, Signal]:
    return {
        "eeg": Signal(Stream(np.asarray(eeg, dtype=np.float64), sfreq), channels=eeg_channels),
        "eda": Signal(
            Stream(np.asarray(gsr, dtype=np.float64)[np.newaxis], sfreq), channels=["GSR"]
        ),
    }


def load_deap(data_dir: Path, task: str = "valence") -> DataSet:
    """Read DEAP's ``data_preprocessed_python`` pickles and, where present, face videos.

    Parameters
    ----------
    data_dir : Path
        Folder holding ``sXX.dat`` (or its parent): Python-2 pickles with ``data``
        (40 trials x 40 channels x 8064 samples at 128 Hz, the first 3 s a pre-trial
        baseline, which is kept for recipes that remove it) and ``labels`` (40 x 4:
        valence, arousal, dominance, liking). Trials are in video order. The
        parent may also hold DEAP's ``face_video/sXX/sXX_trialYY.avi`` (subjects 1-22),
        taken to start with the trial's data, baseline included.
    task : str
        ``valence``, ``arousal`` or ``quadrant``.

    Returns
    -------
    dataset : DataSet
        One trial per video: ``eeg`` (the 32 EEG channels), ``eda`` (GSR) and, when
        the trial's video exists, ``face`` (the video file, for the face recipe).
    """
    folder = data_dir / "data_preprocessed_python"
    folder = folder if folder.is_dir() else data_dir
    videos = folder.parent / "face_video"
    channels = montage_channels("deap32")
    trials = []
    for path in sorted(folder.glob("s*.dat")):
        with open(path, "rb") as fid:
            content = pickle.load(fid, encoding="latin1")
        for k, (data, rating) in enumerate(zip(content["data"], content["labels"], strict=True)):
            label = rating_label(rating[0], rating[1], task)
            signals = _signals(data[:32], channels, data[DEAP_GSR_INDEX], DEAP_SFREQ)
            video = videos / path.stem / f"{path.stem}_trial{k + 1:02d}.avi"
            if video.is_file():
                signals["face"] = Signal(media_stream(video))
            trials.append(Trial(path.stem, 1, k + 1, label, signals))
    return DataSet("deap", TASK_LABELS[task], trials)


def load_amigos(data_dir: Path, task: str = "valence") -> DataSet:
    """Read AMIGOS's preprocessed ``Data_Preprocessed_PXX.mat`` files (short videos).

    Parameters
    ----------
    data_dir : Path
        Folder searched recursively for ``Data_Preprocessed_P*.mat``: ``joined_data``
        (a cell per video of samples x 17 columns at 128 Hz: 14 Emotiv EEG channels,
        ECG right and left, GSR) and ``labels_selfassessment`` (a cell per video of
        arousal, valence, dominance, liking, ...). The first 16 videos (short ones)
        are read; empty recordings are skipped.
    task : str
        ``valence``, ``arousal`` or ``quadrant``.
    """
    trials = []
    for path in sorted(data_dir.rglob("Data_Preprocessed_P*.mat")):
        mat = scipy.io.loadmat(path)
        subject = path.stem.rsplit("_", 1)[-1]
        videos = np.ravel(mat["joined_data"])[:AMIGOS_SHORT_VIDEOS]
        ratings = np.ravel(mat["labels_selfassessment"])[:AMIGOS_SHORT_VIDEOS]
        for k, (data, rating) in enumerate(zip(videos, ratings, strict=True)):
            rating = np.ravel(rating)
            if data.size == 0 or rating.size < 2 or np.isnan(data).any():
                continue
            label = rating_label(rating[1], rating[0], task)
            signals = _signals(data[:, :14].T, AMIGOS_EEG, data[:, AMIGOS_GSR_INDEX], AMIGOS_SFREQ)
            trials.append(Trial(subject, 1, k + 1, label, signals))
    return DataSet("amigos", TASK_LABELS[task], trials)


def load_mahnob_hci(data_dir: Path, task: str = "valence") -> DataSet:
    """Read MAHNOB-HCI emotion-elicitation sessions.

    Parameters
    ----------
    data_dir : Path
        Folder of session folders (``Sessions/<n>/`` or directly ``<n>/``), each with
        ``session.xml`` (attributes ``feltVlnc``, ``feltArsl`` on the 1-9 scale; a
        ``<subject id=...>`` element) and one BDF recording (32 EEG channels, GSR1,
        ... at 256 Hz). The stimulus is taken as the recording without its first
        and last 30 s; EEG in µV, GSR as stored. Sessions without felt ratings or a
        BDF are skipped.
    task : str
        ``valence``, ``arousal`` or ``quadrant``.
    """
    root = data_dir / "Sessions" if (data_dir / "Sessions").is_dir() else data_dir
    by_subject: dict[str, list[tuple[int, str, Path]]] = {}
    for xml_path in sorted(root.glob("*/session.xml")):
        session = ET.parse(xml_path).getroot()
        bdfs = sorted(xml_path.parent.glob("*.bdf"))
        if "feltVlnc" not in session.attrib or not bdfs:
            continue
        subject = session.find("subject")
        subject_id = subject.get("id", "?") if subject is not None else "?"
        label = rating_label(float(session.get("feltVlnc")), float(session.get("feltArsl")), task)
        by_subject.setdefault(subject_id, []).append((int(xml_path.parent.name), label, bdfs[0]))
    trials = []
    for subject_id, sessions in sorted(by_subject.items()):
        for k, (_, label, bdf) in enumerate(sorted(sessions), start=1):
            raw = read_raw(bdf)
            margin = round(MAHNOB_STIMULUS_MARGIN_S * raw.info["sfreq"])
            data = raw.get_data()[:, margin:-margin]
            gsr = data[raw.ch_names.index("GSR1")]
            eeg = data * SI_TO_MICRO
            signals = _signals(eeg, raw.ch_names, gsr, raw.info["sfreq"])
            trials.append(Trial(subject_id, 1, k, label, signals))
    return DataSet("mahnob-hci", TASK_LABELS[task], trials)
