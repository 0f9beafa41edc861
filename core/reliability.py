"""How far a model's predictions can be trusted, from the figures on its card.

`reliability` turns a card's measured accuracy for the montage that ran, its chance level
and its linear baseline into a badge and a plain-language note; `headline` says the badge
with its figures ("weak: 41 % on held-out trials, chance 33 %"). The worker stores the
result beside every prediction; the page, the CSV and the CLI show it. `agreement` says how
far models with the same labels agree on one recording.
"""

from __future__ import annotations

import re

from core.cards import ModelCard, MontageFigure
from core.schemas import Agreement, ModelResult, Reliability

#: Badge thresholds on the share of the way from chance to perfect accuracy,
#: ``(accuracy - chance) / (1 - chance)``: below the first the model is at chance,
#: below the second weak, below the third moderate, else strong.
AT_CHANCE_BELOW = 0.10
WEAK_BELOW = 0.30
MODERATE_BELOW = 0.60
#: Card metrics read when a card has no figure for the montage, most informative first.
ACCURACY_METRICS = ("accuracy_pooled", "accuracy_mean_over_folds", "accuracy")
CROSS_SUBJECT = ("leave-one-subject-out", "subject-kfold", "cross-subject")


def figure(card: ModelCard, montage: str | None = None) -> MontageFigure | None:
    """The card's measured figure for ``montage``.

    Parameters
    ----------
    card : ModelCard
        The model's card.
    montage : str | None
        Name (reference.json) of the montage that fed the model; None for the model's own
        input montage.

    Returns
    -------
    MontageFigure | None
        The card's figure for that montage; else, for the model's own input montage, a
        figure made from the card's accuracy metric of its training protocol, with chance
        taken as one over the number of labels; None when nothing was measured.
    """
    own = next((spec.montage for spec in card.inputs if spec.montage), None)
    wanted = montage or own
    for candidate in card.montages:
        if candidate.montage == wanted:
            return candidate
    if wanted != own:
        return None
    metrics = [m for m in card.metrics if m.protocol == card.training.protocol] or card.metrics
    for name in ACCURACY_METRICS:
        for metric in metrics:
            if metric.name == name:
                return MontageFigure(
                    montage=own or "",
                    accuracy=metric.value,
                    chance=1.0 / len(card.labels),
                    dataset=metric.dataset,
                    protocol=metric.protocol,
                )
    return None


def badge(accuracy: float, chance: float, baseline: float | None = None) -> str:
    """A word for an accuracy measured against its chance level.

    Parameters
    ----------
    accuracy, chance : float
        Measured accuracy and the chance level of the same test, as fractions.
    baseline : float | None
        Accuracy of a z-scored logistic regression on the same split; a model that does
        no better than it is at most "weak".

    Returns
    -------
    str
        ``at-chance``, ``weak``, ``moderate`` or ``strong``.
    """
    gain = (accuracy - chance) / max(1.0 - chance, 1e-9)
    if gain < AT_CHANCE_BELOW:
        return "at-chance"
    if gain < WEAK_BELOW or (baseline is not None and accuracy <= baseline):
        return "weak"
    return "moderate" if gain < MODERATE_BELOW else "strong"


def percent(share: float) -> str:
    """A share as whole percent, e.g. "41 %"."""
    return f"{100 * share:.0f} %"


def n_subjects(dataset: str) -> int | None:
    """Number of people in a card's dataset description ("... 1 subject(s) ..."), if stated."""
    found = re.search(r"(\d+)\s+(?:subject|participant|person)", dataset)
    return int(found.group(1)) if found else None


def held_out(protocol: str) -> str:
    """What the test set of ``protocol`` held out, for a sentence: "people" or "trials"."""
    return "people" if any(name in protocol for name in CROSS_SUBJECT) else "trials"


