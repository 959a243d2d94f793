"""The story's numbers and the leadership comparison, measured over seeds; prints tables.

    python experiments/story_checks.py [--seeds 20]

1. The story's breach: extra vote-change requests 7 days after 3 deaths, over a no-breach
   control with the same seed.
2. A quiet year with a reassuring captain: how many seeds collapse.
   Held-out patterns of the same runs (not used to set any parameter): where the extra
   requesters live (within two hops of a victim or in the breached section, against that
   group's share of voters) and when they file (share within two days of the breach).
3. Quiet years: support for continuing stays near the recorded referendum's.
4. Leadership under monthly breaches (the collapse regime): for each captain's strategy, the
   share of seeds whose morale collapsed within two years, the mean day of collapse, the mean
   lowest cohesion, the final trust, and the referendums held.

With ``--posterior DIR`` (a ``python -m model calibrate`` output folder) each seed of the
leadership table draws its calibrated parameters from the posterior (the particle a sweep run
with that seed would draw, ``model.sweeps.uncertainty``), the same particle for every strategy:
the table then carries parameter uncertainty as well as seed noise.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm import tqdm

from model import CrewModel
from model.parameters import STRATEGIES
from model.patterns import breach_response
from model.sweeps.uncertainty import Posterior, load_posterior

COLLAPSE_REGIME = {
    "impact_rate": 12.0,
    "penetration_probability": 1.0,
    "mitigate_after_breach": False,
}


def breach_requests(seeds: int, days: int = 7) -> pd.DataFrame:
    """The story's breach of 3 against a no-breach control, one row a seed."""
    rows = [
        breach_response(seed, days) for seed in tqdm(range(seeds), desc="story breach", leave=False)
    ]
    frame = pd.DataFrame(rows)
    frame["within_two_days"] = frame.extra_by_day_2 / frame.extra
    return frame


def quiet_support(seeds: int, days: int = 365) -> pd.Series:
    """Largest distance (points) of daily support from the recorded referendum's, quiet year."""
    gaps = []
    for seed in tqdm(range(seeds), desc="quiet support", leave=False):
        model = CrewModel(rng=seed)
        first = model.referendums[0]
        recorded = first.continue_votes / (first.continue_votes + first.divert_votes)
        model.run(days)
        gaps.append(100 * (model.series().support_continue - recorded).abs().max())
    return pd.Series(gaps, name="largest gap from recorded support (points)")


def quiet_year(seeds: int) -> int:
    return sum(
        CrewModel(rng=s).run(365).collapse_day is not None
        for s in tqdm(range(seeds), desc="quiet year", leave=False)
    )


def outcome(model: CrewModel) -> dict:
    """What a run of the leadership table records: collapse and its day, the lowest cohesion,
    the final trust, the referendums held, and whether the ship ended diverted."""
    series = model.series()
    return {
        "collapsed": model.collapse_day is not None,
        "collapse_day": model.collapse_day,
        "min_cohesion": series.cohesion.min(),
        "final_trust": series.mean_trust.iloc[-1],
        "referendums": len(model.held_referendums),
        "diverted": not series.mission_continue.iloc[-1],
    }


def leadership(seeds: int, days: int = 730, posterior: Posterior | None = None) -> pd.DataFrame:
    """One row a strategy over seeds 100, 101, ...; with a posterior, seed s runs with the
    particle it draws (the same for every strategy: common random numbers and parameters)."""
    rows = []
    for strategy in tqdm([s for s in STRATEGIES if s != "scripted"], desc="strategies"):
        for seed in range(seeds):
            drawn = posterior.draw(100 + seed)[1] if posterior is not None else {}
            model = CrewModel(rng=100 + seed, captain_strategy=strategy, **COLLAPSE_REGIME, **drawn)
            rows.append({"strategy": strategy, **outcome(model.run(days))})
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
    parser.add_argument(
        "--posterior",
        type=Path,
        default=None,
        help="a calibration folder: the leadership table's runs draw from its posterior",
    )
    parser.add_argument(
        "--only", choices=["leadership"], default=None, help="run only the leadership table"
    )
    args = parser.parse_args()
    posterior = None
    if args.posterior is not None:
        try:
            posterior = load_posterior(str(args.posterior), "story_checks", where="--posterior")
        except ValueError as error:
            parser.error(str(error))
    if args.only == "leadership":
        print_leadership(args.seeds, posterior)
        return
    runs = breach_requests(args.seeds)
    extra = runs.extra
    print(
        f"1. story breach (3 deaths), {args.seeds} seeds: extra requests after 7 days "
        f"median {extra.median():.0f}, range {extra.min()}-{extra.max()} (story: 47)"
    )
    print(
        f"   fitted: extra requests within two days median {runs.extra_by_day_2.median():.0f}, "
        f"range {runs.extra_by_day_2.min()}-{runs.extra_by_day_2.max()} (story: 47 'came to me "
        "yesterday')"
    )
    print(
        "   held out: share of extra requesters within two ties of a victim or in the breached "
        f"section median {runs.near_share_of_extra.median():.0%} (that group is "
        f"{runs.near_share_of_voters.median():.0%} of voters; concentration "
        f"{runs.concentration.median():.1f}x, range {runs.concentration.min():.1f}-"
        f"{runs.concentration.max():.1f})"
    )
    print(
        "   share of the 7-day extra requests filed within two days "
        f"median {runs.within_two_days.median():.0%}, range {runs.within_two_days.min():.0%}-"
        f"{runs.within_two_days.max():.0%} (story: 'came to me yesterday')"
    )
    print(
        f"2. quiet year, reassuring captain: {quiet_year(args.seeds)} of {args.seeds} "
        "seeds collapse"
    )
    gaps = quiet_support(args.seeds)
    print(
        "3. held out: quiet year, largest daily distance of support from the recorded "
        f"referendum's: median {gaps.median():.1f} points, max {gaps.max():.1f}"
    )
    print_leadership(args.seeds, posterior)


def print_leadership(seeds: int, posterior: Posterior | None) -> None:
    drawn = (
        ""
        if posterior is None
        else f", parameters {', '.join(posterior.names)} drawn from {posterior.folder}"
    )
    print(f"4. monthly breaches for two years, {seeds} seeds per strategy{drawn}:")
    with pd.option_context("display.float_format", "{:.2f}".format):
        print(leadership(seeds, posterior=posterior).to_string())


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
