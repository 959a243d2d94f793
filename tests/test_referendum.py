"""Vote-change requests, the petition, and referendums."""

import numpy as np

from model import CrewModel, Vote


def test_referendum_counts_the_living_voters_intentions():
    model = CrewModel(rng=41)
    model.breach(deaths=3)
    model.run(10)
    voters = model.voters()
    intention = model.intention
    expected_continue = int(np.count_nonzero(voters & (intention == Vote.CONTINUE)))
    expected_divert = int(np.count_nonzero(voters & (intention == Vote.DIVERT)))
    result = model.call_referendum()
    assert (result.continue_votes, result.divert_votes) == (expected_continue, expected_divert)
    assert result.margin == expected_continue - expected_divert
    assert result.abstentions == 0 and result.turnout == 1.0
    assert result.trigger == "captain" and result.day == 10
    assert model.referendums[-1] is result
    # the new count is now everyone's recorded vote, and requests start again from zero
    assert np.array_equal(model.state.recorded_vote[voters], intention[voters])
    assert not model.state.requested.any()


def test_dead_do_not_vote():
    model = CrewModel(rng=42)
    before = model.call_referendum()
    voters_before = model.voters()
    model.breach(deaths=5)
    dead_voters = int(np.count_nonzero(voters_before & ~model.state.alive))
    assert dead_voters >= 1
    after = model.call_referendum()
    cast_before = before.continue_votes + before.divert_votes
    assert after.continue_votes + after.divert_votes == cast_before - dead_voters


def test_requests_come_from_voters_whose_intention_left_their_vote():
    model = CrewModel(rng=43)
    model.breach(deaths=3)
    model.run(7)
    s = model.state
    asked = s.requested & s.alive
    assert asked.sum() == model.today["vote_change_requests"] > 0
    assert np.all(s.recorded_vote[asked] != Vote.NONE)
    log = model.events().query("kind == 'requests'")
    assert log["count"].sum() >= asked.sum()


def test_petition_triggers_a_referendum_after_the_notice_period():
    model = CrewModel(
        rng=44,
        petition_threshold=0.01,
        petition_cooldown_days=0,
        referendum_notice_days=5,
        captain_strategy="silent",
    )
    model.breach(deaths=3)
    model.run(30)
    events = model.events()
    petition = events.query("kind == 'petition'")
    held = events.query("kind == 'referendum' and cause == 'petition'")
    assert len(petition) >= 1 and len(held) >= 1
    assert held.day.iloc[0] == petition.day.iloc[0] + 5
    assert model.referendums[1].trigger == "petition"
    assert petition["count"].iloc[0] >= 0.01 * model.today["voters"]


def test_petition_waits_for_the_cooldown():
    model = CrewModel(
        rng=44, petition_threshold=0.01, petition_cooldown_days=200, captain_strategy="silent"
    )
    model.breach(deaths=3)
    model.run(60)
    assert model.events().kind.eq("petition").sum() == 0


def test_a_divert_outcome_changes_the_mission_and_the_run_goes_on():
    model = CrewModel(rng=45, referendum_margin=1)
    model.broadcast("candid")
    for _ in range(30):
        model.state.belief[model.state.alive] *= 0.97  # a crew losing faith, by hand
        model.step()
    result = model.call_referendum()
    assert result.outcome == "divert" and model.mission == Vote.DIVERT
    assert model.events().kind.eq("mission").sum() == 1
    model.run(10)
    assert model.series().mission_continue.iloc[-1] == False  # noqa: E712


def test_grief_and_willingness_set_the_daily_chance_of_asking():
    # Everyone's intention leaves their recorded vote; half grieve at 0.5, half not at all.
    # Chance = request_probability * willingness * (1 + boost * grief): 0.05 and 0.05 * 6.
    model = CrewModel(rng=46, n_crew=3000, request_probability=0.05, request_grief_boost=10.0)
    s, voters = model.state, model.voters()
    s.recorded_vote[voters] = np.where(s.belief[voters] >= 0.5, Vote.DIVERT, Vote.CONTINUE)
    s.requested[:] = False
    idx = np.flatnonzero(voters)
    grieving = np.zeros(s.size, dtype=bool)
    grieving[idx[::2]] = True
    s.grief[:] = np.where(grieving, 0.5, 0.0)
    s.request_propensity[idx[1::4]] = 2.0  # a quarter are twice as willing (no grief)
    s.request_propensity[idx[3::4]] = 0.0  # and a quarter never ask
    filed = model.petition.daily(model.state, voters, model.streams.petition)
    assert len(filed) == s.requested.sum()
    for group, chance in [
        (idx[::2], 0.30),
        (idx[1::4], 0.10),
        (idx[3::4], 0.0),
    ]:
        n = len(group)
        sd = np.sqrt(chance * (1 - chance) / n)
        assert abs(s.requested[group].mean() - chance) <= 4 * sd + 1e-12, (chance, n)
