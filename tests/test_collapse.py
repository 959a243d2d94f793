"""Collapse as behaviour: disengagement, its feedbacks on the ship, and the tipping point."""

import numpy as np
import pytest
from scipy import sparse

from model import CrewModel
from model.crew import Department
from model.disengagement import strain, transition_chances, withdrawn_ties
from model.events import Breaches
from model.network import TieKind
from model.parameters import Parameters


# --- who disengages -------------------------------------------------------------------------
def test_strain_is_half_distrust_plus_half_distance_from_the_mission():
    s = strain(np.array([0.2, 1.0, 0.7]), np.array([0.1, 1.0, 0.6]), 1.0)
    assert s == pytest.approx([0.5 * 0.8 + 0.5 * 0.9, 0.0, 0.5 * 0.3 + 0.5 * 0.4])
    assert strain(np.array([0.7]), np.array([0.1]), 0.0) == pytest.approx([0.5 * 0.3 + 0.05])


def test_chances_rise_with_strain_and_leave_a_band_where_nobody_moves():
    p = Parameters(
        disengage_rate=0.02, disengage_strain=0.6, reengage_rate=0.01, reengage_strain=0.5
    )
    to_out, to_in = transition_chances(np.array([0.85, 1.0, 0.55, 0.25, 0.0]), p)
    assert to_out == pytest.approx([0.02 * 0.25 / 0.4, 0.02, 0.0, 0.0, 0.0])
    assert to_in == pytest.approx([0.0, 0.0, 0.0, 0.01 * 0.25 / 0.5, 0.01])


def test_reengaging_above_the_disengaging_strain_is_rejected():
    with pytest.raises(ValueError, match="reengage_strain=0.7 is invalid"):
        Parameters(reengage_strain=0.7, disengage_strain=0.6)


def test_only_strained_adults_disengage_and_the_dead_are_not_counted():
    model = CrewModel(rng=5, n_crew=400, initial_trust=0.0, disengage_rate=1.0)
    model.run(1)
    state = model.state
    s = strain(state.trust, state.belief, model.mission_value)
    out = state.disengaged
    assert out.any()
    assert (s[out] > model.p.disengage_strain).all()
    assert not (out & ~model.voters()).any()
    model.kill(np.flatnonzero(out)[:3], cause="test")
    model.run(1)
    assert not (state.disengaged & ~state.alive).any()


# --- withdrawal from ties -------------------------------------------------------------------
def test_a_disengaged_persons_ties_are_scaled_at_both_ends():
    W = sparse.csr_array(np.array([[0, 1.0, 0.6], [1.0, 0, 0.3], [0.6, 0.3, 0]]))
    scaled = withdrawn_ties(W, np.array([0.5, 1.0, 0.5])).toarray()
    assert scaled == pytest.approx(np.array([[0, 0.5, 0.15], [0.5, 0, 0.15], [0.15, 0.15, 0]]))
    assert W.toarray()[0, 1] == 1.0  # the network itself is untouched


def test_influence_reads_the_weakened_ties_only_when_someone_is_disengaged():
    model = CrewModel(rng=6, n_crew=300, disengaged_tie_scale=0.25)
    assert (
        model.disengagement.influence_ties(model.network, model.state.disengaged)
        is model.network.adjacency
    )
    person = int(np.flatnonzero(model.voters())[0])
    model.state.disengaged[person] = True
    W, ties = (
        model.network.adjacency,
        model.disengagement.influence_ties(model.network, model.state.disengaged),
    )
    lo, hi = W.indptr[person], W.indptr[person + 1]
    assert ties.data[lo:hi] == pytest.approx(0.25 * W.data[lo:hi])
    others = np.ones(len(W.data), dtype=bool)
    others[lo:hi] = False
    others &= W.indices != person
    assert np.array_equal(ties.data[others], W.data[others])


def test_the_weakened_ties_follow_the_network_from_day_to_day():
    """The matrix reused from day to day takes today's withdrawals and today's ties."""
    model = CrewModel(rng=6, n_crew=300, disengaged_tie_scale=0.25)
    network, disengaged = model.network, model.state.disengaged
    a = int(np.flatnonzero(model.voters())[0])
    tied = set(
        network.adjacency.indices[network.adjacency.indptr[a] : network.adjacency.indptr[a + 1]]
    )
    b = next(int(v) for v in np.flatnonzero(model.voters()) if v != a and v not in tied)
    disengaged[a] = True
    first = model.disengagement.influence_ties(network, disengaged)
    disengaged[a], disengaged[b] = False, True
    second = model.disengagement.influence_ties(network, disengaged)
    expected = withdrawn_ties(network.adjacency, np.where(disengaged, 0.25, 1.0))
    assert second is first and np.array_equal(second.data, expected.data)
    network.add_ties(np.array([a]), np.array([b]), TieKind.FRIEND)
    network.flush(network.size)
    third = model.disengagement.influence_ties(network, disengaged)
    assert third.nnz == first.nnz + 2 == network.adjacency.nnz  # the new tie, both ways
    assert third[[a], [b]][0] == pytest.approx(0.25 * network.adjacency[[a], [b]][0])


# --- feedbacks on the ship ------------------------------------------------------------------
def _frozen_crew(share: float, **params) -> CrewModel:
    """A ship where ``share`` of the working crew is disengaged and nobody changes state."""
    model = CrewModel(rng=7, n_crew=600, disengage_rate=1e-12, reengage_rate=0.0, **params)
    state = model.state
    working = np.flatnonzero(state.alive & (state.department != Department.NONE))
    state.disengaged[working[: int(round(share * len(working)))]] = True
    return model


