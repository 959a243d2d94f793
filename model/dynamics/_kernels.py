"""Compiled inner loops for the rules that are sequential by definition.

Every kernel runs a number of sweeps and re-seeds numba's generator at the start of each sweep
from ``seeds[s]``, integers drawn from the caller's numpy Generator (:func:`sweep_seeds`). A run
is therefore reproducible from the caller's seed, and ``k`` one-sweep calls give the same result
as one ``k``-sweep call.
"""

# numba compiles only numpy's legacy global generator (np.random.seed / random / randint).
# ruff: noqa: NPY002

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = [
    "deffuant_complete",
    "deffuant_ties",
    "row_cumulative",
    "sweep_seeds",
    "voter_sweeps",
]


def sweep_seeds(rng: np.random.Generator, sweeps: int) -> np.ndarray:
    """One 32-bit seed per sweep, drawn from `rng` (one 64-bit draw each, so streams split)."""
    return (rng.integers(0, 2**63, size=sweeps) & 0xFFFFFFFF).astype(np.int64)


@njit(cache=True)
def _first_above(cumulative: np.ndarray, lo: int, hi: int, r: float) -> int:
    """Smallest k in [lo, hi) with cumulative[k] > r (hi - 1 if none, a rounding guard)."""
    end = hi
    while lo < hi:
        mid = (lo + hi) // 2
        if cumulative[mid] > r:
            hi = mid
        else:
            lo = mid + 1
    if lo >= end:
        lo = end - 1
    return lo


@njit(cache=True)
def deffuant_complete(
    x: np.ndarray, agents: np.ndarray, epsilon: float, mu: float, seeds: np.ndarray
) -> None:
    """Deffuant sweeps, in place, on the complete graph over `agents` (m pair updates each)."""
    m = agents.shape[0]
    pairs = float(m) * (m - 1)
    for s in range(seeds.shape[0]):
        np.random.seed(seeds[s])
        for _ in range(m):
            # one uniform draw picks an ordered pair of distinct agents (m^2 << 2^53)
            k = int(np.random.random() * pairs)
            a = k // (m - 1)
            b = k - a * (m - 1)
            if b >= a:
                b += 1
            i = agents[a]
            j = agents[b]
            gap = x[j] - x[i]
            shift = mu * gap if abs(gap) < epsilon else 0.0  # a select, not a branch: faster
            x[i] += shift
            x[j] -= shift


@njit(cache=True)
def deffuant_ties(
    x: np.ndarray,
    source: np.ndarray,
    target: np.ndarray,
    cumulative: np.ndarray,
    epsilon: float,
    mu: float,
    updates_per_sweep: int,
    seeds: np.ndarray,
) -> None:
    """Deffuant sweeps, in place, each pair drawn as a random tie.

    Ties are drawn uniformly, or with probability proportional to weight when `cumulative` (the
    running sum of tie weights) is non-empty.
    """
    m = source.shape[0]
    weighted = cumulative.shape[0] > 0
    total = cumulative[m - 1] if weighted else 0.0
    for s in range(seeds.shape[0]):
        np.random.seed(seeds[s])
        for _ in range(updates_per_sweep):
            if weighted:
                e = _first_above(cumulative, 0, m, np.random.random() * total)
            else:
                e = int(np.random.random() * m)
            i = source[e]
            j = target[e]
            gap = x[j] - x[i]
            shift = mu * gap if abs(gap) < epsilon else 0.0  # a select, not a branch: faster
            x[i] += shift
            x[j] -= shift


@njit(cache=True)
def row_cumulative(indptr: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Cumulative tie weight within each CSR row (restarting at every row)."""
    out = np.empty_like(weight)
    for i in range(indptr.shape[0] - 1):
        running = 0.0
        for k in range(indptr[i], indptr[i + 1]):
            running += weight[k]
            out[k] = running
    return out


@njit(cache=True)
def voter_sweeps(
    labels: np.ndarray,
    counts: np.ndarray,
    indptr: np.ndarray,
    target: np.ndarray,
    cumulative: np.ndarray,
    agents: np.ndarray,
    seeds: np.ndarray,
) -> tuple[int, bool]:
    """Voter node-update sweeps, in place, on opinion labels; stop at consensus.

    `counts[l]` is the number of `agents` holding label ``l``. Each update picks one of the m
    `agents` uniformly and one tie of its row with probability proportional to the tie weight;
    the agent copies that neighbour's label. A sweep is m updates.

    Returns
    -------
    (updates, consensus)
        Updates performed, and whether all `agents` share one label.
    """
    m = agents.shape[0]
    if m == 0 or counts[labels[agents[0]]] == m:
        return 0, True
    done = 0
    for s in range(seeds.shape[0]):
        np.random.seed(seeds[s])
        for _ in range(m):
            done += 1
            i = agents[int(np.random.random() * m)]
            lo = indptr[i]
            hi = indptr[i + 1]
            k = _first_above(cumulative, lo, hi, np.random.random() * cumulative[hi - 1])
            old = labels[i]
            new = labels[target[k]]
            if old != new:
                labels[i] = new
                counts[old] -= 1
                counts[new] += 1
                if counts[new] == m:
                    return done, True
    return done, False
