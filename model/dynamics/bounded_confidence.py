"""Anchored bounded-confidence averaging: the crew model's own influence rule."""

from __future__ import annotations

from numbers import Real
from typing import Any, ClassVar

import numba
import numpy as np
import scipy.sparse as sp

from model.dynamics._network import as_csr
from model.dynamics._rule import InfluenceRule
from model.validation import UNIT, Interval

__all__ = ["BoundedConfidence"]


@numba.njit(cache=True)
def _bounded_confidence_step(indptr, indices, weights, x, anchors, frozen, mu, lam, eps, out):
    for i in range(len(indptr) - 1):
        xi = x[i]
        total = 0.0
        pull = 0.0
        for k in range(indptr[i], indptr[i + 1]):
            # Branchless: a confidant's weight times 1.0, anyone else's (and a dead tie's
            # zero) times 0.0. Adding +0.0 changes no sum, so the result is bit-identical to
            # skipping them, and the loop runs without mispredicted branches (3-4x faster).
            xj = x[indices[k]]
            w = weights[k] * np.float64(abs(xj - xi) < eps)
            total += w
            pull += w * xj
        new = xi
        if total > 0.0:
            new += mu * (pull / total - xi)
        if total > 0.0 or lam > 0.0:
            new += lam * (anchors[i] - xi)
        if frozen[i]:
            new = xi
        out[i] = min(1.0, max(0.0, new))
    return out


class BoundedConfidence(InfluenceRule):
    r"""Anchored bounded-confidence averaging, the crew model's own rule (synchronous).

    .. math::

        m_i = \frac{\sum_j w_{ij}\,[|x_j - x_i| < \varepsilon]\,x_j}
                   {\sum_j w_{ij}\,[|x_j - x_i| < \varepsilon]},\qquad
        x_i(t+1) = x_i + \mu\,(m_i - x_i) + \lambda\,(u_i - x_i)

    clipped to [0, 1]. Confidants are the tied people within distance ε (strict, as Deffuant
    et al. 2000); μ is ``influence_rate``, λ ``anchoring`` (Friedkin & Johnsen 1990) and u the
    anchor belief. Without confidants the μ term is zero. Agents flagged ``frozen`` (the
    captain, whose private belief is her own, and the dead) do not move; the compiled step
    honours the flag itself.

    Parameters
    ----------
    mu : float
        Daily step toward the confidants' mean, in [0, 1]. Default 0.05.
    lam : float
        Daily pull toward the anchor, in [0, 1]. Default 0.05.
    epsilon : float
        Confidence bound, in [0, inf). Default 0.3.

    References
    ----------
    Deffuant, G., Neau, D., Amblard, F. & Weisbuch, G. (2000). Mixing beliefs among interacting
    agents. *Adv. Complex Syst.* 3:87-98.
    Friedkin, N. E. & Johnsen, E. C. (1990). Social influence and opinions.
    *J. Math. Sociol.* 15(3-4):193-206.
    """

    name: ClassVar[str] = "bounded_confidence"
    parameters: ClassVar[tuple[str, ...]] = ("mu", "lam", "epsilon")
    synchronous: ClassVar[bool] = True
    honours_frozen: ClassVar[bool] = True

    def __init__(self, mu: float = 0.05, lam: float = 0.05, epsilon: float = 0.3) -> None:
        self.mu = float(UNIT.require("mu", mu))
        self.lam = float(UNIT.require("lam", lam))
        self.epsilon = float(Interval(Real, 0, None, closed="left").require("epsilon", epsilon))
        self._out = np.zeros(0)

    @classmethod
    def crew_parameters(cls, p: Any) -> dict[str, Any]:
        """μ ``influence_rate``, λ ``anchoring``, ε ``confidence_bound``."""
        return {"mu": p.influence_rate, "lam": p.anchoring, "epsilon": p.confidence_bound}

    def step(
        self,
        W: sp.csr_array,
        x: np.ndarray,
        anchors: np.ndarray,
        rng: np.random.Generator | None = None,
    ) -> np.ndarray:
        """One synchronous step; updates `x` in place and returns it."""
        W = as_csr(W)
        n = len(x)
        if len(self._out) != n:
            self._out = np.empty(n)
        out = _bounded_confidence_step(
            W.indptr,
            W.indices,
            W.data,
            x,
            anchors,
            self.frozen_mask(n),
            self.mu,
            self.lam,
            self.epsilon,
            self._out,
        )
        x[:] = out
        return x
