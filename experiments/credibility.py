"""What a captain's credibility costs when her words and her vote are seen to differ.

    python experiments/credibility.py [--seeds 10] [--visibility 0 0.25 1]

The captain privately favours diversion (``captain_private_belief`` 0.35) while a reassuring
or memorial captain speaks for the mission. Those tied to her always see the gap; a share
``integrity_visibility`` of the rest of the crew see it too. For each visibility, and without
the rule (``integrity_loss`` 0), the same seeds run (common random numbers):

1. a quiet year (no breaches beyond the story's rate): final trust, morale collapses;
2. the collapse regime of the README's leadership table (a penetrating breach about once a
   month for two years): collapses, mean lowest cohesion, final trust.
"""

from __future__ import annotations

import argparse
import itertools

import numpy as np
import pandas as pd
from story_checks import COLLAPSE_REGIME, outcome  # the leadership table's regime and record
from tqdm import tqdm

from model import CrewModel

STRATEGIES = ("reassure", "memorial")  # candour speaks her own belief: no gap


def settings(visibilities: list[float]) -> list[tuple[str, dict[str, float]]]:
    """The rule off, then on at each visibility."""
    rows = [("off (integrity_loss 0)", {"integrity_loss": 0.0})]
    rows += [(f"visibility {v:g}", {"integrity_visibility": v}) for v in visibilities]
    return rows


def measure(seeds: int, visibilities: list[float]) -> pd.DataFrame:
    rows = []
    scenarios = {"quiet year": (365, {}), "monthly breaches, 2 years": (730, COLLAPSE_REGIME)}
    cells = list(itertools.product(scenarios, STRATEGIES, settings(visibilities), range(seeds)))
    for scenario, strategy, (label, params), seed in tqdm(cells, desc="runs"):
        days, regime = scenarios[scenario]
        model = CrewModel(rng=100 + seed, captain_strategy=strategy, **regime, **params)
        out = outcome(model.run(days))
        rows.append({"scenario": scenario, "strategy": strategy, "rule": label, **out})
    return (
        pd.DataFrame(rows)
        .groupby(["scenario", "strategy", "rule"], sort=False)
        .agg(
            collapsed=("collapsed", "mean"),
            min_cohesion=("min_cohesion", "mean"),
            final_trust=("final_trust", "mean"),
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--visibility", type=float, nargs="+", default=[0.0, 0.25, 1.0])
    args = parser.parse_args()
    with pd.option_context("display.float_format", "{:.3f}".format, "display.width", 120):
        print(measure(args.seeds, args.visibility).to_string())


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
