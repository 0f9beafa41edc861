from __future__ import annotations

import pytest

from model_store.training.datasets import Trial
from model_store.training.protocols import inner_split, make_folds

LABELS = ["positive", "neutral", "negative"] * 3


def _trials(subjects: int = 2, sessions: int = 1) -> list[Trial]:
    return [
        Trial(str(s), session, k + 1, label)
        for s in range(1, subjects + 1)
        for session in range(1, sessions + 1)
        for k, label in enumerate(LABELS)
    ]


def _check_disjoint(folds) -> None:
    for fold in folds:
        assert not set(fold.train) & set(fold.test)


def test_leave_one_clip_out() -> None:
    trials = _trials()
    folds = make_folds("leave-one-clip-out", trials)
    assert len(folds) == 18
    _check_disjoint(folds)
    assert all(len(f.test) == 1 and len(f.train) == 8 for f in folds)
    # training trials come from the test trial's own subject-session only
    for fold in folds:
        assert {trials[i].subject for i in fold.train} == {trials[fold.test[0]].subject}
    assert sorted(i for f in folds for i in f.test) == list(range(18))


def test_subject_dependent_first_trials_train() -> None:
    trials = _trials(subjects=1)
    (fold,) = make_folds("subject-dependent", trials, n_train=6)
    assert [trials[i].trial for i in fold.train] == [1, 2, 3, 4, 5, 6]
    assert [trials[i].trial for i in fold.test] == [7, 8, 9]
    (default,) = make_folds("subject-dependent", trials)
    assert len(default.train) == 5  # 60 % of 9, rounded


def test_trial_kfold_is_class_balanced() -> None:
    trials = _trials(subjects=1)
    folds = make_folds("trial-kfold", trials, n_folds=3, seed=4)
    _check_disjoint(folds)
    assert sorted(i for f in folds for i in f.test) == list(range(9))
    for fold in folds:
        assert sorted(trials[i].label for i in fold.test) == ["negative", "neutral", "positive"]
    assert folds == make_folds("trial-kfold", trials, n_folds=3, seed=4)


def test_leave_one_subject_out_and_cross_session() -> None:
    trials = _trials(subjects=3, sessions=2)
    loso = make_folds("leave-one-subject-out", trials)
    assert len(loso) == 3
    for fold in loso:
        (held,) = {trials[i].subject for i in fold.test}
        assert held not in {trials[i].subject for i in fold.train}
        assert len(fold.test) == 18
    cross = make_folds("cross-session", trials)
    assert len(cross) == 3
    for fold in cross:
        assert {trials[i].session for i in fold.train} == {1}
        assert {trials[i].session for i in fold.test} == {2}


def test_unknown_protocol() -> None:
    with pytest.raises(KeyError, match="leave-one-clip-out"):
        make_folds("shuffled-windows", _trials())


def test_inner_split_covers_classes_and_keeps_them_in_training() -> None:
    trials = _trials(subjects=1)
    train = list(range(8))  # clip 9 is the test clip
    fit, val = inner_split(trials, train, 3, seed=0)
    assert len(val) == 3 and sorted(fit + val) == train
    assert {trials[i].label for i in val} == {"positive", "neutral", "negative"}
    assert {trials[i].label for i in fit} == {"positive", "neutral", "negative"}
    # a class with one training trial never loses it
    _, val_all = inner_split(trials, [0, 1, 2, 3, 4], 5, seed=0)
    assert len(val_all) == 2
    assert inner_split(trials, train, 0, seed=0) == (train, [])


def test_per_subject_trial_split_is_one_shared_split() -> None:
    trials = _trials(subjects=2)
    folds = make_folds("per-subject-trial-split", trials, seed=3)
    assert len(folds) == 2
    _check_disjoint(folds)
    for fold in folds:
        assert len(fold.train) == 4 and len(fold.test) == 5  # round(0.5 * 9) = 4
    assert folds == make_folds("per-subject-trial-split", trials, seed=3)


def test_subject_kfold_holds_whole_subjects_out() -> None:
    trials = _trials(subjects=5)
    folds = make_folds("subject-kfold", trials, n_folds=2, seed=0)
    assert len(folds) == 2
    held = [{trials[i].subject for i in f.test} for f in folds]
    assert sorted(len(h) for h in held) == [2, 3] and not held[0] & held[1]
    for fold, subjects in zip(folds, held, strict=True):
        assert not subjects & {trials[i].subject for i in fold.train}
