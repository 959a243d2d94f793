"""The social network as a sparse weighted adjacency over crew slots.

Ties are undirected and stored symmetrically in CSR form. Each stored entry carries a weight
(the influence weight of the strongest kind of tie between the two people) and a bit mask of
tie kinds (a couple can be household and co-workers). A death zeroes the dead person's row and
column in place, in O(degree); no tie to the dead remains. New ties (births) are queued and
merged in one rebuild, so the matrix is rebuilt at most once a day and only when needed.
"""

from __future__ import annotations

from enum import IntFlag

import networkx as nx
import numpy as np
from scipy import sparse


class TieKind(IntFlag):
    """Kinds of social tie, as bits (a pair of people may share several)."""

    HOUSEHOLD = 1
    FRIEND = 2
    NEIGHBOUR = 4
    COWORKER = 8


TIE_KINDS = tuple(TieKind)


def strongest_by_bits(values: dict[TieKind, float]) -> np.ndarray:
    """Lookup table from a kind bit mask (0..15) to the largest value among its kinds."""
    table = np.zeros(16)
    for bits in range(16):
        table[bits] = max((v for k, v in values.items() if bits & k), default=0.0)
    return table


class SocialNetwork:
    """Symmetric sparse adjacency with per-tie kind bits.

    Attributes:
        adjacency: ``scipy.sparse.csr_array`` of tie weights, shape (slots, slots).
        kinds: int8 array parallel to ``adjacency.data`` with the TieKind bits of each entry.
        rows: the row index of each stored entry (parallel to ``adjacency.data``).
    """

    def __init__(
        self,
        size: int,
        a: np.ndarray,
        b: np.ndarray,
        kind: np.ndarray,
        weights: dict[TieKind, float],
    ) -> None:
        self._weight_table = strongest_by_bits(weights)
        self._pending: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self._build(size, a, b, kind)

    # --- construction ---------------------------------------------------------------------
    def _build(self, size: int, a: np.ndarray, b: np.ndarray, kind: np.ndarray) -> None:
        """Build the CSR from undirected (a, b, kind) ties, merging duplicate pairs."""
        rows = np.concatenate([a, b]).astype(np.int64)
        cols = np.concatenate([b, a]).astype(np.int64)
        bits = np.concatenate([kind, kind]).astype(np.int8)
        key = rows * size + cols
        order = np.argsort(key, kind="stable")
        key, bits = key[order], bits[order]
        first = np.flatnonzero(np.concatenate([[True], key[1:] != key[:-1]]))[: len(key)]
        merged = np.bitwise_or.reduceat(bits, first) if len(first) else bits[:0]
        key = key[first]
        rows, cols = key // size, key % size
        indptr = np.zeros(size + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=size), out=indptr[1:])
        data = self._weight_table[merged]
        self.adjacency = sparse.csr_array((data, cols, indptr), shape=(size, size))
        self.kinds = merged.astype(np.int8)
        self.rows = rows
        self._dead_mask = np.zeros(size, dtype=bool)
        self._total_weight: float | None = None

    @property
    def size(self) -> int:
        """Slots the matrix covers."""
        return self.adjacency.shape[0]

    def grow(self, size: int) -> None:
        """Add empty rows and columns for new people (no rebuild; their ties come later)."""
        A = self.adjacency
        extra = size - A.shape[0]
        if extra <= 0:
            return
        indptr = np.concatenate([A.indptr, np.full(extra, A.indptr[-1])])
        self.adjacency = sparse.csr_array((A.data, A.indices, indptr), shape=(size, size))
        self._dead_mask = np.concatenate([self._dead_mask, np.zeros(extra, dtype=bool)])

    def add_ties(self, a: np.ndarray, b: np.ndarray, kind: TieKind) -> None:
        """Queue new undirected ties; they join the matrix at the next :meth:`flush`."""
        self._pending.append((np.asarray(a), np.asarray(b), np.full(len(a), int(kind))))

    def flush(self, size: int) -> None:
        """Grow to ``size`` slots and merge queued ties (one rebuild for all of them)."""
        if not self._pending and size == self.size:
            return
        live = self.adjacency.data != 0
        upper = live & (self.rows < self.adjacency.indices)
        parts_a = [self.rows[upper]] + [p[0] for p in self._pending]
        parts_b = [self.adjacency.indices[upper]] + [p[1] for p in self._pending]
        parts_k = [self.kinds[upper]] + [p[2] for p in self._pending]
        dead = self._dead_mask
        self._pending.clear()
        self._build(size, np.concatenate(parts_a), np.concatenate(parts_b), np.concatenate(parts_k))
        self._dead_mask[: len(dead)] = dead

    # --- deaths ---------------------------------------------------------------------------
    def ties_of(self, slot: int) -> tuple[np.ndarray, np.ndarray]:
        """Neighbours of one person and the kind bits of each tie (live ties only)."""
        lo, hi = self.adjacency.indptr[slot], self.adjacency.indptr[slot + 1]
        live = self.adjacency.data[lo:hi] != 0
        return self.adjacency.indices[lo:hi][live], self.kinds[lo:hi][live]

    def remove(self, slots: np.ndarray) -> None:
        """Cut every tie of the given people (their rows and columns become zero)."""
        A = self.adjacency
        for slot in np.asarray(slots, dtype=np.int64):
            lo, hi = A.indptr[slot], A.indptr[slot + 1]
            for j in A.indices[lo:hi]:  # the column entries: one search per neighbour
                jlo, jhi = A.indptr[j], A.indptr[j + 1]
                k = jlo + np.searchsorted(A.indices[jlo:jhi], slot)
                A.data[k] = 0.0
            A.data[lo:hi] = 0.0
        self._dead_mask[slots] = True
        self._total_weight = None
        self._pending = [  # queued ties of the dead are dropped too
            (a[k], b[k], kd[k])
            for a, b, kd in self._pending
            for k in [~(np.isin(a, slots) | np.isin(b, slots))]
        ]

    def total_weight(self) -> float:
        """Sum of all stored weights (both directions), cached until the ties change."""
        if self._total_weight is None:
            self._total_weight = self.adjacency.data.sum()
        return self._total_weight

    def live_tie_count(self) -> int:
        """Number of undirected ties with non-zero weight."""
        return int(np.count_nonzero(self.adjacency.data)) // 2

    # --- views ----------------------------------------------------------------------------
    def to_networkx(self, alive: np.ndarray | None = None) -> nx.Graph:
        """The live network as a networkx Graph (nodes are slots; edge attrs weight, kinds)."""
        A = self.adjacency
        live = (A.data != 0) & (self.rows < A.indices)
        graph = nx.Graph()
        nodes = np.flatnonzero(alive) if alive is not None else np.arange(self.size)
        graph.add_nodes_from(nodes.tolist())
        graph.add_edges_from(
            (int(i), int(j), {"weight": float(w), "kinds": int(k)})
            for i, j, w, k in zip(
                self.rows[live], A.indices[live], A.data[live], self.kinds[live], strict=True
            )
        )
        return graph
