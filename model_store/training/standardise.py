"""Per-feature z-scoring fitted on the training trials, stored beside the weights.

A card input whose recipe has a ``normalize`` step (``{"stats": "<model>_stats.npz"}``)
is served with statistics that training wrote. Training cannot read them from that
file, since it makes them: it builds the samples with the card's recipe minus the
``normalize`` and ``fill_missing`` steps (`without_stats`), fits the statistics on the
training trials only (`fit_stats`) and applies them to every sample (`standardise`).
The steps sit on the per-window features ``(n_windows, n_channels, n_bands)``, before
``flatten`` (channel-major) or ``stack_slices``; both commute with a per-feature affine
map, so the samples ``(n, 310)`` or ``(n, 9, 62, 5)`` are scaled exactly as serving
scales the windows before flattening or stacking them.

The step's ``per`` parameter says what the statistics are fitted over: ``"feature"``
(the default, each channel's band on its own) or ``"band"`` (each band pooled over all
channels, which keeps the differences between channels; stored with shape ``(1, 1,
n_bands)``, which serving broadcasts over the channels).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from core.cards import InputSpec, ModelCard, band_edges, montage_channels
from model_store.training.loop import ChannelLayout
from model_store.training.samples import Samples
from signals.features.normalization import (
    Normalization,
    apply_normalization,
    fit_normalization,
    save_normalization,
)

STATS_STEP = "normalize"
FILL_STEP = "fill_missing"


def stats_file(spec: InputSpec) -> str | None:
    """The statistics file the input's ``normalize`` step reads, or None."""
    for step in spec.recipe:
        if step.step == STATS_STEP:
            return str(step.params["stats"])
    return None


def stats_pooling(spec: InputSpec) -> str:
    """What the input's statistics are fitted over: ``"feature"`` or ``"band"``."""
    for step in spec.recipe:
        if step.step == STATS_STEP:
            return str(step.params.get("per", "feature"))
    return "feature"


def without_stats(card: ModelCard) -> ModelCard:
    """The card with its inputs' ``normalize`` and ``fill_missing`` steps left out."""
    inputs = [
        spec.model_copy(
            update={"recipe": [s for s in spec.recipe if s.step not in (STATS_STEP, FILL_STEP)]}
        )
        for spec in card.inputs
    ]
    return card.model_copy(update={"inputs": inputs})


def channel_layout(card: ModelCard) -> ChannelLayout | None:
    """The EEG input's channels and per-channel features (bands), or None without one."""
    for spec in card.inputs:
        bands = [s.params["bands"] for s in spec.recipe if "bands" in s.params]
        if spec.modality == "eeg" and spec.montage is not None and bands:
            return ChannelLayout(
                spec.name, len(montage_channels(spec.montage)), len(band_edges(bands[0]))
            )
    return None


def fit_stats(card: ModelCard, samples: Samples) -> dict[str, Normalization]:
    """Mean and standard deviation of every window feature, per standardised input.

    Every window of every sample counts (a stack of 9 windows counts each of them).
    With ``per: band`` in the ``normalize`` step every channel of a window counts too.

    Returns
    -------
    stats : dict of str to Normalization
        Per input name, statistics of shape ``(1, n_channels, n_bands)``, or ``(1, 1,
        n_bands)`` per band.
    """
    layout = channel_layout(card)
    out = {}
    for spec in card.inputs:
        if stats_file(spec) is None:
            continue
        if layout is None or layout.name != spec.name:
            raise ValueError(f"input {spec.name!r} is standardised but has no EEG channels")
        windows = samples.inputs[spec.name].reshape(-1, layout.n_channels, layout.n_features)
        axes = (0, 1) if stats_pooling(spec) == "band" else 0
        out[spec.name] = fit_normalization(windows, axes)
    return out


def standardise(samples: Samples, stats: dict[str, Normalization]) -> Samples:
    """The samples with ``(x - mean) / scale`` applied to every window of each input."""
    inputs = dict(samples.inputs)
    for name, norm in stats.items():
        x = inputs[name]
        windows = x.reshape(len(x), -1, *norm.mean.shape[1:])
        scaled = apply_normalization(windows, norm)
        inputs[name] = scaled.reshape(x.shape).astype(np.float32)
    return replace(samples, inputs=inputs)


def save_stats(card: ModelCard, stats: dict[str, Normalization], weights_dir: Path) -> list[Path]:
    """Write each input's statistics to the file its ``normalize`` step names."""
    paths = []
    for spec in card.inputs:
        name = stats_file(spec)
        if name is not None:
            path = weights_dir / name
            save_normalization(path, stats[spec.name])
            paths.append(path)
    return paths
