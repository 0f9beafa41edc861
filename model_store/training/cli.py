"""The ``train`` command: cross-validate, choose settings, train, write weights and card.

``affectserve train maet --dataset seed --data-dir DIR --protocol leave-one-clip-out``

1. read the data set and make every window's inputs with the card's recipe;
2. cross-validate every combination of the listed settings (comma-separated values,
   e.g. ``--lr 1e-3,3e-4 --epochs 20,40``) under the protocol's folds, trials never
   split;
3. train the final model on all trials with the best setting, save its ``state_dict``
   under ``model_store/weights/<model>.pt`` and record the weights' checksum, the
   data, the protocol and the cross-validated accuracy in the model card.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

from core.cards import CARDS_DIR, WEIGHTS_DIR, Metric, ModelCard, Training, file_sha256
from core.config import get_settings
from model_store.training import objectives
from model_store.training.baselines import BASELINES, baseline_predictions, chance_level
from model_store.training.crossval import Builder, LossFactory, Score, search
from model_store.training.datasets import LOADERS, load_dataset
from model_store.training.loop import SCHEDULES, TrainConfig, fit, seed_everything
from model_store.training.objectives import build_for_training
from model_store.training.protocols import PROTOCOLS, Fold, inner_split, make_folds
from model_store.training.samples import Samples, build_samples
from model_store.training.standardise import (
    channel_layout,
    fit_stats,
    save_stats,
    standardise,
    without_stats,
)

TRAINED_FIELDS = ("training", "metrics", "weights", "weights_sha256", "seed")


def _numbers(kind: type) -> object:
    def parse(text: str) -> list:
        return [kind(value) for value in text.split(",") if value]

    return parse


def _first_line(function: object) -> str:
    return (getattr(function, "__doc__", None) or "").strip().splitlines()[0].replace("``", "")


def _choices(table: dict[str, object]) -> str:
    """One line per choice with the first line of its function's docstring."""
    return "\n".join(f"  {name}: {_first_line(function)}" for name, function in table.items())


DESCRIPTION = """\
Train a model on a public data set and record how good it is in its card.

Every combination of the settings listed (comma-separated values) is cross-validated
under the protocol, whole trials held out; the best one trains the final model on all
trials. Its weights go to WEIGHTS_DIR/<model>.pt, and the card records their checksum,
the data, the protocol and the cross-validated accuracy."""

EPILOG = f"""\
data sets (--dataset):
{_choices(LOADERS)}

protocols (--protocol):
{_choices(PROTOCOLS)}

example:
  affectserve train maet --dataset seed --data-dir ~/data/SEED/ExtractedFeatures \\
      --protocol leave-one-clip-out --lr 1e-3,3e-4 --epochs 20,40"""


def _words(allowed: tuple[str, ...]) -> object:
    def parse(text: str) -> list[str]:
        words = [word for word in text.split(",") if word]
        unknown = [word for word in words if word not in allowed]
        if unknown:
            raise argparse.ArgumentTypeError(
                f"unknown value(s) {unknown}; choose among {', '.join(allowed)}"
            )
        return words

    return parse


