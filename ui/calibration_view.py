"""A calibration folder on the Sweeps page: marginals, posterior predictive, held-out checks.

It reads what ``python -m model calibrate FILE --out DIR`` writes: ``posterior.parquet`` (the
weighted particles), ``summary.json`` (parameter summaries, predictive checks and the
calibration file's text, which gives the priors) and, when present, ``predictive.parquet``
(the posterior-predictive draws).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import solara
from matplotlib.figure import Figure

from ui.markdown import Markdown

POSTERIOR = "posterior.parquet"
SUMMARY = "summary.json"
PREDICTIVE = "predictive.parquet"
BOOKKEEPING = ("weight", "generation")


def is_calibration(folder: str | Path) -> bool:
    """True for a folder holding a calibration's ``posterior.parquet`` and ``summary.json``."""
    folder = Path(folder)
    return (folder / POSTERIOR).is_file() and (folder / SUMMARY).is_file()


@dataclass
class PriorRange:
    """A parameter's prior: its range, and its density when the calibration file is known."""

    low: float
    high: float
    kind: str = ""
    pdf: Any = field(default=None, repr=False)


@dataclass
class CalibrationResult:
    """What the page shows of a calibration folder."""

    name: str
    posterior: pd.DataFrame
    summary: dict[str, Any]
    priors: dict[str, PriorRange]
    draws: pd.DataFrame | None

    @property
    def parameters(self) -> list[str]:
        return [c for c in self.posterior.columns if c not in BOOKKEEPING]


def read_calibration(folder: str | Path) -> tuple[CalibrationResult | None, str | None]:
    """(the calibration, None) or (None, a one-line reason)."""
    folder = Path(folder)
    try:
        posterior = pd.read_parquet(folder / POSTERIOR)
        summary = json.loads((folder / SUMMARY).read_text())
    except (OSError, ValueError) as error:
        return None, f"{folder} is not a readable calibration folder: {error}"
    if "weight" not in posterior.columns or not isinstance(summary, dict):
        return None, f"{folder} is not a readable calibration folder: no particle weights"
    draws = None
    if (folder / PREDICTIVE).is_file():
        try:
            draws = pd.read_parquet(folder / PREDICTIVE)
        except (OSError, ValueError):
            draws = None
    names = [c for c in posterior.columns if c not in BOOKKEEPING]
    result = CalibrationResult(
        name=str(summary.get("name", folder.name)),
        posterior=posterior,
        summary=summary,
        priors=_priors(summary, names, posterior),
        draws=draws,
    )
    return result, None


def _priors(summary: dict[str, Any], names: list[str], posterior: pd.DataFrame):
    """Each parameter's prior: from the calibration file kept in the summary (range and
    density), else the prior's 95% interval in the summary, else the particles' range."""
    found: dict[str, PriorRange] = {}
    text = summary.get("calibration_file")
    if isinstance(text, str) and text:
        from model.calibration import parse_calibration

        try:
            for prior in parse_calibration(text).priors:
                found[prior.name] = PriorRange(
                    prior.low, prior.high, prior.distribution, prior.frozen().pdf
                )
        except ValueError:
            found = {}
    for name in names:
        if name in found:
            continue
        entry = summary.get("parameters", {}).get(name, {})
        ends = entry.get("prior_ci95")
        if isinstance(ends, list) and len(ends) == 2:
            found[name] = PriorRange(float(ends[0]), float(ends[1]), "95% interval")
        else:
            column = posterior[name].to_numpy(dtype=float)
            found[name] = PriorRange(float(column.min()), float(column.max()), "")
    return found


