"""The SEED family's distributed DE features: SEED, SEED-IV and SEED-VII.

All three ship smoothed differential-entropy features (``de_LDS``) per clip, which are
the output of the recipe step ``lds_smooth``; a model card's remaining steps (scaling,
flattening, grids, sequences) are applied to them by `model_store.training.samples`.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import scipy.io

from model_store.training.datasets.base import DataSet, Signal, Trial, feature_stream

SEED_LABELS = ["negative", "neutral", "positive"]
SEED_IV_LABELS = ["neutral", "sad", "fear", "happy"]
SEED_VII_LABELS = ["happy", "sad", "fear", "disgust", "surprise", "anger", "neutral"]

# Clip labels of SEED-IV's three sessions, from the data set's ReadMe (class indices
# into SEED_IV_LABELS), identical for every subject.
SEED_IV_SESSION_LABELS = {
    1: [1, 2, 3, 0, 2, 0, 0, 1, 0, 1, 2, 1, 1, 1, 2, 3, 2, 2, 3, 3, 0, 3, 0, 3],
    2: [2, 1, 3, 0, 0, 2, 0, 2, 3, 3, 2, 3, 2, 0, 1, 1, 2, 1, 0, 3, 0, 1, 3, 1],
    3: [1, 2, 2, 1, 3, 3, 3, 1, 1, 2, 1, 0, 2, 3, 3, 0, 2, 3, 0, 0, 2, 0, 1, 0],
}

_SEED_SFREQ = 200.0  # Hz, the rate the SEED family's features were computed at


def _clip_keys(mat: dict[str, object], prefix: str) -> list[tuple[int, str]]:
    """``(clip number, key)`` of every ``<prefix><k>`` key, by clip number."""
    pattern = re.compile(rf"^{re.escape(prefix)}(\d+)$")
    found = [(int(m.group(1)), key) for key in mat if (m := pattern.match(key))]
    return sorted(found)


def _de_signal(features: np.ndarray, bands: str, window_s: float) -> Signal:
    """A ``(n_windows, 62, 5)`` DE array as the output of the recipe's ``lds_smooth``."""
    return Signal(
        stream=feature_stream(features, _SEED_SFREQ, window_s),
        stage="lds_smooth",
        montage="seed62",
        bands=bands,
        window_s=window_s,
    )


def _subject_sessions(files: list[Path]) -> list[tuple[str, int, Path]]:
    """Subject and session number of ``<subject>_<date>.mat`` files, sessions by date."""
    by_subject: dict[str, list[Path]] = {}
    for path in files:
        by_subject.setdefault(path.stem.split("_")[0], []).append(path)
    out = []
    for subject, paths in sorted(by_subject.items()):
        for session, path in enumerate(sorted(paths, key=lambda p: p.stem), start=1):
            out.append((subject, session, path))
    return out


def load_seed(data_dir: Path) -> DataSet:
    """Read SEED's ``ExtractedFeatures`` folder.

    Parameters
    ----------
    data_dir : Path
        Folder holding ``<subject>_<date>.mat`` files (keys ``de_LDS1`` ... ``de_LDS15``,
        each 62 channels x windows x 5 bands, 1-s windows) and ``label.mat``
        (key ``label``, -1 negative, 0 neutral, 1 positive, one per clip). A file may
        hold fewer clips than ``label.mat`` lists.

    Returns
    -------
    dataset : DataSet
        One trial per clip, classes ``negative``, ``neutral``, ``positive``.
    """
    label_row = np.ravel(scipy.io.loadmat(data_dir / "label.mat")["label"]).astype(int)
    files = [p for p in sorted(data_dir.glob("*.mat")) if p.name != "label.mat"]
    trials = []
    for subject, session, path in _subject_sessions(files):
        mat = scipy.io.loadmat(path)
        for clip, key in _clip_keys(mat, "de_LDS"):
            features = np.transpose(mat[key], (1, 0, 2))  # -> windows, channels, bands
            label = SEED_LABELS[label_row[clip - 1] + 1]
            signal = _de_signal(features, "seed", 1.0)
            trials.append(Trial(subject, session, clip, label, {"eeg": signal}))
    return DataSet("seed", SEED_LABELS, trials)


def load_seed_iv(data_dir: Path) -> DataSet:
    """Read SEED-IV's ``eeg_feature_smooth`` folder.

    Parameters
    ----------
    data_dir : Path
        Folder holding ``1/``, ``2/``, ``3/`` (sessions), each with
        ``<subject>_<date>.mat`` files with keys ``de_LDS1`` ... ``de_LDS24``
        (62 x windows x 5, 4-s windows); or the folder that holds ``eeg_feature_smooth``.

    Returns
    -------
    dataset : DataSet
        One trial per clip, classes ``neutral``, ``sad``, ``fear``, ``happy``.
    """
    root = (
        data_dir / "eeg_feature_smooth" if (data_dir / "eeg_feature_smooth").is_dir() else data_dir
    )
    trials = []
    for session, session_labels in SEED_IV_SESSION_LABELS.items():
        for path in sorted((root / str(session)).glob("*.mat")):
            mat = scipy.io.loadmat(path)
            subject = path.stem.split("_")[0]
            for clip, key in _clip_keys(mat, "de_LDS"):
                features = np.transpose(mat[key], (1, 0, 2))
                label = SEED_IV_LABELS[session_labels[clip - 1]]
                signal = _de_signal(features, "seed_iv", 4.0)
                trials.append(Trial(subject, session, clip, label, {"eeg": signal}))
    return DataSet("seed-iv", SEED_IV_LABELS, trials)


def read_clip_labels(path: Path) -> dict[int, str]:
    """Read a ``clip,emotion`` CSV (header row, clips numbered from 1)."""
    with open(path, newline="") as fid:
        rows = list(csv.DictReader(fid))
    return {int(row["clip"]): row["emotion"].strip().lower() for row in rows}


def load_seed_vii(data_dir: Path) -> DataSet:
    """Read SEED-VII's ``EEG_features`` folder.

    Parameters
    ----------
    data_dir : Path
        Folder holding ``EEG_features/<subject>.mat`` (keys ``de_LDS_1`` ...
        ``de_LDS_80``, each windows x 5 bands x 62 channels, 4-s windows) and
        ``clip_labels.csv`` with columns ``clip`` (1-80) and ``emotion`` (one of
        happy, sad, fear, disgust, surprise, anger, neutral): the data set's
        ``emotion_label_and_stimuli_order.xlsx`` saved as CSV. Clips 1-20 form
        session 1, 21-40 session 2, and so on.

    Returns
    -------
    dataset : DataSet
        One trial per clip, seven classes.
    """
    labels_path = data_dir / "clip_labels.csv"
    if not labels_path.is_file():
        raise FileNotFoundError(
            f"{labels_path} is missing: save the clip emotions of SEED-VII's "
            "emotion_label_and_stimuli_order.xlsx as a CSV with columns clip,emotion"
        )
    clip_labels = read_clip_labels(labels_path)
    trials = []
    for path in sorted((data_dir / "EEG_features").glob("*.mat")):
        mat = scipy.io.loadmat(path)
        for clip, key in _clip_keys(mat, "de_LDS_"):
            features = np.transpose(mat[key], (0, 2, 1))  # -> windows, channels, bands
            signal = _de_signal(features, "seed_vii", 4.0)
            session, trial = divmod(clip - 1, 20)
            trials.append(
                Trial(path.stem, session + 1, trial + 1, clip_labels[clip], {"eeg": signal})
            )
    return DataSet("seed-vii", SEED_VII_LABELS, trials)