def test_backlog_grows_only_once_the_withdrawn_exceed_the_slack():
    below = _frozen_crew(0.10, maintenance_slack=0.15)
    for _ in range(10):
        below._disengagement()
    assert below.disengagement.backlog == 0.0
    above = _frozen_crew(0.40, maintenance_slack=0.15)
    for _ in range(10):
        above._disengagement()
    d = above.disengagement.working_share
    assert d == pytest.approx(0.40, abs=0.01)
    assert above.disengagement.backlog == pytest.approx(10 * (1 - 1.15 * (1 - d)))


def test_backlog_raises_breach_risk_slows_reinforcement_and_erodes_trust():
    model = _frozen_crew(0.5, backlog_breach_factor=2.0, backlog_half_days=10.0)
    model.mitigate()
    due = model.breaches.works_until[0]
    trust = model.state.trust.copy()
    for _ in range(20):
        model._disengagement()
    pressure = model.disengagement.pressure
    assert pressure > 0.3
    assert model.breaches.rate_multiplier == pytest.approx(1 + 2.0 * pressure)
    assert model.breaches.works_until[0] > due  # half a day's work a day: about 10 days late
    assert (model.state.trust <= trust).all() and model.state.trust.mean() < trust.mean()


def test_breach_rate_and_work_pace_act_on_the_hazard():
    works = Breaches(rate_per_year=365.0, efficacy=0.5, mitigation_days=10)
    works.rate_multiplier = 3.0
    draws = [works.occurs(np.random.default_rng(s)) for s in range(2000)]
    assert np.mean(draws) == pytest.approx(3.0, rel=0.1)
    works.start_mitigation(0)
    for _ in range(4):
        works.slow(0.5)
    assert works.works_until == [12]


def test_carers_withdrawal_raises_every_death_hazard():
    model = _frozen_crew(0.0, care_mortality_factor=3.0)
    state = model.state
    care = state.alive & np.isin(state.department, [Department.MEDICAL, Department.LIFE_SUPPORT])
    base = model.demography.hazard(model.ages(), state.alive)
    state.disengaged[care] = True
    model._disengagement()
    assert model.disengagement.care_share == 1.0
    # premature deaths and deaths of old age alike
    assert model.demography.hazard(model.ages(), state.alive) == pytest.approx(4.0 * base)


def test_switched_off_the_sub_model_does_nothing():
    model = CrewModel(rng=8, n_crew=300, disengage_rate=0.0, initial_trust=0.0).run(30)
    assert not model.state.disengaged.any()
    assert model.disengagement.backlog == 0.0
    assert model.breaches.rate_multiplier == 1.0 and model.demography.multiplier == 1.0


# --- faith and the collapse event -----------------------------------------------------------
def test_faith_is_the_voters_agreement_with_the_mission_they_are_on():
    model = CrewModel(rng=9, n_crew=400)
    belief = model.state.belief[model.voters()]
    assert model.today["faith"] == pytest.approx(np.mean(belief))
    model.mission = 0  # diverted: agreement is now 1 - belief
    model._refresh_today()
    assert model.today["faith"] == pytest.approx(np.mean(1 - belief))


# --- the tipping point ----------------------------------------------------------------------
def _shocked(k: float, **params) -> CrewModel:
    """A crisis on day 30 leaves everyone with ``k`` of their trust; then two years pass."""
    model = CrewModel(rng=1, n_crew=1000, **params).run(30)
    model.state.trust *= k
    return model.run(700)


def test_a_large_transient_shock_tips_the_ship_and_a_small_one_does_not():
    """Hysteresis: trust would return to its start within the two years (it does after the
    small shock), yet after the large one the backlog the disengaged left holds trust down and
    the ship stays collapsed; with the backlog's erosion of trust off it recovers."""
    small = _shocked(0.7)
    assert small.collapse_day is None
    assert small.today["maintenance_backlog"] < 5
    assert small.today["mean_trust"] > 0.55

    large = _shocked(0.35)
    series = large.series()
    assert large.collapse_day is not None
    assert series.disengaged_share.iloc[-1] > series.disengaged_share.iloc[365] > 0.2
    assert series.maintenance_backlog.iloc[-1] > series.maintenance_backlog.iloc[365] > 0
    assert large.today["mean_trust"] < 0.4

    no_feedback = _shocked(0.35, backlog_trust_erosion=0.0)
    assert no_feedback.today["mean_trust"] > 0.5
    assert no_feedback.today["disengaged_share"] < series.disengaged_share.iloc[-1]


def test_the_disengaged_return_once_their_strain_is_low():
    model = CrewModel(rng=10, n_crew=300, reengage_rate=0.5)
    state = model.state
    adults = np.flatnonzero(model.voters())
    state.disengaged[adults] = True
    state.trust[:] = 1.0
    state.belief[adults[: len(adults) // 2]] = 1.0  # no strain: chance 0.5 a day
    state.belief[adults[len(adults) // 2 :]] = 0.05  # strain 0.475, inside the band: 0.5 * 0.05
    model._disengagement()
    calm, tense = adults[: len(adults) // 2], adults[len(adults) // 2 :]
    assert 0.35 < 1 - state.disengaged[calm].mean() < 0.65
    assert 1 - state.disengaged[tense].mean() < 0.15
