"""The channel selection of bench/montages.py: which montages a model contains, and how
a montage's channels are kept and the others filled as missing."""

from __future__ import annotations

import numpy as np

from bench.montages import keep_channels, montage_index, sub_montages
from core.cards import montage_channels
from model_store.training.loop import ChannelLayout
from model_store.training.samples import Samples


def test_montage_index_finds_channels_across_spellings() -> None:
    seed = montage_channels("seed62")
    index = montage_index("seed62", "openbci_cyton8")
    assert index is not None
    assert [seed[i] for i in index] == ["FP1", "FP2", "C3", "C4", "P7", "P8", "O1", "O2"]
    assert montage_index("openbci_cyton8", "seed62") is None


def test_sub_montages_of_seed62_largest_first() -> None:
    found = sub_montages("seed62")
    assert list(found)[:2] == ["seed62", "deap32"]
    assert [len(i) for i in found.values()] == sorted(
        (len(i) for i in found.values()), reverse=True
    )
    assert set(found) >= {"clinical1020_19", "emotiv_epoc14", "emotiv_insight5"}


def test_keep_channels_fills_or_drops_the_others() -> None:
    layout = ChannelLayout("eeg", 4, 2)
    x = np.arange(2 * 3 * 4 * 2, dtype=np.float32).reshape(2, 3, 4, 2) + 1
    samples = Samples(
        inputs={"eeg": x},
        targets=np.zeros(2, dtype=np.int64),
        trials=[],
        trial_index=np.zeros(2, dtype=np.int64),
    )
    filled = keep_channels(samples, layout, [1, 3], fill=True).inputs["eeg"]
    assert filled.shape == x.shape
    np.testing.assert_array_equal(filled[:, :, [0, 2]], 0)
    np.testing.assert_array_equal(filled[:, :, [1, 3]], x[:, :, [1, 3]])
    dropped = keep_channels(samples, layout, [1, 3], fill=False).inputs["eeg"]
    np.testing.assert_array_equal(dropped, x[:, :, [1, 3]].reshape(2, -1))
