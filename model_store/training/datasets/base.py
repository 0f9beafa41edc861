"""What every data set loader returns: labelled trials of signals or features."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from signals.recipe import Stream


@dataclass(frozen=True)
class Signal:
    """One modality of one trial, at some stage of a model card's recipe.

    Attributes
    ----------
    stream : Stream
        The data: continuous ``(n_channels, n_times)`` signals when ``stage`` is None,
        otherwise what the recipe step ``stage`` returns (for DE features
        ``(n_windows, n_channels, n_bands)``).
    channels : list of str or None
        Channel names along the channel axis, or None when the layout is fixed by the
        data set (its channel order is the montage ``montage``).
    stage : str or None
        Name of the last recipe step the data already went through (``'lds_smooth'``
        for distributed DE features); None for continuous signals.
    montage : str or None
        Montage (``reference.json``) of the channel axis when ``channels`` is None.
    bands : str or None
        Band table (``reference.json``) the features were computed in, if any.
    window_s : float or None
        Window length of the features, seconds, if any.
    """

    stream: Stream
    channels: list[str] | None = None
    stage: str | None = None
    montage: str | None = None
    bands: str | None = None
    window_s: float | None = None


@dataclass(frozen=True)
class Trial:
    """One labelled stimulus presentation (a film clip, a music video, a song).

    Attributes
    ----------
    subject : str
        Subject identifier as the data set names it.
    session : int
        Session (recording) number of the subject, from 1.
    trial : int
        Trial (clip) number within the session, from 1, in presentation order.
    label : str
        Class name.
    signals : dict of str to Signal
        One entry per modality (``'eeg'``, ``'eye'``, ``'eda'``, ``'music'``, ``'face'``).
    """

    subject: str
    session: int
    trial: int
    label: str
    signals: dict[str, Signal] = field(default_factory=dict)


@dataclass(frozen=True)
class DataSet:
    """Labelled trials of one data set, with its class names in index order."""

    name: str
    labels: list[str]
    trials: list[Trial]

    def __post_init__(self) -> None:
        if not self.trials:
            raise ValueError(f"no trials found for data set {self.name!r}")
        unknown = sorted({t.label for t in self.trials} - set(self.labels))
        if unknown:
            raise ValueError(f"labels {unknown} are not classes of {self.name!r}")


def feature_stream(features: NDArray[np.floating], sfreq: float, window_s: float) -> Stream:
    """Wrap ``(n_windows, ...)`` features of consecutive non-overlapping windows."""
    starts = np.arange(features.shape[0], dtype=np.float64) * window_s
    return Stream(data=np.asarray(features, dtype=np.float64), sfreq=sfreq, window_starts=starts)
