"""Calibration to the story (FACTS.md): each test is one of its numbers.

Each tolerance comes from the seed-to-seed spread measured on the seeds the test uses (written
beside it), not from a round number: a median is checked against its distribution-free 95%
interval over the seeds (order statistics 6 and 15 of 20, a binomial interval), a count of
collapses against a 95% Clopper-Pearson interval, a difference of means against twice its
standard error. The last tests are labelled snapshots: the README quotes these exact figures.
"""

import re
from pathlib import Path

import numpy as np
import pytest

from model import CrewModel
from model.patterns import breach_response

README = Path(__file__).resolve().parents[1] / "README.md"
SEEDS = range(20)  # the seeds of experiments/story_checks.py --seeds 20, quoted in the README
STORY_REQUESTS = 47  # FACTS.md: 47 people asked the captain to change their vote
COLLAPSE_REGIME = dict(
    impact_rate=12.0, penetration_probability=1.0, mitigate_after_breach=False
)  # a penetrating breach about once a month


def median_interval(values) -> tuple[float, float]:
    """Distribution-free 95% interval of the median of 20 values: order statistics 6 and 15.

    The number of values below the median is binomial(20, 1/2); P(6 <= rank <= 15) = 0.959.
    """
    assert len(values) == 20
    ordered = np.sort(values)
    return float(ordered[5]), float(ordered[14])


@pytest.fixture(scope="module")
def extra_requests() -> np.ndarray:
    """Extra requests two days after the story's breach over a same-seed control (the story:
    47 "came to me yesterday"), one a seed (about 20 s)."""
    return np.array([breach_response(seed, days=2)["extra_by_day_2"] for seed in SEEDS])


@pytest.fixture(scope="module")
def quiet_years() -> list[CrewModel]:
    """A year of background deaths and a reassuring captain, one model a seed (about 10 s)."""
    return [CrewModel(rng=seed).run(365) for seed in SEEDS]


@pytest.mark.slow
def test_a_breach_of_three_moves_dozens_of_votes_within_two_days(extra_requests):
    """Story: 3 deaths, then 47 people asked the captain to change their vote.

    Measured (seeds 0-19, margin share 49/2,999): median 50, 95% interval of the median 43-51,
    range 37-61, robust sd (1.4826 MAD) 5.9. The story's 47 must lie in the interval of the
    model's median; every seed must lie within 4 robust sd of the median (no broken seed).
    """
    low, high = median_interval(extra_requests)
    assert low <= STORY_REQUESTS <= high, (low, high, sorted(extra_requests))
    median = np.median(extra_requests)
    spread = 1.4826 * np.median(np.abs(extra_requests - median))
    assert spread > 0 and np.all(np.abs(extra_requests - median) <= 4 * spread), extra_requests


@pytest.mark.slow
def test_a_quiet_year_stays_near_the_recorded_support_and_its_cohesion(quiet_years):
    """A quiet year (premature deaths and deaths of old age only, a reassuring captain).

    Measured (seeds 0-19): support drifts toward diversion, by -1.60 binomial sd on average
    (seed sd 1.18; range -3.40 to +0.77; the binomial sd is ~0.011 for ~2,070 voters): some
    41 deaths a year bring grief, and grief moves belief toward diversion (an assumption, see
    README). Lowest cohesion median 0.691, 95% interval of the median 0.687-0.696, range
    0.679-0.703; no seed collapses (the collapse count alone could not fail: the lowest
    cohesion is checked against its spread).

    Every seed's drift must lie within the measured mean +- 3 seed sd (-5 to +2 binomial sd),
    the mean drift within 3 standard errors of the measured mean (-2.39 to -0.81), and the
    median lowest cohesion in its interval.
    """
    drifts = []
    for seed, model in zip(SEEDS, quiet_years, strict=True):
        recorded = model.referendums[0]
        start = recorded.continue_votes / (recorded.continue_votes + recorded.divert_votes)
        end, voters = model.today["support_continue"], model.today["voters"]
        binomial_sd = np.sqrt(start * (1 - start) / voters)  # a re-vote's sampling spread
        drifts.append((end - start) / binomial_sd)
        assert -5 <= drifts[-1] <= 2, (seed, start, end, binomial_sd)
    assert -2.39 <= np.mean(drifts) <= -0.81, np.round(drifts, 2)
    lowest = [model.series().cohesion.min() for model in quiet_years]
    assert 0.686 <= np.median(lowest) <= 0.697, sorted(lowest)
    assert all(model.collapse_day is None for model in quiet_years)


