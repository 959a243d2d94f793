"""VALIDATION cases 1 and 1b: DeGroot (1974) averaging converges to the stationary mean."""

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from model.dynamics import run_rule, run_until_consensus
from tests.profiles import examples


def test_case_1_three_agents_reach_stationary_mean(
    w_case_1: np.ndarray, case_1_network: nx.DiGraph
) -> None:
    pi = np.array([0.25, 0.5, 0.25])
    np.testing.assert_allclose(pi @ w_case_1, pi, rtol=0, atol=1e-15)
    x0 = np.array([1.0, 0.0, 0.0])
    final = run_rule("degroot", case_1_network, x0, 200, weights="weight")
    np.testing.assert_allclose(final, [0.25, 0.25, 0.25], rtol=0, atol=1e-9)
    np.testing.assert_allclose(final, pi @ x0, rtol=0, atol=1e-9)


def degree_weighted_mean(graph: nx.Graph, x: np.ndarray) -> float:
    k = np.array([d for _, d in graph.degree()], dtype=float)
    return float(k @ x / k.sum())


@pytest.mark.parametrize(
    "graph",
    [
        nx.karate_club_graph(),
        nx.petersen_graph(),
        nx.cycle_graph(9),
        nx.barbell_graph(5, 3),
        nx.relabel_nodes(nx.lollipop_graph(4, 6), lambda v: f"crew-{v}"),
    ],
    ids=["karate", "petersen", "odd-cycle", "barbell", "lollipop-named"],
)
def test_case_1b_undirected_consensus_is_degree_weighted_mean(graph: nx.Graph) -> None:
    x0 = np.random.default_rng(1974).uniform(-1.0, 1.0, graph.number_of_nodes())
    final = run_rule("degroot", graph, x0, 3000)
    np.testing.assert_allclose(final, degree_weighted_mean(graph, x0), rtol=0, atol=1e-9)


@settings(
    max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.filter_too_much]
)
@given(
    n=st.integers(3, 25),
    p=st.floats(0.25, 0.9),
    seed=st.integers(0, 2**32 - 1),
)
def test_case_1b_holds_on_random_connected_non_bipartite_graphs(n: int, p: float, seed: int):
    graph = nx.gnp_random_graph(n, p, seed=seed)
    assume(nx.is_connected(graph) and not nx.is_bipartite(graph))
    x0 = np.random.default_rng(seed).uniform(0.0, 1.0, n)
    final, time = run_until_consensus("degroot", graph, x0, 50_000, atol=1e-12)
    assert time is not None
    np.testing.assert_allclose(final, degree_weighted_mean(graph, x0), rtol=0, atol=1e-9)
