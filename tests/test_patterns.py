"""Held-out patterns of the story's breach: those closest to the dead ask, and ask at once.

Neither pattern was used to set a parameter (docs/ODD.md, pattern table). Tolerances come from
the seed-to-seed spread measured over seeds 0-19 (experiments/story_checks.py): concentration
median 4.6x, range 3.2-5.6 over seeds 0-4; share within two days median 0.84, range 0.69-0.91.
"""

import numpy as np
import pytest

from model.patterns import breach_response


@pytest.fixture(scope="module")
def responses():
    return [breach_response(seed) for seed in range(5)]


@pytest.mark.slow
def test_extra_requesters_concentrate_among_those_close_to_the_dead(responses):
    concentration = [r["concentration"] for r in responses]
    # each seed well above 1 (an even, ship-wide response), the median several times over
    assert min(concentration) > 2.0, concentration
    assert np.median(concentration) > 3.0, concentration


@pytest.mark.slow
def test_most_extra_requests_come_within_two_days(responses):
    share = [r["extra_by_day_2"] / r["extra"] for r in responses]
    assert min(share) > 0.5 and np.median(share) > 0.65, share


@pytest.mark.slow
def test_the_breach_moves_dozens_of_votes(responses):
    by_day_2 = [r["extra_by_day_2"] for r in responses]  # the story: 47 "came yesterday"
    assert 20 <= np.median(by_day_2) <= 80, by_day_2
