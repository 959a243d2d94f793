"""Figures of a calibration: marginals, pair plot, epsilon schedule, posterior predictive.

Drawn on ``matplotlib.figure.Figure`` objects (no pyplot state), written as PNG.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure


def write_figures(
    calibration,
    folder: Path,
    posterior: pd.DataFrame,
    populations: pd.DataFrame,
    draws: pd.DataFrame,
    observed: dict[str, float],
) -> list[Path]:
    """Write the four figures to ``folder``; returns their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, figure in (
        ("marginals.png", marginals(calibration, posterior)),
        ("pairs.png", pairs(calibration, posterior)),
        ("epsilon.png", epsilon_schedule(populations)),
        ("predictive.png", predictive(calibration, draws, observed)),
    ):
        path = folder / name
        figure.savefig(path, dpi=110, bbox_inches="tight")
        written.append(path)
    return written


def _grid(n: int, size: float = 3.2) -> tuple[Figure, list]:
    cols = min(n, 3)
    rows = -(-n // cols)
    figure = Figure(figsize=(size * cols, 2.6 * rows), layout="constrained")
    axes = figure.subplots(rows, cols, squeeze=False).ravel()
    for ax in axes[n:]:
        ax.set_visible(False)
    return figure, list(axes[:n])


def marginals(calibration, posterior: pd.DataFrame) -> Figure:
    """Weighted posterior histogram of each parameter over its prior density."""
    figure, axes = _grid(len(calibration.priors))
    for ax, prior in zip(axes, calibration.priors, strict=True):
        x = np.linspace(prior.low, prior.high, 200)
        ax.plot(x, prior.frozen().pdf(x), color="0.5", label="prior")
        ax.hist(
            posterior[prior.name],
            bins=25,
            range=(prior.low, prior.high),
            weights=posterior["weight"],
            density=True,
            alpha=0.6,
            color="C0",
            label="posterior",
        )
        ax.set_xlabel(prior.name)
        ax.set_yticks([])
    axes[0].legend(fontsize=8)
    figure.suptitle(f"{calibration.name}: marginal posteriors (grey: prior)")
    return figure


def pairs(calibration, posterior: pd.DataFrame) -> Figure:
    """Scatter of every pair of parameters, point size by weight."""
    names = calibration.parameter_names
    n = len(names)
    figure = Figure(figsize=(2.4 * n, 2.4 * n), layout="constrained")
    axes = figure.subplots(n, n, squeeze=False)
    size = 2 + 30 * posterior["weight"] / posterior["weight"].max()
    for i, yi in enumerate(names):
        for j, xj in enumerate(names):
            ax = axes[i, j]
            if i == j:
                ax.hist(posterior[xj], bins=20, weights=posterior["weight"], color="C0")
            elif i > j:
                ax.scatter(posterior[xj], posterior[yi], s=size, alpha=0.4, color="C0")
            else:
                ax.set_visible(False)
            if i == n - 1:
                ax.set_xlabel(xj, fontsize=8)
            if j == 0 and i > 0:
                ax.set_ylabel(yi, fontsize=8)
            ax.tick_params(labelsize=7)
    figure.suptitle("posterior pairs")
    return figure


def epsilon_schedule(populations: pd.DataFrame) -> Figure:
    """Epsilon and simulations per generation."""
    figure = Figure(figsize=(5.5, 3.2), layout="constrained")
    ax = figure.subplots()
    ax.plot(populations.t, populations.epsilon, marker="o")
    ax.set_yscale("log")
    ax.set_xlabel("generation")
    ax.set_ylabel("epsilon (distance, scale units)")
    twin = ax.twinx()
    twin.bar(populations.t, populations.samples, alpha=0.2, color="C1")
    twin.set_ylabel("simulations", color="C1")
    ax.set_title("ABC-SMC epsilon schedule")
    return figure


def predictive(calibration, draws: pd.DataFrame, observed: dict[str, float]) -> Figure:
    """Posterior-predictive histograms of each statistic with the story's (or truth's) value."""
    stats = [(s, observed.get(s.name, s.observed), "fitted") for s in calibration.statistics]
    stats += [(s, s.observed, "held out") for s in calibration.heldout]
    figure, axes = _grid(len(stats))
    for ax, (stat, value, kind) in zip(axes, stats, strict=True):
        values = draws[stat.name].dropna() if stat.name in draws else pd.Series(dtype=float)
        ax.hist(values, bins=20, color="C0" if kind == "fitted" else "C2", alpha=0.7)
        ax.axvline(value, color="C3", lw=2, label="story")
        ax.set_xlabel(f"{stat.name} ({kind})", fontsize=8)
        ax.set_yticks([])
    axes[0].legend(fontsize=8)
    figure.suptitle("posterior predictive against the story's numbers (red)")
    return figure
