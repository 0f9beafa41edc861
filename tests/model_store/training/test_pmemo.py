from __future__ import annotations

from pathlib import Path

import numpy as np

from core.cards import RecipeStep, load_card
from model_store.training.datasets import load_dataset
from model_store.training.samples import build_samples


def write_pmemo(root: Path, axis: str = "Arousal") -> None:
    """PMEmo 2019's layout: 2 songs, 3 (song, subject) EDA recordings of 65 s at 50 Hz.

    Song 1 is rated high arousal and low valence, song 4 the opposite.
    """
    (root / "annotations").mkdir(parents=True)
    (root / "features").mkdir()
    (root / "EDA" / axis).mkdir(parents=True)
    (root / "annotations" / "static_annotations.csv").write_text(
        "musicId,Arousal(mean),Valence(mean)\n1,0.8,0.2\n4,0.3,0.6\n"
    )
    header = ",".join(["musicId", *(f"f{k}" for k in range(6373))])
    rows = [
        ",".join([str(song), *[str(song + k / 10000) for k in range(6373)]]) for song in (1, 4)
    ]
    (root / "features" / "static_features.csv").write_text("\n".join([header, *rows]) + "\n")
    t = np.arange(65 * 50) / 50.0
    for song, subject in [(1, "100177"), (4, "100177"), (4, "200378")]:
        lines = ["time,EDA", *(f"{x:.2f},{10 + song + 0.01 * x:.4f}" for x in t)]
        path = root / "EDA" / axis / f"{song}_{subject}_{axis[0]}.csv"
        path.write_text("\n".join(lines) + "\n")


def test_pmemo_layout_and_music_with_every_window(tmp_path: Path) -> None:
    write_pmemo(tmp_path)
    ds = load_dataset("pmemo", tmp_path, task="arousal")
    assert [(t.subject, t.trial, t.label) for t in ds.trials] == [
        ("100177", 1, "high"),
        ("100177", 2, "low"),
        ("200378", 1, "low"),
    ]
    eda = ds.trials[0].signals["eda"].stream
    assert eda.data.shape == (1, 65 * 50) and eda.data[0, 0] == 11.0
    # a card with 30-s EDA windows: two per 65-s recording, each with its song's vector
    card = load_card("rtcan1d").model_copy(deep=True)
    eda_spec, music_spec = card.inputs
    eda_spec.recipe = [RecipeStep(step="windows", params={"length_s": 30.0, "step_s": 30.0})]
    eda_spec.shape = [1, 1500]
    samples = build_samples(card, ds)
    assert samples.inputs["eda"].shape == (6, 1, 1500)
    assert samples.inputs["music"].shape == (6, 6373)
    np.testing.assert_allclose(samples.inputs["music"][2:4, 10], 4.001, rtol=1e-6)
    assert samples.targets.tolist() == [1, 1, 0, 0, 0, 0]
    assert music_spec.name == "music"
