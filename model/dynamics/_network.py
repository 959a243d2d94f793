"""Views of the weighted adjacency ``W`` that the rules share.

Convention: ``W[i, j]`` is the weight agent ``i`` gives to agent ``j`` (row ``i`` lists whom ``i``
listens to). For the ship ``W`` is symmetric with no self-loops, may hold explicit zeros for removed
ties, and the rows and columns of dead crew are all zero.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

__all__ = ["Ties", "as_csr", "is_complete_graph", "ties"]


def as_csr(W: sp.csr_array | sp.csr_matrix | np.ndarray) -> sp.csr_array:
    """Return `W` as a float64 ``csr_array`` (no copy when it already is one)."""
    if isinstance(W, sp.csr_array) and W.dtype == np.float64:
        return W
    return sp.csr_array(W, dtype=np.float64)


@dataclass(frozen=True)
class Ties:
    """The off-diagonal, non-zero entries of ``W`` as edge arrays (self-loops dropped).

    Attributes
    ----------
    source, target : numpy.ndarray
        Row and column of each tie (int64), in CSR order.
    weight : numpy.ndarray
        Its weight (> 0).
    indptr : numpy.ndarray
        CSR row pointer of these ties (length N + 1).
    degree : numpy.ndarray
        Number of ties per row (int64).
    """

    source: np.ndarray
    target: np.ndarray
    weight: np.ndarray
    indptr: np.ndarray
    degree: np.ndarray

    @property
    def n(self) -> int:
        return self.degree.shape[0]

    @property
    def connected_agents(self) -> np.ndarray:
        """Indices of agents with at least one tie (the others never change)."""
        return np.flatnonzero(self.degree > 0)

    def is_complete(self) -> bool:
        """True when every connected agent is tied to every other connected agent."""
        m = self.connected_agents.shape[0]
        return m > 1 and self.source.shape[0] == m * (m - 1)

    def is_unweighted(self) -> bool:
        """True when every tie carries the same weight."""
        w = self.weight
        return w.shape[0] == 0 or bool(np.all(w == w[0]))

    def structure(self) -> sp.csr_array:
        """The 0/1 adjacency of the ties (no self-loops, no explicit zeros)."""
        ones = np.ones_like(self.weight)
        return sp.csr_array((ones, self.target, self.indptr), shape=(self.n, self.n))


def ties(W: sp.csr_array) -> Ties:
    """Extract the ties of `W`: non-zero, off-diagonal entries, kept in CSR order."""
    n = W.shape[0]
    indptr = W.indptr.astype(np.int64, copy=False)
    row = np.repeat(np.arange(n, dtype=np.int64), np.diff(indptr))
    col = W.indices.astype(np.int64, copy=False)
    keep = (W.data != 0) & (row != col)
    source, target, weight = row[keep], col[keep], W.data[keep]
    degree = np.bincount(source, minlength=n).astype(np.int64)
    new_indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(degree, out=new_indptr[1:])
    return Ties(source, target, weight, new_indptr, degree)


def is_complete_graph(W: sp.csr_array) -> bool:
    """Fast test that `W` ties every agent to every other with no zero entry or self-loop.

    Cheaper than :func:`ties` (no edge arrays are built); ``False`` does not rule out a complete
    graph among the connected agents only, which :meth:`Ties.is_complete` detects.
    """
    n = W.shape[0]
    return (
        n > 1
        and W.nnz == n * (n - 1)
        and W.has_canonical_format
        and not np.any(W.diagonal())
        and bool(np.all(W.data))
    )
