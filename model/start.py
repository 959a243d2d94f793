"""The start of a run: the crew's state arrays, settled beliefs, and the recorded referendum.

The default run starts three months after a referendum that "continue" won by the story's
share of the votes cast (``referendum_margin_share``: 49 of 2,999 votes, 50.8% support), so
that a crew of any size starts at the story's support; ``referendum_margin`` sets an absolute
margin in votes instead. Every voter's recorded vote agrees with their belief, so that nobody
wants to change their vote at day 0.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.crew import CrewState, GriefCourse, Vote
from model.parameters import Parameters, describe
from model.referendum import ReferendumResult
from model.ship import ShipLayout

if TYPE_CHECKING:
    from model.crew_model import CrewModel

#: The recorded referendum was three months before day 0 (story).
RECORDED_REFERENDUM_DAY = -90
#: Initial beliefs are kept off the extremes (they are probabilities of support).
BELIEF_FLOOR = 0.01


_DEFAULT_SHARE = describe("referendum_margin_share")["default"]


def initial_state(layout: ShipLayout, p: Parameters, traits: np.random.Generator) -> CrewState:
    """State arrays for the crew at day 0: everyone alive, undecided, trusting, not grieving,
    with traits drawn from the ``traits`` stream (:func:`draw_traits`)."""
    n = p.n_crew
    return CrewState(
        birth_day=-layout.age * 365.0,
        household=layout.household.astype(np.int64),
        section=layout.section.astype(np.int64),
        compartment=layout.compartment.astype(np.int64),
        department=layout.department,
        role=layout.role,
        alive=np.ones(n, dtype=bool),
        belief=np.full(n, 0.5),
        anchor=np.full(n, 0.5),
        trust=np.full(n, p.initial_trust),
        trust_baseline=np.full(n, p.initial_trust),
        grief=np.zeros(n),
        recorded_vote=np.full(n, Vote.NONE, dtype=np.int8),
        requested=np.zeros(n, dtype=bool),
        **draw_traits(p, n, traits),
    )


def draw_traits(p: Parameters, n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Traits of ``n`` new people: their grief course, their willingness to ask, and their
    susceptibility to influence.

    The grief course is resilient, chronic or recovering with probabilities
    ``grief_resilient_share``, ``grief_chronic_share`` and the rest (Bonanno et al. 2002);
    the willingness to ask to change one's vote is log-normal with mean 1 and log-sd
    ``request_propensity_spread``; the susceptibility (how much messages and confidants move
    them) is log-normal with mean 1 and log-sd ``susceptibility_spread``. Drawn from the
    model's trait stream, so that traits do not shift the random numbers of the run itself.
    """
    u = rng.random(n)
    course = np.full(n, GriefCourse.RECOVERING, dtype=np.int8)
    course[u < p.grief_resilient_share] = GriefCourse.RESILIENT
    course[u >= 1.0 - p.grief_chronic_share] = GriefCourse.CHRONIC
    sigma = p.request_propensity_spread
    propensity = np.exp(sigma * rng.standard_normal(n) - sigma**2 / 2)
    sigma = p.susceptibility_spread
    susceptibility = np.exp(sigma * rng.standard_normal(n) - sigma**2 / 2)
    return {
        "grief_course": course,
        "request_propensity": propensity,
        "susceptibility": susceptibility,
    }


def settle_beliefs(model: CrewModel, rng: np.random.Generator) -> None:
    """Household-correlated beliefs around 0.5, settled by ``burn_in_days`` of influence.

    x_i = 0.5 + s (sqrt(h) z_household + sqrt(1 - h) z_i), with s ``belief_spread`` and h
    ``household_homophily``, clipped to [``BELIEF_FLOOR``, 1 - ``BELIEF_FLOOR``]; the anchors
    are these draws. The captain's belief is ``captain_private_belief``.
    """
    p, state = model.p, model.state
    h = p.household_homophily
    z_house = rng.standard_normal(model.layout.n_households)[state.household]
    z_self = rng.standard_normal(p.n_crew)
    x = 0.5 + p.belief_spread * (np.sqrt(h) * z_house + np.sqrt(1 - h) * z_self)
    np.clip(x, BELIEF_FLOOR, 1 - BELIEF_FLOOR, out=x)
    x[model.captain] = p.captain_private_belief
    state.belief[:] = x
    state.anchor[:] = x
    W = model.network.adjacency
    for _ in range(p.burn_in_days):
        model.influence.step(W, state.belief, state.anchor, rng)


