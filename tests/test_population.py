"""The crew over a lifetime (model/population.py): the age pyramid, voters on past days and
the days each generation born aboard took over."""

from __future__ import annotations

import numpy as np
import pytest

from model import CrewModel
from model.population import age_pyramid, death_days, generation_days, voters_by_day


@pytest.fixture(scope="module")
def ship() -> CrewModel:
    """A small ship with deaths, births and a child coming of age within 40 days (voting age
    12: a child of 11.99 years votes from day 4; high premature mortality, so people die)."""
    model = CrewModel(rng=4, n_crew=120, mortality_per_1000=300.0, voting_age=12)
    model.run(40)
    return model


def test_the_pyramid_counts_every_living_person_by_band_and_vote(ship):
    ages = ship.ages()
    pyramid = age_pyramid(ages, ship.state.alive, ship.p.voting_age, band_years=5)
    assert pyramid.total.sum() == ship.state.alive.sum()
    assert pyramid.voters.sum() == ship.voters().sum()
    living = ages[ship.state.alive]
    assert pyramid.edges[-1] > living.max() >= pyramid.edges[-2]
    for i, (low, high) in enumerate(zip(pyramid.edges[:-1], pyramid.edges[1:], strict=True)):
        assert pyramid.total[i] == ((living >= low) & (living < high)).sum()


def test_the_pyramid_splits_a_band_at_the_voting_age():
    pyramid = age_pyramid(np.array([1.0, 16.0, 17.9, 18.0, 19.0, 30.0]), np.ones(6, bool), 18)
    assert pyramid.edges.tolist() == [0, 5, 10, 15, 20, 25, 30, 35]
    assert pyramid.children.tolist() == [1, 0, 0, 2, 0, 0, 0]
    assert pyramid.voters.tolist() == [0, 0, 0, 2, 0, 0, 1]
    with pytest.raises(ValueError, match="band_years"):
        age_pyramid(np.ones(2), np.ones(2, bool), 18, band_years=0)


def test_voters_on_every_past_day_are_the_series_voters(ship):
    deaths = death_days(ship.ledger, ship.state.size)
    assert np.isfinite(deaths).sum() == ship.counts["deaths"] > 0
    assert ship.counts["births"] > 0
    ages = ship.ages()
    assert ((ages >= 12) & (ages < 12 + 40 / 365) & ship.state.alive).any()  # came of age
    series = ship.series()
    counted = voters_by_day(
        ship.state.birth_day, deaths, ship.p.voting_age, series["day"].to_numpy()
    )
    assert counted.tolist() == series["voters"].tolist()


def test_generations_take_over_when_they_are_most_of_the_voters():
    # two founders (born long before day 0), voting age 10 years: the first born aboard
    # (days 100 and 200) vote from days 3750 and 3850; founder 0 dies on day 3800
    year = 365.0
    birth = np.array([-40 * year, -40 * year, 100.0, 200.0, 4000.0])
    death = np.array([3800.0, np.inf, np.inf, np.inf, np.inf])
    # day 3850: born aboard 2 of 3 voters -> generation 1 takes over
    # generation 2 (born after 3850): slot 4 votes from day 7650, 1 of 4: not yet
    assert generation_days(birth, death, 10, 8000) == [3850]
    assert generation_days(birth, death, 10, 3849) == []
    death[1] = 7000.0
    death[2] = 7000.0
    death[3] = 7700.0
    # from day 7700 slot 4 is the only voter: generation 2 takes over
    assert generation_days(birth, death, 10, 8000) == [3850, 7700]
