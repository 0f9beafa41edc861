"""Band-power topomaps of a recording's EEG on standard 10-05 positions."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from signals.channels import map_channels
from signals.features.spectral import band_power
from signals.io import read_signals
from signals.plots.render import TITLE_IN, Margins, new_figure

if TYPE_CHECKING:
    import mne
    from matplotlib.figure import Figure

#: Samples (channels x times) read at a time, to keep memory bounded on long recordings.
_BLOCK_SAMPLES = 1 << 22
#: Width of one head in a topomap figure, inches.
HEAD_IN = 2.3
#: Room above a head for its band's name, head radii.
BAND_NAME = 0.35
#: Height of the colour bar's ticks and label below it, and its bottom edge, inches.
COLOURBAR_IN = 0.5

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

    standard_names = list(_head_positions())
    eeg = mne.pick_types(raw.info, eeg=True, exclude=[])
    names = [raw.ch_names[k] for k in eeg]
    mapping = map_channels(names, standard_names)
    # The template names some electrodes twice (T7 and T3): each channel once, first name.
    taken: dict[int, str] = {}
    for standard, index in zip(standard_names, mapping.indices, strict=True):
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
        # float32 halves the FFT's time; its precision is far finer than a colour step.
        data = read_signals(
            raw, picks, scale=1e6, dtype=np.float32, start=start, stop=start + count * n_window
        )
        windows = data.reshape(len(found), count, n_window).transpose(1, 0, 2)
        total += band_power(windows, sfreq, bands).sum(axis=0)
    return [standard for standard, _ in found], total / n_windows


#: Radius of the head drawn, m (MNE's default head sphere).
HEAD_RADIUS_M = 0.095
#: Grid points across the head in a topomap image (per side).
TOPOMAP_RES = 64
#: Contour lines drawn over each head.
TOPOMAP_CONTOURS = 4
#: Outline of the nose and of the right ear, in head radii (the left ear is its mirror;
#: MNE's head outline).
NOSE_XY = np.array([[-0.18, 0.98], [0.0, 1.16], [0.18, 0.98]])
EAR_XY = (
    2.0
    * np.array(
        [
            [0.497, 0.510, 0.518, 0.5299, 0.5419, 0.54, 0.547, 0.532, 0.510, 0.489],
            [0.0555, 0.0775, 0.0783, 0.0746, 0.0555, -0.0055, -0.0932, -0.1313, -0.1384, -0.1199],
        ]
    ).T
)


@cache
def _head_positions() -> dict[str, NDArray[np.float64]]:
    """Every standard 10-05 electrode's position in MNE's head frame, m."""
    import mne

    montage = mne.channels.make_standard_montage(standard_1005())
    info = mne.create_info(montage.ch_names, 1000.0, "eeg")
    info.set_montage(montage)
    return {ch["ch_name"]: ch["loc"][:3].copy() for ch in info["chs"]}


def head_xy(ch_names: list[str]) -> NDArray[np.float64]:
    """Positions of standard 10-05 electrodes on a flat head, in head radii.

    MNE's projection for `mne.viz.plot_topomap` with its default head sphere (centre
    at the head frame's origin, radius `HEAD_RADIUS_M`): an electrode lies in the
    direction of its azimuth, at its angle from the vertex over 90° times its distance
    from the centre.

    Parameters
    ----------
    ch_names : list of str
        Standard 10-05 channel names.

    Returns
    -------
    xy : array, shape (n_channels, 2)
        Right and forward positions; the head's outline is the unit circle.
    """
    positions = _head_positions()
    xyz = np.array([positions[name] for name in ch_names])
    distance = np.linalg.norm(xyz, axis=1)
    polar = np.arccos(np.clip(xyz[:, 2] / distance, -1.0, 1.0))
    azimuth = np.arctan2(xyz[:, 1], xyz[:, 0])
    radius = polar / (np.pi / 2.0) * distance / HEAD_RADIUS_M
    return np.column_stack([radius * np.cos(azimuth), radius * np.sin(azimuth)])


def head_images(
    xy: NDArray[np.floating], values: NDArray[np.floating], res: int = TOPOMAP_RES
) -> tuple[NDArray[np.float64], float]:
    """Values at electrodes interpolated over the head, every column at once.

    Clough-Tocher interpolation over the electrodes and a ring of points just outside
    them (each holding the value of its nearest electrode), as MNE extrapolates to the
    head. The square covers the circle through the outermost electrode or the head
    (whichever is larger); draw it clipped to that circle (its corners are NaN).

    Parameters
    ----------
    xy : array, shape (n_channels, 2)
        Electrode positions, head radii (`head_xy`).
    values : array, shape (n_channels, n_maps)
        Values per electrode, one column per map.
    res : int
        Grid points per side.

    Returns
    -------
    images : array, shape (n_maps, res, res)
        Rows from back to front, columns from left to right.
    radius : float
        Half the side of the square the images cover, head radii.
    """
    from scipy.interpolate import CloughTocher2DInterpolator
    from threadpoolctl import threadpool_limits

    radius = max(1.0, float(np.linalg.norm(xy, axis=1).max()))
    angles = np.linspace(0.0, 2.0 * np.pi, 24, endpoint=False)
    ring = 1.2 * radius * np.column_stack([np.cos(angles), np.sin(angles)])
    nearest = np.linalg.norm(ring[:, None, :] - xy[None, :, :], axis=2).argmin(axis=1)
    interpolate = CloughTocher2DInterpolator(
        np.vstack([xy, ring]), np.vstack([values, values[nearest]])
    )
    axis = np.linspace(-radius, radius, res)
    grid_x, grid_y = np.meshgrid(axis, axis)
    # One BLAS thread, wherever this is called (a job's figures, a bench, a notebook):
    # evaluating the 64 × 64 grid takes 0.01 s so, and 1.2 s with the default threads,
    # idle ones spinning, on a busy 2-core machine (load 10).
    with threadpool_limits(limits=1):
        images = interpolate(grid_x, grid_y)
    return np.moveaxis(images, -1, 0), radius


def head_outline(centre_x: float = 0.0) -> list[NDArray[np.float64]]:
    """Head circle, nose and ears of a head of radius 1 centred at (``centre_x``, 0), as
    polylines of (x, y) points."""
    angles = np.linspace(0.0, 2.0 * np.pi, 101)
    circle = np.column_stack([np.cos(angles), np.sin(angles)])
    ears = [EAR_XY * [side, 1.0] for side in (1.0, -1.0)]
    shift = np.array([centre_x, 0.0])
    return [part + shift for part in (circle, NOSE_XY, *ears)]


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
        ``n_bands`` heads side by side in one axes, each named above, its electrodes
        marked, its map (`head_images`) in one image with `TOPOMAP_CONTOURS` contour
        lines, all on one colour scale (dB); one colour bar below (the second axes).
    """
    from matplotlib.collections import LineCollection
    from matplotlib.patches import Circle

    decibels = 10.0 * np.log10(np.maximum(power, np.finfo(float).tiny))
    xy = head_xy(ch_names)
    images, radius = head_images(xy, decibels)
    vlim = (float(decibels.min()), float(decibels.max()))
    levels = np.linspace(*vlim, TOPOMAP_CONTOURS + 2)[1:-1]
    width, height = HEAD_IN * len(band_names), 3.0
    fig = new_figure(width, height)
    margins = Margins(left=0.1, right=0.1, top=TITLE_IN, bottom=COLOURBAR_IN + 0.15)
    ax = fig.subplots(gridspec_kw=margins.gridspec(fig))
    reach = 1.2 * radius
    centres = 2.0 * reach * np.arange(len(band_names))
    for centre, image, band in zip(centres, images, band_names, strict=True):
        extent = (centre - radius, centre + radius, -radius, radius)
        shown = ax.imshow(
            image, origin="lower", extent=extent, cmap="viridis", vmin=vlim[0], vmax=vlim[1]
        )
        head = Circle((centre, 0.0), radius, transform=ax.transData)
        shown.set_clip_path(head)
        if vlim[1] > vlim[0]:
            lines = ax.contour(
                image, levels, extent=extent, colors="black", linewidths=0.5, alpha=0.5
            )
            lines.set_clip_path(head)
        ax.text(centre, reach, band, ha="center", va="bottom", fontsize="large")
    outlines = [part for centre in centres for part in head_outline(centre)]
    ax.add_collection(LineCollection(outlines, colors="black", linewidths=1.0))
    electrodes = np.vstack([xy + np.array([centre, 0.0]) for centre in centres])
    ax.scatter(*electrodes.T, s=2, color="black", linewidths=0)
    ax.set(xlim=(-reach, centres[-1] + reach), ylim=(-reach, reach + BAND_NAME), aspect="equal")
    ax.set_axis_off()
    bar_axes = fig.add_axes((0.25, COLOURBAR_IN / height, 0.5, 0.12 / height))
    bar = fig.colorbar(shown, cax=bar_axes, orientation="horizontal")
    bar.set_label("band power (dB re 1 µV²)")
    fig.suptitle(title)
    return fig