def margin_for(n_voters: int, share: float) -> tuple[int, int]:
    """(votes cast, margin) closest to ``share`` of the votes cast among ``n_voters``.

    A margin has the parity of the votes cast; when the nearest margin of the right parity
    misses the share by more than one voter staying home would, one voter stays home.
    """

    def nearest(n: int) -> int:  # the margin of n's parity nearest to share * n
        return 2 * round((share * n + n) / 2) - n

    candidates = [(n, nearest(n)) for n in (n_voters, n_voters - 1) if n > 0]
    if not candidates:
        return 0, 0
    return min(candidates, key=lambda c: (abs(c[1] / c[0] - share), -c[0]))


def recorded_referendum(model: CrewModel) -> ReferendumResult:
    """The referendum three months ago: 'continue' won by the story's share of the votes.

    The margin is ``referendum_margin`` votes when set, else ``referendum_margin_share`` of
    the votes cast (rounded to the nearest reachable count). Beliefs and anchors of everyone
    but the captain are shifted by one constant so that exactly the right number of voters
    sit at or above 0.5; each voter's recorded vote is their intention then. Raises
    ValueError naming the margin parameter when the margin cannot be reached.
    """
    p, state = model.p, model.state
    voters = model.voters()
    voted = voters.copy()
    if p.turnout < 1.0:  # one uniform per slot, from the turnout stream (model.streams)
        voted &= model.streams.turnout.random(len(voters)) < p.turnout
    if p.referendum_margin is None:
        name, value = "referendum_margin_share", p.referendum_margin_share
        n_cast, margin = margin_for(int(voted.sum()), p.referendum_margin_share)
    else:
        name, value = "referendum_margin", p.referendum_margin
        margin = p.referendum_margin
        n_cast = int(voted.sum()) - (int(voted.sum()) + margin) % 2
    if n_cast < voted.sum():  # parity: one voter stayed home
        voted[np.flatnonzero(voted & ~model.frozen)[-1:]] = False
    n_voted = int(voted.sum())
    if abs(margin) > n_voted:
        raise ValueError(
            f"{name}={value} is invalid: only {n_voted} of this crew voted; expected a "
            f"margin from {-n_voted} to {n_voted}"
        )
    fixed = voted & model.frozen
    fixed_continue = int(np.count_nonzero(state.belief[fixed] >= 0.5))
    free = np.sort(state.belief[voted & ~model.frozen])[::-1]
    if p.referendum_margin is None:  # a share: the nearest margin the captain's vote allows
        low = 2 * fixed_continue - n_voted
        wanted, margin = margin, min(max(margin, low), low + 2 * len(free))
        if np.sign(margin) * np.sign(wanted) < 0:  # the captain's vote alone would decide
            raise ValueError(
                f"n_crew={p.n_crew} is invalid: {n_voted} voter(s) cannot give the recorded "
                f"referendum the story's outcome ({name}={value:.4f}) with the captain's vote "
                f"fixed by captain_private_belief={p.captain_private_belief}; expected a "
                "larger crew"
            )
    need = (n_voted + margin) // 2 - fixed_continue
    # Name the margin when the caller set it; a default share fails only for a small crew.
    blamed = (
        f"{name}={value}"
        if name == "referendum_margin" or value != _DEFAULT_SHARE
        else (f"n_crew={p.n_crew}")
    )
    if not 0 <= need <= len(free):
        raise ValueError(
            f"{blamed} is invalid: the recorded margin ({name}={value:.4g}) cannot be reached "
            f"with the captain's vote fixed by captain_private_belief={p.captain_private_belief}"
        )
    upper = free[need - 1] if need > 0 else 1.5  # above everyone
    lower = free[need] if need < len(free) else -0.5  # below everyone
    shift = 0.5 - (upper + lower) / 2.0
    move = ~model.frozen
    state.belief[move] = np.clip(state.belief[move] + shift, 0.0, 1.0)
    state.anchor[move] = np.clip(state.anchor[move] + shift, 0.0, 1.0)
    state.recorded_vote[voted] = model.intention[voted]
    cont = int(np.count_nonzero(state.recorded_vote == Vote.CONTINUE))
    div = int(np.count_nonzero(state.recorded_vote == Vote.DIVERT))
    if cont - div != margin:  # voters tied at one belief cannot be split
        raise ValueError(
            f"{blamed} is invalid for this start: after {p.burn_in_days} burn-in days "
            f"of '{p.influence}' too many voters share one belief to give the recorded margin "
            f"({name}={value:.4g}); try burn_in_days=0"
        )
    outcome = "divert" if div > cont else "continue"
    abstained = int(voters.sum()) - cont - div
    return ReferendumResult(RECORDED_REFERENDUM_DAY, cont, div, abstained, outcome, "recorded")
