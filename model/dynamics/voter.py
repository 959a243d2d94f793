"""Voter model: a random agent copies the opinion of a random neighbour."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import scipy.sparse as sp

from model.dynamics._kernels import row_cumulative, sweep_seeds, voter_sweeps
from model.dynamics._network import as_csr, ties
from model.dynamics._rule import CompiledRule

__all__ = ["Voter"]


class Voter(CompiledRule):
    r"""The voter model with node updates (Clifford & Sudbury 1973; Holley & Liggett 1975).

    Each update picks an agent *i* uniformly among the N agents with ties, then a neighbour
    *j* with probability :math:`W_{ij} / \sum_k W_{ik}` (uniformly on an unweighted network;
    self-loops and zero-weight ties never drawn), and sets

    .. math:: x_i \leftarrow x_j .

    Asynchronous: one :meth:`step` is a sweep of N updates, so times are in sweeps. Opinions may
    be any values (they are copied, never mixed); binary 0/1 is the classic case. On the
    complete graph the probability of ending at opinion 1 is the initial density
    :math:`\rho`, and the mean consensus time is
    :math:`T = -N[\rho\ln\rho + (1-\rho)\ln(1-\rho)]` sweeps.

    References
    ----------
    Holley, R. A. & Liggett, T. M. (1975). Ergodic theorems for weakly interacting infinite
    systems and the voter model. *Ann. Probab.* 3(4):643-663.
    Castellano, C., Fortunato, S. & Loreto, V. (2009). Statistical physics of social dynamics.
    *Rev. Mod. Phys.* 81:591-646, section III.A.
    """

    name: ClassVar[str] = "voter"
    parameters: ClassVar[tuple[str, ...]] = ()
    synchronous: ClassVar[bool] = False

    def advance(
        self,
        W: sp.csr_array,
        x: np.ndarray,
        anchors: np.ndarray,
        rng: np.random.Generator,
        steps: int,
    ) -> np.ndarray:
        """`steps` sweeps in one compiled call; same result as `steps` calls of :meth:`step`."""
        x, _ = self._sweep(W, x, rng, steps)
        return x

    def run_until_consensus(
        self,
        W: sp.csr_array,
        x: np.ndarray,
        anchors: np.ndarray,
        rng: np.random.Generator,
        max_steps: int,
        atol: float = 0.0,
    ) -> tuple[np.ndarray, float | None]:
        """Run until all agents with ties hold one opinion; time in sweeps, exact to one update.

        The time is ``updates / N`` (a float), not rounded up to whole sweeps. `atol` is ignored:
        voter opinions are copied, so consensus means equality.
        """
        return self._sweep(W, x, rng, max_steps)

    def _sweep(
        self, W: sp.csr_array, x: np.ndarray, rng: np.random.Generator, sweeps: int
    ) -> tuple[np.ndarray, float | None]:
        seeds = sweep_seeds(rng, sweeps)
        tie = ties(as_csr(W))
        agents = tie.connected_agents
        values, labels = np.unique(np.asarray(x, dtype=np.float64), return_inverse=True)
        labels = labels.astype(np.int64)
        counts = np.bincount(labels[agents], minlength=values.shape[0]).astype(np.int64)
        cumulative = row_cumulative(tie.indptr, tie.weight)
        updates, consensus = voter_sweeps(
            labels, counts, tie.indptr, tie.target, cumulative, agents, seeds
        )
        time = updates / agents.shape[0] if consensus and agents.shape[0] else 0.0
        return values[labels], (time if consensus else None)
