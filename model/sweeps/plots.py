"""Figures of sweep results, built on :class:`matplotlib.figure.Figure` (no pyplot state,
so they can be drawn from a server's threads).

* :func:`phase_diagram_figure`: probability of an outcome over two parameters (heatmap).
* :func:`probability_curve_figure`: the probability along one parameter with Wilson 95% bands.
* :func:`series_bands_figure`: support and cohesion over time, median and bands across seeds.
* :func:`early_warning_figure`: Kendall's tau of the rising variance and autocorrelation
  before collapses, and one run's indicators.
* :func:`threshold_figure`: a threshold search's runs, fitted curve and interval.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from model.parameters import declarations
from model.sweeps.signals import SIGNAL_COLUMNS, rolling_indicators

#: A numeric parameter with more distinct values than this is binned in the phase diagram.
MAX_LEVELS = 12
BINS = 8


def varied_parameters(manifest_or_runs: dict[str, Any] | pd.DataFrame) -> list[str]:
    """The parameters a sweep varied: from its manifest, or the parameter columns of its runs
    table that take more than one value."""
    if isinstance(manifest_or_runs, dict):
        varied = manifest_or_runs.get("varied")
        if varied is None:
            raise ValueError("not a sweep manifest: no 'varied' entry")
        return list(varied)
    runs = manifest_or_runs
    names = [d["name"] for d in declarations()]
    return [n for n in names if n in runs.columns and runs[n].nunique(dropna=False) > 1]


def wilson_interval(successes: np.ndarray, trials: np.ndarray, z: float = 1.96):
    """Wilson score 95% interval of a binomial proportion (arrays)."""
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


def _usable(runs: pd.DataFrame, outcome: str) -> pd.DataFrame:
    if outcome not in runs.columns:
        raise ValueError(f"outcome={outcome!r} is not a column of the runs table")
    ok = runs if "failed" not in runs.columns else runs[~runs["failed"].astype(bool)]
    ok = ok[ok[outcome].notna()].copy()
    ok["_y"] = ok[outcome].astype(float)
    return ok


def _levels(values: pd.Series) -> tuple[pd.Series, list[Any], bool]:
    """Group keys for a parameter: its values, or bins if numeric with many values."""
    numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
    distinct = values.unique()
    if numeric and len(distinct) > MAX_LEVELS:
        edges = np.linspace(values.min(), values.max(), BINS + 1)
        centres = (edges[:-1] + edges[1:]) / 2
        index = np.clip(np.searchsorted(edges, values, side="right") - 1, 0, BINS - 1)
        return pd.Series(centres[index], index=values.index), list(centres), True
    order = sorted(distinct) if numeric else list(dict.fromkeys(values))
    return values, order, numeric


def _label(value: Any) -> str:
    return f"{value:.3g}" if isinstance(value, float | np.floating) else str(value)


def phase_diagram_figure(runs: pd.DataFrame, x: str, y: str, outcome: str = "collapsed") -> Figure:
    """Probability of ``outcome`` over two parameters, as a heatmap with runs per cell."""
    data = _usable(runs, outcome)
    xs, x_levels, _ = _levels(data[x])
    ys, y_levels, _ = _levels(data[y])
    table = data.assign(_x=xs.to_numpy(), _yk=ys.to_numpy()).groupby(["_yk", "_x"])["_y"]
    mean, count = table.mean(), table.size()
    grid = np.full((len(y_levels), len(x_levels)), np.nan)
    counts = np.zeros_like(grid)
    for (yk, xk), value in mean.items():
        i, j = y_levels.index(yk), x_levels.index(xk)
        grid[i, j] = value
        counts[i, j] = count[(yk, xk)]
    fig = Figure(figsize=(1.2 + 0.75 * max(len(x_levels), 4), 1.4 + 0.5 * max(len(y_levels), 4)))
    ax = fig.add_subplot()
    image = ax.imshow(grid, origin="lower", aspect="auto", cmap="magma_r", vmin=0, vmax=1)
    for i in range(len(y_levels)):
        for j in range(len(x_levels)):
            if np.isfinite(grid[i, j]):
                ax.text(
                    j,
                    i,
                    f"{grid[i, j]:.2f}",
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if grid[i, j] > 0.55 else "black",
                )
    ax.set_xticks(range(len(x_levels)), [_label(v) for v in x_levels], rotation=45)
    ax.set_yticks(range(len(y_levels)), [_label(v) for v in y_levels])
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    n = int(np.median(counts[counts > 0])) if (counts > 0).any() else 0
    ax.set_title(f"P({outcome}) — about {n} runs a cell")
    fig.colorbar(image, ax=ax, label=f"P({outcome})")
    fig.tight_layout()
    return fig


def probability_curve_figure(
    runs: pd.DataFrame, param: str, outcome: str = "collapsed", group: str | None = None
) -> Figure:
    """Probability of ``outcome`` along ``param`` with Wilson 95% bands, one line per value of
    ``group`` (default: another varied parameter with few values, if any)."""
    data = _usable(runs, outcome)
    if group is None:
        others = [p for p in varied_parameters(runs) if p != param]
        group = next((p for p in others if data[p].nunique() <= 6), None)
    xs, _, numeric = _levels(data[param])
    data = data.assign(_x=xs.to_numpy())
    fig = Figure(figsize=(7, 4.2))
    ax = fig.add_subplot()
    groups = [(None, data)] if group is None else list(data.groupby(group, sort=False))
    for key, part in groups:
        stats = part.groupby("_x")["_y"].agg(["sum", "size"])
        if not numeric:
            stats = stats.reindex([v for v in dict.fromkeys(part["_x"])])
        lo, hi = wilson_interval(stats["sum"].to_numpy(), stats["size"].to_numpy())
        position = stats.index.to_numpy() if numeric else np.arange(len(stats))
        p = stats["sum"] / stats["size"]
        label = None if key is None else f"{group} = {_label(key)}"
        (line,) = ax.plot(position, p, marker="o", ms=3, label=label)
        ax.fill_between(position, lo, hi, alpha=0.2, color=line.get_color(), lw=0)
        if not numeric:
            ax.set_xticks(position, [_label(v) for v in stats.index])
    ax.axhline(0.5, color="grey", lw=0.8, ls=":")
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel(param)
    ax.set_ylabel(f"P({outcome})")
    ax.set_title(f"P({outcome}) along {param} (bands: Wilson 95%)")
    if group is not None:
        ax.legend(fontsize=8, frameon=False)
    fig.tight_layout()
    return fig


def series_bands_figure(
    series: pd.DataFrame,
    runs: pd.DataFrame | None = None,
    group: str | None = None,
    columns: tuple[str, ...] = ("support_continue", "cohesion"),
    bands: tuple[float, float] = (0.1, 0.9),
) -> Figure:
    """Median and a band (default 10th-90th percentile) across seeds of each column over
    time; one line per value of ``group`` (a runs-table column) when ``runs`` is given."""
    columns = tuple(c for c in columns if c in series.columns)
    if not columns:
        raise ValueError("the series has none of the columns to draw")
    data = series
    if runs is not None and group is not None:
        data = series.merge(runs[["run_id", group]], on="run_id", how="left")
    fig = Figure(figsize=(7, 2.6 * len(columns)))
    axes = fig.subplots(len(columns), 1, sharex=True, squeeze=False)[:, 0]
    groups = [(None, data)] if group is None else list(data.groupby(group, sort=False))
    for ax, column in zip(axes, columns, strict=True):
        for key, part in groups:
            by_day = part.groupby("day")[column]
            median = by_day.median()
            lo, hi = by_day.quantile(bands[0]), by_day.quantile(bands[1])
            label = None if key is None else f"{group} = {_label(key)}"
            (line,) = ax.plot(median.index, median.to_numpy(), lw=1.4, label=label)
            ax.fill_between(median.index, lo, hi, alpha=0.2, color=line.get_color(), lw=0)
        ax.set_ylabel(column)
    axes[0].set_title(
        f"median and {bands[0]:.0%}-{bands[1]:.0%} band across {series['run_id'].nunique()} runs"
    )
    if group is not None:
        axes[0].legend(fontsize=8, frameon=False)
    axes[-1].set_xlabel("day")
    fig.tight_layout()
    return fig


def early_warning_figure(runs: pd.DataFrame, series: pd.DataFrame | None = None) -> Figure:
    """Kendall's tau of rolling variance and lag-1 autocorrelation before each collapse
    (Scheffer et al. 2009), and, with series, the indicators of one collapsing run."""
    taus = [c for c in SIGNAL_COLUMNS if c.endswith("_tau")]
    collapsed = runs[runs.get("collapsed", pd.Series(False, index=runs.index)).fillna(False)]
    values = [collapsed[c].dropna().to_numpy() for c in taus]
    panels = 2 if series is not None and len(collapsed) else 1
    fig = Figure(figsize=(6.5 * panels, 4))
    ax = fig.add_subplot(1, panels, 1)
    labels = [c.removeprefix("ews_").removesuffix("_tau").replace("_", "\n") for c in taus]
    if any(len(v) for v in values):
        ax.boxplot(
            [v if len(v) else [np.nan] for v in values], tick_labels=labels, showfliers=False
        )
        rng = np.random.default_rng(0)
        for i, v in enumerate(values, start=1):
            ax.scatter(i + rng.uniform(-0.12, 0.12, len(v)), v, s=8, alpha=0.5)
    else:
        ax.set_xticks(range(1, len(labels) + 1), labels)
        ax.text(0.5, 0.5, "no collapses with enough history", transform=ax.transAxes, ha="center")
    ax.axhline(0, color="grey", lw=0.8)
    ax.set_ylim(-1.05, 1.05)
    ax.set_ylabel("Kendall's tau of the trend")
    ax.set_title(f"early-warning trends before {len(values[0])} collapses")
    if panels == 2:
        _indicator_panel(fig.add_subplot(1, 2, 2), collapsed, series)
    fig.tight_layout()
    return fig


def _indicator_panel(ax, collapsed: pd.DataFrame, series: pd.DataFrame) -> None:
    pick = collapsed.sort_values("ews_days", ascending=False).iloc[0]
    run = series[series["run_id"] == pick["run_id"]]
    onset = pick["collapse_day"] - pick.get("collapse_days", 30) + 1
    before = run[run["day"] < onset]
    if len(before) < 8 or "cohesion" not in before:
        ax.text(0.5, 0.5, "series too short", transform=ax.transAxes, ha="center")
        return
    indicators = rolling_indicators(before["cohesion"].to_numpy())
    ax.plot(before["day"], before["cohesion"], color="black", lw=1, label="cohesion")
    ax.set_ylabel("cohesion")
    ax.set_xlabel("day")
    twin = ax.twinx()
    twin.plot(before["day"], indicators["ac1"], color="tab:red", lw=1, label="lag-1 autocorr.")
    scaled = indicators["variance"] / np.nanmax(indicators["variance"])
    twin.plot(before["day"], scaled, color="tab:blue", lw=1, label="variance (scaled)")
    twin.set_ylabel("indicator")
    twin.legend(fontsize=7, frameon=False, loc="lower left")
    ax.set_title(
        f"run {int(pick['run_id'])}: before the collapse on day {int(pick['collapse_day'])}"
    )


def threshold_figure(result, outcome: str = "collapse") -> Figure:
    """A threshold search: its runs (jittered), the crossing estimate and 95% interval."""
    runs = result.runs
    x = runs[result.parameter].to_numpy(dtype=float)
    y = runs["outcome"].to_numpy(dtype=float)
    fig = Figure(figsize=(7, 4))
    ax = fig.add_subplot()
    rng = np.random.default_rng(0)
    ax.scatter(x, y + rng.uniform(-0.04, 0.04, len(y)), s=8, alpha=0.5, c=runs["round"])
    ax.axvspan(result.ci_low, result.ci_high, color="tab:orange", alpha=0.25, lw=0)
    ax.axvline(result.estimate, color="tab:orange", lw=1.5)
    edges = np.linspace(result.low, result.high, 13)
    index = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, 11)
    k = np.bincount(index, weights=y, minlength=12)
    n = np.bincount(index, minlength=12)
    centres = (edges[:-1] + edges[1:]) / 2
    shown = n > 0
    ax.plot(centres[shown], k[shown] / n[shown], "k.-", lw=0.8, label="share in bin")
    ax.set_xlabel(result.parameter)
    ax.set_ylabel(f"{outcome} (0/1)")
    ax.set_title(
        f"50% crossing at {result.estimate:.4g} "
        f"(95% CI {result.ci_low:.4g}-{result.ci_high:.4g}), {result.n_runs} runs"
    )
    ax.legend(fontsize=8, frameon=False)
    fig.tight_layout()
    return fig


def write_figures(
    folder: str | Path,
    out: str | Path,
    x: str | None = None,
    y: str | None = None,
    outcome: str = "collapsed",
) -> list[Path]:
    """Write a sweep's figures as PNG files in ``out``; returns their paths."""
    from model.sweeps.results import load_results, load_series

    runs, manifest = load_results(folder)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    varied = varied_parameters(manifest)
    x = x or (varied[0] if varied else None)
    y = y or next((p for p in varied if p != x), None)
    written: list[Path] = []

    def save(fig: Figure, name: str) -> None:
        path = out / name
        fig.savefig(path, dpi=100)
        written.append(path)

    if x is not None and y is not None:
        save(phase_diagram_figure(runs, x, y, outcome), "phase_diagram.png")
    if x is not None:
        curve_param, group = x, y
        if y is not None and runs[x].nunique() <= 6 < runs[y].nunique():
            curve_param, group = y, x  # the curve along the numeric axis, one line per level
        if group is not None and runs[group].nunique() > 6:
            group = None
        save(
            probability_curve_figure(runs, curve_param, outcome, group=group),
            "probability_curve.png",
        )
    series = load_series(folder)
    if series is not None:
        group = next((p for p in varied if runs[p].nunique() <= 6), None)
        save(series_bands_figure(series, runs, group=group), "series_bands.png")
    if "collapsed" in runs.columns:
        full = series
        if full is not None:
            full = full.merge(runs[["run_id", "collapse_days"]], on="run_id")
        save(early_warning_figure(runs, full), "early_warning.png")
    return written
