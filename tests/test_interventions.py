"""Interventions from outside: breach, memorial, message, mitigation, referendum; all logged."""

import numpy as np
import pytest

from model import CrewModel


def test_breach_now_in_a_chosen_section_kills_and_displaces():
    model = CrewModel(rng=71)
    report = model.breach(deaths=3, section=7)
    assert report["section"] == 7 and report["deaths"] == 3
    assert 30 <= report["displaced_households"] <= 42
    dead = model.events().query("kind == 'death'")
    assert len(dead) == 3 and set(dead.cause) == {"breach"}
    assert set(dead.compartment) == {report["compartment"]}
    assert model.today is not None
    model.step()
    assert model.series().deaths.iloc[-1] >= 3


def test_breach_bigger_than_the_compartment_spills_into_the_section():
    model = CrewModel(rng=72)
    report = model.breach(deaths=20, section=3)
    dead = model.events().query("kind == 'death'")
    assert report["deaths"] == 20 and set(dead.section) == {3}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"deaths": -1}, "deaths=-1 is invalid"),
        ({"deaths": 2.5}, "deaths=2.5 is invalid"),
        ({"section": 999}, r"section=999 is invalid: expected a whole number in \[0, "),
        ({"compartment": -3}, "compartment=-3 is invalid"),
    ],
)
def test_bad_breach_arguments_are_clear_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        CrewModel(rng=73).breach(**kwargs)


def test_each_intervention_is_logged():
    model = CrewModel(rng=74, mitigate_after_breach=False)
    model.memorial()
    model.broadcast("candid")
    assert model.mitigate() is True
    assert model.mitigate() is False  # already under way
    model.call_referendum()
    kinds = model.events().kind.tolist()
    assert kinds[-4:] == ["memorial", "message", "mitigation", "referendum"]


def test_run_rejects_bad_days():
    model = CrewModel(rng=75)
    with pytest.raises(ValueError, match="days=-2 is invalid"):
        model.run(-2)
    assert model.run(0).day == 0


def test_snapshot_is_one_row_per_person():
    model = CrewModel(rng=76)
    model.breach(deaths=2)
    snap = model.snapshot()
    assert len(snap) == model.state.size
    assert snap.alive.sum() == 2998
    assert np.allclose(snap.belief, model.state.belief)


def test_today_shows_the_live_state_after_an_intervention():
    model = CrewModel(rng=77)
    model.run(2)
    row_before = model.series().iloc[-1].copy()
    model.breach(deaths=3)
    assert model.today["alive"] == 2997 and model.today["deaths"] == 3
    assert model.series().iloc[-1].equals(row_before)  # the collected day-2 record stays
    model.call_referendum()
    assert model.today["referendums"] == 1 and model.today["vote_change_requests"] == 0


def test_switching_strategy_at_day_0_runs_as_if_built_with_it():
    built = CrewModel(rng=12, n_crew=600, captain_strategy="candid", impact_rate=60.0)
    switched = CrewModel(rng=12, n_crew=600, captain_strategy="reassure", impact_rate=60.0)
    switched.set_strategy("candid")
    built.run(60)
    switched.run(60)
    assert switched.series().equals(built.series())
    logged = switched.events()
    assert (logged.kind == "strategy").sum() == 1
