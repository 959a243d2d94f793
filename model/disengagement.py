r"""Disengagement: crew who withdraw from work and ties, and what that does to the ship.

Collapse is a state of the ship defined by behaviour (Friedkin 2004; Chan et al. 2006: cohesion
is members' willingness to participate and to stay tied), not a line on an index. Each adult
carries a strain

.. math::

    s_i = \tfrac12 (1 - T_i) + \tfrac12 |b_i - m|

(low trust, belief far from the mission *m* the ship is on). An engaged adult disengages with
daily chance :math:`r_{in}\,\mathrm{clip}((s_i - s_{in}) / (1 - s_{in}), 0, 1)`; a disengaged
one re-engages with daily chance :math:`r_{out}\,\mathrm{clip}((s_{out} - s_i)/s_{out}, 0, 1)`,
with :math:`s_{out} \le s_{in}` and :math:`r_{out} < r_{in}` (each person's hysteresis).

The disengaged stop working: with *D* the disengaged share of the working crew, the day's
capacity is :math:`(1 + \sigma)(1 - D)` of the routine (σ ``maintenance_slack``) and the
maintenance backlog (days of ship-wide work) follows :math:`B \leftarrow \max(0, B + 1 -
(1+\sigma)(1-D))`. Its pressure :math:`P = B / (B + B_{1/2})` raises the breach rate by
:math:`1 + f_b P`, slows reinforcement work to the day's capacity, and erodes everyone's trust
by the share :math:`e P` a day (the crew see the ship fail). The disengaged share of MEDICAL and
LIFE_SUPPORT raises every death hazard (premature and old age, :mod:`model.demography`) by
:math:`1 + f_c D_{care}`. The disengaged withdraw
from ties: every tie of a disengaged person carries ``disengaged_tie_scale`` of its weight in
influence.

The loop D → backlog → trust → strain → D is the positive feedback that makes a tipping point
(Scheffer et al. 2009): past it the backlog outgrows the slack, trust cannot recover, and the
ship stays collapsed after the shock that pushed it has passed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numba
import numpy as np
from scipy import sparse

from model.crew import Department

if TYPE_CHECKING:
    from model.crew import CrewState
    from model.network import SocialNetwork
    from model.parameters import Parameters

#: Departments whose withdrawal costs lives (care of the ill, the air).
CARE_DEPARTMENTS = (Department.MEDICAL, Department.LIFE_SUPPORT)


def strain(trust: np.ndarray, belief: np.ndarray, mission_value: float) -> np.ndarray:
    """Each person's strain ½(1 − trust) + ½|belief − mission| in [0, 1]."""
    return 0.5 * (1.0 - trust) + 0.5 * np.abs(belief - mission_value)


def transition_chances(s: np.ndarray, p: Parameters) -> tuple[np.ndarray, np.ndarray]:
    """Daily chances (to disengage if engaged, to re-engage if disengaged) at strain ``s``."""
    high = p.disengage_strain
    low = p.reengage_strain
    to_out = p.disengage_rate * np.clip((s - high) / max(1.0 - high, 1e-12), 0.0, 1.0)
    to_in = p.reengage_rate * np.clip((low - s) / max(low, 1e-12), 0.0, 1.0)
    return to_out, to_in


def withdrawn_ties(
    adjacency: sparse.csr_array, scale: np.ndarray, out: sparse.csr_array | None = None
) -> sparse.csr_array:
    """The adjacency with each entry (i, j) scaled by ``scale[i] * scale[j]``.

    One compiled pass over the entries; the matrix shares its structure with the original.
    ``out``, a matrix an earlier call made from this same adjacency (or one of the same
    structure), takes the new weights in place instead of a new matrix being built.
    """
    if out is None:
        data = np.empty_like(adjacency.data)
        out = sparse.csr_array((data, adjacency.indices, adjacency.indptr), shape=adjacency.shape)
    _scale_entries(adjacency.indptr, adjacency.indices, adjacency.data, scale, out.data)
    return out


@numba.njit(cache=True)
def _scale_entries(indptr, indices, data, scale, out):
    """``out[k] = data[k] * (scale[i] * scale[j])`` for each entry k = (i, j)."""
    for i in range(len(indptr) - 1):
        si = scale[i]
        for k in range(indptr[i], indptr[i + 1]):
            out[k] = data[k] * (si * scale[indices[k]])


