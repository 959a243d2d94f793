"""Is the ship stationary over the voyage? The demography alone, many seeds, 200 years.

    python experiments/stationarity.py [--seeds 20] [--years 200] [--crew 3000] [--workers 2]
                                       [--start-ages uniform|stationary]

Runs :func:`model.stationarity.demography_voyage` (deaths by age, partnering, coming of age,
retirement, planned births on a ship's state arrays and network; beliefs, trust and collapse
left out) for seeds 1..N, a row every 10 years, and prints, per decade, the range over seeds of
the population, deaths and births a year (the decade's means), median age, mean degree,
clustering and household size; then issue 12's checks: population within ±5% of the start at
every decade, median age drift per century, degree and clustering within ±10% of day 0.
"""

from __future__ import annotations

import argparse
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd
from tqdm import tqdm

from model.stationarity import demography_voyage

EVERY = 10  # years between rows
#: The network after the start's construction has worn off (docs/ODD.md §7.4): its second check.
SETTLED = 50


def voyage(args: tuple[int, int, int, str]) -> pd.DataFrame:
    seed, years, crew, start_ages = args
    frame = pd.DataFrame(demography_voyage(seed, years, crew, EVERY, start_ages))
    frame["seed"] = seed
    return frame


def span(values: pd.Series, fmt: str) -> str:
    low, high = values.min(), values.max()
    return format(low, fmt) if low == high else f"{format(low, fmt)}–{format(high, fmt)}"


def decade_table(runs: pd.DataFrame) -> str:
    runs = runs.assign(deaths=runs.deaths / EVERY, births=runs.births / EVERY)
    columns = {
        "alive": ".0f",
        "deaths": ".1f",
        "births": ".1f",
        "median_age": ".1f",
        "degree": ".1f",
        "clustering": ".3f",
        "household": ".2f",
    }
    lines = [
        "| year | alive | deaths/yr | births/yr | median age | mean degree | clustering "
        "| household size |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for year, rows in runs.groupby("year"):
        cells = [
            "—" if year == 0 and name in ("deaths", "births") else span(rows[name], fmt)
            for name, fmt in columns.items()
        ]
        lines.append(f"| {year} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def checks(runs: pd.DataFrame, crew: int) -> list[str]:
    start = runs[runs.year == 0].set_index("seed")
    later = runs[runs.year > 0]
    seeds = runs.seed.nunique()

    def within(name: str, share: float, base: pd.Series | float) -> tuple[int, float, float]:
        ref = later.seed.map(base) if isinstance(base, pd.Series) else base
        ratio = later[name] / ref - 1
        ok = (ratio.abs() <= share).groupby(later.seed).all()
        return int(ok.sum()), float(ratio.min()), float(ratio.max())

    lines = []
    n, low, high = within("alive", 0.05, float(crew))
    lines.append(
        f"population within ±5% of {crew} at every decade: {n} of {seeds} seeds "
        f"(range {low:+.1%} to {high:+.1%})"
    )
    for name in ("degree", "clustering"):
        n, low, high = within(name, 0.10, start[name])
        lines.append(
            f"{name} within ±10% of day 0 at every decade: {n} of {seeds} seeds "
            f"(range {low:+.1%} to {high:+.1%})"
        )
    settled = runs[runs.year >= SETTLED]
    if settled.year.nunique() > 1:
        base = settled[settled.year == SETTLED].set_index("seed")
        for name in ("degree", "clustering"):
            ratio = settled[name] / settled.seed.map(base[name]) - 1
            ok = (ratio.abs() <= 0.10).groupby(settled.seed).all()
            lines.append(
                f"{name} within ±10% of year {SETTLED} at every decade from then on: "
                f"{int(ok.sum())} of {seeds} seeds (range {ratio.min():+.1%} to {ratio.max():+.1%})"
            )
    age = runs.pivot(index="seed", columns="year", values="median_age")
    years = sorted(age.columns)
    for a, b in zip(years[::10], years[10::10], strict=False):
        drift = (age[b] - age[a]).abs()
        lines.append(
            f"median age drift from year {a} to {b}: median {drift.median():.1f} years, "
            f"largest {drift.max():.1f} (under 3 in {int((drift < 3).sum())} of {seeds} seeds)"
        )
    deaths = later.groupby("seed").deaths.sum() / later.year.max()
    lines.append(
        f"deaths a year over the voyage: median {deaths.median():.1f} "
        f"(range {deaths.min():.1f}–{deaths.max():.1f})"
    )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20, help="seeds 1..N (default 20)")
    parser.add_argument("--years", type=int, default=200, help="years (default 200)")
    parser.add_argument("--crew", type=int, default=3000, help="crew at day 0 (default 3000)")
    parser.add_argument("--workers", type=int, default=2, help="processes (default 2)")
    parser.add_argument(
        "--start-ages",
        choices=("uniform", "stationary"),
        default="uniform",
        help="the start's age pyramid (the parameter start_ages; default uniform)",
    )
    args = parser.parse_args()
    if args.seeds < 1 or args.years < EVERY or args.crew < 100 or args.workers < 1:
        parser.error(f"expected --seeds >= 1, --years >= {EVERY}, --crew >= 100, --workers >= 1")
    tasks = [(seed, args.years, args.crew, args.start_ages) for seed in range(1, args.seeds + 1)]
    with ProcessPoolExecutor(args.workers) as pool:
        frames = list(tqdm(pool.map(voyage, tasks), total=len(tasks), desc="voyages"))
    runs = pd.concat(frames, ignore_index=True)
    print(
        f"{args.seeds} seeds, {args.crew} crew, {args.years} years, start_ages="
        f"{args.start_ages}, the demography alone (range over seeds)\n"
    )
    print(decade_table(runs))
    print()
    for line in checks(runs, args.crew):
        print(line)


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
