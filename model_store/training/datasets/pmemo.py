"""PMEmo (2019 release): EDA recorded while listening to song choruses, with music features."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from model_store.training.datasets.base import DataSet, Signal, Trial
from signals.recipe import Stream

PMEMO_EDA_SFREQ = 50.0  # Hz
PMEMO_LABELS = ["low", "high"]
_AXIS = {"arousal": ("Arousal", "A"), "valence": ("Valence", "V")}


def _read_table(path: Path) -> dict[int, list[float]]:
    """Rows of a ``musicId,...`` CSV keyed by song id."""
    with open(path, newline="") as fid:
        rows = list(csv.reader(fid))
    return {int(float(row[0])): [float(v) for v in row[1:]] for row in rows[1:] if row}


def _read_eda(path: Path) -> np.ndarray:
    """The last numeric column of an EDA CSV (a header row is skipped)."""
    values = []
    with open(path, newline="") as fid:
        for row in csv.reader(fid):
            try:
                values.append(float(row[-1]))
            except (ValueError, IndexError):
                continue
    return np.asarray(values)


def load_pmemo(data_dir: Path, task: str = "arousal") -> DataSet:
    """Read PMEmo's EDA recordings, static annotations and static music features.

    Parameters
    ----------
    data_dir : Path
        The ``PMEmo2019`` folder: ``annotations/static_annotations.csv`` (``musicId,
        Arousal(mean), Valence(mean)`` in [0, 1]), ``features/static_features.csv``
        (``musicId`` and the 6373 ComParE functionals) and
        ``EDA/<Arousal|Valence>/<musicId>_<subjectId>_<A|V>.csv`` (one subject's EDA at
        50 Hz while rating that dimension, last column).
    task : str
        ``arousal`` or ``valence``: a song is ``high`` when its mean static rating is
        at least 0.5. (RTCAN-1D re-derived per-subject classes by k-means on each
        subject's ratings; PMEmo 2019 ships only the per-song means used here.)

    Returns
    -------
    dataset : DataSet
        One trial per (subject, song): ``eda`` and ``music`` (the song's features,
        already at the ``opensmile_compare`` stage).
    """
    if task not in _AXIS:
        raise ValueError(f"unknown task {task!r}; known: {', '.join(_AXIS)}")
    folder, suffix = _AXIS[task]
    ratings = _read_table(data_dir / "annotations" / "static_annotations.csv")
    features = _read_table(data_dir / "features" / "static_features.csv")
    column = 0 if task == "arousal" else 1
    by_subject: dict[str, list[tuple[int, Path]]] = {}
    for path in sorted((data_dir / "EDA" / folder).glob(f"*_*_{suffix}.csv")):
        music_id, subject, _ = path.stem.split("_")
        if int(music_id) in ratings and int(music_id) in features:
            by_subject.setdefault(subject, []).append((int(music_id), path))
    trials = []
    for subject, songs in sorted(by_subject.items()):
        for k, (music_id, path) in enumerate(sorted(songs), start=1):
            label = "high" if ratings[music_id][column] >= 0.5 else "low"
            eda = Signal(Stream(_read_eda(path)[np.newaxis], PMEMO_EDA_SFREQ), channels=["EDA"])
            music = Signal(
                Stream(np.asarray(features[music_id]), PMEMO_EDA_SFREQ),
                stage="opensmile_compare",
            )
            trials.append(Trial(subject, 1, k, label, {"eda": eda, "music": music}))
    return DataSet("pmemo", PMEMO_LABELS, trials)
