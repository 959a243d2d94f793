"""The event-kind registry (model/event_kinds.py): a kind of intervention registered there alone
is checked, replayed by a timeline and carried by an experiment file."""

from __future__ import annotations

import pytest

from model import CrewModel, event_kinds
from model.event_kinds import WHOLE, Argument, EventKind
from model.sweeps.spec import parse_experiment
from model.timeline import check, replay


def drill_verb(model: CrewModel, crew: int) -> bool:
    """The throwaway kind's verb: a drill, logged."""
    model.log("drill", f"{crew} crew drilled", count=crew)
    return True


@pytest.fixture
def drill():
    """A throwaway kind, registered for one test."""
    kind = event_kinds.register(
        EventKind(
            "drill",
            label="Hold a drill",
            verb=drill_verb,
            arguments=(Argument("crew", "Crew drilled", WHOLE, default=5),),
            card="{crew} drilled",
        )
    )
    yield kind
    event_kinds.unregister("drill")


def test_a_registered_kind_is_checked_and_replayed_by_a_timeline(drill):
    assert check({"day": 2, "kind": "drill", "crew": 4}) == {"day": 2, "kind": "drill", "crew": 4}
    with pytest.raises(ValueError, match=r"^crew=-1 is invalid: expected a whole number >= 0$"):
        check({"day": 2, "kind": "drill", "crew": -1})
    with pytest.raises(ValueError, match="unknown key 'tone' for a drill"):
        check({"day": 2, "kind": "drill", "tone": "candid"})
    model = replay(CrewModel(rng=3, n_crew=200), [{"day": 2, "kind": "drill"}], 3)
    drills = model.events().query("kind == 'drill'")
    assert drills[["day", "count"]].values.tolist() == [[2, 5]]  # the declared default


def test_an_experiment_file_carries_a_registered_kind(drill):
    text = (
        "horizon_days = 3\nreplicates = 1\nroot_seed = 3\n[fixed]\nn_crew = 200\n"
        '[[interventions]]\nday = 1\nkind = "drill"\ncrew = 9\n'
    )
    experiment = parse_experiment(text)
    assert list(experiment.interventions) == [{"day": 1, "kind": "drill", "crew": 9}]
    model = replay(CrewModel(rng=3, n_crew=200), experiment.interventions, 3)
    assert model.events().query("kind == 'drill'")["count"].tolist() == [9]


def test_an_unregistered_kind_is_refused_again(drill):
    event_kinds.unregister("drill")
    with pytest.raises(ValueError, match="kind='drill' is invalid: expected one of breach, mess"):
        check({"day": 1, "kind": "drill"})


def test_the_builtin_verbs_check_with_the_registry_texts():
    model = CrewModel(rng=3, n_crew=200)
    with pytest.raises(ValueError, match=r"^deaths=-1 is invalid: expected a whole number >= 0$"):
        model.breach(deaths=-1)
    with pytest.raises(ValueError, match=r"^tone='shout' is invalid: expected one of reassure"):
        model.broadcast("shout")
    with pytest.raises(ValueError, match=r"^tone='shout' is invalid: expected one of reassure"):
        check({"day": 0, "kind": "message", "tone": "shout"})  # a timeline's words are the same
