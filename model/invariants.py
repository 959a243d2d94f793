"""The model's invariants, checked every day in debug mode (``CrewModel(debug=True)``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.crew import Vote

if TYPE_CHECKING:
    from model.crew_model import CrewModel


class InvariantError(AssertionError):
    """A model invariant does not hold."""


def check_invariants(model: CrewModel) -> None:
    """Raise :class:`InvariantError` naming the first invariant that does not hold."""
    s = model.state
    alive_agents = sum(1 for a in model.crew if a.model is model and a in model.agents)
    _require(int(s.alive.sum()) == alive_agents == len(model.agents), "agents and arrays agree")
    _require(int((~s.alive).sum()) == model.counts["deaths"], "living + dead = everyone")
    _require(s.size == model.p.n_crew + model.counts["births"], "everyone ever born has a slot")
    for name in ("belief", "trust", "grief"):
        values = getattr(s, name)[s.alive]
        _require(bool(np.all((values >= 0) & (values <= 1))), f"{name} within [0, 1]")
    A = model.network.adjacency
    touching = (A.data != 0) & (~s.alive[model.network.rows] | ~s.alive[A.indices])
    _require(not touching.any(), "no tie touches a dead person")
    last = model.referendums[-1]
    if last.day == model.day:
        counted = last.continue_votes + last.divert_votes + last.abstentions
        # a breach between steps may kill voters after today's vote: never more voters now
        _require(counted >= int(model.voters().sum()), "referendum counts the living voters")
    voted = s.recorded_vote != Vote.NONE
    _require(not (voted & (model.ages() < model.p.voting_age)).any(), "only voters have votes")


def _require(condition: bool, what: str) -> None:
    if not condition:
        raise InvariantError(f"invariant violated: {what}")
