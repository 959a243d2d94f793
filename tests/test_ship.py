"""The ship: households, sections, compartments, departments and the social network."""

import numpy as np
import pytest

from model import CrewModel, Department, Role
from model.network import TieKind


@pytest.fixture(scope="module")
def ship():
    return CrewModel(rng=7)


def test_default_ship_holds_3000_crew_in_sections_of_42_families(ship):
    s, L = ship.state, ship.layout
    assert s.size == 3000 and s.alive.all()
    families = np.bincount(np.unique(s.household) // 42)
    assert families[:-1].tolist() == [42] * (L.n_sections - 1)  # the last section may be partial
    mean_household = 3000 / L.n_households
    assert 2.0 < mean_household < 3.5


def test_compartments_lie_inside_sections(ship):
    s, L = ship.state, ship.layout
    assert np.array_equal(s.compartment // L.compartments_per_section, s.section)
    households_per_compartment = [
        len(np.unique(s.household[s.compartment == c])) for c in np.unique(s.compartment)
    ]
    assert max(households_per_compartment) == 3


def test_one_captain_working_adults_in_departments(ship):
    s = ship.state
    ages = ship.ages()
    assert np.count_nonzero(s.role == Role.CAPTAIN) == 1
    assert s.department[ship.captain] == Department.COMMAND
    workers = s.role == Role.CREW
    assert np.all(s.department[workers] != Department.NONE)
    assert np.all(s.department[s.role == Role.CHILD] == Department.NONE)
    assert np.all(ages[s.role == Role.CHILD] < 18)
    for dept in (Department.ENGINEERING, Department.HYDROPONICS, Department.MEDICAL):
        assert np.count_nonzero(s.department == dept) > 50


def test_network_is_symmetric_without_self_ties(ship):
    A = ship.network.adjacency
    assert abs(A - A.T).sum() == 0
    assert A.diagonal().sum() == 0
    degree = np.diff(A.indptr)
    assert degree.min() >= 1
    assert 10 < degree.mean() < 40


def test_household_members_are_all_tied_with_the_strongest_weight(ship):
    s, A = ship.state, ship.network.adjacency.toarray()
    kinds = ship.network
    for h in range(0, 200, 17):
        members = np.flatnonzero(s.household == h)
        for i in members:
            for j in members:
                if i != j:
                    assert A[i, j] == ship.p.weight_household
    household_bits = kinds.kinds & TieKind.HOUSEHOLD
    assert household_bits.any()


def test_friendships_cross_sections_at_the_rewiring_rate():
    model = CrewModel(rng=3, friend_cross_section=0.0)
    net, s = model.network, model.state
    friend = (net.kinds & TieKind.FRIEND) != 0
    cross = s.section[net.rows] != s.section[net.adjacency.indices]
    assert not (friend & cross).any()
    model = CrewModel(rng=3, friend_cross_section=1.0)
    net, s = model.network, model.state
    friend = (net.kinds & TieKind.FRIEND) != 0
    cross = s.section[net.rows] != s.section[net.adjacency.indices]
    assert (friend & cross).sum() / friend.sum() > 0.9


def test_graph_view_is_networkx_of_the_living(ship):
    g = ship.graph()
    assert g.number_of_nodes() == 3000
    assert g.number_of_edges() == ship.network.live_tie_count()


def test_small_and_tiny_crews_build():
    model = CrewModel(rng=1, n_crew=40, referendum_margin=2)
    assert model.state.size == 40
    assert np.count_nonzero(model.state.role == Role.CAPTAIN) == 1
    tiny = CrewModel(rng=1, n_crew=1, referendum_margin=-1)  # she is the captain: divert
    tiny.run(30)
    assert len(tiny.series()) == 31
