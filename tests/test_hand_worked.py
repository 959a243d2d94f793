"""Hand-worked cases of the model's own rules, each small enough to check on paper.

Each expected value is computed in a comment from the rule's equation in docs/ODD.md, not by
calling the code under test, so a rule and its reference that misread a weight the same way
still fail here.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reference_influence import ReferenceInfluenceModel
from scipy import sparse

from model import CrewModel
from model.influence import BoundedConfidence
from model.network import TieKind
from tests.profiles import examples


def _adjacency(n: int, ties: list[tuple[int, int, float]]) -> sparse.csr_array:
    rows = [i for i, j, _ in ties] + [j for i, j, _ in ties]
    cols = [j for i, j, _ in ties] + [i for i, j, _ in ties]
    data = [w for *_, w in ties] * 2
    return sparse.csr_array((data, (rows, cols)), shape=(n, n))


# Four people: 0 -1- 1 -0.5- 2, and 1 -2- 3.  mu = 0.5, lambda = 0.1, epsilon = 0.35.
FOUR = _adjacency(4, [(0, 1, 1.0), (1, 2, 0.5), (1, 3, 2.0)])
BELIEF = np.array([0.2, 0.5, 0.6, 0.9])
ANCHOR = np.array([0.0, 1.0, 0.5, 0.5])
EXPECTED = np.array(
    [
        # 0: confidant 1 (|0.5-0.2| = 0.3 < 0.35): m = 0.5
        #    0.2 + 0.5 (0.5 - 0.2) + 0.1 (0.0 - 0.2) = 0.33
        0.33,
        # 1: confidants 0 (w 1) and 2 (w 0.5); 3 is 0.4 away (out of bound)
        #    m = (1 * 0.2 + 0.5 * 0.6) / 1.5 = 1/3
        #    0.5 + 0.5 (1/3 - 0.5) + 0.1 (1.0 - 0.5) = 0.5 - 1/12 + 0.05
        0.5 - 1 / 12 + 0.05,
        # 2: confidant 1: m = 0.5;  0.6 + 0.5 (0.5 - 0.6) + 0.1 (0.5 - 0.6) = 0.54
        0.54,
        # 3: no confidant (1 is 0.4 away): only the anchor;  0.9 + 0.1 (0.5 - 0.9) = 0.86
        0.86,
    ]
)


def test_bounded_confidence_weights_ties_and_anchors_as_worked_by_hand():
    rule = BoundedConfidence(mu=0.5, lam=0.1, epsilon=0.35)
    new = rule.step(FOUR, BELIEF.copy(), ANCHOR, None)
    np.testing.assert_allclose(new, EXPECTED, rtol=0, atol=1e-12)


def test_the_reference_rule_agrees_with_the_hand_worked_case():
    reference = ReferenceInfluenceModel(FOUR, BELIEF, ANCHOR, None, mu=0.5, lam=0.1, epsilon=0.35)
    reference.step()
    np.testing.assert_allclose(reference.beliefs(), EXPECTED, rtol=0, atol=1e-12)


def test_a_neighbour_exactly_at_the_confidence_bound_is_not_a_confidant():
    # 0.25 and 0.5 are exact in binary: the distance is exactly epsilon = 0.25 (strict bound)
    rule = BoundedConfidence(mu=0.5, lam=0.0, epsilon=0.25)
    pair = _adjacency(2, [(0, 1, 1.0)])
    new = rule.step(pair, np.array([0.25, 0.5]), np.zeros(2), None)
    np.testing.assert_array_equal(new, [0.25, 0.5])
    # just inside the bound they meet halfway: 0.25 + 0.5 (0.5 - 0.25) = 0.375
    rule = BoundedConfidence(mu=0.5, lam=0.0, epsilon=0.25 + 2**-20)
    new = rule.step(pair, np.array([0.25, 0.5]), np.zeros(2), None)
    np.testing.assert_array_equal(new, [0.375, 0.375])


def test_a_frozen_person_keeps_their_belief_and_still_pulls_others():
    rule = BoundedConfidence(mu=0.5, lam=0.1, epsilon=0.35)
    rule.frozen = np.array([False, True, False, False])
    new = rule.step(FOUR, BELIEF.copy(), ANCHOR, None)
    assert new[1] == 0.5
    np.testing.assert_allclose(new[[0, 2, 3]], EXPECTED[[0, 2, 3]], rtol=0, atol=1e-12)


@settings(max_examples=examples(60), deadline=None)
@given(
    n=st.integers(2, 8),
    seed=st.integers(0, 2**32 - 1),
    mu=st.floats(0.0, 1.0),
    lam_share=st.floats(0.0, 1.0),
    epsilon=st.floats(0.0, 1.0),
)
def test_a_new_belief_stays_within_its_confidants_its_anchor_and_its_own(
    n, seed, mu, lam_share, epsilon
):
    lam = (1.0 - mu) * lam_share  # mu + lambda <= 1: the update is a convex combination
    rng = np.random.default_rng(seed)
    ties = [
        (i, j, float(rng.uniform(0.1, 2.0)))
        for i in range(n)
        for j in range(i)
        if rng.random() < 0.5
    ]
    W = _adjacency(n, ties) if ties else sparse.csr_array((n, n))
    x, anchor = rng.random(n), rng.random(n)
    new = BoundedConfidence(mu, lam, epsilon).step(W, x.copy(), anchor, None)
    dense = W.toarray()
    for i in range(n):
        confidants = [j for j in range(n) if dense[i, j] > 0 and abs(x[j] - x[i]) < epsilon]
        span = [x[i], *x[confidants], *([anchor[i]] if lam > 0 else [])]
        assert min(span) - 1e-12 <= new[i] <= max(span) + 1e-12


# --- the captain's messages ------------------------------------------------------------------
def test_a_message_moves_belief_in_proportion_to_trust_at_one_half():
    # everyone equally susceptible (s = 1; tests/test_trust.py covers s varying)
    model = CrewModel(rng=31, n_crew=300, captain_strategy="silent", susceptibility_spread=0.0)
    model.state.trust[:] = 0.5
    before = model.state.belief.copy()
    model.broadcast("reassure")
    listen = model.listeners
    m = model.p.message_effect
    # those tied to her see her argue against her vote (gap 1 - 0.35) and first lose trust:
    # T = 0.5 (1 - integrity_loss 0.05 x 0.65) = 0.48375; everyone else keeps T = 0.5
    trust = np.full(model.state.size, 0.5)
    trust[model.confidants] = 0.48375
    np.testing.assert_allclose(model.state.trust[listen], trust[listen], atol=1e-15)
    # x += m T (M - x) with M = 1 (continue): at T = 0.5 half the effect a trusting crew gets
    np.testing.assert_allclose(
        model.state.belief[listen],
        before[listen] + m * trust[listen] * (1.0 - before[listen]),
        atol=1e-15,
    )


# --- referendums -----------------------------------------------------------------------------
def _tied_ship(mission_divert: bool) -> CrewModel:
    model = CrewModel(rng=41, n_crew=300, turnout=1.0)
    voters = np.flatnonzero(model.voters())
    if len(voters) % 2:  # make the electorate even: the last voter becomes a newborn
        model.state.birth_day[voters[-1]] = model.day
        voters = voters[:-1]
    half = len(voters) // 2
    model.state.belief[voters[:half]] = 0.8
    model.state.belief[voters[half:]] = 0.2
    if mission_divert:
        model.mission = 1 - model.mission
    return model


@pytest.mark.parametrize("mission_divert", [False, True])
def test_a_tied_referendum_keeps_the_mission_there_was(mission_divert):
    model = _tied_ship(mission_divert)
    before = "divert" if mission_divert else "continue"
    result = model.call_referendum()
    assert result.continue_votes == result.divert_votes > 0
    assert result.outcome == before


def test_turnout_below_one_leaves_a_binomial_share_of_abstainers():
    model = CrewModel(rng=42, n_crew=3000, turnout=0.6)
    n = int(model.voters().sum())
    result = model.call_referendum()
    cast = result.continue_votes + result.divert_votes
    # Binomial(n, 0.6): 5 standard deviations either side
    sd = (n * 0.6 * 0.4) ** 0.5
    assert abs(cast - 0.6 * n) < 5 * sd
    assert result.abstentions == n - cast
    assert np.count_nonzero(model.state.recorded_vote[model.voters()] >= 0) == cast


# --- grief -----------------------------------------------------------------------------------
def test_grief_does_not_move_the_beliefs_of_the_dead():
    model = CrewModel(rng=51, n_crew=300, captain_strategy="silent", grief_effect=1.0)
    model.breach(deaths=3)
    dead = np.flatnonzero(~model.state.alive)
    model.state.grief[dead] = 1.0  # even with full grief, the dead stay as they died
    before = model.state.belief[dead].copy()
    model.run(3)
    np.testing.assert_array_equal(model.state.belief[dead], before)


def test_a_breach_grieves_households_more_than_friends_and_friends_more_than_strangers():
    model = CrewModel(rng=52, captain_strategy="silent")
    ties = model.network.adjacency.copy()  # the dead's ties are cut by the breach
    kinds = model.network.kinds.copy()
    report = model.breach(deaths=3)
    s = model.state
    victims = np.flatnonzero(~s.alive)
    assert len(victims) == report["deaths"] == 3
    household = np.isin(s.household, s.household[victims]) & s.alive
    tied = np.zeros(s.size, dtype=bool)
    for v in victims:
        row = slice(ties.indptr[v], ties.indptr[v + 1])
        other_kind = (kinds[row] & ~np.uint8(TieKind.HOUSEHOLD)) != 0
        tied[ties.indices[row][other_kind]] = True  # friend, neighbour or co-worker
    friends_only = tied & ~household & s.alive
    strangers = ~tied & ~household & s.alive
    g = s.grief
    assert household.any() and friends_only.any() and strangers.any()
    assert np.median(g[household]) > np.median(g[friends_only]) > np.median(g[strangers])
