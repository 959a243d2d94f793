"""The oracle for the influence rule: bounded confidence as a Mesa user would write it.

Each :class:`ReferenceCrewMember` is a Mesa agent that loops over its neighbours in plain
Python, reading the same tie weights as the model's CSR adjacency, and applies the rule of
:class:`model.influence.BoundedConfidence` one person at a time:

* confidants are the neighbours with a non-zero tie and a belief strictly within ε;
* the step toward their weighted mean is μ, the pull toward the anchor λ (applied when there
  are confidants or λ > 0); frozen people (the captain) keep their belief;
* the new belief is clipped to [0, 1];
* the update is synchronous: every agent first computes its new belief from the old ones
  (``compute``), then all adopt them (``advance``).

It is slow on purpose (readable, one agent at a time) and is the reference the fast numba
kernel is tested against (``tests/test_performance.py``) and benchmarked against
(``experiments/benchmark.py``).
"""

from __future__ import annotations

import mesa
import numpy as np
from scipy import sparse


class ReferenceCrewMember(mesa.Agent):
    """One person with a belief, an anchor, and a list of (neighbour, weight) ties."""

    def __init__(
        self, model: ReferenceInfluenceModel, belief: float, anchor: float, frozen: bool
    ) -> None:
        super().__init__(model)
        self.belief = belief
        self.anchor = anchor
        self.frozen = frozen
        self.ties: list[tuple[ReferenceCrewMember, float]] = []
        self.next_belief = belief

    def compute(self) -> None:
        """This person's belief tomorrow, from everyone's belief today."""
        rule = self.model
        xi = self.belief
        total = 0.0
        pull = 0.0
        for neighbour, weight in self.ties:
            if weight != 0.0:
                xj = neighbour.belief
                if abs(xj - xi) < rule.epsilon:
                    total += weight
                    pull += weight * xj
        new = xi
        if total > 0.0:
            new += rule.mu * (pull / total - xi)
        if total > 0.0 or rule.lam > 0.0:
            new += rule.lam * (self.anchor - xi)
        if self.frozen:
            new = xi
        self.next_belief = min(1.0, max(0.0, new))

    def advance(self) -> None:
        """Adopt the belief computed in :meth:`compute`."""
        self.belief = self.next_belief


class ReferenceInfluenceModel(mesa.Model):
    """A Mesa model of :class:`ReferenceCrewMember` agents on a given weighted network.

    Args:
        W: Weighted adjacency (CSR); row i lists person i's ties in column order.
        belief: Beliefs today, one per row of W.
        anchor: Anchor beliefs.
        frozen: Who does not move (or None: nobody).
        mu: Step toward the confidants' mean.
        lam: Pull toward the anchor.
        epsilon: Confidence bound (strict).
    """

    def __init__(
        self,
        W: sparse.csr_array,
        belief: np.ndarray,
        anchor: np.ndarray,
        frozen: np.ndarray | None,
        mu: float,
        lam: float,
        epsilon: float,
    ) -> None:
        super().__init__(rng=0)
        self.mu, self.lam, self.epsilon = float(mu), float(lam), float(epsilon)
        n = W.shape[0]
        frozen = np.zeros(n, dtype=bool) if frozen is None else frozen
        self.people = [
            ReferenceCrewMember(self, float(belief[i]), float(anchor[i]), bool(frozen[i]))
            for i in range(n)
        ]
        indptr, indices, data = W.indptr, W.indices, W.data
        for i, person in enumerate(self.people):
            person.ties = [
                (self.people[int(indices[k])], float(data[k]))
                for k in range(indptr[i], indptr[i + 1])
            ]

    def step(self) -> None:
        """One synchronous day: all compute from today's beliefs, then all advance."""
        self.agents.do("compute")
        self.agents.do("advance")

    def beliefs(self) -> np.ndarray:
        """Everyone's belief, in row order."""
        return np.array([person.belief for person in self.people])
