"""The question over the journey: the voyage study's table and figure from its results.

    python experiments/voyage_figure.py results/voyage [--out FIGURE.png]

Reads a finished (or partial) sweep of ``experiments/voyage.toml`` (or the pilot) and prints,
for each captain's strategy and breach rate, the number of voyages, the share in which the crew
forced a referendum by petition, the ship diverted, and morale collapsed before the run ended
(arrival, extinction or the horizon), each with its Wilson 95% interval and the median year it
came in the voyages where it came, and how the voyages ended. The figure draws, for each of the
three events, the share of voyages in which it has come by each year (one panel an event, one
line a strategy and rate). Writes ``RESULTS/voyage.png`` unless ``--out`` says otherwise.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from model.analysis import load_results, wilson_interval

YEAR = 365.0
#: The events, by their column in runs.parquet: (column, label).
EVENTS = (
    ("forced_referendum_day", "referendum forced by petition"),
    ("diversion_day", "diverted"),
    ("collapse_day", "morale collapsed"),
)
STRATEGY_COLOURS = {
    "silent": "#d62728",
    "reassure": "#1f77b4",
    "memorial": "#2ca02c",
    "candid": "#9467bd",
}


def breaches_a_year(runs: pd.DataFrame) -> pd.Series:
    """Penetrating breaches a year of each run: impacts a year x the share that penetrates."""
    return runs["impact_rate"] * runs["penetration_probability"]


def voyage_table(runs: pd.DataFrame) -> pd.DataFrame:
    """One row a strategy and breach rate: voyages, and for each event the share of voyages
    it came in (Wilson 95% interval) and the median year it came; how the voyages ended."""
    runs = runs[~runs["failed"]].assign(breaches=breaches_a_year(runs))
    rows = []
    for (strategy, breaches), cell in runs.groupby(["captain_strategy", "breaches"], sort=True):
        n = len(cell)
        row = {"strategy": strategy, "breaches_a_year": breaches, "voyages": n}
        for column, label in EVENTS:
            came = cell[column].notna()
            low, high = wilson_interval(np.array([came.sum()]), np.array([n]))
            row[f"{label} %"] = 100 * came.mean()
            row[f"{label} 95% CI"] = f"{100 * low[0]:.0f}–{100 * high[0]:.0f}"
            row[f"{label}: median year"] = (
                float(np.median(cell.loc[came, column] / YEAR)) if came.any() else np.nan
            )
        ended = cell["ended"].fillna("horizon")
        for how in ("arrival", "extinction", "horizon"):
            row[f"ended: {how}"] = int((ended == how).sum())
        rows.append(row)
    order = {name: i for i, name in enumerate(STRATEGY_COLOURS)}
    table = pd.DataFrame(rows)
    return table.sort_values(
        ["strategy", "breaches_a_year"], key=lambda c: c.map(order) if c.name == "strategy" else c
    ).reset_index(drop=True)


def voyage_figure(runs: pd.DataFrame, horizon_days: int) -> Figure:
    """For each event, the share of voyages in which it has come by each year of the voyage,
    one line a strategy (colour) and breach rate (line width grows with the rate), up to the
    last day any voyage ran (its end, or the horizon)."""
    runs = runs[~runs["failed"]].assign(breaches=breaches_a_year(runs))
    rates = sorted(runs["breaches"].unique())
    widths = dict(zip(rates, np.linspace(0.8, 3.0, len(rates)), strict=True))
    last = runs["end_day"].fillna(horizon_days).max() / YEAR
    years = np.linspace(0.0, last, 600)
    figure = Figure(figsize=(15, 4.2), layout="constrained")
    axes = figure.subplots(1, len(EVENTS), sharey=True)
    for ax, (column, label) in zip(axes, EVENTS, strict=True):
        for (strategy, breaches), cell in runs.groupby(["captain_strategy", "breaches"]):
            when = np.sort(cell[column].dropna().to_numpy() / YEAR)
            share = np.searchsorted(when, years, side="right") / len(cell)
            ax.step(
                years,
                100 * share,
                where="post",
                color=STRATEGY_COLOURS.get(strategy, "grey"),
                linewidth=widths[breaches],
                label=f"{strategy}, {breaches:.3g} breaches/yr",
            )
        ax.set_title(f"{label} by year")
        ax.set_xlabel("year of the voyage")
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("% of voyages")
    axes[0].set_ylim(-2, 102)
    n = runs.groupby(["captain_strategy", "breaches"]).size()
    handles, labels = axes[0].get_legend_handles_labels()
    figure.legend(
        handles,
        labels,
        loc="outside right upper",
        fontsize=7,
        title=f"{n.min()}–{n.max()} voyages a line"
        if n.min() != n.max()
        else f"{n.min()} voyages a line",
    )
    return figure


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path, help="the voyage sweep's result folder")
    parser.add_argument("--out", type=Path, default=None, help="figure [RESULTS/voyage.png]")
    args = parser.parse_args(argv)
    try:
        runs, manifest = load_results(args.results)
    except (OSError, ValueError) as exc:
        print(f"voyage_figure: {args.results}: {exc}", file=sys.stderr)
        return 2
    missing = {"captain_strategy", "penetration_probability", "ended"} - set(runs.columns)
    if missing or runs.empty:
        print(
            f"voyage_figure: {args.results} is not a voyage sweep with finished runs "
            f"(missing: {', '.join(sorted(missing)) or 'runs'})",
            file=sys.stderr,
        )
        return 2
    table = voyage_table(runs)
    with pd.option_context("display.width", 200, "display.max_columns", 30):
        print(table.round(2).to_string(index=False))
    out = args.out or args.results / "voyage.png"
    voyage_figure(runs, int(manifest["horizon_days"])).savefig(out, dpi=110)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
