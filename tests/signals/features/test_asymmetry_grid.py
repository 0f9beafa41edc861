"""SEED's symmetric pairs, DASM/RASM and the 9 x 9 electrode grid."""

import numpy as np

from core.cards import montage_channels
from signals.features.asymmetry import dasm, rasm, symmetric_pairs
from signals.features.grid import to_grid

CHANNELS = montage_channels("seed62")


def test_the_62_seed_channels_have_27_mirror_pairs():
    pairs = [(CHANNELS[a], CHANNELS[b]) for a, b in symmetric_pairs()]
    assert len(pairs) == 27
    assert pairs[0] == ("FP1", "FP2")
    assert pairs[-1] == ("O1", "O2")
    assert ("CB1", "CB2") in pairs and ("T7", "T8") in pairs
    for left, right in pairs:
        assert left.rstrip("0123456789") == right.rstrip("0123456789")
        assert int(left[-1]) % 2 == 1 and int(right[-1]) % 2 == 0


def test_dasm_and_rasm_of_known_hemispheres():
    de = np.zeros((3, 62, 5))
    left, right = np.array(symmetric_pairs()).T
    de[:, left] = 3.0
    de[:, right] = 1.5
    np.testing.assert_allclose(dasm(de), 1.5)
    np.testing.assert_allclose(rasm(de), 2.0)
    assert dasm(de).shape == (3, 27, 5)


def test_grid_places_each_channel_in_its_cell():
    features = np.arange(1, 62 * 5 + 1, dtype=float).reshape(62, 5)
    image = to_grid(features[np.newaxis])
    assert image.shape == (1, 5, 9, 9)
    fpz = CHANNELS.index("FPZ")
    np.testing.assert_array_equal(image[0, :, 0, 4], features[fpz])
    assert image[0, 2, 4, 4] == features[CHANNELS.index("CZ"), 2]
    assert image[0, 0, 8, 2] == features[CHANNELS.index("CB1"), 0]
    assert np.count_nonzero(image[0, 0]) == 62
    assert image[0, 0, 0, 0] == 0.0


def test_the_models_and_the_recipe_share_one_grid_scatter():
    import torch

    features = np.random.default_rng(0).standard_normal((3, 62, 5)).astype(np.float32)
    image = to_grid(features)
    tensor = to_grid(torch.from_numpy(features).requires_grad_())
    assert isinstance(tensor, torch.Tensor) and tensor.requires_grad
    np.testing.assert_array_equal(tensor.detach().numpy(), image)
    assert image.shape == (3, 5, 9, 9)
    # FP1 (channel 0) in row 0, column 3; CB2 (channel 61) in row 8, column 6
    np.testing.assert_array_equal(image[:, :, 0, 3], features[:, 0])
    np.testing.assert_array_equal(image[:, :, 8, 6], features[:, 61])
    assert np.count_nonzero(image[0, 0]) == 62


def test_the_grid_follows_from_the_montage():
    import pytest

    from signals.features.grid import montage_grid

    assert montage_grid("seed62") == "seed62_9x9"
    with pytest.raises(ValueError, match="montage 'deap32' has 0 electrode grids"):
        montage_grid("deap32")
