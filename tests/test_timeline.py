"""Timelines of interventions (model/timeline.py) and ``[[interventions]]`` in experiment files."""

from __future__ import annotations

import pytest

from model import CrewModel
from model.sweeps.runner import RunSettings, RunTask, execute_run
from model.sweeps.spec import SpecError, parse_experiment
from model.timeline import check, replay

HEAD = "horizon_days = 6\nreplicates = 1\nroot_seed = 5\n[fixed]\nn_crew = 300\n"
TIMELINE = [
    {"day": 1, "kind": "breach", "deaths": 2, "compartment": 20},
    {"day": 1, "kind": "message", "tone": "candid"},
    {"day": 3, "kind": "strategy", "name": "silent"},
    {"day": 4, "kind": "breach_rate", "impact_rate": 12.0},
    {"day": 5, "kind": "referendum"},
]


def by_hand() -> CrewModel:
    model = CrewModel(rng=5, n_crew=300)
    model.run(1)
    model.breach(deaths=2, compartment=20)
    model.broadcast("candid")
    model.run(2)
    model.set_strategy("silent")
    model.run(1)
    model.set_breach_rate(impact_rate=12.0)
    model.run(1)
    model.call_referendum()
    model.run(1)
    return model


def test_replay_equals_the_same_calls_by_hand():
    replayed = replay(CrewModel(rng=5, n_crew=300), TIMELINE, 6)
    manual = by_hand()
    assert replayed.day == manual.day == 6
    assert replayed.series().equals(manual.series())
    assert replayed.events().equals(manual.events())


def test_an_experiment_file_carries_the_timeline_and_the_runner_replays_it():
    text = HEAD + "".join(
        "\n[[interventions]]\n" + "".join(f"{k} = {v!r}\n".replace("'", '"') for k, v in e.items())
        for e in TIMELINE
    )
    experiment = parse_experiment(text)
    assert list(experiment.interventions) == TIMELINE
    plain = parse_experiment(HEAD)
    assert plain.interventions == () and experiment.digest() != plain.digest()
    task = RunTask(run_id=0, point=0, replicate=0, seed=5, spawn_key=0, params={"n_crew": 300})
    settings = RunSettings(horizon_days=6, interventions=experiment.interventions)
    row, _ = execute_run(task, settings)
    assert not row["failed"], row["error"]
    assert row["final_support"] == pytest.approx(by_hand().series()["support_continue"].iloc[-1])


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"day": 1, "kind": "party"}, "kind='party' is invalid: expected one of"),
        ({"day": -1, "kind": "memorial"}, "day=-1 is invalid: expected a whole number >= 0"),
        ({"day": 1, "kind": "message"}, "needs 'tone'"),
        ({"day": 1, "kind": "message", "tone": "shout"}, "tone='shout' is invalid: expected one"),
        ({"day": 1, "kind": "breach", "deaths": 2.5}, "deaths=2.5 is invalid: expected a whole"),
        ({"day": 1, "kind": "memorial", "tone": "candid"}, "unknown key 'tone'"),
    ],
)
def test_a_bad_intervention_is_named(entry, message):
    with pytest.raises(ValueError, match=message):
        check(entry)


def test_an_intervention_after_the_horizon_is_refused():
    with pytest.raises(SpecError, match=r"interventions\[0\]\.day"):
        parse_experiment(HEAD + '\n[[interventions]]\nday = 7\nkind = "memorial"\n')
