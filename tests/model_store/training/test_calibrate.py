"""Calibration: windows labelled by the trial they lie in, folds over whole trials, and
the ``affectserve calibrate`` command on a folder of the user's own recordings."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from api.cli import main
from core.cards import ModelCard, load_card
from model_store.training.calibrate import LabelledInputs, samples_from_inputs, trial_folds
from signals.feeding import ModelInputs
from signals.labels import Segment
from tests.conftest import write_labelled_edf


def _inputs(n: int) -> ModelInputs:
    eeg = np.arange(n, dtype=np.float32)[:, None] * np.ones((1, 310), dtype=np.float32)
    return ModelInputs({"eeg": eeg}, np.arange(n, dtype=np.float64), 1.0)


def test_windows_take_the_label_of_the_span_they_lie_in() -> None:
    segments = [Segment("negative", 2.0, 5.0, name="a"), Segment("positive", 5.5, 9.0, name="b")]
    samples = samples_from_inputs(load_card("maet"), [LabelledInputs("r", _inputs(12), segments)])
    # windows [2,3) [3,4) [4,5) in a; [6,7) [7,8) [8,9) in b; [5,6) straddles both
    assert samples.inputs["eeg"][:, 0].tolist() == [2, 3, 4, 6, 7, 8]
    assert samples.targets.tolist() == [0, 0, 0, 2, 2, 2]
    assert samples.trial_index.tolist() == [0, 0, 0, 1, 1, 1]
    with pytest.raises(ValueError, match="shorter than one maet window"):
        samples_from_inputs(
            load_card("maet"), [LabelledInputs("r", _inputs(12), [Segment("neutral", 3.2, 4.1)])]
        )


def test_folds_hold_out_whole_trials_of_every_class() -> None:
    labels = ["negative", "neutral", "positive"] * 3
    segments = [Segment(label, 10.0 * k, 10.0 * k + 10) for k, label in enumerate(labels)]
    samples = samples_from_inputs(load_card("maet"), [LabelledInputs("r", _inputs(90), segments)])
    folds = trial_folds(samples)
    assert len(folds) == 3
    for fold in folds:
        assert sorted(labels[i] for i in fold.test) == ["negative", "neutral", "positive"]
        assert not set(fold.test) & set(fold.train)
    assert sorted(i for fold in folds for i in fold.test) == list(range(9))


def test_calibrate_command_on_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    trials = [(label, 30.0) for label in ("negative", "neutral", "positive") * 2]
    recording = write_labelled_edf(tmp_path / "session1.edf", trials)
    table = {f"film_{c}": c for c in ("negative", "neutral", "positive")}
    out = tmp_path / "version"
    status = main(
        [
            "calibrate",
            "maet",
            str(recording),
            "--annotations",
            json.dumps(table),
            "--epochs",
            "2",
            "--out",
            str(out),
        ]
    )
    assert status == 0
    evaluation = json.loads(capsys.readouterr().out)
    assert evaluation["n_trials"] == 6 and evaluation["chance"] == pytest.approx(1 / 3)
    assert sum(map(sum, evaluation["confusion"])) == evaluation["n_windows"]
    card = ModelCard.model_validate_json((out / "card.json").read_text())
    assert card.weights_status == "ready" and "session1.edf" in card.training.dataset
    assert card.metrics[0].value == pytest.approx(evaluation["accuracy"], abs=1e-4)
