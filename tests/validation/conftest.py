"""Shared set-ups of the validation cases (see shared/VALIDATION.md beside this repository)."""

import networkx as nx
import numpy as np
import pytest


@pytest.fixture
def w_case_1() -> np.ndarray:
    """DeGroot's three-agent trust matrix of VALIDATION case 1 (rows sum to 1)."""
    return np.array([[0.5, 0.5, 0.0], [0.25, 0.5, 0.25], [0.0, 0.5, 0.5]])


@pytest.fixture
def case_1_network(w_case_1: np.ndarray) -> nx.DiGraph:
    """A DiGraph whose edges, self-loops included, carry the entries of W as 'weight'."""
    graph = nx.DiGraph()
    graph.add_nodes_from(range(w_case_1.shape[0]))
    for i, j in zip(*np.nonzero(w_case_1), strict=True):
        graph.add_edge(int(i), int(j), weight=float(w_case_1[i, j]))
    return graph
