"""Deffuant-Weisbuch bounded confidence: random pairs compromise if close enough."""

from __future__ import annotations

from numbers import Real
from typing import Any, ClassVar

import numpy as np
import scipy.sparse as sp

from model.dynamics._kernels import deffuant_complete, deffuant_ties, sweep_seeds
from model.dynamics._network import as_csr, ties
from model.dynamics._rule import CompiledRule
from model.validation import Interval

__all__ = ["Deffuant"]

_NO_WEIGHTS = np.empty(0, dtype=np.float64)


class Deffuant(CompiledRule):
    r"""Deffuant, Neau, Amblard & Weisbuch (2000) bounded confidence, asynchronous pairs.

    Each update picks a random tie :math:`(i, j)` of the network and, if
    :math:`|x_i - x_j| < \varepsilon` (**strict** inequality, as in the source), both move:

    .. math:: x_i \leftarrow x_i + \mu (x_j - x_i), \qquad x_j \leftarrow x_j + \mu (x_i - x_j)

    One :meth:`step` is a sweep of N pair updates, N being the number of agents with at least
    one tie. On the complete graph a random tie is a uniformly random pair of distinct agents;
    on a weighted network a tie is drawn with probability proportional to its weight
    (uniformly when all weights are equal). Self-loops and zero-weight ties are never drawn.

    Parameters
    ----------
    epsilon : float
        Confidence bound :math:`\varepsilon`, in (0, ∞). Default 0.2.
    mu : float
        Convergence parameter :math:`\mu`, in (0, 0.5]. Default 0.5 (the pair meets halfway).

    References
    ----------
    Deffuant, G., Neau, D., Amblard, F. & Weisbuch, G. (2000). Mixing beliefs among interacting
    agents. *Adv. Complex Syst.* 3:87-98.
    Weisbuch, G., Deffuant, G., Amblard, F. & Nadal, J.-P. (2002). Meet, discuss and segregate!
    *Complexity* 7(3):55-63.
    """

    name: ClassVar[str] = "deffuant"
    parameters: ClassVar[tuple[str, ...]] = ("epsilon", "mu")
    synchronous: ClassVar[bool] = False

    @classmethod
    def crew_parameters(cls, p: Any) -> dict[str, Any]:
        """ε ``confidence_bound``; μ ``influence_rate`` kept within (0, 0.5]."""
        return {"epsilon": p.confidence_bound, "mu": min(max(p.influence_rate, 1e-9), 0.5)}

    def __init__(self, *, epsilon: float = 0.2, mu: float = 0.5) -> None:
        self.epsilon = float(Interval(Real, 0, None, closed="neither").require("epsilon", epsilon))
        self.mu = float(Interval(Real, 0, 0.5, closed="right").require("mu", mu))

    def advance(
        self,
        W: sp.csr_array,
        x: np.ndarray,
        anchors: np.ndarray,
        rng: np.random.Generator,
        steps: int,
    ) -> np.ndarray:
        """`steps` sweeps in one compiled call; same result as `steps` calls of :meth:`step`."""
        x = np.ascontiguousarray(x, dtype=np.float64)
        seeds = sweep_seeds(rng, steps)
        tie = ties(as_csr(W))
        agents = tie.connected_agents
        if agents.shape[0] < 2:
            return x
        if tie.is_complete() and tie.is_unweighted():
            deffuant_complete(x, agents, self.epsilon, self.mu, seeds)
        else:
            cumulative = _NO_WEIGHTS if tie.is_unweighted() else np.cumsum(tie.weight)
            deffuant_ties(
                x,
                tie.source,
                tie.target,
                cumulative,
                self.epsilon,
                self.mu,
                int(agents.shape[0]),
                seeds,
            )
        return x
