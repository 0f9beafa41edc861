"""Render the model cards as Markdown for the documentation (``docs/models.md``).

The page is generated from the cards, so the docs never keep a second copy of a
channel list, a label set or a metric. ``affectserve docs`` rewrites it; a test checks
that the committed page is current.
"""

from __future__ import annotations

from pathlib import Path

from core.cards import ModelCard, load_cards, montage_channels

DOCS_PATH = Path(__file__).resolve().parent.parent / "docs" / "models.md"


def _input_row(card: ModelCard) -> list[str]:
    rows = []
    for spec in card.inputs:
        channels = (
            f"{spec.montage} ({len(montage_channels(spec.montage))} channels)"
            if spec.montage
            else "-"
        )
        window = f"{spec.window_s:g} s every {spec.step_s:g} s" if spec.window_s else "-"
        rate = f"{spec.sfreq:g} Hz" if spec.sfreq else "-"
        steps = " → ".join(step.step for step in spec.recipe) or "-"
        need = "required" if spec.required else "optional"
        rows.append(
            f"| `{spec.name}` ({need}) | {spec.modality} | {channels} | {rate} | {window} "
            f"| {list(spec.shape)} | {steps} |"
        )
    return rows


def render_card(card: ModelCard) -> str:
    """One model's section."""
    lines = [
        f"## {card.title}",
        "",
        f"`{card.name}` version {card.version}. Weights: **{card.weights_status}**.",
        "",
        card.description,
        "",
        f"Reference: {card.reference}",
        "",
        f"Labels: {', '.join(card.labels)}.",
        "",
        "| input | modality | channels | rate | window | shape per window | recipe |",
        "|---|---|---|---|---|---|---|",
        *_input_row(card),
        "",
        f"Training: `{card.training.command}`"
        + (f" — data: {card.training.dataset}" if card.training.dataset else "")
        + (f", protocol: {card.training.protocol}" if card.training.protocol else "")
        + ".",
        "",
    ]
    if card.training.note:
        lines += [card.training.note, ""]
    if card.metrics:
        lines += ["| metric | value | data | protocol |", "|---|---|---|---|"]
        lines += [
            f"| {m.name} | {m.value:.4g} | {m.dataset} | {m.protocol} |" for m in card.metrics
        ]
    else:
        lines.append("No measured metrics yet.")
    return "\n".join(lines + _montage_rows(card)) + "\n"


def _montage_rows(card: ModelCard) -> list[str]:
    """The table of accepted montages and their accuracy (none: only the input's own)."""
    if not card.montages:
        return []

    def figure(value: float | None) -> str:
        return "-" if value is None else f"{value:.3f}"

    return [
        "",
        "Accepted montages (a recording feeds the model through the largest it has; the "
        "model's other channels are filled as missing):",
        "",
        "| montage | channels | accuracy | logistic regression | chance | data | protocol |",
        "|---|---|---|---|---|---|---|",
        *[
            f"| {m.montage} | {len(montage_channels(m.montage))} | {figure(m.accuracy)} "
            f"| {figure(m.baseline_accuracy)} | {m.chance:.3f} | {m.dataset} | {m.protocol} |"
            for m in card.montages
        ],
    ]


def render_models_markdown(cards: list[ModelCard] | None = None) -> str:
    """The whole models page."""
    cards = load_cards() if cards is None else cards
    head = [
        "# Models",
        "",
        "Generated from `model_store/cards/*.json` by `affectserve docs`; do not edit by hand.",
        "",
        "| model | modalities | labels | weights |",
        "|---|---|---|---|",
        *[
            f"| `{c.name}` | {', '.join(c.modalities)} "
            f"| {', '.join(c.labels)} | {c.weights_status} |"
            for c in cards
        ],
        "",
    ]
    return "\n".join(head) + "\n" + "\n".join(render_card(card) for card in cards)


def write_docs(path: Path = DOCS_PATH) -> Path:
    """Write the models page."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_models_markdown())
    return path
