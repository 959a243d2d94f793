"""VALIDATION case 5: the voter model on the complete graph (Castellano et al. 2009, III.A).

Exit probability E = rho and mean consensus time T = -N[rho ln rho + (1-rho) ln(1-rho)] sweeps,
over R runs from the same initial density rho.
"""

import networkx as nx
import numpy as np
import pytest

from model.dynamics import run_until_consensus

N = 100
RUNS = 2000


@pytest.mark.slow
@pytest.mark.parametrize("rho", [0.5, 0.2])
def test_case_5_exit_probability_and_consensus_time(rho: float) -> None:
    graph = nx.complete_graph(N)
    believers = round(rho * N)
    x0 = np.r_[np.ones(believers), np.zeros(N - believers)]
    ends, times = [], []
    for child in np.random.SeedSequence(591).spawn(RUNS):
        final, time = run_until_consensus("voter", graph, x0, 10_000, rng=child)
        assert time is not None
        ends.append(final[0])
        times.append(time)

    exit_probability = float(np.mean(ends))
    assert abs(exit_probability - rho) <= 3 * np.sqrt(rho * (1 - rho) / RUNS)

    expected_time = -N * (rho * np.log(rho) + (1 - rho) * np.log(1 - rho))
    assert abs(np.mean(times) - expected_time) <= 0.10 * expected_time
