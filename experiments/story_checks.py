"""The story's numbers and the leadership comparison, measured over seeds; prints tables.

    python experiments/story_checks.py [--seeds 20]

1. The story's breach: extra vote-change requests 7 days after 3 deaths, over a no-breach
   control with the same seed.
2. A quiet year with a reassuring captain: how many seeds collapse.
3. Leadership under monthly breaches (the collapse regime): for each captain's strategy, the
   share of seeds whose morale collapsed within two years, the mean day of collapse, the mean
   lowest cohesion, the final trust, and the referendums held.
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd
from tqdm import tqdm

from model import CrewModel
from model.parameters import STRATEGIES

COLLAPSE_REGIME = {
    "impact_rate": 12.0,
    "penetration_probability": 1.0,
    "mitigate_after_breach": False,
}


def breach_requests(seeds: int) -> pd.Series:
    extra = []
    for seed in tqdm(range(seeds), desc="story breach", leave=False):
        control, breach = CrewModel(rng=seed), CrewModel(rng=seed)
        breach.breach(deaths=3)
        control.run(7)
        breach.run(7)
        extra.append(breach.today["vote_change_requests"] - control.today["vote_change_requests"])
    return pd.Series(extra, name="extra requests after 7 days")


def quiet_year(seeds: int) -> int:
    return sum(
        CrewModel(rng=s).run(365).collapse_day is not None
        for s in tqdm(range(seeds), desc="quiet year", leave=False)
    )


def leadership(seeds: int, days: int = 730) -> pd.DataFrame:
    rows = []
    for strategy in tqdm([s for s in STRATEGIES if s != "scripted"], desc="strategies"):
        for seed in range(seeds):
            model = CrewModel(rng=100 + seed, captain_strategy=strategy, **COLLAPSE_REGIME)
            model.run(days)
            series = model.series()
            rows.append(
                {
                    "strategy": strategy,
                    "collapsed": model.collapse_day is not None,
                    "collapse_day": model.collapse_day,
                    "min_cohesion": series.cohesion.min(),
                    "final_trust": series.mean_trust.iloc[-1],
                    "referendums": len(model.held_referendums),
                    "diverted": not series.mission_continue.iloc[-1],
                }
            )
    frame = pd.DataFrame(rows)
    return frame.groupby("strategy", sort=False).agg(
        collapsed=("collapsed", "mean"),
        mean_collapse_day=("collapse_day", "mean"),
        min_cohesion=("min_cohesion", "mean"),
        final_trust=("final_trust", "mean"),
        referendums=("referendums", "mean"),
        diverted=("diverted", "mean"),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    args = parser.parse_args()
    extra = breach_requests(args.seeds)
    print(
        f"1. story breach (3 deaths), {args.seeds} seeds: extra requests after 7 days "
        f"median {extra.median():.0f}, range {extra.min()}-{extra.max()} (story: 47)"
    )
    print(
        f"2. quiet year, reassuring captain: {quiet_year(args.seeds)} of {args.seeds} "
        "seeds collapse"
    )
    print(f"3. monthly breaches for two years, {args.seeds} seeds per strategy:")
    with pd.option_context("display.float_format", "{:.2f}".format):
        print(leadership(args.seeds).to_string())


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
