"""Music: openSMILE ComParE 2016 functionals of a song (6,373 values).

RTCAN-1D's music vector (spec §2.1) is PMEmo's static ComParE feature set. The
``opensmile`` package bundles openSMILE's library under its own licence (research
and education only), so it is an optional extra (``music``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from numpy.typing import NDArray

N_COMPARE_FEATURES = 6373


def music_features(path: Path) -> NDArray[np.float32]:
    """ComParE 2016 functionals of a whole audio file.

    Parameters
    ----------
    path : Path
        Audio file (wav, flac, ogg; mp3 where the system's audio decoder reads it).

    Returns
    -------
    features : array of float32, shape (6373,)
        In openSMILE's column order.
    """
    try:
        import opensmile
    except ImportError as err:
        raise ImportError(
            "music features need openSMILE: pip install 'affectserve[music]' "
            "(openSMILE's licence allows research and education use only)"
        ) from err
    smile = opensmile.Smile(
        feature_set=opensmile.FeatureSet.ComParE_2016,
        feature_level=opensmile.FeatureLevel.Functionals,
    )
    try:
        table = smile.process_file(str(path))
    except (RuntimeError, ValueError, OSError) as err:
        raise ValueError(f"the audio file {Path(path).name} could not be read: {err}") from err
    values = table.to_numpy(dtype=np.float32).ravel()
    if values.size != N_COMPARE_FEATURES:
        raise ValueError(f"openSMILE returned {values.size} values, expected {N_COMPARE_FEATURES}")
    return values
