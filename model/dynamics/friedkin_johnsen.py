"""Friedkin-Johnsen: DeGroot averaging with a persistent pull towards each agent's anchor."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike

from model.dynamics._params import check_per_agent, fit_to_crew
from model.dynamics._rule import InfluenceRule
from model.dynamics.degroot import row_normalised_mean
from model.validation import UNIT

__all__ = ["FriedkinJohnsen"]


class FriedkinJohnsen(InfluenceRule):
    r"""Friedkin & Johnsen (1990) social influence with anchoring, synchronous.

    .. math:: x(t+1) = \Lambda \hat W x(t) + (I - \Lambda)\, u, \qquad
              \Lambda = \mathrm{diag}(\lambda_i)

    where :math:`\hat W = D^{-1}W` is the row-normalised adjacency (self-loops included as given)
    and :math:`u` the anchor opinions (``anchors``; the initial opinions in :func:`run_rule`).
    In the source :math:`\lambda_i \in [0, 1]` is agent *i*'s **susceptibility** to influence.
    With :math:`\lambda_i < 1` for some agents the opinions converge to
    :math:`x^* = (I - \Lambda \hat W)^{-1}(I - \Lambda)u`.

    Parameters
    ----------
    stubbornness : float or array-like, optional
        Per agent (scalar or one value per agent), in [0, 1]. **Convention:**
        ``stubbornness = 1 - susceptibility``, i.e. :math:`1 - \lambda_i`, the weight an agent
        keeps on its anchor each step. 0 gives DeGroot; 1 an agent who never moves.
        Default 0.5 when neither parameter is given.
    susceptibility : float or array-like, optional
        Friedkin-Johnsen's :math:`\lambda_i` directly, in [0, 1]. Give one of the two, not both.

    Notes
    -----
    Agents whose row of ``W`` sums to zero keep their opinion unchanged.

    References
    ----------
    Friedkin, N. E. & Johnsen, E. C. (1990). Social influence and opinions.
    *J. Math. Sociol.* 15(3-4):193-206.
    """

    name: ClassVar[str] = "friedkin_johnsen"
    parameters: ClassVar[tuple[str, ...]] = ("stubbornness", "susceptibility")
    synchronous: ClassVar[bool] = True

    @classmethod
    def crew_parameters(cls, p: Any) -> dict[str, Any]:
        """Stubbornness (the weight kept on the anchor) ``anchoring``."""
        return {"stubbornness": p.anchoring}

    def __init__(
        self,
        *,
        stubbornness: ArrayLike | None = None,
        susceptibility: ArrayLike | None = None,
    ) -> None:
        if stubbornness is not None and susceptibility is not None:
            raise ValueError(
                "give either stubbornness (= 1 - susceptibility) or susceptibility, not both; "
                f"got stubbornness={stubbornness!r} and susceptibility={susceptibility!r}"
            )
        if susceptibility is not None:
            lam = check_per_agent("susceptibility", susceptibility, UNIT)
        else:
            stub = check_per_agent(
                "stubbornness", 0.5 if stubbornness is None else stubbornness, UNIT
            )
            lam = 1.0 - stub
        self.susceptibility = lam
        self.stubbornness = 1.0 - lam

    def check_crew(self, n: int) -> None:
        fit_to_crew("stubbornness", self.susceptibility, n)

    def step(
        self,
        W: sp.csr_array,
        x: np.ndarray,
        anchors: np.ndarray,
        rng: np.random.Generator,
    ) -> np.ndarray:
        r"""One synchronous step, :math:`x \leftarrow \Lambda D^{-1}W x + (I-\Lambda)u`."""
        lam = fit_to_crew("stubbornness", self.susceptibility, x.shape[0])
        mean, has_ties = row_normalised_mean(W, x)
        moved = lam * mean + (1.0 - lam) * anchors
        return np.where(has_ties, moved, x)
