"""VALIDATION cases 3 and 4: Deffuant-Weisbuch clusters on the complete graph.

Set-up of both cases: N = 1000 agents, complete graph, mu = 0.5, x0 ~ U(0, 1),
2 x 10^7 pair updates (20 000 sweeps of N pair updates). Clusters are groups of the sorted
final opinions split by gaps > 1e-3; case 3 counts those with at least 2 % of N, case 4 asks
for all agents in a single group.
"""

from functools import cache
from math import floor

import networkx as nx
import numpy as np
import pytest

from model.dynamics import count_clusters, run_rule

N = 1000
SWEEPS = 20_000  # x N = 2e7 pair updates
MU = 0.5


@cache
def final_opinions(epsilon: float, seed: int) -> tuple[float, ...]:
    """Final opinions of one run; seed s draws x0 and drives the rule."""
    x0 = np.random.default_rng([3, seed]).uniform(0.0, 1.0, N)
    final = run_rule("deffuant", nx.complete_graph(N), x0, SWEEPS, rng=seed, epsilon=epsilon, mu=MU)
    return tuple(final)


@pytest.mark.slow
@pytest.mark.parametrize("epsilon", [0.15, 0.20, 0.30, 0.45])
def test_case_3_modal_cluster_count_is_floor_of_one_over_two_epsilon(epsilon: float) -> None:
    counts = [count_clusters(final_opinions(epsilon, seed)) for seed in range(10)]
    modal = int(np.argmax(np.bincount(counts)))
    assert modal == floor(1 / (2 * epsilon)), f"cluster counts over 10 seeds: {counts}"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("epsilon", "bound", "side"),
    [(0.45, 0.5, "at most"), (0.55, 0.9, "at least")],
)
def test_case_4_complete_consensus_appears_above_one_half(
    epsilon: float, bound: float, side: str
) -> None:
    single = [
        count_clusters(final_opinions(epsilon, seed), min_share=0.0) == 1 for seed in range(20)
    ]
    share = float(np.mean(single))
    if side == "at most":
        assert share <= bound, f"P(one cluster) = {share} at epsilon = {epsilon}"
    else:
        assert share >= bound, f"P(one cluster) = {share} at epsilon = {epsilon}"
