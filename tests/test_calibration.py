"""Calibration to the story (FACTS.md): each test is one of its numbers."""

import numpy as np
import pytest

from model import CrewModel

COLLAPSE_REGIME = dict(
    impact_rate=12.0, penetration_probability=1.0, mitigate_after_breach=False
)  # a penetrating breach about once a month


def _requests_after_breach(seed: int, days: int = 7) -> int:
    control, breach = CrewModel(rng=seed), CrewModel(rng=seed)
    breach.breach(deaths=3)
    control.run(days)
    breach.run(days)
    return breach.today["vote_change_requests"] - control.today["vote_change_requests"]


@pytest.mark.slow
def test_a_breach_of_three_moves_dozens_of_votes_within_a_week():
    """Story: 3 deaths, then 47 people asked the captain to change their vote."""
    extra = [_requests_after_breach(seed) for seed in range(20)]
    assert all(20 <= e <= 100 for e in extra), extra
    assert 30 <= np.median(extra) <= 70


@pytest.mark.slow
def test_a_quiet_year_with_a_reassuring_captain_does_not_collapse():
    collapsed = [CrewModel(rng=seed).run(365).collapse_day is not None for seed in range(20)]
    assert sum(collapsed) <= 2


@pytest.mark.slow
def test_monthly_breaches_and_a_silent_captain_collapse_morale_within_two_years():
    days = [
        CrewModel(rng=100 + s, captain_strategy="silent", **COLLAPSE_REGIME).run(730).collapse_day
        for s in range(10)
    ]
    assert sum(d is not None for d in days) >= 6, days


@pytest.mark.slow
def test_leadership_strategy_changes_the_outcome():
    """Memorial framing protects cohesion under the same monthly breaches."""

    def lowest_cohesion(strategy, seed):
        model = CrewModel(rng=200 + seed, captain_strategy=strategy, **COLLAPSE_REGIME)
        return model.run(365).series().cohesion.min()

    silent = [lowest_cohesion("silent", s) for s in range(6)]
    memorial = [lowest_cohesion("memorial", s) for s in range(6)]
    assert np.mean(memorial) - np.mean(silent) > 0.05
    assert min(memorial) > max(silent)
