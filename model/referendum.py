"""Vote-change requests, the petition, and referendums.

A voter whose intention (belief >= 0.5 means continue) differs from the vote they cast at
the last referendum asks to change it with probability ``request_probability`` a day (the
story's "47 people came to me"), times their willingness (``request_propensity``, a trait of
mean 1) and times 1 + ``request_grief_boost`` × their grief. Requests toward the option
that lost the last referendum are petition signatures; when they reach
``petition_threshold`` of the living voters, a referendum is called and held
``referendum_notice_days`` later, unless the last referendum was less than
``petition_cooldown_days`` ago. A referendum counts the
intentions of the living voters who turn out (each with probability ``turnout``); a tie keeps
the current mission.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from model.crew import Vote

if TYPE_CHECKING:
    from model.crew import CrewState
    from model.parameters import Parameters


@dataclass(frozen=True)
class ReferendumResult:
    """The count of one referendum."""

    day: int
    continue_votes: int
    divert_votes: int
    abstentions: int
    outcome: str  # "continue" or "divert"; a tie keeps the mission there was
    trigger: str  # "recorded" (the start state), "petition", "captain" or "intervention"

    @property
    def turnout(self) -> float:
        voters = self.continue_votes + self.divert_votes + self.abstentions
        return (self.continue_votes + self.divert_votes) / voters if voters else 0.0

    @property
    def margin(self) -> int:
        """Continue minus divert votes."""
        return self.continue_votes - self.divert_votes

    def to_dict(self) -> dict:
        return {**asdict(self), "turnout": self.turnout, "margin": self.margin}


def intentions(belief: np.ndarray) -> np.ndarray:
    """Vote intention from belief: continue at 0.5 and above."""
    return (belief >= 0.5).view(np.int8)  # Vote.CONTINUE == 1, Vote.DIVERT == 0


def losing_side(mission: int) -> int:
    """The option that lost the last referendum (the one the ship is not on)."""
    return Vote.DIVERT if mission == Vote.CONTINUE else Vote.CONTINUE


class Petition:
    """Requests and signatures since the last referendum; calls a referendum at threshold.

    Its methods take the crew's state arrays, the voters, the day and the event log, never
    the whole model.
    """

    def __init__(self, p: Parameters) -> None:
        self.p = p
        self.scheduled_day: int | None = None

    def daily(self, state: CrewState, voters: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """File today's requests (draws from ``rng``, the requests' stream); returns the slots
        that filed."""
        # one uniform per slot every day, whoever qualifies (common random numbers: a voter's
        # request is decided by the same number on a twin whose strategy moved others)
        u = rng.random(state.size)
        want = voters & ~state.requested & (state.recorded_vote != Vote.NONE)
        want &= intentions(state.belief) != state.recorded_vote
        candidates = np.flatnonzero(want)
        if len(candidates) == 0:
            return candidates
        chance = self.p.request_probability * state.request_propensity[candidates]
        if self.p.request_grief_boost:
            chance = chance * (1.0 + self.p.request_grief_boost * state.grief[candidates])
        filed = candidates[u[candidates] < chance]
        state.requested[filed] = True
        return filed

    def signatures(self, state: CrewState, voters: np.ndarray, mission: int) -> int:
        """Requests toward the option that lost the last referendum."""
        losing = losing_side(mission)
        return int(
            np.count_nonzero(voters & state.requested & (intentions(state.belief) == losing))
        )

    def due(
        self,
        day: int,
        last_referendum_day: int,
        signatures: int,
        n_voters: int,
        log: Callable[..., Any],
    ) -> bool:
        """Check the threshold (scheduling a referendum, logged) and whether one is due today."""
        since_last = day - last_referendum_day
        if (
            self.scheduled_day is None
            and n_voters > 0
            and since_last >= self.p.petition_cooldown_days
            and signatures >= max(1.0, self.p.petition_threshold * n_voters)
        ):
            self.scheduled_day = day + self.p.referendum_notice_days
            log(
                "petition",
                f"{signatures} signatures: referendum on day {self.scheduled_day}",
                count=signatures,
            )
        return self.scheduled_day is not None and day >= self.scheduled_day


def count_votes(
    state: CrewState,
    voters: np.ndarray,
    mission: int,
    day: int,
    turnout: float,
    rng: np.random.Generator,
    trigger: str,
) -> ReferendumResult:
    """Hold a referendum now (turnout drawn from ``rng``); record each voter's vote and reset
    requests."""
    voted = voters.copy()
    if turnout < 1.0:  # one uniform per slot (the same numbers whoever is a voter)
        voted &= rng.random(len(voters)) < turnout
    choice = intentions(state.belief)
    cont = int(np.count_nonzero(voted & (choice == Vote.CONTINUE)))
    div = int(np.count_nonzero(voted & (choice == Vote.DIVERT)))
    state.recorded_vote[:] = Vote.NONE
    state.recorded_vote[voted] = choice[voted]
    state.requested[:] = False
    status_quo = "continue" if mission == Vote.CONTINUE else "divert"
    outcome = "continue" if cont > div else "divert" if div > cont else status_quo
    return ReferendumResult(day, cont, div, int(voters.sum()) - cont - div, outcome, trigger)


def describe_referendum(result: ReferendumResult) -> str:
    """One line for the event log."""
    return (
        f"referendum ({result.trigger}): continue {result.continue_votes}, divert "
        f"{result.divert_votes}, margin {result.margin:+d} -> {result.outcome}"
    )