@pytest.mark.slow
def test_monthly_breaches_and_a_silent_captain_collapse_morale_within_two_years():
    """Measured (seeds 100-119, two years, with the rally, the voyage's demography and common
    random numbers): 18 of 20 collapse, on days 292-636; counting a ship that holds as day
    731, the median day is 492 and the 95% interval of the median (order statistics 6 and 15)
    396-554. A silent captain never answers a breach, so never rallies.

    On the 10 seeds used here at least 7 must collapse (at the measured 90%, 6 or fewer has
    probability 0.013), and the median day (a ship that holds counts as day 731) must lie in
    the measured interval of the median.
    """
    days = [
        CrewModel(rng=100 + s, captain_strategy="silent", **COLLAPSE_REGIME).run(730).collapse_day
        for s in range(10)
    ]
    assert sum(day is not None for day in days) >= 7, days
    held_as_731 = [731 if day is None else day for day in days]
    assert 396 <= np.median(held_as_731) <= 554, sorted(held_as_731)


@pytest.mark.slow
def test_leadership_strategy_changes_the_outcome():
    """Memorial framing protects cohesion under the same monthly breaches.

    Measured (seeds 200-219, one year): lowest cohesion silent 0.455 (sd 0.04), memorial 0.554
    (sd 0.04), difference 0.10 with standard error 0.013; the ranges overlap (silent reaches
    0.528, memorial falls to 0.500), so no seed-by-seed order is asserted. On the 6 seeds used
    the difference of means must exceed twice its standard error (Welch).
    """

    def lowest_cohesion(strategy, seed):
        model = CrewModel(rng=200 + seed, captain_strategy=strategy, **COLLAPSE_REGIME)
        return model.run(365).series().cohesion.min()

    silent = np.array([lowest_cohesion("silent", s) for s in range(6)])
    memorial = np.array([lowest_cohesion("memorial", s) for s in range(6)])
    difference = memorial.mean() - silent.mean()
    standard_error = np.sqrt(memorial.var(ddof=1) / 6 + silent.var(ddof=1) / 6)
    assert difference > 2 * standard_error, (difference, standard_error)


# --- labelled snapshots: the exact figures the README quotes ---------------------------------
@pytest.mark.slow
def test_snapshot_readme_breach_figures(extra_requests):
    """SNAPSHOT of README "What comes out of the story": median and range of the breach."""
    text = " ".join(README.read_text().split())
    quoted = re.search(
        r"by a median of \*\*(\d+(?:\.5)?) within two days\*\* \(range (\d+)–(\d+) over (\d+) "
        r"seeds",
        text,
    )
    median, low, high, seeds = (float(g) for g in quoted.groups())
    assert seeds == len(SEEDS)  # an even count of seeds: the median may end in .5
    measured = (np.median(extra_requests), extra_requests.min(), extra_requests.max())
    assert measured == (median, low, high), "update the README: " + str(measured)


@pytest.mark.slow
def test_snapshot_readme_quiet_year_figure(quiet_years):
    """SNAPSHOT of README "What comes out of the story": quiet years that collapse."""
    text = " ".join(README.read_text().split())
    collapsed, seeds = (
        int(g) for g in re.search(r"\*\*(\d+) of (\d+)\*\* seeds end in", text).groups()
    )
    assert seeds == len(SEEDS)
    assert sum(model.collapse_day is not None for model in quiet_years) == collapsed
