"""Common random numbers by design (model/streams.py): each process has its own stream and
draws a fixed amount a day, so a choice that moves beliefs (the captain's strategy) shifts no
hazard's random numbers, and a twin with the same settings is the same run."""

import numpy as np
import pandas as pd
import pytest

from model import CrewModel
from model.streams import PROCESSES, poisson_from_uniform

#: Hazards high enough that 60 days at 400 crew see background deaths and hull breaches.
HAZARDS = dict(n_crew=400, impact_rate=20.0, penetration_probability=0.5, mortality_per_1000=40.0)
DAYS = 60


def stream_states(model: CrewModel) -> dict:
    """Every random stream's state: the processes', demography's, disengagement's, traits'."""
    states = {n: g.bit_generator.state for n, g in model.streams.generators().items()}
    states["demography"] = model.demography.rng.bit_generator.state
    states["disengagement"] = model.disengagement.rng.bit_generator.state
    states["traits"] = model.traits.bit_generator.state
    return states


def hazard_events(model: CrewModel) -> pd.DataFrame:
    """Background deaths (day, victim, cause) and breaches (day, compartment)."""
    events = model.events()
    background = events["cause"].isin(["premature", "old age"]) & (events["kind"] == "death")
    breaches = events["kind"] == "breach"
    return events[background | breaches][["day", "kind", "slot", "compartment", "cause"]]


@pytest.fixture(scope="module")
def reassure_and_candid():
    ships = [
        CrewModel(rng=1, captain_strategy=strategy, **HAZARDS)
        for strategy in ("reassure", "candid")
    ]
    for ship in ships:
        ship.run(DAYS)
    return ships


def test_the_strategy_moves_beliefs_but_no_hazard_draw(reassure_and_candid):
    a, b = reassure_and_candid
    # the choice made a difference (else the test would prove nothing) ...
    assert not np.array_equal(a.state.belief, b.state.belief)
    assert not a.series()["support_continue"].equals(b.series()["support_continue"])
    # ... and the hazards struck the same days, the same people, the same compartments
    events_a, events_b = hazard_events(a), hazard_events(b)
    deaths = events_a[events_a["kind"] == "death"]
    assert len(deaths) >= 3 and (events_a["kind"] == "breach").sum() >= 2
    pd.testing.assert_frame_equal(events_a.reset_index(drop=True), events_b.reset_index(drop=True))


def test_every_stream_stays_in_step_whatever_the_strategy(reassure_and_candid):
    """Each process draws the same amount a day on both ships (requests: one uniform per slot,
    not one per voter who changed their mind)."""
    a, b = reassure_and_candid
    assert a.counts == b.counts
    assert stream_states(a) == stream_states(b)


def test_a_twin_with_the_same_settings_is_the_same_run():
    ships = [CrewModel(rng=7, captain_strategy="candid", **HAZARDS) for _ in range(2)]
    for ship in ships:
        ship.breach(deaths=None)  # an intervention's draws: their own stream
        ship.run(30)
    a, b = ships
    pd.testing.assert_frame_equal(a.series(), b.series())
    pd.testing.assert_frame_equal(a.events(), b.events())
    assert np.array_equal(a.state.belief, b.state.belief)
    assert stream_states(a) == stream_states(b)


def test_the_processes_have_distinct_streams():
    model = CrewModel(rng=3, n_crew=200)
    firsts = [g.bit_generator.state["state"]["state"] for g in model.streams.generators().values()]
    firsts += [model.demography.rng.bit_generator.state["state"]["state"]]
    assert len(set(firsts)) == len(PROCESSES) + 1


def test_requests_draw_one_number_per_slot_whoever_qualifies():
    """Whether nobody or many want to change their vote, a day's requests take the same
    amount from their stream."""
    quiet, busy = CrewModel(rng=5, n_crew=200), CrewModel(rng=5, n_crew=200)
    busy.state.belief[:] = 1.0 - busy.state.belief  # everyone's intention left their vote
    for model in (quiet, busy):
        model.petition.daily(model.state, model.voters(), model.streams.petition)
    assert busy.state.requested.any() and not quiet.state.requested.any()
    assert stream_states(quiet)["petition"] == stream_states(busy)["petition"]


@pytest.mark.parametrize("mean", [0.002, 0.8, 4.0, 60.0])
def test_the_inverse_cdf_poisson_count_has_the_poisson_mean_and_variance(mean):
    u = np.random.default_rng(11).random(40_000)
    counts = np.array([poisson_from_uniform(x, mean) for x in u])
    se = np.sqrt(mean / len(u))
    assert abs(counts.mean() - mean) < 5 * se
    assert counts.var() == pytest.approx(mean, rel=0.05 + 5 / np.sqrt(len(u) * max(mean, 0.01)))
    assert poisson_from_uniform(0.5, 0.0) == 0


def test_a_slightly_different_rate_gives_the_same_counts_for_almost_every_draw():
    u = np.random.default_rng(12).random(10_000)
    low = np.array([poisson_from_uniform(x, 1.0) for x in u])
    high = np.array([poisson_from_uniform(x, 1.01) for x in u])
    assert (low != high).mean() < 0.01
