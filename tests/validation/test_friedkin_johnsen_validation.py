"""VALIDATION case 2: Friedkin & Johnsen (1990) equilibrium x* = (I - ΛW)^-1 (I - Λ) u."""

import networkx as nx
import numpy as np
import pytest

from model.dynamics import run_rule

SUSCEPTIBILITY = np.array([0.5, 0.8, 1.0])  # Friedkin-Johnsen's Λ = diag(λ_i)
EXPECTED = np.array([0.8, 0.4, 0.4])


def test_case_2_closed_form_is_the_published_equilibrium(w_case_1: np.ndarray) -> None:
    lam = np.diag(SUSCEPTIBILITY)
    u = np.array([1.0, 0.0, 0.0])
    closed_form = np.linalg.solve(np.eye(3) - lam @ w_case_1, (np.eye(3) - lam) @ u)
    np.testing.assert_allclose(closed_form, EXPECTED, rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    "params",
    [
        {"susceptibility": SUSCEPTIBILITY},
        {"stubbornness": 1.0 - SUSCEPTIBILITY},
    ],
    ids=["susceptibility", "stubbornness"],
)
def test_case_2_three_agents_settle_at_equilibrium(
    params: dict, case_1_network: nx.DiGraph
) -> None:
    final = run_rule(
        "friedkin_johnsen",
        case_1_network,
        [1.0, 0.0, 0.0],
        500,
        weights="weight",
        **params,
    )
    np.testing.assert_allclose(final, EXPECTED, rtol=0, atol=1e-9)
