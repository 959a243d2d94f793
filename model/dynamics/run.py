"""Run a rule on a networkx graph: build the adjacency once, then step it."""

from __future__ import annotations

from collections.abc import Hashable, Mapping

import networkx as nx
import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike

from model.dynamics._rule import InfluenceRule
from model.dynamics.registry import make_rule
from model.validation import WHOLE

__all__ = ["consensus_time", "network_matrix", "run_rule", "run_until_consensus"]

Seed = int | np.random.Generator | np.random.SeedSequence | None


def network_matrix(graph: nx.Graph, weights: Hashable | None = None) -> sp.csr_array:
    """The weighted adjacency of `graph` as float64 CSR, rows and columns in ``list(graph.nodes)``.

    ``W[i, j]`` is the weight of the edge i -> j (for a DiGraph: how much i listens to j).
    `weights` names the edge attribute holding tie weights; ``None`` gives every tie weight 1.
    Self-loops are kept as given.
    """
    if weights is not None:
        if not isinstance(weights, str):
            raise ValueError(f"weights must be an edge attribute name or None; got {weights!r}")
        if graph.number_of_edges() and not any(weights in d for *_, d in graph.edges(data=True)):
            raise ValueError(f"weights={weights!r}: no edge of the graph has that attribute")
    if weights is None and _is_complete(graph):
        n = graph.number_of_nodes()
        columns = np.tile(np.arange(n, dtype=np.int32), n).reshape(n, n)
        indices = columns[~np.eye(n, dtype=bool)]
        indptr = np.arange(n + 1, dtype=np.int32) * (n - 1)
        W = sp.csr_array((np.ones(n * (n - 1)), indices, indptr), shape=(n, n))
    else:
        W = nx.to_scipy_sparse_array(
            graph, nodelist=list(graph.nodes), weight=weights, dtype=np.float64, format="csr"
        )
        W = sp.csr_array(W)
    if not np.all(np.isfinite(W.data)) or np.any(W.data < 0):
        bad = float(W.data[~np.isfinite(W.data) | (W.data < 0)][0])
        raise ValueError(f"tie weights must be finite and >= 0; got {bad!r}")
    return W


def _is_complete(graph: nx.Graph) -> bool:
    """True for a simple (di)graph with every possible edge and no self-loop."""
    if graph.is_multigraph() or nx.number_of_selfloops(graph):
        return False
    n = graph.number_of_nodes()
    pairs = n * (n - 1) if graph.is_directed() else n * (n - 1) // 2
    return n > 1 and graph.number_of_edges() == pairs


def _opinions(initial: ArrayLike | Mapping[Hashable, float], nodes: list[Hashable]) -> np.ndarray:
    if isinstance(initial, Mapping):
        missing = [v for v in nodes if v not in initial]
        if missing:
            raise ValueError(f"initial has no opinion for node {missing[0]!r}")
        extra = [k for k in initial if k not in set(nodes)]
        if extra:
            raise ValueError(f"initial names node {extra[0]!r}, which is not in the graph")
        initial = [initial[v] for v in nodes]
    try:
        x = np.array(initial, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"initial must be numbers, one per node; got {initial!r}") from None
    if x.ndim != 1 or x.shape[0] != len(nodes):
        raise ValueError(
            f"initial must hold one opinion per node ({len(nodes)}); got shape {x.shape}"
        )
    if not np.all(np.isfinite(x)):
        where = int(np.flatnonzero(~np.isfinite(x))[0])
        raise ValueError(
            f"initial opinions must be finite; got {float(x[where])!r} at position {where}"
        )
    return x


def _steps(steps: object, name: str = "steps") -> int:
    return int(WHOLE.require(name, steps))


def _prepare(
    rule: str, graph: nx.Graph, initial: object, params: dict[str, object]
) -> tuple[InfluenceRule, sp.csr_array, np.ndarray]:
    weights = params.pop("weights", None)
    model = make_rule(rule, **params)
    nodes = list(graph.nodes)
    W = network_matrix(graph, weights)
    x = _opinions(initial, nodes)
    model.check_crew(len(nodes))
    model.check_opinions(x)
    return model, W, x


