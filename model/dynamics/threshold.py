"""Threshold contagion: an agent joins once enough of its neighbours have joined."""

from __future__ import annotations

from numbers import Integral, Real
from typing import ClassVar

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike

from model.dynamics._network import as_csr, ties
from model.dynamics._params import check_per_agent, fit_to_crew
from model.dynamics._rule import CompiledRule
from model.validation import UNIT, Interval

__all__ = ["Threshold"]


class Threshold(CompiledRule):
    r"""Threshold contagion, synchronous and irreversible, opinions 0 (out) / 1 (joined).

    With count thresholds (Granovetter 1978; Centola & Macy 2007) an inactive agent joins when
    at least :math:`\theta_i` of its neighbours are active; with fractional thresholds
    (Watts 2002) when at least a fraction :math:`\phi_i` of them are:

    .. math:: x_i(t+1) = \max\big(x_i(t),\ [\, a_i(t) \ge \theta_i \,]\big)
              \quad\text{or}\quad
              x_i(t+1) = \max\big(x_i(t),\ [\, a_i(t) / k_i \ge \phi_i \,]\big),
              \qquad a_i(t) = \textstyle\sum_j A_{ij} x_j(t)

    :math:`A_{ij} = 1` if ``W[i, j] != 0`` (self-loops ignored, weights do not enter: thresholds
    count neighbours, as in the sources) and :math:`k_i = \sum_j A_{ij}`. Both inequalities are
    non-strict (``>=``). A threshold of 0 joins at the first step. On the complete graph the
    count rule is Granovetter's: agent *i* joins once :math:`\theta_i` others have. Agents without
    ties keep their state; active agents never leave.

    Parameters
    ----------
    threshold : int, float or array-like
        Per agent (scalar or one value per agent). Default 1.
    fractional : bool or None
        ``False``: counts, non-negative integers. ``True``: fractions in [0, 1].
        ``None`` (default): fractions if any value is not a whole number (e.g. ``0.18``),
        counts otherwise, so ``threshold=2`` is a count and ``threshold=0.5`` a fraction. Pass
        ``fractional=True`` for the fraction 1.0 or 0.0.

    References
    ----------
    Granovetter, M. (1978). Threshold models of collective behavior. *Am. J. Sociol.*
    83(6):1420-1443.
    Watts, D. J. (2002). A simple model of global cascades on random networks. *PNAS*
    99(9):5766-5771.
    Centola, D. & Macy, M. (2007). Complex contagions and the weakness of long ties.
    *Am. J. Sociol.* 113(3):702-734.
    """

    name: ClassVar[str] = "threshold"
    parameters: ClassVar[tuple[str, ...]] = ("threshold", "fractional")
    synchronous: ClassVar[bool] = True

    def __init__(self, *, threshold: ArrayLike = 1, fractional: bool | None = None) -> None:
        if fractional not in (None, True, False):
            raise ValueError(f"fractional must be True, False or None; got {fractional!r}")
        values = check_per_agent("threshold", threshold, Interval(Real, 0, None, closed="left"))
        if fractional is None:
            fractional = bool(np.any(values != np.round(values)))
        if fractional:
            values = check_per_agent("threshold", threshold, UNIT)
        else:
            values = check_per_agent(
                "threshold", threshold, Interval(Integral, 0, None, closed="left")
            )
        self.threshold = values
        self.fractional = fractional

    def check_crew(self, n: int) -> None:
        fit_to_crew("threshold", self.threshold, n)

    def check_opinions(self, x: np.ndarray) -> None:
        if not np.all((x == 0) | (x == 1)):
            bad = float(np.asarray(x)[(x != 0) & (x != 1)][0])
            raise ValueError(f"threshold opinions must be 0 or 1; got {bad!r}")

    def advance(
        self,
        W: sp.csr_array,
        x: np.ndarray,
        anchors: np.ndarray,
        rng: np.random.Generator,
        steps: int,
    ) -> np.ndarray:
        """`steps` synchronous steps; stops early at a fixed point (the rule is deterministic
        and irreversible, so nothing changes afterwards)."""
        x = np.asarray(x, dtype=np.float64)
        tie = ties(as_csr(W))
        adjacency = tie.structure()
        theta = fit_to_crew("threshold", self.threshold, x.shape[0])
        connected = tie.degree > 0
        for _ in range(steps):
            active_neighbours = adjacency @ x
            if self.fractional:
                share = np.divide(
                    active_neighbours, tie.degree, out=np.zeros_like(x), where=connected
                )
                joins = share >= theta
            else:
                joins = active_neighbours >= theta
            new = np.where(joins & connected, 1.0, x)
            if np.array_equal(new, x):
                break
            x = new
        return x
