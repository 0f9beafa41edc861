"""Figures to bytes."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from core.schemas import IMAGE_FORMATS, ImageFormat

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["MEDIA_TYPES", "ImageFormat", "figure_bytes", "figure_files", "new_figure"]

MEDIA_TYPES: dict[str, str] = {"png": "image/png", "svg": "image/svg+xml"}


def new_figure(width_in: float, height_in: float) -> Figure:
    """A Figure on the Agg canvas, outside pyplot (no global state, no GUI)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_in, height_in), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def figure_bytes(fig: Figure, fmt: ImageFormat) -> bytes:
    """Render ``fig`` as PNG (at the figure's dpi) or SVG."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, metadata={"Software": None} if fmt == "png" else None)
    return buffer.getvalue()


def figure_files(
    fig: Figure, formats: tuple[ImageFormat, ...] = IMAGE_FORMATS
) -> dict[ImageFormat, bytes]:
    """Render ``fig`` in each of ``formats``, laying it out only once.

    The first render runs the figure's layout engine; the others keep the positions it
    found (the engine is switched off), so every format shows the same layout.
    """
    files = {}
    for fmt in formats:
        files[fmt] = figure_bytes(fig, fmt)
        fig.set_layout_engine("none")
    return files
