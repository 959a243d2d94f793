"""VALIDATION cases 6 and 7: Granovetter's riot and Centola & Macy's complex contagion."""

import networkx as nx
import numpy as np
import pytest

from model.dynamics import consensus_time, run_rule


def test_case_6_uniform_thresholds_bring_everyone_out() -> None:
    crowd = nx.complete_graph(100)
    final = run_rule("threshold", crowd, np.zeros(100), 200, threshold=np.arange(100))
    assert final.sum() == 100


def test_case_6_moving_one_threshold_stops_the_riot_at_the_instigator() -> None:
    thresholds = np.arange(100)
    thresholds[1] = 2
    crowd = nx.complete_graph(100)
    final = run_rule("threshold", crowd, np.zeros(100), 200, threshold=thresholds)
    assert final.sum() == 1
    assert final[0] == 1


N, K = 1000, 6


def seeded_neighbourhood(graph: nx.Graph, node: int = 0) -> np.ndarray:
    """Opinion 1 for `node` and its neighbours in `graph`, 0 elsewhere (node order 0..N-1)."""
    x = np.zeros(graph.number_of_nodes())
    x[node] = 1.0
    x[list(graph[node])] = 1.0
    return x


@pytest.mark.parametrize(("count", "expected_steps"), [(1, (N - K - 1) / K), (2, (N - 7) / 4)])
def test_case_7_ring_lattice_spreads_simple_and_complex_contagion(
    count: int, expected_steps: float
) -> None:
    ring = nx.watts_strogatz_graph(N, K, 0.0, seed=702)
    final, trajectory = run_rule(
        "threshold", ring, seeded_neighbourhood(ring), 600, threshold=count, return_trajectory=True
    )
    assert final.min() == 1.0
    steps = consensus_time(trajectory)
    assert steps is not None
    assert abs(steps - expected_steps) <= 0.05 * expected_steps


@pytest.mark.parametrize(("p", "networks"), [(0.3, 200), (0.5, 20), (1.0, 20)])
def test_case_7_long_ties_carry_simple_but_stall_complex_contagion(p: float, networks: int):
    simple, complex_ = [], []
    for seed in range(networks):
        graph = nx.connected_watts_strogatz_graph(N, K, p, seed=seed)
        x0 = seeded_neighbourhood(graph)
        simple.append(run_rule("threshold", graph, x0, N, threshold=1).mean())
        complex_.append(run_rule("threshold", graph, x0, N, threshold=2).mean())
    assert min(simple) == 1.0
    assert np.mean(complex_) < 0.20, f"mean adoption with a = 2: {np.mean(complex_):.3f}"