class Disengagement:
    """Who is disengaged, the maintenance backlog, and the multipliers they set (module doc).

    With ``disengage_rate`` 0, nobody disengaged and no backlog, a day does nothing: every
    multiplier stays exactly 1 and the model runs as it did without this sub-model. Its draws
    come from its own stream ``rng``, so they shift no other sub-model's random numbers.
    """

    #: The weakened ties and the adjacency they were made from, reused from day to day while
    #: the network keeps that adjacency (its weights may change in place, its structure not).
    #: Not part of the sub-model's state.
    _ties: sparse.csr_array | None = None
    _ties_of: sparse.csr_array | None = None

    def __init__(self, p: Parameters, rng: np.random.Generator) -> None:
        self.p = p
        self.rng = rng  # the sub-model's own stream
        self.backlog = 0.0  # days of ship-wide routine work left undone
        self.working_share = 0.0  # disengaged share of the working crew today
        self.care_share = 0.0  # disengaged share of MEDICAL and LIFE_SUPPORT today

    @property
    def pressure(self) -> float:
        """Backlog pressure B / (B + B½) in [0, 1)."""
        return self.backlog / (self.backlog + self.p.backlog_half_days)

    @property
    def breach_multiplier(self) -> float:
        """Factor on the breach rate from the backlog."""
        return 1.0 + self.p.backlog_breach_factor * self.pressure

    @property
    def mortality_multiplier(self) -> float:
        """Factor on background mortality from the carers' withdrawal."""
        return 1.0 + self.p.care_mortality_factor * self.care_share

    @property
    def work_pace(self) -> float:
        """Share of a normal day's reinforcement work done today (capacity, at most 1)."""
        return min(1.0, (1.0 + self.p.maintenance_slack) * (1.0 - self.working_share))

    def daily(self, state: CrewState, voters: np.ndarray, mission_value: float) -> bool:
        """One day: people (``voters``, the adults) disengage and re-engage, the backlog moves,
        trust erodes under its pressure. Returns whether anything could have moved: then the
        hazards take tomorrow's multipliers (:attr:`breach_multiplier`, :attr:`work_pace`,
        :attr:`mortality_multiplier`); False when nobody is or can become disengaged."""
        p = self.p
        disengaged = state.disengaged
        if p.disengage_rate == 0.0 and self.backlog == 0.0 and not disengaged.any():
            return False
        s = strain(state.trust, state.belief, mission_value)
        to_out, to_in = transition_chances(s, p)
        u = self.rng.random(state.size)
        leave = voters & ~disengaged & (u < to_out)
        back = disengaged & (u < to_in)
        disengaged[leave] = True
        disengaged[back] = False
        disengaged &= state.alive
        working = state.alive & (state.department != Department.NONE)
        self.working_share = _share(disengaged, working)
        department = state.department
        care = working & ((department == CARE_DEPARTMENTS[0]) | (department == CARE_DEPARTMENTS[1]))
        self.care_share = _share(disengaged, care)
        capacity = (1.0 + p.maintenance_slack) * (1.0 - self.working_share)
        self.backlog = max(0.0, self.backlog + 1.0 - capacity)
        erosion = p.backlog_trust_erosion * self.pressure
        if erosion > 0.0:
            state.trust *= 1.0 - erosion
        return True

    def influence_ties(self, network: SocialNetwork, disengaged: np.ndarray) -> sparse.csr_array:
        """The adjacency the influence rule reads today: the disengaged's ties weakened."""
        if self.p.disengaged_tie_scale == 1.0 or not disengaged.any():
            return network.adjacency
        scale = np.where(disengaged, self.p.disengaged_tie_scale, 1.0)
        adjacency = network.adjacency
        reuse = self._ties if self._ties_of is adjacency else None
        self._ties, self._ties_of = withdrawn_ties(adjacency, scale, reuse), adjacency
        return self._ties

    def __getstate__(self) -> dict:
        """The sub-model's state without the reused matrix (rebuilt when next needed)."""
        return {k: v for k, v in self.__dict__.items() if k not in ("_ties", "_ties_of")}


def _share(flag: np.ndarray, among: np.ndarray) -> float:
    n = int(np.count_nonzero(among))
    return float(np.count_nonzero(flag & among)) / n if n else 0.0
