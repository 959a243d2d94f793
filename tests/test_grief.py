"""Grief falls with social distance, public deaths hit everyone, and grief fades."""

import numpy as np
import pytest

from model import CrewModel
from model.crew import GriefCourse
from model.network import TieKind
from model.parameters import Parameters
from model.start import draw_traits


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


def test_a_breach_hits_the_whole_ship_by_salience_when_set():
    model = CrewModel(rng=22, grief_salience=0.045)
    report = model.breach(deaths=3)
    g = model.state.grief[model.state.alive]
    salience = 1 - (1 - model.p.grief_salience) ** 3
    assert report["deaths"] == 3
    assert g.min() >= salience - 1e-12
    assert np.median(g) == pytest.approx(salience, rel=0.01)


def test_by_default_a_breach_grieves_only_the_close_but_costs_everyone_trust():
    model = CrewModel(rng=22, captain_strategy="silent")
    trust = model.state.trust.copy()
    model.breach(deaths=3)
    s = model.state
    far = s.alive & (s.grief == 0)  # strangers to all three dead, outside the breached section
    assert far.sum() > 0.5 * s.alive.sum()  # most of the ship feels no grief
    # ... but takes the public loss in its trust: T *= 1 - e r (1 - (1 - salience)^3), with
    # r the erosion of an unanswered death (a silent captain)
    loss = 1 - (1 - model.p.public_loss_salience) ** 3
    expected = trust[far] * (1 - model.p.trust_erosion * model.p.silence_erosion * loss)
    assert s.trust[far] == pytest.approx(expected, rel=1e-12)


def test_grief_halves_every_half_life_of_its_course():
    model = CrewModel(rng=23, grief_half_life=10.0, mortality_per_1000=0.0, impact_rate=0.0)
    model.breach(deaths=3)
    before = model.state.grief.copy()
    model.run(10)
    s, n = model.state, len(before)  # the slots aboard at the breach (newborns: no grief)
    factor = {
        GriefCourse.RECOVERING: 1.0,
        GriefCourse.RESILIENT: model.p.grief_resilient_factor,
        GriefCourse.CHRONIC: model.p.grief_chronic_factor,
    }
    for course, f in factor.items():
        mine = s.alive[:n] & (s.grief_course[:n] == course) & (before > 0)
        assert mine.sum() > 10
        ratio = s.grief[:n][mine] / before[mine]
        assert np.allclose(ratio, 0.5 ** (1 / f), rtol=1e-9), course


def test_grief_courses_are_drawn_in_their_shares():
    p = Parameters(grief_resilient_share=0.5, grief_chronic_share=0.1)
    n = 20_000
    course = draw_traits(p, n, np.random.default_rng(5))["grief_course"]
    for kind, share in [
        (GriefCourse.RESILIENT, 0.5),
        (GriefCourse.CHRONIC, 0.1),
        (GriefCourse.RECOVERING, 0.4),
    ]:
        sd = np.sqrt(share * (1 - share) / n)
        assert abs(np.mean(course == kind) - share) < 4 * sd, kind


def test_willingness_to_ask_has_mean_one_and_the_declared_spread():
    p = Parameters(request_propensity_spread=0.8)
    w = draw_traits(p, 50_000, np.random.default_rng(6))["request_propensity"]
    assert w.mean() == pytest.approx(1.0, abs=0.03)
    assert np.log(w).std() == pytest.approx(0.8, rel=0.02)
    alike = draw_traits(Parameters(), 10, np.random.default_rng(6))["request_propensity"]
    assert np.all(alike == 1.0)


def test_grief_course_shares_above_one_are_a_clear_error():
    with pytest.raises(ValueError, match=r"^grief_chronic_share=0.6 is invalid: .* exceed 1"):
        Parameters(grief_resilient_share=0.5, grief_chronic_share=0.6)


def test_grief_pushes_belief_toward_diversion_without_framing():
    quiet = CrewModel(rng=24, captain_strategy="silent")
    grieving = CrewModel(rng=24, captain_strategy="silent")
    grieving.breach(deaths=3)
    quiet.run(14)
    grieving.run(14)
    assert grieving.today["mean_belief"] < quiet.today["mean_belief"] - 0.005


@pytest.mark.parametrize("weight", [0.0, 0.5])
def test_a_death_of_old_age_brings_old_age_grief_times_a_death_s_grief(weight):
    """The day's deaths of old age bring ``old_age_grief`` times the grief the same death
    brings at weight 1 (0: the rival rule, an expected death moves nobody)."""
    grief = {}
    for w in (1.0, weight):
        model = CrewModel(rng=3, n_crew=200, old_age_grief=w)
        elder = int(np.argmax(model.ages()))
        model.demography.deaths = lambda state, day, e=elder: (np.array([], int), np.array([e]))
        model.step()
        grief[w] = model.state.grief.copy()
    assert grief[1.0].sum() > 0.5  # the elder's household at least
    # decay is linear in grief, so the ratio holds after the day's fading too
    np.testing.assert_allclose(grief[weight], weight * grief[1.0], atol=1e-12)


@pytest.mark.parametrize("blame", [0.0, 0.5])
def test_a_premature_death_costs_premature_blame_times_a_breach_deaths_trust(blame):
    """A premature death's trust cost is ``premature_blame`` times what the same death costs
    at 1 (a breach death's); a death of old age costs none."""
    lost = {}
    for b in (1.0, blame):
        model = CrewModel(rng=3, n_crew=200, premature_blame=b, captain_strategy="silent")
        victim = int(np.flatnonzero(model.state.alive & (model.ages() < 60))[0])
        before = model.state.trust.copy()
        model.kill(np.array([victim]), cause="premature", blame=model.p.premature_blame)
        lost[b] = -np.log(model.state.trust / before)  # trust *= 1 - size: log-loss
    assert lost[1.0].max() > 0.01  # the victim's household at least
    np.testing.assert_allclose(lost[blame], -np.log1p(-blame * (1 - np.exp(-lost[1.0]))))
    model = CrewModel(rng=3, n_crew=200)
    model.demography.deaths = lambda state, day: (
        np.array([int(np.flatnonzero(model.state.alive & (model.ages() < 60))[0])]),
        np.array([], int),
    )
    trust = model.state.trust.copy()
    model._hazards()
    assert (model.state.trust < trust).any()  # the day's premature deaths are blamed
    model = CrewModel(rng=3, n_crew=200, premature_blame=0.0)
    model.demography.deaths = lambda state, day: (
        np.array([int(np.flatnonzero(model.state.alive & (model.ages() < 60))[0])]),
        np.array([], int),
    )
    trust = model.state.trust.copy()
    model._hazards()
    np.testing.assert_array_equal(model.state.trust, trust)  # premature_blame 0: none
