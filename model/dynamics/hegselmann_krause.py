"""Hegselmann-Krause bounded confidence: everyone moves to the mean of the opinions near theirs."""

from __future__ import annotations

from numbers import Real
from typing import Any, ClassVar

import numpy as np
import scipy.sparse as sp

from model.dynamics._network import Ties, as_csr, is_complete_graph, ties
from model.dynamics._rule import InfluenceRule
from model.validation import Interval

__all__ = ["HegselmannKrause"]


class HegselmannKrause(InfluenceRule):
    r"""Hegselmann & Krause (2002) bounded confidence, synchronous.

    .. math:: x_i(t+1) = \frac{1}{|I_i(t)|} \sum_{j \in I_i(t)} x_j(t), \qquad
              I_i(t) = \{\, j \in \{i\} \cup N(i) : |x_i(t) - x_j(t)| \le \varepsilon \,\}

    The agent itself is always in :math:`I_i` and the inequality is **non-strict** (``<=``), as
    in the source, where every agent sees every other (complete graph); on a network
    :math:`N(i)` is the set of agents ``j`` with ``W[i, j] != 0`` (self-loops ignored). Tie
    weights do not enter: the mean is unweighted, as in the source. Agents without ties keep
    their opinion.

    Parameters
    ----------
    epsilon : float
        Confidence bound :math:`\varepsilon`, in [0, ∞). Default 0.2.

    References
    ----------
    Hegselmann, R. & Krause, U. (2002). Opinion dynamics and bounded confidence: models, analysis
    and simulation. *J. Artif. Soc. Soc. Simul.* 5(3):2.
    """

    name: ClassVar[str] = "hegselmann_krause"
    parameters: ClassVar[tuple[str, ...]] = ("epsilon",)
    synchronous: ClassVar[bool] = True

    @classmethod
    def crew_parameters(cls, p: Any) -> dict[str, Any]:
        """ε ``confidence_bound``."""
        return {"epsilon": p.confidence_bound}

    def __init__(self, *, epsilon: float = 0.2) -> None:
        self.epsilon = float(Interval(Real, 0, None, closed="left").require("epsilon", epsilon))

    def step(
        self,
        W: sp.csr_array,
        x: np.ndarray,
        anchors: np.ndarray,
        rng: np.random.Generator,
    ) -> np.ndarray:
        """One synchronous step: every agent moves to the mean of its confidence set."""
        W = as_csr(W)
        x = np.asarray(x, dtype=np.float64)
        if is_complete_graph(W):
            return _complete_means(x, self.epsilon)
        tie = ties(W)
        if tie.is_complete():
            agents = tie.connected_agents
            new = x.copy()
            new[agents] = _complete_means(x[agents], self.epsilon)
            return new
        return _tie_means(tie, x, self.epsilon)


def _complete_means(x: np.ndarray, epsilon: float) -> np.ndarray:
    """Confidence-set means when everyone sees everyone, from sorted opinions and prefix sums.

    O(N log N). Each confidence set is a contiguous run of the sorted opinions (``|x_i - x_j|``
    is monotone in ``x_j``); its ends come from a binary search and are then corrected so that
    membership is decided by exactly the test ``|x_i - x_j| <= epsilon`` of the network path.
    """
    order = np.sort(x)
    n = order.shape[0]
    prefix = np.concatenate(([0.0], np.cumsum(order)))
    lo = np.searchsorted(order, x - epsilon, side="left")
    hi = np.searchsorted(order, x + epsilon, side="right")
    for _ in range(n):  # each pass moves a misplaced end by one; rarely more than one pass
        grow_lo = (lo > 0) & (np.abs(x - order[np.maximum(lo - 1, 0)]) <= epsilon)
        shrink_lo = (lo < n) & (np.abs(x - order[np.minimum(lo, n - 1)]) > epsilon)
        grow_hi = (hi < n) & (np.abs(x - order[np.minimum(hi, n - 1)]) <= epsilon)
        shrink_hi = (hi > 0) & (np.abs(x - order[np.maximum(hi - 1, 0)]) > epsilon)
        if not (grow_lo.any() or shrink_lo.any() or grow_hi.any() or shrink_hi.any()):
            break
        lo = lo - grow_lo + shrink_lo
        hi = hi + grow_hi - shrink_hi
    return (prefix[hi] - prefix[lo]) / (hi - lo)


def _tie_means(tie: Ties, x: np.ndarray, epsilon: float) -> np.ndarray:
    """Confidence-set means from the tie arrays (x[target] against x[source])."""
    near = np.abs(x[tie.target] - x[tie.source]) <= epsilon
    rows = tie.source[near]
    total = np.bincount(rows, weights=x[tie.target[near]], minlength=tie.n) + x
    count = np.bincount(rows, minlength=tie.n) + 1.0
    return total / count
