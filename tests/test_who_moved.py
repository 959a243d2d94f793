"""Who moved (model/who_moved.py): the requests since a day and each requester's closest tie
to the dead, checked by hand on a small ship."""

from __future__ import annotations

import numpy as np
import pytest

from model import CrewModel, Vote
from model.network import TieKind
from model.who_moved import Tie, closest_ties, dead_since, default_since_day, who_moved

CREW = 200


def tie_bits_to(adjacency, kinds, dead: int) -> np.ndarray:
    """Each slot's tie-kind bits to ``dead`` on a copy of the network (0 for no tie)."""
    bits = np.zeros(adjacency.shape[0], dtype=np.int64)
    lo, hi = adjacency.indptr[dead], adjacency.indptr[dead + 1]
    bits[adjacency.indices[lo:hi]] = kinds[lo:hi]
    return bits


def file_for(model: CrewModel, people: list[int]) -> None:
    """Turn these voters' intentions away from their recorded votes and let them file today
    (request_probability 1: everyone whose intention left their vote files)."""
    s = model.state
    people = np.asarray(people)
    s.belief[people] = np.where(s.recorded_vote[people] == Vote.CONTINUE, 0.0, 1.0)
    model._petition()  # the day's requests, recorded in the ledger


@pytest.fixture
def after_breach():
    """A breach killing one person on day 0, and one requester of each tie, picked on the
    network as it was before the breach: household, friend, co-worker, neighbour, none."""
    model = CrewModel(rng=4, n_crew=CREW, request_probability=1.0, request_grief_boost=0.0)
    s = model.state
    adjacency = model.network.adjacency.copy()
    kinds = model.network.kinds.copy()
    household, section = s.household.copy(), s.section.copy()
    # strike a compartment holding a household of two voters or more (with this seed the
    # breach kills one of them, so their kin can file)
    voters = model.voters()
    sizes = np.bincount(household[voters])
    pair = np.flatnonzero(voters & (sizes[household] >= 2))[0]
    target = int(s.compartment[pair])
    struck = model.breach(deaths=1, section=int(section[pair]), compartment=target)
    assert struck["deaths"] == 1
    (victim,) = dead_since(model, 0).tolist()
    bits = tie_bits_to(adjacency, kinds, victim)
    voters = model.voters() & (s.recorded_vote != Vote.NONE)
    same_house = household == household[victim]
    same_section = section == section[victim]

    def first(mask: np.ndarray) -> int:
        found = np.flatnonzero(mask & voters)
        assert len(found), "the seed offers no such person: pick another seed"
        return int(found[0])

    people = {
        "household": first(same_house),
        "friend": first(~same_house & (bits & TieKind.FRIEND > 0)),
        "co-worker": first(
            ~same_house & (bits & (TieKind.FRIEND | TieKind.COWORKER) == TieKind.COWORKER)
        ),
        "neighbour": first(
            ~same_house & same_section & (bits & (TieKind.FRIEND | TieKind.COWORKER) == 0)
        ),
        "none": first(~same_section & (bits == 0)),
    }
    assert s.compartment[victim] == target
    model.step()  # day 1: grief and influence, then the day's requests
    file_for(model, list(people.values()))
    return model, victim, people


def test_each_requester_shows_their_closest_tie_to_the_dead(after_breach):
    model, victim, people = after_breach
    table = who_moved(model, since_day=0)
    tie_of = dict(zip(table["crew"], table["tie"].astype(str), strict=True))
    for tie, person in people.items():
        assert tie_of[person] == tie, (tie, person)
    assert victim not in tie_of  # the dead file nothing
    row = table.set_index("crew").loc[people["household"]]
    s = model.state
    assert row["section"] == s.section[people["household"]]
    assert row["department"] == model.crew[people["household"]].department.name.lower()
    assert row["vote_before"] != row["vote_after"] and row["open"] and row["alive"]


def test_the_table_puts_the_closest_first_and_counts_every_request(after_breach):
    model, _, _ = after_breach
    table = who_moved(model, since_day=0)
    ranks = table["tie"].cat.codes.to_numpy()
    assert (np.diff(ranks) <= 0).all()  # closest first
    assert len(table) == int(model.state.requested.sum())  # nobody filed before day 0


def test_a_death_before_the_window_makes_no_one_close(after_breach):
    model, _, people = after_breach
    later = who_moved(model, since_day=1)  # the requests of day 1 count, the death of day 0 not
    assert set(people.values()) <= set(later["crew"])
    assert (later["tie"] == "none").all()
    assert len(who_moved(model, since_day=2)) == 0  # nothing filed since


def test_closest_ties_rank_household_over_friend_over_coworker_over_neighbour():
    # One crew member loses, in turn, a stranger of their section, a co-worker of another
    # section, a friend from another household and one of their household: each loss is
    # closer than the ones before, so the closest tie climbs the ranking step by step.
    model = CrewModel(rng=5, n_crew=CREW)
    s = model.state
    person = int(np.flatnonzero(model.voters())[0])
    ties, bits = model.network.ties_of(person)
    tied = np.zeros(s.size, dtype=bool)
    tied[ties] = True
    stranger = np.flatnonzero(
        (s.section == s.section[person]) & (s.household != s.household[person]) & ~tied
    )
    assert closest_ties(model, 0)[person] == Tie.NONE
    model.kill(stranger[:1], cause="test")
    assert closest_ties(model, 0)[person] == Tie.NEIGHBOUR
    friend = ties[(bits & TieKind.FRIEND > 0) & (s.household[ties] != s.household[person])]
    worker = ties[(bits == TieKind.COWORKER) & (s.section[ties] != s.section[person])]
    model.kill(worker[:1], cause="test")
    assert closest_ties(model, 0)[person] == Tie.COWORKER
    model.kill(friend[:1], cause="test")
    assert closest_ties(model, 0)[person] == Tie.FRIEND
    kin = np.flatnonzero((s.household == s.household[person]) & s.alive)
    model.kill(kin[kin != person][:1], cause="test")
    assert closest_ties(model, 0)[person] == Tie.HOUSEHOLD


def test_a_referendum_closes_the_requests_but_keeps_them_in_the_table(after_breach):
    model, _, people = after_breach
    model.call_referendum()
    table = who_moved(model, since_day=0)
    assert not model.state.requested.any()
    assert set(people.values()) <= set(table["crew"]) and not table["open"].any()


def test_the_ledger_survives_a_checkpoint(after_breach, tmp_path):
    model, _, _ = after_breach
    loaded = CrewModel.load(model.save(tmp_path / "ship.ckpt"))
    assert who_moved(loaded, 0).equals(who_moved(model, 0))
    assert default_since_day(loaded) == default_since_day(model) == 0


def test_a_requester_who_dies_is_not_their_own_loss(after_breach):
    # The unconnected requester dies the day after filing: their own household and section
    # hold a dead person now (themselves), which makes them no closer to the dead.
    model, _, people = after_breach
    model.kill(np.array([people["none"]]), cause="test")
    row = who_moved(model, since_day=0).set_index("crew").loc[people["none"]]
    assert row["tie"] == "none" and not row["alive"] and not row["open"]
