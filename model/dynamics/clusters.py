"""Opinion clusters: groups of agents whose sorted opinions are separated by gaps."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["count_clusters", "opinion_clusters"]


def opinion_clusters(opinions: ArrayLike, gap: float = 1e-3) -> list[np.ndarray]:
    """Split the sorted opinions wherever two neighbours differ by more than `gap`.

    Returns
    -------
    list of numpy.ndarray
        The opinions of each cluster, in increasing order.
    """
    values = np.sort(np.asarray(opinions, dtype=float).reshape(-1))
    if values.size == 0:
        return []
    cuts = np.flatnonzero(np.diff(values) > gap) + 1
    return np.split(values, cuts)


def count_clusters(opinions: ArrayLike, gap: float = 1e-3, min_share: float = 0.02) -> int:
    """Number of clusters (see :func:`opinion_clusters`) holding at least `min_share` of agents.

    The defaults are the convention of the Deffuant validation: groups split by gaps > 1e-3,
    counting those with at least 2 % of N.
    """
    groups = opinion_clusters(opinions, gap)
    n = sum(g.size for g in groups)
    return sum(1 for g in groups if g.size >= min_share * n)
