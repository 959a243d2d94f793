"""Crew cohesion: an agent-based model of social cohesion aboard a generation ship.

The public API::

    from model import CrewModel, Parameters
    model = CrewModel(rng=1, captain_strategy="memorial")
    model.breach(deaths=3)
    model.run(365)
    model.series(), model.events(), model.referendums
"""

from model.crew import CrewMember, Department, Role, Vote
from model.crew_model import CrewModel
from model.parameters import Parameters
from model.referendum import ReferendumResult

__all__ = [
    "CrewMember",
    "CrewModel",
    "Department",
    "Parameters",
    "ReferendumResult",
    "Role",
    "Vote",
]
__version__ = "0.1.0"