def reliability(card: ModelCard, montage: str | None = None) -> Reliability:
    """How far ``card``'s predictions through ``montage`` can be trusted.

    Parameters
    ----------
    card : ModelCard
        The model's card, with its weights status and measured figures.
    montage : str | None
        Name (reference.json) of the montage that fed the model; None for the model's own
        input montage.

    Returns
    -------
    Reliability
        ``untrained`` without trained weights, ``unmeasured`` without a figure for the
        montage, else the `badge` of the figure, with a note on what it means.
    """
    if card.weights_status != "ready":
        return Reliability(
            badge="untrained",
            note="No trained weights: these predictions come from an untrained network and "
            f"mean nothing. Train it with: {card.training.command}",
        )
    measured = figure(card, montage)
    if measured is None or measured.accuracy is None:
        where = f" with the {montage} montage" if montage else ""
        return Reliability(
            badge="unmeasured",
            dataset=card.training.dataset,
            protocol=card.training.protocol,
            note=f"Trained, but its accuracy{where} was never measured on held-out data: "
            "treat these predictions as unverified.",
        )
    notes = []
    word = badge(measured.accuracy, measured.chance, measured.baseline_accuracy)
    if word == "at-chance":
        notes.append(
            "its measured accuracy is at chance level: the predictions carry no information."
        )
    baseline = measured.baseline_accuracy
    if baseline is None:
        notes.append("no linear baseline was measured on the same split for comparison.")
    elif measured.accuracy <= baseline:
        notes.append(
            f"a z-scored logistic regression on the same split does as well ({percent(baseline)})."
        )
    if n_subjects(measured.dataset) == 1:
        notes.append(
            "trained on one person's recordings; expect near-chance results on other "
            "people unless calibrated."
        )
    elif held_out(measured.protocol) == "trials":
        notes.append(
            "measured on held-out trials of the people it was trained on; expect "
            "lower accuracy on new people."
        )
    return Reliability(
        badge=word,
        accuracy=measured.accuracy,
        baseline_accuracy=measured.baseline_accuracy,
        chance=measured.chance,
        dataset=measured.dataset,
        protocol=measured.protocol,
        note=" ".join(note[0].upper() + note[1:] for note in notes),
    )


def headline(rel: Reliability) -> str:
    """The badge with its figures, e.g. "weak: 41 % on held-out trials, chance 33 %"."""
    if rel.badge == "untrained":
        return "untrained: predictions mean nothing"
    if rel.accuracy is None or rel.chance is None:
        return "unmeasured: accuracy never measured"
    text = (
        f"{rel.badge}: {percent(rel.accuracy)} on held-out {held_out(rel.protocol or '')}, "
        f"chance {percent(rel.chance)}"
    )
    if rel.baseline_accuracy is not None:
        text += f", linear baseline {percent(rel.baseline_accuracy)}"
    return text


def agreement(results: list[ModelResult]) -> list[Agreement]:
    """Agreement within each group of two or more models that share their labels.

    Parameters
    ----------
    results : list of ModelResult
        The models' results for one recording.

    Returns
    -------
    list of Agreement
        One per group of models with identical labels, in the order of ``results``.
    """
    groups: dict[tuple[str, ...], list[ModelResult]] = {}
    for result in results:
        groups.setdefault(tuple(result.labels), []).append(result)
    out = []
    for group in (g for g in groups.values() if len(g) > 1):
        labels = [{w.start_s: w.label for w in result.windows} for result in group]
        common = set(labels[0]).intersection(*labels[1:])
        same = sum(len({by_start[start] for by_start in labels}) == 1 for start in common)
        out.append(
            Agreement(
                models=[result.model for result in group],
                n_windows=len(common),
                share=same / len(common) if common else None,
                dominant={result.model: result.summary.dominant_label for result in group},
            )
        )
    return out


def statement(result: ModelResult) -> str:
    """One line on how far ``result`` can be trusted: headline, note, data and protocol."""
    rel = result.reliability
    if rel is None:
        return f"{result.model}: reliability not stated (result made before it was recorded)"
    parts = [f"{result.model}: {headline(rel)}.", rel.note]
    if rel.dataset:
        parts.append(f"Data: {rel.dataset}; protocol: {rel.protocol or 'not stated'}.")
    return " ".join(part for part in parts if part)
