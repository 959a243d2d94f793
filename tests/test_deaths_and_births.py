"""Deaths remove people from the model and the network; births keep the population up."""

import numpy as np
import pytest

from model import CrewModel


def test_a_death_removes_the_agent_and_every_tie():
    model = CrewModel(rng=11)
    victim = 123
    agent = model.crew[victim]
    neighbours, _ = model.network.ties_of(victim)
    assert len(neighbours) > 0
    model.kill(np.array([victim]), cause="test")
    A = model.network.adjacency
    assert not model.state.alive[victim]
    assert agent not in model.agents
    assert A[[victim], :].count_nonzero() == 0 and A[:, [victim]].count_nonzero() == 0
    assert len(model.network.ties_of(victim)[0]) == 0
    assert model.graph().number_of_nodes() == 2999
    assert not model.graph().has_node(victim)
    model.check_invariants()


def test_breach_deaths_leave_no_tie_to_the_dead_over_a_long_run():
    model = CrewModel(rng=12, impact_rate=20.0, penetration_probability=1.0, debug=True)
    model.run(120)  # debug mode checks the invariants every day
    assert model.counts["breaches"] > 0
    dead = ~model.state.alive
    A = model.network.adjacency
    live = A.data != 0
    assert not (dead[model.network.rows[live]] | dead[A.indices[live]]).any()


@pytest.mark.slow
def test_premature_deaths_are_about_12_a_year():
    # 20 independent years: expected 240 premature deaths, Poisson sd 15.5; accept +-4 sd.
    deaths = 0
    for s in range(20):
        events = CrewModel(rng=s, impact_rate=0.0).run(365).events()
        deaths += int(((events["kind"] == "death") & (events["cause"] == "premature")).sum())
    assert 240 - 62 <= deaths <= 240 + 62


def test_mortality_rises_with_age():
    model = CrewModel(rng=1)
    alive = model.state.alive
    hazard = model.demography.hazard(model.ages(), alive)
    ages = model.ages()
    assert hazard[ages > 70].mean() > 5 * hazard[ages < 30].mean()
    premature = hazard.sum() - model.demography.old_age_hazard(ages, alive).sum()
    assert premature == pytest.approx(12.0, rel=1e-9)  # 4 a year per 1,000 of 3,000


def test_births_keep_the_population_near_its_size():
    model = CrewModel(rng=3, n_crew=600, referendum_margin=9, mortality_per_1000=40.0)
    model.run(3 * 365)
    assert model.counts["births"] > 0.8 * model.counts["deaths"]
    assert abs(model.today["alive"] - 600) < 0.1 * 600
    model.check_invariants()


def test_newborns_are_agents_in_their_parents_household():
    model = CrewModel(rng=5, n_crew=600, referendum_margin=9, mortality_per_1000=40.0)
    model.run(200)
    born = np.flatnonzero(model.state.birth_day > 0)
    assert len(born) > 0
    s = model.state
    for slot in born[:5]:
        family = (s.household == s.household[slot]) & s.alive & (np.arange(s.size) != slot)
        assert family.sum() >= 1
        assert model.crew[slot].age < 1
    model.network.flush(s.size)
    for slot in born[:5]:
        if s.alive[slot]:
            tied, kinds = model.network.ties_of(int(slot))
            kin = tied[(kinds & 1) > 0]  # household ties: to the household only
            assert set(kin) <= set(np.flatnonzero(s.household == s.household[slot]))
            assert len(tied) > len(kin)  # and the ship's: compartment, section, friends
