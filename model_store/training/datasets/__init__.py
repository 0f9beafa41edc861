"""Loaders of the data sets' distributed layouts, one module per layout family."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from model_store.training.datasets.base import DataSet, Signal, Trial
from model_store.training.datasets.pmemo import load_pmemo
from model_store.training.datasets.ratings import load_amigos, load_deap, load_mahnob_hci
from model_store.training.datasets.seed import load_seed, load_seed_iv, load_seed_vii

__all__ = ["LOADERS", "DataSet", "Signal", "Trial", "load_dataset"]

LOADERS: dict[str, Callable[..., DataSet]] = {
    "seed": load_seed,
    "seed-iv": load_seed_iv,
    "seed-vii": load_seed_vii,
    "deap": load_deap,
    "mahnob-hci": load_mahnob_hci,
    "amigos": load_amigos,
    "pmemo": load_pmemo,
}


def load_dataset(name: str, data_dir: Path, **options: str) -> DataSet:
    """Read the data set ``name`` from ``data_dir`` (``options``: e.g. ``task``)."""
    if name not in LOADERS:
        raise KeyError(f"unknown data set {name!r}; known: {', '.join(LOADERS)}")
    if not data_dir.is_dir():
        raise FileNotFoundError(f"data directory {data_dir} does not exist")
    return LOADERS[name](data_dir, **options)
