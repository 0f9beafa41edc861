"""``affectserve calibrate``: train a model version on your own labelled recordings.

The same path as ``POST /v1/trainings``, on files of a folder: each recording's
windows are made as a job makes them, labelled by trial (annotations mapped by a table,
a labels CSV beside each file, or one label per file), evaluated by trial beside chance
and a z-scored logistic regression, then fitted on all trials and written as a model
version (``card.json`` + ``weights.pt``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from core.cards import card_names, load_card
from core.trainings import LabelSource


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register ``calibrate`` on ``affectserve``'s subcommands."""
    parser = subparsers.add_parser(
        "calibrate",
        help="train a model version on your own labelled recordings",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("model", choices=card_names(), help="architecture to train")
    parser.add_argument("recordings", nargs="+", type=Path, help="EDF/BDF/MAT/SET files")
    labels = parser.add_mutually_exclusive_group(required=True)
    labels.add_argument(
        "--annotations",
        type=json.loads,
        metavar="JSON",
        help='annotation text -> class, e.g. \'{"film_happy": "positive"}\'; each annotated '
        "span is one trial",
    )
    labels.add_argument(
        "--labels-csv",
        action="store_true",
        help="read <recording>.csv beside each file (start_s,end_s,label or trial,label)",
    )
    labels.add_argument(
        "--label-per-file",
        type=json.loads,
        metavar="JSON",
        help='file name -> class when each file is one trial, e.g. \'{"s1_happy.edf": '
        '"positive"}\'',
    )
    parser.add_argument(
        "--base", choices=["shipped"], help="start from the shipped weights (calibration)"
    )
    parser.add_argument("--epochs", type=int, default=20, help="passes over the trials")
    parser.add_argument("--lr", type=float, default=1e-3, help="AdamW learning rate")
    parser.add_argument("--batch-size", type=int, default=32, help="windows per step")
    parser.add_argument("--seed", type=int, default=0, help="seeds weights and batch order")
    parser.add_argument(
        "--out", type=Path, default=Path("calibrated"), help="folder of the model version"
    )
    parser.set_defaults(run=run)
    return parser


def _source(args: argparse.Namespace, path: Path) -> LabelSource:
    if args.annotations is not None:
        return LabelSource(annotations=args.annotations)
    if args.labels_csv:
        csv_path = path.with_suffix(".csv")
        if not csv_path.is_file():
            raise SystemExit(f"{path.name}: no labels file {csv_path.name} beside it")
        return LabelSource(csv=csv_path.read_text())
    if path.name not in args.label_per_file:
        raise SystemExit(f"{path.name} has no label in --label-per-file")
    return LabelSource(label=args.label_per_file[path.name])


def run(args: argparse.Namespace) -> int:
    """Calibrate and write the version; prints the evaluation. Exit status 0."""
    # torch and MNE load here, not when the command line is parsed
    from model_store.training.calibrate import (
        evaluate,
        final_fit,
        labelled_recording,
        samples_from_inputs,
        write_version,
    )
    from model_store.training.loop import TrainConfig
    from signals.io import read_header
    from signals.labels import check_classes, check_segments

    card = load_card(args.model)
    labelled = []
    for path in args.recordings:
        header = read_header(path)
        item = labelled_recording(card, path, _source(args, path), header.kind)
        check_segments(item.segments, card.labels, duration_s=header.duration_s)
        labelled.append(item)
    check_classes([s for item in labelled for s in item.segments])
    samples = samples_from_inputs(card, labelled)
    config = TrainConfig(
        epochs=args.epochs, lr=args.lr, batch_size=args.batch_size, seed=args.seed
    )
    base = card.weights_path if args.base == "shipped" else None
    evaluation = evaluate(card, samples, config, base)
    model = final_fit(card, samples, config, base)
    version = f"{card.name}-calibrated-seed{args.seed}"
    dataset = f"{len(labelled)} recording(s) ({', '.join(p.name for p in args.recordings)})"
    write_version(args.out, card, model, evaluation, version, dataset, args.base and card.version)
    print(evaluation.model_dump_json(indent=2))
    verdict = "beats" if evaluation.accuracy > evaluation.baseline_accuracy else "does not beat"
    print(
        f"{card.name}: {evaluation.accuracy:.1%} on held-out trials ({evaluation.protocol}); "
        f"logistic regression {evaluation.baseline_accuracy:.1%}, chance "
        f"{evaluation.chance:.1%}: the model {verdict} the linear baseline. Wrote {args.out}",
        file=sys.stderr,
    )
    return 0
