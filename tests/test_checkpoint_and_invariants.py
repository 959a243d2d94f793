"""Checkpoints resume bit for bit; debug mode checks the invariants through long scenarios."""

import numpy as np
import pandas as pd
import pytest

from model import CrewModel
from model.invariants import InvariantError


def test_saved_at_day_100_and_resumed_gives_the_same_run(tmp_path):
    params = dict(impact_rate=3.0, penetration_probability=1.0, captain_strategy="memorial")
    whole = CrewModel(rng=91, **params)
    whole.breach(deaths=3)
    whole.run(100)
    path = whole.save(tmp_path / "day100.ckpt")
    whole.run(100)

    resumed = CrewModel.load(path)
    assert resumed.day == 100
    resumed.run(100)
    pd.testing.assert_frame_equal(whole.series(), resumed.series())
    pd.testing.assert_frame_equal(whole.events(), resumed.events())
    assert np.array_equal(whole.state.belief, resumed.state.belief)
    assert whole.rng.bit_generator.state == resumed.rng.bit_generator.state
    # every process's stream (model/streams.py) and the sub-models' own come back too
    for name, generator in whole.streams.generators().items():
        assert generator.bit_generator.state == (
            resumed.streams.generators()[name].bit_generator.state
        ), name
    for part in ("demography", "disengagement"):
        assert getattr(whole, part).rng.bit_generator.state == (
            getattr(resumed, part).rng.bit_generator.state
        )


def test_100_days_saved_loaded_and_100_more_equal_200_straight(tmp_path):
    """Births, deaths, a succession and petitions on both sides of the checkpoint; the Mesa
    clock and agent registry come back too (new agents get the same ids)."""
    params = dict(
        n_crew=400,
        referendum_margin=3,
        mortality_per_1000=80.0,
        impact_rate=6.0,
        penetration_probability=1.0,
        petition_cooldown_days=0,
        captain_strategy="candid",
    )
    straight = CrewModel(rng=95, **params)
    straight.breach(deaths=4)
    straight.run(200)

    first = CrewModel(rng=95, **params)
    first.breach(deaths=4)
    first.run(100)
    resumed = CrewModel.load(first.save(tmp_path / "run.ckpt"))
    resumed.run(100)

    pd.testing.assert_frame_equal(straight.series(), resumed.series())
    pd.testing.assert_frame_equal(straight.events(), resumed.events())
    pd.testing.assert_frame_equal(straight.snapshot(), resumed.snapshot())
    kinds = set(straight.events().kind)
    assert {"birth", "death", "breach", "referendum"} <= kinds
    assert [a.unique_id for a in straight.agents] == [a.unique_id for a in resumed.agents]
    assert (straight.steps, straight.time) == (resumed.steps, resumed.time) == (200, 200.0)


@pytest.mark.parametrize("strategy", ["silent", "reassure", "memorial", "candid", "scripted"])
def test_every_strategy_resumes_bit_for_bit_after_a_save_mid_crisis(tmp_path, strategy):
    params = dict(
        n_crew=300,
        referendum_margin=3,
        impact_rate=20.0,
        penetration_probability=1.0,
        petition_cooldown_days=0,
        mitigate_after_breach=True,
        captain_strategy=strategy,
        captain_schedule="3:memorial;20:candid;40:reassure",
    )
    first = CrewModel(rng=99, **params).run(25)
    first.broadcast("candid")  # between two days: framing and trust changed, not yet collected
    straight_too = CrewModel(rng=99, **params).run(25)
    straight_too.broadcast("candid")
    straight_too.run(35)
    resumed = CrewModel.load(first.save(tmp_path / f"{strategy}.ckpt")).run(35)
    pd.testing.assert_frame_equal(straight_too.series(), resumed.series())
    pd.testing.assert_frame_equal(straight_too.events(), resumed.events())
    assert resumed.summary() == straight_too.summary() and resumed.day == 60


@pytest.mark.parametrize("seed", range(4))
def test_long_random_scenarios_keep_every_invariant(seed):
    rng = np.random.default_rng(seed)
    model = CrewModel(
        rng=seed,
        debug=True,
        n_crew=int(rng.integers(200, 1500)),
        referendum_margin=3,
        impact_rate=float(rng.uniform(0, 30)),
        penetration_probability=1.0,
        mortality_per_1000=float(rng.uniform(0, 60)),
        petition_cooldown_days=0,
        petition_threshold=float(rng.uniform(0.01, 0.2)),
        captain_strategy=str(rng.choice(["silent", "reassure", "memorial", "candid"])),
    )
    for _ in range(40):
        action = rng.integers(0, 8)
        if action == 0:
            model.breach(deaths=int(rng.integers(0, 8)))
        elif action == 1:
            model.broadcast(str(rng.choice(["reassure", "memorial", "candid"])))
        elif action == 2:
            model.call_referendum()
        elif action == 3:
            model.mitigate()
        model.check_invariants()
        model.run(int(rng.integers(1, 15)))  # debug: invariants checked every day
    assert model.day > 40


def test_a_broken_invariant_is_reported():
    model = CrewModel(rng=93, n_crew=200, referendum_margin=2)
    model.state.alive[5] = False  # death without going through kill(): ties remain
    with pytest.raises(InvariantError, match="invariant violated"):
        model.check_invariants()


def test_everyone_can_die_and_the_run_ends():
    model = CrewModel(rng=94, n_crew=60, referendum_margin=2, debug=True)
    model.kill(np.flatnonzero(model.state.alive), cause="test")
    model.run(30)
    assert model.ended == "extinction" and model.day == 1
    assert len(model.series()) == 1  # day 0, when everyone lived; no row after the end
    assert model.call_referendum().continue_votes == 0
