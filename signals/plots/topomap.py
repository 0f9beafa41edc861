"""Band-power topomaps of a recording's EEG on standard 10-05 positions."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from signals.channels import map_channels
from signals.features.spectral import band_power
from signals.io import read_signals
from signals.plots.render import new_figure

if TYPE_CHECKING:
    import mne
    from matplotlib.figure import Figure

#: Samples (channels x times) read at a time, to keep memory bounded on long recordings.
_BLOCK_SAMPLES = 1 << 22

STANDARD_1005 = ("colin27_1005", "standard_1005")
"""Names of MNE's standard 10-05 montage, newest first (renamed in MNE 1.13)."""


def standard_1005() -> str:
    """The name this MNE version gives its standard 10-05 montage."""
    import mne

    builtin = mne.channels.get_builtin_montages()
    return next(name for name in STANDARD_1005 if name in builtin)


def eeg_band_power(
    raw: mne.io.BaseRaw, bands: dict[str, tuple[float, float]], window_s: float = 2.0
) -> tuple[list[str], NDArray[np.float64]]:
    """Mean band power of each EEG channel that has a standard 10-05 position.

    The signal is cut into non-overlapping windows of ``window_s`` seconds; the band
    power of each window (`signals.features.spectral.band_power`) is averaged. The
    windows are read a block of about 4 million samples at a time
    (`signals.io.read_signals`).

    Parameters
    ----------
    raw : mne.io.BaseRaw
        The recording (preloaded or not).
    bands : dict of str to (float, float)
        Band edges, Hz (e.g. ``core.cards.band_edges('seed')``).
    window_s : float
        Window length, s.

    Returns
    -------
    ch_names : list of str
        Standard 10-05 names of the channels found, in montage order.
    power : array, shape (n_channels, n_bands)
        Mean band power, µV².

    Raises
    ------
    ValueError
        When fewer than four EEG channels have a 10-05 position, or the recording is
        shorter than one window.
    """
    import mne

    montage = mne.channels.make_standard_montage(standard_1005())
    eeg = mne.pick_types(raw.info, eeg=True, exclude=[])
    names = [raw.ch_names[k] for k in eeg]
    mapping = map_channels(names, montage.ch_names)
    # The template names some electrodes twice (T7 and T3): each channel once, first name.
    taken: dict[int, str] = {}
    for standard, index in zip(montage.ch_names, mapping.indices, strict=True):
        if index is not None:
            taken.setdefault(index, standard)
    found = [(standard, eeg[index]) for index, standard in taken.items()]
    if len(found) < 4:
        raise ValueError(
            f"only {len(found)} EEG channels have a standard 10-05 position; a topomap "
            "needs at least 4"
        )
    sfreq = float(raw.info["sfreq"])
    n_window = round(window_s * sfreq)
    n_windows = raw.n_times // n_window
    if n_windows == 0:
        raise ValueError(f"the recording is shorter than one {window_s:g}-s window")
    picks = [index for _, index in found]
    total = np.zeros((len(found), len(bands)))
    per_block = max(1, _BLOCK_SAMPLES // (len(picks) * n_window))
    for first in range(0, n_windows, per_block):
        count = min(per_block, n_windows - first)
        start = first * n_window
        data = read_signals(
            raw, picks, scale=1e6, dtype=np.float64, start=start, stop=start + count * n_window
        )
        windows = data.reshape(len(found), count, n_window).transpose(1, 0, 2)
        total += band_power(windows, sfreq, bands).sum(axis=0)
    return [standard for standard, _ in found], total / n_windows


def plot_band_topomap(
    ch_names: list[str], power: NDArray[np.floating], band_names: list[str], title: str
) -> Figure:
    """One topomap per band of band power in dB re 1 µV².

    Parameters
    ----------
    ch_names : list of str
        Standard 10-05 channel names (positions from MNE's ``standard_1005``).
    power : array, shape (n_channels, n_bands)
        Band power, µV².
    band_names : list of str
        Name of each band (column of ``power``).
    title : str
        Figure title.

    Returns
    -------
    fig : Figure
        ``n_bands`` head maps on one colour scale (dB), with one colour bar.
    """
    import mne

    info = mne.create_info(ch_names, 1000.0, "eeg")
    info.set_montage(standard_1005())
    decibels = 10.0 * np.log10(np.maximum(power, np.finfo(float).tiny))
    fig = new_figure(2.3 * len(band_names), 3.0)
    axes = np.atleast_1d(fig.subplots(1, len(band_names)))
    vlim = (float(decibels.min()), float(decibels.max()))
    for k, (ax, band) in enumerate(zip(axes, band_names, strict=True)):
        image, _ = mne.viz.plot_topomap(
            decibels[:, k], info, axes=ax, show=False, cmap="viridis", vlim=vlim, contours=4
        )
        ax.set_title(band)
    bar = fig.colorbar(image, ax=list(axes), orientation="horizontal", shrink=0.5, aspect=40)
    bar.set_label("band power (dB re 1 µV²)")
    fig.suptitle(title)
    return fig