def _grid(n: int) -> tuple[Figure, list]:
    cols = min(max(n, 1), 3)
    rows = max(-(-n // cols), 1)
    figure = Figure(figsize=(3.2 * cols, 2.5 * rows), layout="constrained")
    axes = figure.subplots(rows, cols, squeeze=False).ravel()
    for ax in axes[n:]:
        ax.set_visible(False)
    return figure, list(axes[:n])


def marginals_figure(result: CalibrationResult) -> Figure:
    """Weighted posterior histogram per parameter over its prior range (grey: the prior's
    density when the calibration file is known; dashed: the prior range's ends)."""
    names = result.parameters
    figure, axes = _grid(len(names))
    weights = result.posterior["weight"].to_numpy(dtype=float)
    for ax, name in zip(axes, names, strict=True):
        prior = result.priors[name]
        values = result.posterior[name].to_numpy(dtype=float)
        low, high = min(prior.low, values.min()), max(prior.high, values.max())
        if high <= low:
            low, high = low - 0.5, high + 0.5
        ax.hist(
            values,
            bins=25,
            range=(low, high),
            weights=weights,
            density=True,
            alpha=0.6,
            color="#2166ac",
            label="posterior",
        )
        if prior.pdf is not None:
            x = np.linspace(prior.low, prior.high, 200)
            ax.plot(x, prior.pdf(x), color="0.45", label="prior")
        for end in (prior.low, prior.high):
            ax.axvline(end, color="0.45", ls="--", lw=1)
        ax.set_xlabel(name, fontsize=8)
        ax.set_yticks([])
        ax.tick_params(labelsize=7)
    if axes:
        axes[0].legend(fontsize=7)
    figure.suptitle("marginal posteriors over the prior range (dashed)", fontsize=9)
    return figure


def predictive_figure(result: CalibrationResult) -> Figure:
    """Per statistic: the posterior-predictive draws (or their median and 90% range) with the
    story's value (red)."""
    checks = result.summary.get("predictive_checks", {}) or {}
    figure, axes = _grid(len(checks))
    for ax, (name, check) in zip(axes, checks.items(), strict=True):
        held = bool(check.get("held_out"))
        colour = "#1b7837" if held else "#2166ac"
        draws = result.draws
        if draws is not None and name in draws.columns and draws[name].notna().any():
            ax.hist(draws[name].dropna(), bins=20, color=colour, alpha=0.7)
            ax.set_yticks([])
        elif check.get("predictive_90"):
            lo, hi = check["predictive_90"]
            ax.plot([lo, hi], [0, 0], color=colour, lw=6, alpha=0.6, label="90% of draws")
            ax.plot([check["predictive_median"]], [0], "o", color=colour, label="median")
            ax.set_yticks([])
        observed = check.get("observed")
        if observed is not None:
            ax.axvline(float(observed), color="#b2182b", lw=2, label="story")
        p = check.get("p_value")
        verdict = "" if p is None else f", p = {p:.2f}"
        ax.set_xlabel(f"{name} ({'held out' if held else 'fitted'}{verdict})", fontsize=8)
        ax.tick_params(labelsize=7)
    if axes:
        axes[0].legend(fontsize=7)
    figure.suptitle("posterior predictive against the story's numbers (red)", fontsize=9)
    return figure


def _number(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float) and math.isfinite(value):
        return f"{value:.3g}"
    return str(value)


def checks_markdown(result: CalibrationResult, held_out: bool) -> str:
    """The held-out (or fitted) predictive checks as a Markdown table."""
    rows = [
        (name, c)
        for name, c in (result.summary.get("predictive_checks", {}) or {}).items()
        if bool(c.get("held_out")) == held_out
    ]
    if not rows:
        return ""
    lines = [
        "| statistic | story | predictive median | 90% of draws | p | verdict |",
        "|---|---|---|---|---|---|",
    ]
    for name, c in rows:
        interval = c.get("predictive_90") or [None, None]
        p = c.get("p_value")
        verdict = "–" if p is None else ("passes" if c.get("passes", p >= 0.05) else "**fails**")
        lines.append(
            f"| {name} | {_number(c.get('observed'))} | {_number(c.get('predictive_median'))} "
            f"| {_number(interval[0])} to {_number(interval[1])} | {_number(p)} | {verdict} |"
        )
    return "\n".join(lines)


def parameters_markdown(result: CalibrationResult) -> str:
    """Median, 95% credible interval, prior range and width ratio per parameter."""
    summary = result.summary.get("parameters", {}) or {}
    lines = [
        "| parameter | median | 95% credible | prior range | width / prior |",
        "|---|---|---|---|---|",
    ]
    for name in result.parameters:
        s = summary.get(name, {})
        ci = s.get("ci95") or [None, None]
        prior = result.priors[name]
        lines.append(
            f"| {name} | {_number(s.get('median'))} | {_number(ci[0])} to {_number(ci[1])} "
            f"| {_number(prior.low)} to {_number(prior.high)} | {_number(s.get('width_ratio'))} |"
        )
    return "\n".join(lines)


def headline(result: CalibrationResult) -> str:
    """One line: particles, effective sample size, generations, simulations, final epsilon."""
    s = result.summary
    parts = [f"{result.name}: {len(result.posterior)} particles"]
    if "effective_sample_size" in s:
        parts.append(f"effective sample size {_number(s['effective_sample_size'])}")
    if "generations" in s:
        parts.append(f"{s['generations']} generations")
    if "simulations" in s:
        parts.append(f"{s['simulations']} simulations")
    if s.get("epsilon_schedule"):
        parts.append(f"final epsilon {_number(s['epsilon_schedule'][-1])}")
    return ", ".join(parts)


@solara.component
def CalibrationView(folder: str) -> solara.Element:
    """A calibration folder: headline, parameter table, marginals, posterior predictive and
    the held-out checks."""
    result, problem = solara.use_memo(lambda: read_calibration(folder), [folder])
    figures = solara.use_memo(
        lambda: (
            []
            if result is None
            else [
                ("marginals", marginals_figure(result)),
                ("posterior predictive", predictive_figure(result)),
            ]
        ),
        [folder],
    )
    with solara.Column(classes=["calibration-view"]) as main:
        if problem or result is None:
            solara.Error(problem or f"{folder}: nothing to show", classes=["ui-message"])
            return main
        solara.Text(headline(result), classes=["calibration-summary"])
        Markdown(parameters_markdown(result))
        with solara.Row(classes=["calibration-figures"], style={"flex-wrap": "wrap"}):
            for title, figure in figures:
                with solara.Card(title):
                    solara.FigureMatplotlib(figure, dependencies=[folder, title], format="png")
        held = checks_markdown(result, held_out=True)
        Markdown("### Held-out checks (measured on posterior draws, never fitted)")
        if held:
            Markdown(held)
        else:
            solara.Text("this calibration declares no held-out patterns")
        fitted = checks_markdown(result, held_out=False)
        if fitted:
            Markdown("### Fitted statistics")
            Markdown(fitted)
    return main
