"""Linear baselines fitted on a model's own samples: what every accuracy stands beside.

A z-scored logistic regression and a z-scored linear SVM take each sample's inputs
flattened (a stack of nine windows is 9 x 310 values), fitted on the training trials
only. On the SEED session they are strong; a network that does not beat them on the
same split is not yet trained well.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from model_store.training.samples import Samples

BASELINES = ("logistic_regression", "linear_svm")


def flat_inputs(samples: Samples) -> NDArray[np.float64]:
    """Every sample's inputs as one row (inputs in name order, each flattened)."""
    return np.concatenate(
        [x.reshape(len(x), -1) for _, x in sorted(samples.inputs.items())], axis=1
    ).astype(np.float64)


def baseline_predictions(kind: str, train: Samples, test: Samples) -> NDArray[np.int64]:
    """Predicted classes of the test samples by the z-scored linear model ``kind``.

    Parameters
    ----------
    kind : {'logistic_regression', 'linear_svm'}
        The classifier.
    train, test : Samples
        Samples of the training and the test trials. Training samples of a single
        class predict that class.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import LinearSVC

    if kind not in BASELINES:
        raise ValueError(f"unknown baseline {kind!r}; known: {', '.join(BASELINES)}")
    classes = np.unique(train.targets)
    if len(classes) < 2:  # a fold whose training trials hold one class: answer it
        return np.full(len(test), classes[0], dtype=np.int64)
    classifier = (
        LogisticRegression(max_iter=2000) if kind == "logistic_regression" else LinearSVC()
    )
    model = make_pipeline(StandardScaler(), classifier)
    model.fit(flat_inputs(train), train.targets)
    return model.predict(flat_inputs(test)).astype(np.int64)


def chance_level(targets: NDArray[np.int64]) -> float:
    """Share of the largest class: the accuracy of always answering it."""
    return float(np.bincount(targets).max() / len(targets))
