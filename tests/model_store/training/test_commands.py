"""Every card's training command runs as written (the API's 422 and the job notes print it).

Each command runs through ``affectserve``'s own entry point on a small fixture in the
data set's distributed layout; only the data path is replaced, and one epoch, a copy
of the card and a weights folder under the test's temporary folder are added (and 4
training clips where the command names a number: the SEED fixture has 6 per session).
"""

from __future__ import annotations

import json
import pickle
import shlex
from pathlib import Path

import numpy as np
import pytest

from api.cli import main
from core.cards import CARDS_DIR, card_names, load_card
from tests.model_store.training.test_pmemo import write_pmemo
from tests.worker.multimodal import write_video

# (valence, arousal) of the DEAP fixture's trials: the four quadrants
QUADRANT_RATINGS = [(7.0, 7.0), (7.0, 2.0), (2.0, 7.0), (2.0, 2.0)]


def write_deap(root: Path, seconds: float = 6.0) -> Path:
    """DEAP's ``data_preprocessed_python`` pickles and ``face_video`` of two subjects."""
    folder = root / "data_preprocessed_python"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    n_trials, n_times = len(QUADRANT_RATINGS), round(128 * seconds)
    for subject in ("s01", "s02"):
        data = rng.normal(0.0, 20.0, size=(n_trials, 40, n_times)).astype(np.float32)
        labels = np.array([[v, a, 5.0, 5.0] for v, a in QUADRANT_RATINGS])
        with open(folder / f"{subject}.dat", "wb") as fid:
            pickle.dump({"data": data, "labels": labels}, fid, protocol=2)
        videos = root / "face_video" / subject
        videos.mkdir(parents=True)
        for trial in range(1, n_trials + 1):
            write_video(videos / f"{subject}_trial{trial:02d}.avi", duration_s=seconds)
    return root


def _data_dir(dataset: str, tmp_path: Path, seed_dir: Path) -> Path:
    if dataset == "seed":
        return seed_dir
    if dataset == "deap":
        return write_deap(tmp_path / "deap")
    if dataset == "pmemo":
        root = tmp_path / "pmemo"
        write_pmemo(root, axis="Valence")
        return root
    raise AssertionError(f"no fixture for data set {dataset!r}")


@pytest.mark.parametrize("name", card_names())
def test_the_training_command_of_the_card_runs(
    name: str, tmp_path: Path, seed_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    card = load_card(name)
    words = shlex.split(card.training.command)
    dataset = words[words.index("--dataset") + 1]
    if dataset == "pmemo":
        pytest.importorskip("cvxopt")
    data_dir = _data_dir(dataset, tmp_path, seed_dir)
    card_copy = tmp_path / f"{name}.json"
    card_copy.write_text((CARDS_DIR / f"{name}.json").read_text())
    argv = [str(data_dir) if word == "PATH" else word for word in words[1:]]
    argv += ["--epochs", "1", "--card", str(card_copy), "--weights-dir", str(tmp_path / "w")]
    if "--train-trials" in argv:  # the SEED fixture's sessions hold 6 clips, not 9
        argv += ["--train-trials", "4"]
    assert main(argv) == 0
    trained = json.loads(card_copy.read_text())
    assert trained["weights"] == f"{name}.pt"
    assert (tmp_path / "w" / f"{name}.pt").is_file()
    assert trained["training"]["command"] == card.training.command
    assert {m["name"] for m in trained["metrics"]} >= {"accuracy_mean_over_folds"}
