"""Crew members: identities as Mesa agents, changing state in numpy arrays.

A :class:`CrewMember` is an identity (age, household, section, compartment, department,
role) and a window onto the model's state arrays: ``member.belief`` reads and writes
``model.state.belief[member.slot]``. Nothing iterates the agents in the daily update.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from enum import IntEnum
from typing import TYPE_CHECKING

import mesa
import numpy as np

if TYPE_CHECKING:
    from model.crew_model import CrewModel


class Role(IntEnum):
    """What a person does aboard."""

    CHILD = 0
    CREW = 1
    OFFICER = 2
    CAPTAIN = 3
    RETIRED = 4


class Department(IntEnum):
    """Work departments; NONE for children and the retired."""

    NONE = 0
    COMMAND = 1
    ENGINEERING = 2
    HYDROPONICS = 3
    MEDICAL = 4
    LIFE_SUPPORT = 5
    EDUCATION = 6
    OPERATIONS = 7


#: Share of the working crew in each department (assumption: a ship that feeds, heals and
#: repairs itself; command is small). Documented in docs/ODD.md.
DEPARTMENT_SHARES: dict[Department, float] = {
    Department.COMMAND: 0.04,
    Department.ENGINEERING: 0.26,
    Department.HYDROPONICS: 0.20,
    Department.MEDICAL: 0.10,
    Department.LIFE_SUPPORT: 0.15,
    Department.EDUCATION: 0.10,
    Department.OPERATIONS: 0.15,
}

#: Age at which crew retire from their department (assumption).
RETIREMENT_AGE = 65.0


class GriefCourse(IntEnum):
    """How a person's grief runs its course (Bonanno et al. 2002's trajectories)."""

    RECOVERING = 0  # the reference course: grief halves every grief_half_life days
    RESILIENT = 1  # fast recovery
    CHRONIC = 2  # prolonged grief


class Vote(IntEnum):
    """A recorded vote."""

    NONE = -1
    DIVERT = 0
    CONTINUE = 1


@dataclass
class CrewState:
    """Per-person arrays, indexed by slot; slots are never reused.

    Identity arrays change only at birth (and role at a captain's succession); the
    dynamic arrays change every step.
    """

    birth_day: np.ndarray  # float64, day of birth (negative for those born before day 0)
    household: np.ndarray  # int64
    section: np.ndarray  # int64
    compartment: np.ndarray  # int64
    department: np.ndarray  # int8, Department
    role: np.ndarray  # int8, Role
    alive: np.ndarray  # bool
    belief: np.ndarray  # float64 in [0, 1]; 1 = continue to Tau Ceti, 0 = divert
    anchor: np.ndarray  # float64 in [0, 1]; the belief one is pulled back to
    trust: np.ndarray  # float64 in [0, 1]
    trust_baseline: np.ndarray  # float64 in [0, 1]
    grief: np.ndarray  # float64 in [0, 1]
    recorded_vote: np.ndarray  # int8, Vote cast at the last referendum
    requested: np.ndarray  # bool, asked to change their vote since the last referendum
    grief_course: np.ndarray  # int8, GriefCourse (a trait, drawn at birth)
    request_propensity: np.ndarray  # float64 > 0, willingness to ask (a trait, mean 1)
    susceptibility: np.ndarray  # float64 > 0, how much influence moves one (a trait, mean 1)
    #: bool, withdrawn from work and ties (model/disengagement.py); none at day 0
    disengaged: np.ndarray | None = None
    #: int64, the slot of one's partner, -1 for none (model/demography.py); none at creation
    partner: np.ndarray | None = None
    #: bool, voted in the recorded referendum (set at the start; nobody born since did)
    voted_recorded: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.disengaged is None:
            self.disengaged = np.zeros(len(self.alive), dtype=bool)
        if self.partner is None:
            self.partner = np.full(len(self.alive), -1, dtype=np.int64)
        if self.voted_recorded is None:
            self.voted_recorded = np.zeros(len(self.alive), dtype=bool)
        self._capacity: dict[str, np.ndarray] = {}  # spare room for births, per array

    def __getstate__(self) -> dict:
        """Pickle the arrays only (checkpoints): the spare room is re-made at the next birth."""
        return {**self.__dict__, "_capacity": {}}

    @property
    def size(self) -> int:
        """Slots in use (everyone ever aboard)."""
        return len(self.alive)

    def append(self, **values: np.ndarray) -> np.ndarray:
        """Add people; returns their new slots. Arrays not given get neutral values.

        ``partner`` defaults to -1 (no partner).

        Each array is a view of a buffer with spare room that doubles when full, so a day's
        births cost O(births), not a copy of every array (amortised). The arrays seen after
        an append are new objects, as before; hold the state, not its arrays.
        """
        n = len(values["birth_day"])
        start = self.size
        end = start + n
        for f in fields(self):
            old = getattr(self, f.name)
            buffer = self._capacity.get(f.name)
            if buffer is None or old.base is not buffer or len(buffer) < end:
                buffer = np.empty(max(end, 2 * start, 16), dtype=old.dtype)
                buffer[:start] = old
                self._capacity[f.name] = buffer
            new = values.get(f.name)
            neutral = -1 if f.name == "partner" else 0
            buffer[start:end] = neutral if new is None else np.asarray(new, dtype=old.dtype)
            setattr(self, f.name, buffer[:end])
        return np.arange(start, end)


def _state_property(name: str, doc: str) -> property:
    def get(self: CrewMember):
        return getattr(self.model.state, name)[self.slot].item()

    def put(self: CrewMember, value) -> None:
        getattr(self.model.state, name)[self.slot] = value

    return property(get, put, doc=doc)


class CrewMember(mesa.Agent):
    """One person aboard. Identity lives here; changing state lives in the model's arrays."""

    model: CrewModel

    def __init__(self, model: CrewModel, slot: int) -> None:
        super().__init__(model)
        self.slot = int(slot)

    belief = _state_property("belief", "Belief in continuing to Tau Ceti, 0 to 1.")
    trust = _state_property("trust", "Trust in the leadership, 0 to 1.")
    grief = _state_property("grief", "Grief, 0 to 1.")
    household = _state_property("household", "Household id.")
    section = _state_property("section", "Residential section id.")
    compartment = _state_property("compartment", "Compartment id (ship-wide).")
    alive = _state_property("alive", "False once dead.")

    @property
    def role(self) -> Role:
        return Role(self.model.state.role[self.slot])

    @property
    def department(self) -> Department:
        return Department(self.model.state.department[self.slot])

    @property
    def age(self) -> float:
        """Age in years on the current day."""
        return (self.model.day - self.model.state.birth_day[self.slot]) / 365.0

    @property
    def recorded_vote(self) -> Vote:
        return Vote(self.model.state.recorded_vote[self.slot])

    @property
    def intention(self) -> Vote:
        """How this person would vote today."""
        return Vote.CONTINUE if self.belief >= 0.5 else Vote.DIVERT

    def __repr__(self) -> str:
        return f"CrewMember(slot={self.slot}, role={self.role.name}, age={self.age:.0f})"
