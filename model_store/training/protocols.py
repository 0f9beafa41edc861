"""Evaluation protocols: splits of a data set's trials into train and test folds.

Splits are made over trials (clips), never over windows, so the near-identical
neighbouring windows of one clip always fall on the same side.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from model_store.training.datasets.base import Trial


@dataclass(frozen=True)
class Fold:
    """One train/test split of trial indices."""

    name: str
    train: list[int]
    test: list[int]


def _recordings(trials: list[Trial]) -> dict[tuple[str, int], list[int]]:
    """Trial indices of each (subject, session), in trial-number order."""
    out: dict[tuple[str, int], list[int]] = {}
    for index, trial in enumerate(trials):
        out.setdefault((trial.subject, trial.session), []).append(index)
    return {key: sorted(ids, key=lambda i: trials[i].trial) for key, ids in out.items()}


def subject_dependent(trials: list[Trial], n_train: int | None = None, **_: object) -> list[Fold]:
    """Per subject-session: the first ``n_train`` trials train, the rest test.

    ``n_train`` defaults to 60 % of the session's trials (SEED: 9 of 15).
    """
    folds = []
    for (subject, session), ids in _recordings(trials).items():
        k = n_train if n_train is not None else round(0.6 * len(ids))
        if not 0 < k < len(ids):
            raise ValueError(f"subject {subject} session {session} has {len(ids)} trials")
        folds.append(Fold(f"subject {subject} session {session}", ids[:k], ids[k:]))
    return folds


def leave_one_clip_out(trials: list[Trial], **_: object) -> list[Fold]:
    """Per subject-session: each trial is the test set once, the others train."""
    folds = []
    for (subject, session), ids in _recordings(trials).items():
        for held in ids:
            train = [i for i in ids if i != held]
            name = f"subject {subject} session {session} clip {trials[held].trial}"
            folds.append(Fold(name, train, [held]))
    return folds


def trial_kfold(trials: list[Trial], n_folds: int = 5, seed: int = 0, **_: object) -> list[Fold]:
    """Per subject-session: trials dealt into ``n_folds`` test groups, class by class.

    Each class's trials are shuffled (seeded) and dealt round-robin, continuing where
    the previous class stopped, so every fold tests a balanced set of classes (SEED's
    9 clips in 3 folds: one clip of each class per fold).
    """
    rng = np.random.default_rng(seed)
    folds = []
    for (subject, session), ids in _recordings(trials).items():
        groups: list[list[int]] = [[] for _ in range(n_folds)]
        dealt = 0
        for label in sorted({trials[i].label for i in ids}):
            for i in rng.permutation([i for i in ids if trials[i].label == label]):
                groups[dealt % n_folds].append(int(i))
                dealt += 1
        for k, test in enumerate(groups):
            train = [i for i in ids if i not in test]
            folds.append(
                Fold(f"subject {subject} session {session} fold {k + 1}", train, sorted(test))
            )
    return folds


def per_subject_trial_split(
    trials: list[Trial], train_fraction: float = 0.5, seed: int = 0, **_: object
) -> list[Fold]:
    """Per subject-session: one seeded random ``train_fraction`` of the trials trains.

    AIMSTF-SSFF's "cross-experiment" protocol with one split shared by training and
    testing (the released code drew two, which overlap).
    """
    rng = np.random.default_rng(seed)
    folds = []
    for (subject, session), ids in _recordings(trials).items():
        order = [int(i) for i in rng.permutation(ids)]
        k = round(train_fraction * len(ids))
        folds.append(
            Fold(f"subject {subject} session {session}", sorted(order[:k]), sorted(order[k:]))
        )
    return folds


def subject_kfold(
    trials: list[Trial], n_folds: int = 10, seed: int = 0, **_: object
) -> list[Fold]:
    """Subjects shuffled (seeded) and cut into ``n_folds`` groups, each the test set once."""
    subjects = [
        str(s)
        for s in np.random.default_rng(seed).permutation(sorted({t.subject for t in trials}))
    ]
    folds = []
    for k, group in enumerate(np.array_split(np.array(subjects, dtype=object), n_folds)):
        held = set(group)
        test = [i for i, t in enumerate(trials) if t.subject in held]
        if test:
            train = [i for i, t in enumerate(trials) if t.subject not in held]
            folds.append(Fold(f"subjects fold {k + 1}", train, test))
    return folds


def leave_one_subject_out(trials: list[Trial], **_: object) -> list[Fold]:
    """Each subject's trials are the test set once; all other subjects train."""
    subjects = sorted({t.subject for t in trials})
    if len(subjects) < 2:
        raise ValueError("leave-one-subject-out needs at least two subjects")
    folds = []
    for subject in subjects:
        test = [i for i, t in enumerate(trials) if t.subject == subject]
        train = [i for i, t in enumerate(trials) if t.subject != subject]
        folds.append(Fold(f"subject {subject}", train, test))
    return folds


def cross_session(trials: list[Trial], **_: object) -> list[Fold]:
    """Per subject: earlier sessions train, the last session tests."""
    folds = []
    for subject in sorted({t.subject for t in trials}):
        ids = [i for i, t in enumerate(trials) if t.subject == subject]
        last = max(trials[i].session for i in ids)
        train = [i for i in ids if trials[i].session < last]
        if train:
            test = [i for i in ids if trials[i].session == last]
            folds.append(Fold(f"subject {subject} session {last}", train, test))
    if not folds:
        raise ValueError("cross-session needs a subject with at least two sessions")
    return folds


PROTOCOLS: dict[str, Callable[..., list[Fold]]] = {
    "subject-dependent": subject_dependent,
    "leave-one-clip-out": leave_one_clip_out,
    "trial-kfold": trial_kfold,
    "per-subject-trial-split": per_subject_trial_split,
    "subject-kfold": subject_kfold,
    "leave-one-subject-out": leave_one_subject_out,
    "cross-session": cross_session,
}


def make_folds(protocol: str, trials: list[Trial], **params: object) -> list[Fold]:
    """Folds of ``trials`` under the protocol called ``protocol``."""
    if protocol not in PROTOCOLS:
        raise KeyError(f"unknown protocol {protocol!r}; known: {', '.join(PROTOCOLS)}")
    return PROTOCOLS[protocol](trials, **params)


def inner_split(
    trials: list[Trial], train: list[int], n_val: int, seed: int
) -> tuple[list[int], list[int]]:
    """Hold ``n_val`` training trials out for validation, one class after another.

    Classes take turns (in a seeded random order, a seeded random trial of each), and a
    class keeps at least one training trial, so validation covers as many classes as
    it can without removing a class from training.

    Returns
    -------
    fit, val : list of int
        Trial indices to fit on and to validate on.
    """
    if n_val <= 0:
        return list(train), []
    rng = np.random.default_rng(seed)
    by_class: dict[str, list[int]] = {}
    for i in train:
        by_class.setdefault(trials[i].label, []).append(i)
    pools = {label: list(rng.permutation(ids)) for label, ids in sorted(by_class.items())}
    order = list(rng.permutation(sorted(pools)))
    val: list[int] = []
    while len(val) < n_val and any(len(p) > 1 for p in pools.values()):
        for label in order:
            if len(val) < n_val and len(pools[label]) > 1:
                val.append(int(pools[label].pop()))
    fit = [i for i in train if i not in val]
    return fit, sorted(val)
