"""Reading and drawing sweep results: the API the UI's "Sweeps" page calls.

>>> from model.analysis import load_results, phase_diagram_figure, varied_parameters
>>> runs, manifest = load_results("results/collapse_threshold")
>>> x, y = varied_parameters(manifest)[:2]
>>> phase_diagram_figure(runs, x, y).savefig("phase.png")

Figures are :class:`matplotlib.figure.Figure` objects built without pyplot's global state,
so a server may draw them from several threads.
"""

from __future__ import annotations

from model.sweeps.plots import (
    early_warning_figure,
    phase_diagram_figure,
    probability_curve_figure,
    series_bands_figure,
    threshold_figure,
    varied_parameters,
    wilson_interval,
)
from model.sweeps.results import load_results, load_series

__all__ = [
    "early_warning_figure",
    "load_results",
    "load_series",
    "phase_diagram_figure",
    "probability_curve_figure",
    "series_bands_figure",
    "threshold_figure",
    "varied_parameters",
    "wilson_interval",
]
