"""The social network as a sparse weighted adjacency over crew slots.

Ties are undirected and stored symmetrically in CSR form. Each stored entry carries a weight
(the influence weight of the strongest kind of tie between the two people) and a bit mask of
tie kinds (a couple can be household and co-workers). A death zeroes the dead person's row and
column in place, in O(degree); no tie to the dead remains. New ties (births) are queued and
merged into the sorted rows in one linear pass when the registry is updated (monthly); queued
ties of people who died in the meantime are dropped then.
"""

from __future__ import annotations

from enum import IntFlag

import networkx as nx
import numba
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


@numba.njit(cache=True)
def _merge_ties(indptr, indices, data, kinds, new_ptr, new_cols, new_bits):
    """Merge sorted CSR rows (dropping zero-weight entries) with sorted new entries.

    Returns (indptr, indices, kinds) over ``len(new_ptr) - 1`` rows; an entry present in both
    gets the union of the kind bits.
    """
    n, n_old = len(new_ptr) - 1, len(indptr) - 1
    cap = np.count_nonzero(data) + len(new_cols)
    out_ptr = np.zeros(n + 1, dtype=np.int64)
    out_idx = np.empty(cap, dtype=np.int64)
    out_bits = np.empty(cap, dtype=np.int8)
    pos = 0
    for i in range(n):
        p, p_end = (indptr[i], indptr[i + 1]) if i < n_old else (0, 0)
        q, q_end = new_ptr[i], new_ptr[i + 1]
        while p < p_end or q < q_end:
            if p < p_end and data[p] == 0.0:
                p += 1
            elif q == q_end or (p < p_end and indices[p] < new_cols[q]):
                out_idx[pos], out_bits[pos] = indices[p], kinds[p]
                pos += 1
                p += 1
            elif p == p_end or new_cols[q] < indices[p]:
                out_idx[pos], out_bits[pos] = new_cols[q], new_bits[q]
                pos += 1
                q += 1
            else:
                out_idx[pos], out_bits[pos] = indices[p], kinds[p] | new_bits[q]
                pos += 1
                p += 1
                q += 1
        out_ptr[i + 1] = pos
    return out_ptr, out_idx[:pos].copy(), out_bits[:pos].copy()


@numba.njit(cache=True)
def _clear_bits(indptr, indices, data, kinds, a, b, bit, table):
    """Clear ``bit`` from the stored entries (a, b) and (b, a) and reweigh them (an entry left
    with no kind gets weight 0 and is dropped at the next merge). Missing pairs are skipped."""
    for t in range(len(a)):
        for i, j in ((a[t], b[t]), (b[t], a[t])):
            lo, hi = indptr[i], indptr[i + 1]
            k = lo + np.searchsorted(indices[lo:hi], j)
            if k < hi and indices[k] == j and data[k] != 0.0:
                kinds[k] = kinds[k] & ~bit
                data[k] = table[kinds[k]]


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
        """Grow to ``size`` slots and merge queued ties.

        One linear merge of the sorted rows with the (few) queued ties, instead of sorting
        every tie again; the result is the same matrix :meth:`_build` would give: ties of the
        dead (zero weights) dropped, columns sorted, a pair's kinds merged.
        """
        if not self._pending and size == self.size:
            return
        A = self.adjacency
        a, b, k = (
            np.concatenate([p[i] for p in self._pending] + [np.empty(0)]).astype(np.int64)
            for i in range(3)
        )
        self._pending.clear()
        dead = np.zeros(size, dtype=bool)
        dead[: len(self._dead_mask)] = self._dead_mask
        alive = ~(dead[a] | dead[b])  # queued ties of people who died since are dropped
        a, b, k = a[alive], b[alive], k[alive]
        rows = np.concatenate([a, b])
        cols = np.concatenate([b, a])
        bits = np.concatenate([k, k]).astype(np.int8)
        key = rows * size + cols
        order = np.argsort(key, kind="stable")
        key, bits = key[order], bits[order]
        first = np.flatnonzero(np.concatenate([[True], key[1:] != key[:-1]]))[: len(key)]
        new_bits = np.bitwise_or.reduceat(bits, first) if len(first) else bits[:0]
        key = key[first]
        new_ptr = np.zeros(size + 1, dtype=np.int64)
        np.cumsum(np.bincount(key // size, minlength=size), out=new_ptr[1:])
        indptr, indices, kinds = _merge_ties(
            A.indptr, A.indices, A.data, self.kinds, new_ptr, key % size, new_bits
        )
        data = self._weight_table[kinds]
        self.adjacency = sparse.csr_array((data, indices, indptr), shape=(size, size))
        self.kinds = kinds
        self.rows = np.repeat(np.arange(size, dtype=np.int64), np.diff(indptr))
        self._dead_mask = dead
        self._total_weight = None

    def drop_kind(self, a: np.ndarray, b: np.ndarray, kind: TieKind) -> None:
        """Clear one kind from the stored ties (a, b) (a move out of a compartment, a
        retirement from a team): a tie of other kinds too keeps them and is reweighed, a tie
        of that kind alone is cut. Queued ties are not touched."""
        if len(a) == 0:
            return
        A = self.adjacency
        _clear_bits(
            A.indptr,
            A.indices,
            A.data,
            self.kinds,
            np.asarray(a, dtype=np.int64),
            np.asarray(b, dtype=np.int64),
            np.int8(kind),
            self._weight_table,
        )
        self._total_weight = None

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
        self._dead_mask[slots] = True  # their queued ties are dropped at the next flush
        self._total_weight = None

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
