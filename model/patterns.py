"""The story's breach, measured: how many ask to change their vote, who, and when.

Each measurement runs the story's breach (3 deaths at day 0) on a ship and a no-breach
control with the same seed and parameters, so that the difference is the breach's effect.

``breach_response(seed=0)["extra"]`` is the extra requests 7 days after the breach;
``experiments/story_checks.py`` prints these over seeds (the pattern table of docs/ODD.md).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from model.crew_model import CrewModel


def close_to_the_dead(model: CrewModel, deaths: int = 3) -> np.ndarray:
    """Breach ``model`` now; return the mask of the living within two ties of a victim or
    living in the breached section, read on the network as it was before the breach."""
    ties = model.network.adjacency.copy()
    alive, section = model.state.alive.copy(), model.state.section.copy()
    struck = model.breach(deaths=deaths)["section"]
    victims = np.zeros(len(alive))
    victims[alive & ~model.state.alive] = 1.0
    one_hop = (ties @ victims > 0) | (victims > 0)
    two_hops = (ties @ one_hop.astype(float)) > 0
    return (one_hop | two_hops | (section == struck)) & model.state.alive


def count_in(mask: np.ndarray, near: np.ndarray) -> int:
    """How many of ``mask`` are in ``near`` (people born since are not near)."""
    n = min(len(mask), len(near))
    return int(np.count_nonzero(mask[:n] & near[:n]))


def breach_response(seed: int, days: int = 7, **params: Any) -> dict[str, float]:
    """The story's breach of 3 against a no-breach control with the same seed.

    Returns:
        extra: extra vote-change requests after ``days`` days (breach minus control);
        extra_by_day_2: the same after two days ("came to me yesterday");
        near_share_of_extra: share of the extra requesters who are close to the dead
            (:func:`close_to_the_dead`);
        near_share_of_voters: share of voters who are close to the dead;
        concentration: the ratio of the two (1 = the breach moves the ship evenly).
    """
    control, breach = CrewModel(rng=seed, **params), CrewModel(rng=seed, **params)
    near = close_to_the_dead(breach)
    daily = []
    for _ in range(days):
        control.step()
        breach.step()
        daily.append(int(breach.state.requested.sum() - control.state.requested.sum()))
    voters = breach.voters()
    extra = daily[-1]
    extra_near = count_in(breach.state.requested, near) - count_in(control.state.requested, near)
    near_share_of_extra = extra_near / extra if extra > 0 else float("nan")
    near_share_of_voters = count_in(voters, near) / max(int(voters.sum()), 1)
    return {
        "extra": extra,
        "extra_by_day_2": daily[min(1, days - 1)],
        "near_share_of_extra": near_share_of_extra,
        "near_share_of_voters": near_share_of_voters,
        "concentration": near_share_of_extra / near_share_of_voters,
    }
