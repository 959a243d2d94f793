"""Grief falls with social distance, public deaths hit everyone, and grief fades."""

import numpy as np
import pytest

from model import CrewModel
from model.network import TieKind


def _relations(model, victim):
    s, net = model.state, model.network
    household = np.flatnonzero((s.household == s.household[victim]) & s.alive)
    household = household[household != victim]
    neighbours, bits = net.ties_of(victim)
    friend = neighbours[((bits & TieKind.FRIEND) != 0) & ((bits & TieKind.HOUSEHOLD) == 0)]
    coworker = neighbours[bits == TieKind.COWORKER]
    tied = np.zeros(s.size, dtype=bool)
    tied[neighbours] = True
    tied[household] = True
    tied[victim] = True
    stranger = np.flatnonzero(~tied & s.alive)
    return household, friend, coworker, stranger


def test_grief_falls_with_social_distance():
    model = CrewModel(rng=21)
    victim = int(np.flatnonzero(model.state.department == 2)[5])
    household, friend, coworker, stranger = _relations(model, victim)
    model.kill(np.array([victim]), cause="test")
    g = model.state.grief
    assert np.all(g[household] == pytest.approx(model.p.grief_household))
    assert g[friend].min() >= model.p.grief_friend - 1e-12
    assert np.all(g[coworker] == pytest.approx(model.p.grief_coworker))
    assert np.all(g[stranger] == 0)
    assert g[household].mean() > g[friend].mean() > g[coworker].mean() > g[stranger].mean()


def test_a_breach_hits_the_whole_ship_by_salience():
    model = CrewModel(rng=22)
    report = model.breach(deaths=3)
    g = model.state.grief[model.state.alive]
    salience = 1 - (1 - model.p.grief_salience) ** 3
    assert report["deaths"] == 3
    assert g.min() >= salience - 1e-12
    assert np.median(g) == pytest.approx(salience, rel=0.01)


def test_grief_halves_every_half_life():
    model = CrewModel(rng=23, grief_half_life=10.0, mortality_per_1000=0.0, impact_rate=0.0)
    model.breach(deaths=3)
    before = model.state.grief.copy()
    model.run(10)
    alive = model.state.alive
    ratio = model.state.grief[alive] / before[alive]
    assert np.allclose(ratio, 0.5, rtol=1e-9)


def test_grief_pushes_belief_toward_diversion_without_framing():
    quiet = CrewModel(rng=24, captain_strategy="silent")
    grieving = CrewModel(rng=24, captain_strategy="silent")
    grieving.breach(deaths=3)
    quiet.run(14)
    grieving.run(14)
    assert grieving.today["mean_belief"] < quiet.today["mean_belief"] - 0.005
