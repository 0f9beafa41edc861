"""The EDA decomposition plot."""

from __future__ import annotations

import numpy as np

from signals.plots.eda import plot_eda_decomposition


def test_eda_plot_draws_each_component_with_units() -> None:
    times = np.arange(0, 30, 0.25)
    tonic = 2.0 + 0.01 * times
    phasic = np.exp(-(((times - 10.0) / 1.5) ** 2))
    fig = plot_eda_decomposition(
        times, tonic + phasic, tonic, phasic, "EDA", peaks_s=np.array([10.0])
    )
    top, bottom = fig.axes
    assert [line.get_label() for line in top.get_lines()] == ["measured", "tonic"]
    np.testing.assert_allclose(top.get_lines()[1].get_ydata(), tonic)
    assert top.get_ylabel() == "conductance (µS)"
    marker = bottom.get_lines()[1]
    np.testing.assert_allclose(marker.get_xdata(), [10.0])
    np.testing.assert_allclose(marker.get_ydata(), [1.0])
    assert bottom.get_xlabel() == "time (s)"
