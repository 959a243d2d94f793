"""Crew members are Mesa agents whose changing state lives in the model's arrays."""

import mesa
import numpy as np

from model import CrewMember, CrewModel, Role, Vote


def test_every_crew_member_is_a_mesa_agent_with_an_identity():
    model = CrewModel(rng=81)
    assert len(model.agents) == 3000
    member = model.crew[10]
    assert isinstance(member, CrewMember) and isinstance(member, mesa.Agent)
    assert member.slot == 10
    assert member.household == model.state.household[10]
    assert isinstance(member.role, Role)
    assert 0 <= member.age < 100


def test_agent_attributes_read_and_write_the_arrays():
    model = CrewModel(rng=82)
    member = model.crew[42]
    member.belief = 0.9
    assert model.state.belief[42] == 0.9
    assert member.intention == Vote.CONTINUE
    model.state.trust[42] = 0.25
    assert member.trust == 0.25


def test_the_captain_is_an_agent_too():
    model = CrewModel(rng=83)
    captain = model.crew[model.captain]
    assert captain.role == Role.CAPTAIN
    assert captain.recorded_vote == Vote.DIVERT


def test_state_arrays_are_numpy():
    model = CrewModel(rng=84)
    for name in ("belief", "trust", "grief", "alive"):
        assert isinstance(getattr(model.state, name), np.ndarray)