def add_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add the ``train`` command's arguments to ``parser``, in groups, each with help."""
    what = parser.add_argument_group("what to train on")
    what.add_argument("model", help="model name: its card in model_store/cards (e.g. maet)")
    what.add_argument(
        "--dataset",
        required=True,
        choices=sorted(LOADERS),
        metavar="NAME",
        help="data set to read (listed below)",
    )
    what.add_argument(
        "--data-dir", required=True, type=Path, metavar="DIR", help="the data set's folder"
    )
    what.add_argument(
        "--protocol",
        required=True,
        choices=sorted(PROTOCOLS),
        metavar="NAME",
        help="how trials are split into training and test folds (listed below)",
    )
    what.add_argument("--task", help="label scheme of rated data sets (valence, arousal, ...)")
    grid = parser.add_argument_group(
        "settings to search", "Comma-separated values: every combination is cross-validated."
    )
    grid.add_argument(
        "--epochs",
        type=_numbers(int),
        default=[50],
        metavar="N,...",
        help="training epochs (default 50)",
    )
    grid.add_argument(
        "--lr",
        type=_numbers(float),
        default=[1e-3],
        metavar="X,...",
        help="learning rate (default 1e-3)",
    )
    grid.add_argument(
        "--weight-decay",
        type=_numbers(float),
        default=[1e-2],
        metavar="X,...",
        help="weight decay (default 1e-2)",
    )
    grid.add_argument(
        "--batch-size",
        type=_numbers(int),
        default=[64],
        metavar="N,...",
        help="windows per batch (default 64)",
    )
    grid.add_argument(
        "--loss-param",
        action="append",
        default=[],
        metavar="NAME=V1,V2",
        help="a keyword of the model's loss and the values to try (repeatable)",
    )
    grid.add_argument(
        "--schedule",
        type=_words(SCHEDULES),
        default=["constant"],
        metavar="NAME,...",
        help="learning rate over the steps: constant, cosine (decay to 0) (default constant)",
    )
    grid.add_argument(
        "--noise",
        type=_numbers(float),
        default=[0.0],
        metavar="X,...",
        help="sd of Gaussian noise added to the inputs while training (default 0)",
    )
    grid.add_argument(
        "--mask-channels",
        type=_numbers(float),
        default=[0.0],
        metavar="P,...",
        help="probability of masking each EEG channel of a training sample (default 0)",
    )
    grid.add_argument(
        "--average-last",
        type=_numbers(int),
        default=[0],
        metavar="N,...",
        help="average the weights of the last N epochs (default 0: the last weights)",
    )
    evaluation = parser.add_argument_group("evaluation")
    evaluation.add_argument(
        "--folds",
        type=int,
        default=5,
        metavar="K",
        help="folds of trial-kfold and subject-kfold (default 5)",
    )
    evaluation.add_argument(
        "--train-trials",
        type=int,
        metavar="N",
        help="subject-dependent: the first N trials of each session train (default 60 %%)",
    )
    evaluation.add_argument(
        "--val-trials",
        type=int,
        default=0,
        metavar="N",
        help="training trials held out per fold to choose the epoch (default 0: fixed epochs)",
    )
    evaluation.add_argument(
        "--patience",
        type=int,
        default=0,
        metavar="N",
        help="with --val-trials: stop after N epochs without improvement (0: never)",
    )
    evaluation.add_argument(
        "--seed",
        type=int,
        default=0,
        help="seed of the folds, initial weights and batch order (default 0)",
    )
    evaluation.add_argument(
        "--seeds",
        type=_numbers(int),
        metavar="N,...",
        help="train every fold once per seed and score the mean (default: --seed)",
    )
    fitting = parser.add_argument_group("fitting")
    fitting.add_argument(
        "--sample-every",
        type=int,
        default=1,
        metavar="N",
        help="fit on every N-th window of each trial (default 1: all)",
    )
    fitting.add_argument(
        "--clip-norm", type=float, default=0.0, metavar="X", help="gradient norm clip (0: none)"
    )
    fitting.add_argument(
        "--threads",
        type=int,
        metavar="N",
        help="torch CPU threads (default AFFECTSERVE_TORCH_THREADS, else 1)",
    )
    fitting.add_argument(
        "--jobs",
        type=int,
        default=1,
        metavar="N",
        help="processes training the seeds at once (default 1)",
    )
    fitting.add_argument(
        "--checkpoint-dir",
        type=Path,
        metavar="DIR",
        help="save a checkpoint of the final fit after every epoch",
    )
    fitting.add_argument(
        "--resume", action="store_true", help="resume the final fit from --checkpoint-dir"
    )
    output = parser.add_argument_group("output")
    output.add_argument(
        "--card",
        type=Path,
        metavar="FILE",
        help="card JSON to read and update (default model_store/cards/<model>.json)",
    )
    output.add_argument(
        "--weights-dir",
        type=Path,
        default=WEIGHTS_DIR,
        metavar="DIR",
        help="where the weights go (default model_store/weights)",
    )
    output.add_argument(
        "--cv-only", action="store_true", help="cross-validate only; write no weights"
    )
    output.add_argument(
        "--record",
        action="store_true",
        help="with --cv-only: add the cross-validated metrics to the card (weights kept)",
    )
    return parser


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register ``train`` on an ``argparse`` subcommand set (``affectserve train``).

    The parsed namespace's ``run(args)`` trains and returns the exit status 0.
    """
    parser = subparsers.add_parser(
        "train",
        help="train a model and record its metrics",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_arguments(parser)
    parser.set_defaults(run=_run_command)
    return parser


def _run_command(args: argparse.Namespace) -> int:
    run(args)
    return 0


def loss_options(pairs: list[str]) -> dict[str, list[float]]:
    """The ``--loss-param NAME=V1,V2`` pairs as ``{NAME: [V1, V2]}``."""
    out = {}
    for pair in pairs:
        name, _, values = pair.partition("=")
        out[name] = [float(v) for v in values.split(",")]
    return out


def _summary(samples: Samples, dataset: str, data_dir: Path) -> str:
    subjects = {t.subject for t in samples.trials}
    sessions = {(t.subject, t.session) for t in samples.trials}
    return (
        f"{dataset} from {data_dir.name}/: {len(subjects)} subject(s), {len(sessions)} "
        f"session(s), {len(samples.trials)} trials, {len(samples)} windows"
    )


def _command(args: argparse.Namespace) -> str:
    """The ``affectserve train`` command line that reproduces this run."""

    def joined(values: list) -> str:
        return ",".join(str(v) for v in values)

    parts = [
        f"affectserve train {args.model} --dataset {args.dataset} --data-dir {args.data_dir}",
        f"--protocol {args.protocol} --epochs {joined(args.epochs)} --lr {joined(args.lr)}",
        f"--weight-decay {joined(args.weight_decay)} --batch-size {joined(args.batch_size)}",
    ]
    parts += [f"--loss-param {pair}" for pair in args.loss_param]
    optional = {
        "--task": args.task,
        "--folds": args.folds if "kfold" in args.protocol else None,
        "--train-trials": args.train_trials,
        "--val-trials": args.val_trials or None,
        "--patience": args.patience or None,
        "--sample-every": args.sample_every if args.sample_every > 1 else None,
        "--clip-norm": args.clip_norm or None,
        "--schedule": joined(args.schedule) if args.schedule != ["constant"] else None,
        "--noise": joined(args.noise) if any(args.noise) else None,
        "--mask-channels": joined(args.mask_channels) if any(args.mask_channels) else None,
        "--average-last": joined(args.average_last) if any(args.average_last) else None,
        "--seeds": joined(args.seeds) if args.seeds else None,
    }
    parts += [f"{flag} {value}" for flag, value in optional.items() if value is not None]
    return " ".join([*parts, f"--seed {args.seed}"])


def card_json(value: object, indent: int = 0, width: int = 99, prefix: int = 0) -> str:
    """JSON in the cards' layout: nested containers on one line where they fit.

    ``prefix`` is the length of what precedes the value on its line (a key).
    """
    flat = json.dumps(value, ensure_ascii=False)
    if not isinstance(value, dict | list) or not value:
        return flat
    children = list(value.values()) if isinstance(value, dict) else value
    nested = any(isinstance(c, dict | list) and len(c) > 2 for c in children)
    if indent > 0 and not nested and indent + prefix + len(flat) + 1 <= width:
        return flat
    pad = " " * (indent + 2)
    if isinstance(value, dict):
        items = [
            f"{pad}{json.dumps(k)}: {card_json(v, indent + 2, width, len(json.dumps(k)) + 2)}"
            for k, v in value.items()
        ]
        return "{\n" + ",\n".join(items) + "\n" + " " * indent + "}"
    items = [f"{pad}{card_json(v, indent + 2, width)}" for v in value]
    return "[\n" + ",\n".join(items) + "\n" + " " * indent + "]"


def _protocol_detail(args: argparse.Namespace) -> str:
    """The protocol's parameters, as words (empty when it has none)."""
    if args.protocol == "subject-dependent":
        return f"first {args.train_trials or '60 % of'} trials of each session train, "
    if args.protocol in ("trial-kfold", "subject-kfold"):
        return f"k={args.folds}, "
    if args.protocol == "per-subject-trial-split":
        return "a seeded half of each session's trials train, "
    return ""


