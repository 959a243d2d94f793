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

from model.analysis import load_results, varied_parameters, wilson_interval

YEAR = 365.0
#: The two parameters whose product is the breach rate (one axis of the study).
BREACH_FACTORS = ("impact_rate", "penetration_probability")
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


def other_varied(runs: pd.DataFrame, varied: list[str] | None = None) -> list[str]:
    """The varied parameters besides the strategy and the breach rate's two factors (each
    value of them is a cell of its own)."""
    names = varied if varied is not None else varied_parameters(runs)
    return [n for n in names if n not in ("captain_strategy", *BREACH_FACTORS)]


def voyage_table(runs: pd.DataFrame, varied: list[str] | None = None) -> pd.DataFrame:
    """One row a cell (strategy, breach rate and any other varied parameter): voyages, and
    for each event the share of voyages it came in (Wilson 95% interval) and the median year
    it came; how the voyages ended."""
    runs = runs[~runs["failed"]].assign(breaches=breaches_a_year(runs))
    extra = other_varied(runs, varied)
    rows = []
    for key, cell in runs.groupby(["captain_strategy", "breaches", *extra], sort=True):
        n = len(cell)
        strategy, breaches, *values = key
        row = {"strategy": strategy, "breaches_a_year": breaches}
        row.update(zip(extra, values, strict=True))
        row["voyages"] = n
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
        ["strategy", "breaches_a_year", *extra],
        key=lambda c: c.map(order) if c.name == "strategy" else c,
    ).reset_index(drop=True)


def voyage_figure(runs: pd.DataFrame, horizon_days: int, varied: list[str] | None = None) -> Figure:
    """For each event, the share of voyages in which it has come by each year of the voyage,
    one line a strategy (colour) and breach rate (line width grows with the rate), up to the
    last day any voyage ran (its end, or the horizon)."""
    runs = runs[~runs["failed"]].assign(breaches=breaches_a_year(runs))
    extra = other_varied(runs, varied)
    styles = ["-", "--", ":", "-."]
    combos = sorted(runs[extra].drop_duplicates().itertuples(index=False, name=None))
    extra_style = {combo: styles[i % len(styles)] for i, combo in enumerate(combos)}
    rates = sorted(runs["breaches"].unique())
    widths = dict(zip(rates, np.linspace(0.8, 3.0, len(rates)), strict=True))
    last = runs["end_day"].fillna(horizon_days).max() / YEAR
    years = np.linspace(0.0, last, 600)
    figure = Figure(figsize=(15, 4.2), layout="constrained")
    axes = figure.subplots(1, len(EVENTS), sharey=True)
    for ax, (column, label) in zip(axes, EVENTS, strict=True):
        for key, cell in runs.groupby(["captain_strategy", "breaches", *extra]):
            strategy, breaches, *values = key
            when = np.sort(cell[column].dropna().to_numpy() / YEAR)
            share = np.searchsorted(when, years, side="right") / len(cell)
            others = "".join(f", {n} {_value(v)}" for n, v in zip(extra, values, strict=True))
            ax.step(
                years,
                100 * share,
                where="post",
                color=STRATEGY_COLOURS.get(strategy, "grey"),
                linewidth=widths[breaches],
                linestyle=extra_style[tuple(values)],
                label=f"{strategy}, {breaches:.3g} breaches/yr{others}",
            )
        ax.set_title(f"{label} by year")
        ax.set_xlabel("year of the voyage")
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("% of voyages")
    axes[0].set_ylim(-2, 102)
    n = runs.groupby(["captain_strategy", "breaches", *extra]).size()
    handles, labels = axes[0].get_legend_handles_labels()
    figure.legend(
        handles,
        labels,
        loc="outside right upper",
        fontsize=7,
        title=_count(n.min()) if n.min() == n.max() else f"{n.min()}–{_count(n.max())}",
    )
    return figure


def _count(n: int) -> str:
    return f"{n} voyage a line" if n == 1 else f"{n} voyages a line"


def _value(v) -> str:
    return f"{v:g}" if isinstance(v, int | float | np.number) else str(v)


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
    varied = list(manifest.get("varied", [])) or None
    table = voyage_table(runs, varied)
    with pd.option_context("display.width", 200, "display.max_columns", 30):
        print(table.round(2).to_string(index=False))
    out = args.out or args.results / "voyage.png"
    voyage_figure(runs, int(manifest["horizon_days"]), varied).savefig(out, dpi=110)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
