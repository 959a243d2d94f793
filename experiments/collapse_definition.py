"""How the collapse threshold moves with the definition of collapse.

The threshold is the breach rate (penetrating breaches a year, no reinforcement) at which the
probability of a collapse within two years crosses 50%, found by linear interpolation between
the rates tried. Each variant changes one parameter of the behavioural definition from its
default; ``collapse_level`` variants are read from the baseline runs' ``disengaged_share``
series (the level only decides when a collapse is declared, not the dynamics).

    nice python experiments/collapse_definition.py            # ~8 min on one core
    nice python experiments/collapse_definition.py --seeds 2 --crew 500   # quick look

The captain is silent by default (``--strategy``): since the rally, a captain who answers
breaches holds the ship at every rate tried, so no definition would show a threshold.

Prints a markdown table (docs/ODD.md §7.8 quotes it).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from model import CrewModel
from model.parameters import STRATEGIES

#: Every impact breaches and nothing is reinforced, so impact_rate is the breach rate.
REGIME = {"penetration_probability": 1.0, "mitigate_after_breach": False}
RATES = (0.0, 2.0, 4.0, 6.0, 9.0, 12.0, 24.0)
VARIANTS: dict[str, dict[str, float]] = {
    "defaults": {},
    "disengage_strain 0.55": {"disengage_strain": 0.55},
    "disengage_strain 0.65": {"disengage_strain": 0.65},
    "maintenance_slack 0.10": {"maintenance_slack": 0.10},
    "maintenance_slack 0.25": {"maintenance_slack": 0.25},
    "backlog_trust_erosion 0": {"backlog_trust_erosion": 0.0},
}
LEVELS = (0.15, 0.35)  # collapse_level variants, read from the default runs


def collapsed(share: np.ndarray, level: float, days: int) -> bool:
    """Whether the share stays above ``level`` for ``days`` days in a row."""
    spell = 0
    for above in share > level:
        spell = spell + 1 if above else 0
        if spell >= days:
            return True
    return False


def threshold(rates: tuple[float, ...], probability: list[float]) -> str:
    """The rate where the probability first reaches 0.5 (linear interpolation), as text."""
    for i, p in enumerate(probability):
        if p >= 0.5:
            if i == 0:
                return f"≤ {rates[0]:g}"
            r0, r1, p0 = rates[i - 1], rates[i], probability[i - 1]
            return f"{r0 + (r1 - r0) * (0.5 - p0) / (p - p0):.1f}"
    return f"> {rates[-1]:g}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3, help="replicates per rate (default 3)")
    parser.add_argument("--crew", type=int, default=3000, help="crew size (default 3000)")
    parser.add_argument(
        "--strategy",
        default="silent",
        choices=[s for s in STRATEGIES if s != "scripted"],
        help="the captain's strategy (default silent)",
    )
    parser.add_argument("--days", type=int, default=730, help="horizon (default 730)")
    args = parser.parse_args()
    if args.seeds < 1 or args.crew < 10 or args.days < 1:
        parser.error("expected --seeds >= 1, --crew >= 10, --days >= 1")
    start = time.time()
    rows = []
    for name, params in VARIANTS.items():
        by_rate: list[list[np.ndarray]] = []
        for rate in RATES:
            shares = []
            for seed in range(args.seeds):
                model = CrewModel(
                    rng=1000 + seed,
                    n_crew=args.crew,
                    impact_rate=rate,
                    captain_strategy=args.strategy,
                    **REGIME,
                    **params,
                ).run(args.days)
                shares.append(model.series().disengaged_share.to_numpy())
            by_rate.append(shares)
        p_model = CrewModel(rng=0, n_crew=10, **params).p
        levels = [(name, p_model.collapse_level)]
        if name == "defaults":
            levels += [(f"collapse_level {lv:.2f}", lv) for lv in LEVELS]
        for label, level in levels:
            prob = [
                float(np.mean([collapsed(s, level, p_model.collapse_days) for s in shares]))
                for shares in by_rate
            ]
            rows.append((label, prob, threshold(RATES, prob)))
    print(
        f"{args.crew} crew, {args.strategy} captain, {args.days} days, {args.seeds} seeds a rate, "
        f"{time.time() - start:.0f} s\n"
    )
    header = " | ".join(f"{r:g}/yr" for r in RATES)
    print(f"| definition | P(collapse) at {header} | threshold (breaches/yr) |")
    print("|---|" + "---|" * len(RATES) + "---|")
    for label, prob, thr in rows:
        cells = " | ".join(f"{p:.2f}" for p in prob)
        print(f"| {label} | {cells} | {thr} |")


if __name__ == "__main__":
    main()