def _setting_text(settings: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in settings.items())


def _metrics(best: Score, card: ModelCard, data: str, protocol: str, n_tried: int) -> list[Metric]:
    chosen = (
        f"best of {n_tried} settings by this cross-validation ({_setting_text(best.settings)})"
    )
    folds = ", ".join(f"{a:.3f}" for a in best.fold_accuracy)
    confusion = json.dumps(best.confusion.tolist())
    return [
        Metric(
            name="accuracy_mean_over_folds",
            value=round(best.mean_accuracy, 4),
            dataset=data,
            protocol=protocol,
            note=f"std {best.std_accuracy:.3f}; per fold: {folds}; {chosen}",
        ),
        Metric(
            name="accuracy_pooled",
            value=round(best.pooled_accuracy, 4),
            dataset=data,
            protocol=protocol,
            note=f"confusion matrix (rows true, columns predicted, {card.labels}): {confusion}",
        ),
    ]


def _baseline_metrics(
    samples: Samples, folds: list[Fold], data: str, protocol: str
) -> list[Metric]:
    """Chance and the linear baselines on the protocol's folds, pooled over test windows.

    The baselines are fitted on the same (unstandardised) samples as the model; their
    own z-scoring uses the training trials only.
    """
    targets = np.concatenate([samples.select(fold.test).targets for fold in folds])
    out = [
        Metric(
            name="chance",
            value=round(chance_level(targets), 4),
            dataset=data,
            protocol=protocol,
            note="share of the largest class among the test windows",
        )
    ]
    for kind in BASELINES:
        predicted = np.concatenate(
            [
                baseline_predictions(kind, samples.select(fold.train), samples.select(fold.test))
                for fold in folds
            ]
        )
        out.append(
            Metric(
                name=f"baseline_{kind}",
                value=round(float(np.mean(predicted == targets)), 4),
                dataset=data,
                protocol=protocol,
                note=f"z-scored {kind.replace('_', ' ')} on the model's own inputs, "
                "flattened, pooled over the test windows",
            )
        )
    return out


