"""Plots of recordings and results: each function takes data and returns a Figure.

Figures are built with `matplotlib.figure.Figure` (no pyplot, no GUI backend), so they
render headless through Agg; `signals.plots.render.figure_bytes` turns one into PNG or
SVG for the API.
"""
