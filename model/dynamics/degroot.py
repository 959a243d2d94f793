"""DeGroot averaging: every agent takes the weighted mean of the opinions it listens to."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import scipy.sparse as sp

from model.dynamics._network import as_csr
from model.dynamics._rule import InfluenceRule

__all__ = ["DeGroot", "row_normalised_mean"]


def row_normalised_mean(W: sp.csr_array, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(D^-1 W x, has_ties)`` where D = diag(row sums), self-loops included as given.

    Rows with zero sum get their own opinion back and ``has_ties`` False.
    """
    W = as_csr(W)
    total = np.asarray(W.sum(axis=1)).reshape(-1)
    has_ties = total != 0
    mean = np.array(x, dtype=float, copy=True)
    pulled = W @ x
    mean[has_ties] = pulled[has_ties] / total[has_ties]
    return mean, has_ties


class DeGroot(InfluenceRule):
    r"""DeGroot (1974) consensus by repeated weighted averaging, synchronous.

    .. math:: x(t+1) = \hat W\, x(t), \qquad \hat W = D^{-1} W,\ D = \mathrm{diag}(W\mathbf 1)

    ``W`` is row-normalised here, with self-loops included exactly as given (a self-loop is the
    weight an agent puts on its own opinion). Agents whose row sums to zero keep their opinion.
    On a strongly connected aperiodic network the opinions converge to the consensus
    :math:`\pi^\top x(0)`, with :math:`\pi` the left unit eigenvector of :math:`\hat W`; on an
    undirected graph with :math:`\hat W = D^{-1}A` that is the degree-weighted mean
    :math:`\sum_i k_i x_i / \sum_i k_i`.

    References
    ----------
    DeGroot, M. H. (1974). Reaching a consensus. *J. Am. Stat. Assoc.* 69(345):118-121.
    """

    name: ClassVar[str] = "degroot"
    parameters: ClassVar[tuple[str, ...]] = ()
    synchronous: ClassVar[bool] = True

    def step(
        self,
        W: sp.csr_array,
        x: np.ndarray,
        anchors: np.ndarray,
        rng: np.random.Generator,
    ) -> np.ndarray:
        """One synchronous averaging step, :math:`x \\leftarrow D^{-1} W x`."""
        mean, _ = row_normalised_mean(W, x)
        return mean
