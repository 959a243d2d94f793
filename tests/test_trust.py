"""Trust that rises as well as falls: the rally after a shock the captain meets, the asymmetry
between losing and gaining trust (Slovic 1993), and people who differ in susceptibility."""

import numpy as np
import pytest

from model import CrewModel
from model.leadership import gain_trust, lose_trust

SMALL = {"n_crew": 600}
#: Recovery off, so any rise of trust is the rally's; no credibility loss (tested below).
STILL = {"trust_recovery": 0.0, "trust_recovery_baseline": 0.0, "integrity_loss": 0.0}


def mean_trust(model: CrewModel) -> float:
    return float(model.state.trust[model.state.alive].mean())


def rise_after_met_breach(rng: int, **params) -> float:
    """Mean trust just after a memorial held the day of a breach, minus just before it."""
    model = CrewModel(rng=rng, captain_strategy="silent", **SMALL, **STILL, **params)
    model.breach(deaths=3, compartment=5)
    before = mean_trust(model)
    model.memorial()
    return mean_trust(model) - before


def test_trust_rises_after_a_met_shock_in_proportion_to_rally_gain():
    rises = [rise_after_met_breach(41, rally_gain=g) for g in (0.0, 1.0, 2.0)]
    assert rises[0] == 0.0  # no rally: a memorial alone gains no trust
    assert 0.01 < rises[1] < rises[2]
    # small events: the rise is close to linear in the gain
    assert rises[2] == pytest.approx(2 * rises[1], rel=0.15)


def test_the_strategy_that_answers_the_breach_rallies_the_silent_one_does_not():
    after = {}
    for strategy in ("silent", "reassure"):
        model = CrewModel(rng=42, captain_strategy=strategy, **SMALL, **STILL)
        model.breach(deaths=3, compartment=5)
        shocked = mean_trust(model)
        model.run(1)  # the reassuring captain answers the breach the next day
        after[strategy] = mean_trust(model) - shocked
    assert after["silent"] <= 0.0 < after["reassure"]


def test_a_message_after_the_rally_window_meets_nothing():
    model = CrewModel(rng=43, captain_strategy="silent", rally_window=2, **SMALL, **STILL)
    model.breach(deaths=3, compartment=5)
    model.run(3)
    before = mean_trust(model)
    model.memorial()
    assert mean_trust(model) == before


def test_a_rally_lifts_trust_above_its_start_and_fades_back():
    model = CrewModel(
        rng=44, captain_strategy="memorial", mortality_per_1000=0.0, rally_gain=2.0, **SMALL
    )
    model.breach(deaths=3, compartment=5)
    model.run(1)  # the memorial the next day
    start = model.p.initial_trust
    lifted = mean_trust(model) - start
    assert lifted > 0.01  # an acknowledged loss, met: trust above where it started
    model.run(365)
    assert 0.0 <= mean_trust(model) - start < lifted / 2  # decays toward the start value


def test_losses_exceed_gains_for_events_of_equal_size():
    trust = np.array([0.2, 0.5, 0.8])
    for size in (0.05, 0.2):
        loss = trust - lose_trust(trust, size)
        gain = gain_trust(trust, size, asymmetry=2.0) - trust
        assert np.all(loss > 0) and np.all(gain > 0)
        assert loss[1] == pytest.approx(2 * gain[1])  # at trust 1/2: the asymmetry exactly
        symmetric = gain_trust(trust, size, asymmetry=1.0) - trust
        assert symmetric[1] == pytest.approx(loss[1])


def test_the_asymmetry_shrinks_the_rally():
    one, two = (rise_after_met_breach(45, trust_gain_asymmetry=k) for k in (1.0, 2.0))
    assert two < one
    assert two == pytest.approx(one / 2, rel=0.15)


def test_susceptibility_is_a_trait_with_mean_one_and_the_declared_spread():
    alike = CrewModel(rng=46, susceptibility_spread=0.0, **SMALL)
    assert np.all(alike.state.susceptibility == 1.0)
    varied = CrewModel(rng=46, susceptibility_spread=0.5, n_crew=3000)
    s = varied.state.susceptibility
    assert s.mean() == pytest.approx(1.0, abs=0.05)
    assert np.log(s).std() == pytest.approx(0.5, abs=0.03)
    # drawn after the grief course on the trait stream: the courses do not move
    np.testing.assert_array_equal(
        CrewModel(rng=46, susceptibility_spread=0.0, n_crew=3000).state.grief_course,
        varied.state.grief_course,
    )


def test_a_message_moves_each_listener_by_their_susceptibility():
    model = CrewModel(
        rng=47, captain_strategy="silent", susceptibility_spread=0.5, integrity_loss=0.0, **SMALL
    )
    before = model.state.belief.copy()
    model.broadcast("reassure")
    listen = model.listeners
    s = model.state.susceptibility[listen]
    expected = model.p.message_effect * model.p.initial_trust * s * (1 - before[listen])
    np.testing.assert_allclose(model.state.belief[listen] - before[listen], expected, atol=1e-15)