def run(
    args: argparse.Namespace,
    builder: Builder | None = None,
    loss_factory: LossFactory | None = None,
) -> ModelCard:
    """Run the ``train`` command; return the updated card."""
    import torch

    torch.set_num_threads(args.threads or get_settings().torch_threads)
    card_path = args.card or CARDS_DIR / f"{args.model}.json"
    card = ModelCard.model_validate_json(card_path.read_text())
    builder = builder or build_for_training
    loss_factory = loss_factory or objectives.loss_factory(card)
    options = {} if args.task is None else {"task": args.task}
    dataset = load_dataset(args.dataset, args.data_dir, **options)
    samples = build_samples(without_stats(card), dataset)
    data = _summary(samples, args.dataset, args.data_dir)
    folds = make_folds(
        args.protocol,
        samples.trials,
        n_train=args.train_trials,
        n_folds=args.folds,
        seed=args.seed,
    )
    protocol = f"{args.protocol} ({_protocol_detail(args)}{len(folds)} folds over trials)"
    print(f"{data}; {protocol}", file=sys.stderr)
    base = TrainConfig(
        patience=args.patience,
        seed=args.seed,
        clip_norm=args.clip_norm,
        sample_every=args.sample_every,
    )
    grid_options = {
        "lr": args.lr,
        "weight_decay": args.weight_decay,
        "batch_size": args.batch_size,
        "schedule": args.schedule,
        "noise": args.noise,
        "mask_channels": args.mask_channels,
        "average_last": args.average_last,
        **loss_options(args.loss_param),
    }
    scores = search(
        card,
        samples,
        folds,
        base,
        grid_options,
        args.epochs,
        builder,
        loss_factory,
        args.val_trials,
        args.seeds,
        args.jobs,
    )
    for s in scores:
        print(
            f"mean {s.mean_accuracy:.4f} ± {s.std_accuracy:.4f}  pooled {s.pooled_accuracy:.4f}  "
            f"{_setting_text(s.settings)}",
            file=sys.stderr,
        )
    best = scores[0]
    metrics = [
        *_metrics(best, card, data, protocol, len(scores)),
        *_baseline_metrics(samples, folds, data, protocol),
    ]
    if args.cv_only:
        kept = [m for m in card.metrics if m.protocol != protocol or m.dataset != data]
        updated = card.model_copy(update={"metrics": [*kept, *metrics]})
        if args.record:
            _write_card(card_path, updated)
        return updated

    settings = dict(best.settings)
    fields = set(TrainConfig.__dataclass_fields__)
    # epochs is None when each fold selected its own on validation trials: then the
    # final fit selects it the same way, within the largest epoch count
    train_kw = {k: v for k, v in settings.items() if k in fields and v is not None}
    config = replace(base, **{"epochs": max(args.epochs), **train_kw})
    loss_fn = loss_factory(**{k: v for k, v in settings.items() if k not in fields})
    all_trials = list(range(len(samples.trials)))
    fit_ids, val_ids = inner_split(samples.trials, all_trials, args.val_trials, args.seed)
    stats = fit_stats(card, samples.select(fit_ids))
    samples = standardise(samples, stats)
    seed_everything(args.seed)
    model = builder(card)
    if args.checkpoint_dir is not None:
        args.checkpoint_dir.mkdir(parents=True, exist_ok=True)
    checkpoint = args.checkpoint_dir / f"{card.name}.pt" if args.checkpoint_dir else None
    history = fit(
        model,
        samples.select(fit_ids),
        config,
        val=samples.select(val_ids) if val_ids else None,
        loss_fn=loss_fn,
        checkpoint=checkpoint,
        resume=args.resume,
        desc="final",
        layout=channel_layout(card),
    )
    import torch

    args.weights_dir.mkdir(parents=True, exist_ok=True)
    weights = args.weights_dir / f"{card.name}.pt"
    torch.save(model.state_dict(), weights)
    save_stats(card, stats, args.weights_dir)
    final = f"final model: all {len(samples.trials)} trials, {history.best_epoch} epochs"
    note = (
        f"{final}, {_setting_text({k: v for k, v in settings.items() if k != 'epochs'})}, "
        f"seed {args.seed}. Settings chosen among {len(scores)} by the cross-validation, "
        f"so its accuracy is slightly optimistic. Reproduce: {_command(args)}."
    )
    updated = card.model_copy(
        update={
            "weights": weights.name,
            "weights_sha256": file_sha256(weights),
            "seed": args.seed,
            "training": Training(
                dataset=data, protocol=protocol, command=card.training.command, note=note
            ),
            "metrics": metrics,
        }
    )
    _write_card(card_path, updated)
    print(f"wrote {weights} and {card_path}", file=sys.stderr)
    return updated


def _write_card(path: Path, card: ModelCard) -> None:
    """Rewrite only what training decides, keeping the rest of the file as it is."""
    raw = json.loads(path.read_text())
    fresh = card.model_dump(mode="json")
    raw.update({key: fresh[key] for key in TRAINED_FIELDS})
    path.write_text(card_json(raw) + "\n")


def train_main(argv: list[str] | None = None) -> None:
    """``python -m model_store.training`` / ``affectserve train``."""
    parser = argparse.ArgumentParser(
        prog="affectserve train",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_arguments(parser)
    run(parser.parse_args(argv))