def run_rule(
    rule: str,
    graph: nx.Graph,
    initial: ArrayLike | Mapping[Hashable, float],
    steps: int,
    rng: Seed = None,
    return_trajectory: bool = False,
    **params: object,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Run an opinion-dynamics rule on a graph.

    Parameters
    ----------
    rule : str
        ``"degroot"``, ``"friedkin_johnsen"``, ``"deffuant"``, ``"hegselmann_krause"``,
        ``"voter"`` or ``"threshold"``.
    graph : networkx.Graph or networkx.DiGraph
        The network; for a DiGraph an edge i -> j means i listens to j.
    initial : array-like or dict
        Initial opinions in ``list(graph.nodes)`` order, or a dict node -> opinion.
        Friedkin-Johnsen also uses them as the anchors u.
    steps : int
        Synchronous steps, or sweeps of N single-agent / pair updates for the asynchronous
        rules (Deffuant, voter).
    rng : int, numpy.random.Generator, numpy.random.SeedSequence or None
        As for :func:`numpy.random.default_rng`; the same seed gives the same result.
    return_trajectory : bool
        Also return the opinions after every step.
    **params
        The rule's parameters (``epsilon``, ``mu``, ``stubbornness``, ``susceptibility``,
        ``threshold``, ``fractional``), plus ``weights``: the edge attribute holding tie
        weights (``None``: every tie weighs 1).

    Returns
    -------
    final : numpy.ndarray
        Float opinions after `steps`, in ``list(graph.nodes)`` order.
    trajectory : numpy.ndarray, optional
        Shape ``(steps + 1, N)``: row 0 the initial opinions, row t those after t steps
        (sweeps). ``consensus_time(trajectory)`` gives the first step at which all agree.

    Raises
    ------
    ValueError
        Unknown rule or parameter, invalid parameter value, or initial opinions of the wrong
        length, non-finite, or (threshold) not 0/1.
    """
    params = dict(params)
    steps = _steps(steps)
    model, W, x = _prepare(rule, graph, initial, params)
    generator = np.random.default_rng(rng)
    anchors = x.copy()
    if not return_trajectory:
        return np.asarray(model.advance(W, x, anchors, generator, steps), dtype=np.float64)
    trajectory = np.empty((steps + 1, x.shape[0]))
    trajectory[0] = x
    for t in range(1, steps + 1):
        x = model.advance(W, x, anchors, generator, 1)
        trajectory[t] = x
    return trajectory[-1].copy(), trajectory


def run_until_consensus(
    rule: str,
    graph: nx.Graph,
    initial: ArrayLike | Mapping[Hashable, float],
    max_steps: int,
    rng: Seed = None,
    atol: float = 0.0,
    **params: object,
) -> tuple[np.ndarray, float | None]:
    """Run `rule` until every agent with a tie agrees within `atol`, at most `max_steps`.

    Returns
    -------
    (final, time)
        ``time`` in steps (sweeps for asynchronous rules); ``None`` without consensus. For the
        voter model it is exact to one update (``updates / N``); for the other rules it is the
        first whole step at which the opinions agree.
    """
    params = dict(params)
    max_steps = _steps(max_steps, "max_steps")
    model, W, x = _prepare(rule, graph, initial, params)
    generator = np.random.default_rng(rng)
    final, time = model.run_until_consensus(W, x, x.copy(), generator, max_steps, atol)
    return np.asarray(final, dtype=np.float64), time


def consensus_time(trajectory: ArrayLike, atol: float = 0.0) -> int | None:
    """First row of `trajectory` (shape ``(T, N)``) whose opinions all lie within `atol`.

    With the trajectory of :func:`run_rule` this is the number of steps (sweeps) to consensus;
    ``None`` if it is never reached.
    """
    traj = np.asarray(trajectory, dtype=float)
    spread = traj.max(axis=1) - traj.min(axis=1)
    hits = np.flatnonzero(spread <= atol)
    return int(hits[0]) if hits.size else None
