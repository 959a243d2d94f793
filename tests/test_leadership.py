"""The captain's messages, memorials and the trust they build or spend."""

import numpy as np
import pytest

from model import CrewModel


def test_trust_erodes_after_contradicted_reassurance():
    # Same ship, same breach; the reassuring captain spoke two days earlier, the candid one
    # acknowledged the danger. Deaths after reassurance cost trust.
    reassured = CrewModel(rng=31, captain_strategy="reassure")
    candid = CrewModel(rng=31, captain_strategy="candid")
    for model in (reassured, candid):
        model.run(5)  # day 7 is a routine message; speak explicitly instead
        model.broadcast(model.p.captain_strategy)
        model.run(2)
        model.breach(deaths=3, compartment=10)
    loss_reassured = 0.7 - reassured.state.trust[reassured.state.alive].mean()
    loss_candid = 0.7 - candid.state.trust[candid.state.alive].mean()
    assert loss_reassured > 0.05
    assert loss_reassured > 3 * loss_candid


def test_unanswered_deaths_erode_trust_less_than_contradicted_ones():
    silent = CrewModel(rng=32, captain_strategy="silent")
    reassure = CrewModel(rng=32, captain_strategy="reassure")
    reassure.broadcast("reassure")
    for model in (silent, reassure):
        model.breach(deaths=3, compartment=20)
    t_silent = silent.state.trust[silent.state.alive].mean()
    t_reassure = reassure.state.trust[reassure.state.alive].mean()
    assert t_reassure < t_silent < 0.7


def test_messages_move_belief_in_proportion_to_trust():
    # credibility off: her ties would first lose trust to the gap (tests/test_trust.py)
    quiet = {"captain_strategy": "silent", "integrity_loss": 0.0}
    trusting = CrewModel(rng=33, initial_trust=1.0, **quiet)
    distrusting = CrewModel(rng=33, initial_trust=0.0, **quiet)
    shifts = []
    for model in (trusting, distrusting):
        before = model.state.belief.copy()
        model.broadcast("reassure")
        listen = model.listeners
        shifts.append(model.state.belief[listen] - before[listen])
        s = model.state.susceptibility[listen]  # each listener's (mean 1)
        expected = model.p.message_effect * model.p.initial_trust * s * (1 - before[listen])
        np.testing.assert_allclose(shifts[-1], expected, atol=1e-15)
    assert shifts[0].mean() > 0 and np.all(shifts[1] == 0)


def test_candid_message_moves_toward_the_captains_doubt_and_earns_trust():
    model = CrewModel(rng=34, captain_strategy="silent")
    before_belief = model.state.belief.copy()
    model.broadcast("candid")
    listen = model.listeners
    assert np.all(model.state.trust[listen] > 0.7)
    toward = np.sign(model.p.captain_private_belief - before_belief[listen])
    moved = np.sign(model.state.belief[listen] - before_belief[listen])
    assert np.all(moved[toward != 0] == toward[toward != 0])


def test_memorial_turns_grief_into_commitment():
    memorial = CrewModel(rng=35, captain_strategy="memorial", initial_trust=0.9)
    silent = CrewModel(rng=35, captain_strategy="silent", initial_trust=0.9)
    for model in (memorial, silent):
        model.breach(deaths=3, compartment=30)
        model.run(14)
    assert memorial.events().kind.eq("memorial").sum() >= 1
    assert memorial.today["mean_belief"] > silent.today["mean_belief"] + 0.005
    assert memorial.today["support_continue"] > silent.today["support_continue"]


def test_visible_mitigation_restores_trust_and_lowers_breach_risk():
    model = CrewModel(rng=36, mitigation_days=20, captain_strategy="reassure")
    model.broadcast("reassure")
    model.breach(deaths=3)  # mitigate_after_breach starts reinforcing
    assert model.breaches.mitigating
    rate = model.breaches.current_rate
    low = model.state.trust[model.state.alive].mean()
    model.run(20)
    assert not model.breaches.mitigating
    assert model.breaches.current_rate == pytest.approx(rate * 0.5)
    assert model.state.trust[model.state.alive].mean() > low + 0.01
    kinds = model.events().kind
    assert kinds.eq("mitigation").sum() == 2  # started and completed


def test_scripted_schedule_speaks_on_its_days():
    model = CrewModel(
        rng=37, captain_strategy="scripted", captain_schedule="2:reassure;5:memorial;9:candid"
    )
    model.run(10)
    said = model.events().query("kind in ['message', 'memorial']")
    assert said.day.tolist() == [2, 5, 9]


def test_invalid_tone_is_a_clear_error():
    model = CrewModel(rng=38)
    with pytest.raises(ValueError, match="tone='shout' is invalid: expected one of reassure"):
        model.broadcast("shout")


def test_a_dead_captain_is_succeeded():
    model = CrewModel(rng=39)
    old = model.captain
    model.kill(np.array([old]), cause="test")
    assert model.captain != old and model.state.alive[model.captain]
    assert model.crew[model.captain].role.name == "CAPTAIN"
    assert model.events().kind.eq("succession").sum() == 1
