"""Metrics, the cohesion index and the morale-collapse event."""

import numpy as np
import pandas as pd
import pytest

from model import CrewModel
from model.metrics import CollapseWatch, bimodality, cohesion_index


def test_collapse_needs_a_sustained_spell_above_the_level():
    watch = CollapseWatch(level=0.5, days=3)
    days = [0.4, 0.6, 0.6, 0.5, 0.6, 0.6, 0.6, 0.7, 0.8]  # the level itself is not above
    fired = [watch.update(day, c) for day, c in enumerate(days)]
    assert fired == [False] * 6 + [True, False, False]
    assert watch.collapse_day == 6


def test_cohesion_is_the_geometric_mean_of_trust_faith_and_composure():
    assert cohesion_index(0.7, 0.5, 0.0) == pytest.approx((0.7 * 0.5) ** (1 / 3))
    assert cohesion_index(0.0, 0.9, 0.0) == 0.0
    assert cohesion_index(0.8, 0.8, 1.0) == 0.0


def test_bimodality_coefficient_matches_known_distributions():
    rng = np.random.default_rng(0)
    uniform = bimodality(rng.uniform(size=200_000))
    normal = bimodality(rng.normal(size=200_000))
    split = bimodality(np.concatenate([rng.normal(-3, 1, 100_000), rng.normal(3, 1, 100_000)]))
    assert uniform == pytest.approx(5 / 9, abs=0.01)
    assert normal == pytest.approx(1 / 3, abs=0.01)
    assert split > 5 / 9
    assert np.isnan(bimodality(np.array([0.5, 0.5])))


def test_day_0_metrics_describe_the_start():
    model = CrewModel(rng=51)
    t = model.today
    assert t["support_continue"] == pytest.approx(1057 / 2065, abs=0.01)
    assert t["mean_trust"] == pytest.approx(0.7)
    assert t["mean_grief"] == 0
    assert 0.6 < t["cohesion"] < 0.8
    assert 0 < t["cross_ties"] < 1


def test_collapse_event_is_recorded_once_with_its_day():
    # no trust at all: the divert-minded disengage from day 1 (none are disengaged at day 0)
    model = CrewModel(rng=52, n_crew=500, initial_trust=0.0, collapse_level=0.0, collapse_days=5)
    model.run(20)
    collapse = model.events().query("kind == 'collapse'")
    assert len(collapse) == 1
    assert model.series().disengaged_share.iloc[0] == 0
    assert model.collapse_day == collapse.day.iloc[0] == 5  # above from day 1: 5th day is 5
    assert model.summary()["collapse_day"] == 5


def test_series_has_the_promised_columns():
    series = CrewModel(rng=53).run(3).series()
    for column in (
        "day",
        "alive",
        "support_continue",
        "cohesion",
        "mean_trust",
        "mean_grief",
        "vote_change_requests",
        "deaths",
    ):
        assert column in series
    assert series.day.tolist() == [0, 1, 2, 3]


def test_a_sparse_series_keeps_every_kth_row_of_the_same_run():
    """``series_every``: the rows kept are the daily run's rows on those days, and what is
    not a series row (events, the collapse watch, the dynamics) is the daily run's."""
    settings = dict(rng=53, n_crew=400, initial_trust=0.1, collapse_level=0.05, collapse_days=9)
    daily, sparse = CrewModel(**settings), CrewModel(**settings, series_every=7)
    daily.breach(deaths=3)
    sparse.breach(deaths=3)
    daily.run(45)
    sparse.run(45)
    kept = sparse.series()
    assert kept.day.tolist() == list(range(0, 46, 7))
    pd.testing.assert_frame_equal(kept, daily.series().iloc[::7].reset_index(drop=True))
    pd.testing.assert_frame_equal(sparse.events(), daily.events())
    assert sparse.collapse_day == daily.collapse_day is not None
    assert sparse.collapse_day % 7  # confirmed on a day without a series row
    assert sparse.today == daily.today  # measured on demand


@pytest.mark.parametrize("every", [0, -1, 1.5, True, "7"])
def test_series_every_takes_a_whole_number_of_days(every):
    with pytest.raises(ValueError, match=f"series_every={every!r} is invalid: expected a whole"):
        CrewModel(rng=1, n_crew=50, series_every=every)