def test_the_unsusceptible_are_not_moved_by_their_confidants():
    model = CrewModel(rng=48, captain_strategy="silent", susceptibility_spread=0.5, **SMALL)
    deaf = np.zeros(model.state.size, dtype=bool)
    deaf[::2] = True
    model.state.susceptibility[deaf] = 0.0
    before = model.state.belief.copy()
    model.run(1)  # no grief, no message: only influence moves belief
    moved = model.state.belief != before
    assert not moved[deaf & model.listeners].any()
    assert moved[~deaf & model.listeners].mean() > 0.5


def test_spread_zero_is_the_homogeneous_crew(monkeypatch):
    import model.crew_model as crew_model

    def run(model: CrewModel) -> CrewModel:
        model.run(5)
        model.breach(deaths=3, compartment=5)
        return model.run(30)

    alike = run(CrewModel(rng=49, captain_strategy="candid", susceptibility_spread=0.0, **SMALL))
    forced = CrewModel(rng=49, captain_strategy="candid", susceptibility_spread=0.5, **SMALL)
    forced.state.susceptibility[:] = 1.0  # the heterogeneous code path with everyone alike
    draw = crew_model.draw_traits

    def alike_at_birth(p, n, rng):  # babies born in the run are alike too (same draws)
        return {**draw(p, n, rng), "susceptibility": np.ones(n)}

    monkeypatch.setattr(crew_model, "draw_traits", alike_at_birth)
    run(forced)
    np.testing.assert_array_equal(forced.state.belief, alike.state.belief)
    np.testing.assert_array_equal(forced.state.trust, alike.state.trust)
    assert forced.series().equals(alike.series())


def test_rally_and_susceptibility_runs_are_reproducible():
    def run() -> CrewModel:
        model = CrewModel(rng=50, captain_strategy="reassure", susceptibility_spread=0.8, **SMALL)
        model.breach(deaths=3)
        return model.run(20)

    a, b = run(), run()
    np.testing.assert_array_equal(a.state.trust, b.state.trust)
    np.testing.assert_array_equal(a.state.belief, b.state.belief)
    assert a.series().equals(b.series())


# --- credibility: the captain's words against her private belief ----------------------------
QUIET = {**SMALL, **STILL, "rally_gain": 0.0}


def trust_after_message(tone: str, rng: int = 45, **params) -> tuple[CrewModel, np.ndarray]:
    """A model and every person's trust just before the captain speaks in ``tone``."""
    model = CrewModel(rng=rng, captain_strategy="silent", **{**QUIET, **params})
    before = model.state.trust.copy()
    model.broadcast(tone)
    return model, before


def test_her_ties_lose_trust_by_the_gap_when_she_argues_against_her_vote():
    model, before = trust_after_message("reassure", integrity_loss=0.1)
    close = model.confidants
    gap = abs(model.mission_value - model.leadership.private_belief)  # 1 - 0.35
    assert gap == pytest.approx(0.65)
    np.testing.assert_allclose(model.state.trust[close], before[close] * (1 - 0.1 * gap))
    others = model.listeners.copy()
    others[close] = False
    np.testing.assert_array_equal(model.state.trust[others], before[others])


def test_visibility_carries_the_gap_to_the_rest_of_the_crew():
    model, before = trust_after_message("reassure", integrity_loss=0.1, integrity_visibility=0.5)
    others = model.listeners.copy()
    others[model.confidants] = False
    np.testing.assert_allclose(model.state.trust[others], before[others] * (1 - 0.1 * 0.65 * 0.5))


def test_candour_and_a_captain_who_agrees_with_the_mission_cost_no_credibility():
    model, before = trust_after_message("candid", integrity_loss=0.5, candour_trust_gain=0.0)
    np.testing.assert_array_equal(model.state.trust, before)
    model, before = trust_after_message(
        "reassure", integrity_loss=0.5, integrity_visibility=1.0, captain_private_belief=1.0
    )
    np.testing.assert_array_equal(model.state.trust, before)


def test_a_memorial_speaks_for_the_mission_and_costs_credibility_too():
    model, before = trust_after_message("memorial", integrity_loss=0.1)
    close = model.confidants
    assert np.all(model.state.trust[close] < before[close])


def test_those_who_see_the_gap_heed_the_message_less():
    """The credibility loss comes before the message's pull: a lower trust, a smaller pull."""
    pulls = {}
    for loss in (0.0, 0.5):
        model, _ = trust_after_message("reassure", integrity_loss=loss)
        start = CrewModel(rng=45, captain_strategy="silent", **QUIET).state.belief  # no message
        close = model.confidants
        pulls[loss] = float(np.mean(model.state.belief[close] - start[close]))
    assert 0.0 < pulls[0.5] < pulls[0.0]
