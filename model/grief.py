"""Grief: who a death hits, how hard, how it fades, and how it moves belief.

A death of person *d* hits each living person *i* with an impact :math:`a_i \\in [0, 1]`:
``grief_household`` for those in d's household, otherwise the strongest of ``grief_friend``,
``grief_neighbour`` and ``grief_coworker`` over the kinds of tie between them, and for public
deaths (breaches) at least ``grief_salience`` for everyone aboard (the ship-wide tier; the
ship-wide loss of trust in a public death is ``public_loss_salience``). Impacts combine as
independent losses, :math:`g \\leftarrow 1 - (1 - g)(1 - a)`, so grief stays in [0, 1]. Grief
halves every ``grief_half_life`` days on the recovering course; on the resilient and chronic
courses (Bonanno et al. 2002; each person's ``grief_course``) the half-life is
``grief_resilient_factor`` and ``grief_chronic_factor`` times that.

Each day grief moves belief toward a target (Δx = κ g (τ − x)): toward diversion (τ = 0)
unless a memorial has framed the deaths as meaningful. Framing φ (``memorial_framing``,
halving every ``framing_half_life`` days) times the person's trust gives the share of grief
turned into commitment to the current mission: τ = φ · trust · M, with M = 1 while the
mission is to continue and 0 once diverted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.crew import GriefCourse
from model.network import TieKind, strongest_by_bits

if TYPE_CHECKING:
    from model.crew import CrewState
    from model.network import SocialNetwork
    from model.parameters import Parameters


class Grief:
    """Grief impacts, decay, and grief's daily effect on belief.

    Built from the parameters; its methods take the crew's state arrays (and the network, for
    who a death hits), never the whole model.
    """

    def __init__(self, p: Parameters) -> None:
        self.household = p.grief_household
        self.salience = p.grief_salience
        self.public_loss = p.public_loss_salience
        self.by_bits = strongest_by_bits(
            {
                TieKind.HOUSEHOLD: p.grief_household,
                TieKind.FRIEND: p.grief_friend,
                TieKind.NEIGHBOUR: p.grief_neighbour,
                TieKind.COWORKER: p.grief_coworker,
            }
        )
        half_life = np.zeros(len(GriefCourse))
        half_life[GriefCourse.RECOVERING] = p.grief_half_life
        half_life[GriefCourse.RESILIENT] = p.grief_half_life * p.grief_resilient_factor
        half_life[GriefCourse.CHRONIC] = p.grief_half_life * p.grief_chronic_factor
        self.decay_by_course = 0.5 ** (1.0 / half_life)  # daily factor of each course
        self.effect = p.grief_effect

    def impacts(
        self, state: CrewState, network: SocialNetwork, dead: np.ndarray, public: bool
    ) -> tuple[np.ndarray, np.ndarray]:
        """Impact of these deaths on every slot, as (grief, loss of trust).

        Both are the personal impact by social distance, combined over the dead as independent
        losses; for public deaths everyone aboard takes at least ``grief_salience`` as grief
        and at least ``public_loss_salience`` as a loss that erodes trust.
        """
        spared = np.ones(state.size)
        if public:
            spared_trust = np.ones(state.size)
        for d in dead:
            neighbours, bits = network.ties_of(int(d))
            household = state.household == state.household[d]
            if public:  # everyone is hit: one dense pass
                hit = np.zeros(state.size)
                hit[neighbours] = self.by_bits[bits]
                hit[household] = self.household
                spared_trust *= 1.0 - np.maximum(hit, self.public_loss)
                np.maximum(hit, self.salience, out=hit)
                spared *= 1.0 - hit
            else:  # only the dead person's ties and household: O(degree) updates
                outside = ~household[neighbours]  # a household tie counts as household
                members = np.flatnonzero(household)
                hit_slots = np.concatenate([neighbours[outside], members])
                hit = np.concatenate(
                    [self.by_bits[bits[outside]], np.full(len(members), self.household)]
                )
                spared[hit_slots] *= 1.0 - hit  # everyone else's factor is exactly 1.0
        grief = 1.0 - spared
        trust = 1.0 - spared_trust if public else grief
        for impact in (grief, trust):
            impact[~state.alive] = 0.0
            impact[dead] = 0.0
        return grief, trust

    def add(self, state: CrewState, impact: np.ndarray) -> None:
        """Add impacts to grief as independent losses."""
        g = state.grief
        g[:] = 1.0 - (1.0 - g) * (1.0 - impact)

    def daily(
        self, state: CrewState, frozen: np.ndarray, framing: float, mission_value: float
    ) -> None:
        """Grief shifts belief (not of the ``frozen``: the dead, the captain), then fades."""
        g = state.grief
        target = framing * state.trust * mission_value
        shift = self.effect * g * (target - state.belief)
        shift[frozen] = 0.0
        np.clip(state.belief + shift, 0.0, 1.0, out=state.belief)
        g *= self.decay_by_course[state.grief_course]
