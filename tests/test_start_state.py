"""The start: three months after a referendum that 'continue' won by the story's share."""

import numpy as np
import pytest

from model import CrewModel, Vote

STORY_SUPPORT = 1524 / 2999  # FACTS.md: continue won 1,524 to 1,475


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_recorded_referendum_margin_is_the_storys_share_among_3000(seed):
    model = CrewModel(rng=seed)
    first = model.referendums[0]
    assert first.trigger == "recorded" and first.day == -90
    cast = first.continue_votes + first.divert_votes
    # the margin of cast's parity nearest to 49/2999 of the votes cast
    assert abs(first.margin - 49 / 2999 * cast) <= 1 and first.outcome == "continue"
    assert model.today["alive"] == 3000
    voters = model.voters()
    assert first.continue_votes + first.divert_votes + first.abstentions == voters.sum()
    assert first.abstentions <= 1  # parity: one voter may have stayed home


def test_each_recorded_vote_agrees_with_belief_so_no_one_asks_at_day_0():
    model = CrewModel(rng=4)
    s = model.state
    voted = s.recorded_vote != Vote.NONE
    assert np.array_equal(s.recorded_vote[voted], model.intention[voted])
    assert model.today["vote_change_requests"] == 0
    assert np.all(s.recorded_vote[model.ages() < model.p.voting_age] == Vote.NONE)


def test_the_captain_privately_voted_to_divert():
    model = CrewModel(rng=5)
    assert model.state.belief[model.captain] == pytest.approx(0.35)
    assert model.state.recorded_vote[model.captain] == Vote.DIVERT


@pytest.mark.parametrize("margin", [-30, 0, 1, 200])
def test_margin_is_a_parameter(margin):
    model = CrewModel(rng=6, referendum_margin=margin)
    assert model.referendums[0].margin == margin
    assert model.mission == (Vote.DIVERT if margin < 0 else Vote.CONTINUE)


@pytest.mark.parametrize("n_crew", [10, 100, 300, 3000, 30_000])
def test_any_crew_size_starts_at_the_storys_support(n_crew):
    model = CrewModel(rng=7, n_crew=n_crew)
    support, voters = model.today["support_continue"], model.today["voters"]
    # within 1 point, or one voter's worth where a voter is more than a point
    assert abs(support - STORY_SUPPORT) <= max(0.01, 1 / voters), (support, voters)


def test_the_absolute_margin_of_the_story_is_available():
    model = CrewModel(rng=3, referendum_margin=49)
    assert model.referendums[0].margin == 49


def test_impossible_margin_is_a_clear_error():
    with pytest.raises(ValueError, match=r"referendum_margin=49 is invalid: only \d+ of this crew"):
        CrewModel(rng=1, n_crew=30, referendum_margin=49)


def test_a_crew_whose_captain_alone_would_decide_the_start_is_a_clear_error():
    # One voter, the captain, privately for diverting: the story's 'continue' cannot win.
    with pytest.raises(ValueError, match=r"n_crew=1 is invalid: 1 voter\(s\) cannot give"):
        CrewModel(rng=1, n_crew=1)
    assert CrewModel(rng=1, n_crew=1, captain_private_belief=0.6).mission == Vote.CONTINUE


def test_turnout_below_one_leaves_abstentions():
    model = CrewModel(rng=2, turnout=0.8)
    first = model.referendums[0]
    assert first.margin == pytest.approx(
        49 / 2999 * (first.continue_votes + first.divert_votes), abs=1
    )
    assert first.turnout == pytest.approx(0.8, abs=0.04)  # binomial sd ~ 0.009 over ~2,000 voters


def test_canonical_rules_run_on_the_ship_from_the_same_start():
    for rule in ("degroot", "deffuant", "voter"):
        model = CrewModel(rng=8, influence=rule, burn_in_days=0, referendum_margin=49)
        assert model.referendums[0].margin == 49
        model.run(10)
        assert len(model.series()) == 11
