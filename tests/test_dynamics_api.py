"""The public API of model.dynamics: names, validation messages, reproducibility, node order,
and the stepping interface the crew model's engine uses."""

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

from model.dynamics import (
    RULES,
    Deffuant,
    consensus_time,
    make_rule,
    run_rule,
    run_until_consensus,
)

PARAMS = {
    "bounded_confidence": {"mu": 0.5, "lam": 0.1, "epsilon": 0.3},
    "degroot": {},
    "friedkin_johnsen": {"stubbornness": 0.3},
    "deffuant": {"epsilon": 0.3, "mu": 0.5},
    "hegselmann_krause": {"epsilon": 0.25},
    "voter": {},
    "threshold": {"threshold": 2},
}


def initial_for(rule: str, n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if rule == "threshold":
        return (rng.random(n) < 0.2).astype(float)
    if rule == "voter":
        return rng.integers(0, 2, n).astype(float)
    return rng.random(n)


def test_registry_names_the_models_rule_and_the_six_canonical_rules() -> None:
    assert set(RULES) == set(PARAMS)
    for name, params in PARAMS.items():
        assert isinstance(make_rule(name, **params), RULES[name])


def test_unknown_rule_is_rejected_with_the_nearest_name() -> None:
    with pytest.raises(ValueError, match=r"unknown rule 'degrot'.*did you mean 'degroot'"):
        run_rule("degrot", nx.path_graph(3), [0, 1, 2], 1)


def test_unknown_parameter_is_rejected_with_the_nearest_name() -> None:
    with pytest.raises(ValueError, match=r"'epsilom' \(got 0.2\).*did you mean 'epsilon'"):
        run_rule("deffuant", nx.path_graph(3), [0, 1, 2], 1, epsilom=0.2)


def test_parameter_of_another_rule_is_rejected() -> None:
    with pytest.raises(ValueError, match=r"unknown parameter 'epsilon'.*'degroot'"):
        make_rule("degroot", epsilon=0.2)


@pytest.mark.parametrize(
    ("rule", "params", "message"),
    [
        ("deffuant", {"epsilon": -0.1}, r"^epsilon=-0.1 is invalid: expected a number > 0$"),
        ("hegselmann_krause", {"epsilon": -1}, r"^epsilon=-1 is invalid: expected a number >= 0$"),
        ("deffuant", {"epsilon": float("nan")}, r"^epsilon=nan is invalid: expected a number > 0"),
        ("deffuant", {"mu": 0.7}, r"^mu=0.7 is invalid: expected a number in \(0, 0.5\]$"),
        ("deffuant", {"mu": 0}, r"^mu=0 is invalid: expected a number in \(0, 0.5\]$"),
        ("deffuant", {"epsilon": "wide"}, r"^epsilon='wide' is invalid: expected a number > 0$"),
        ("threshold", {"threshold": -1}, r"^threshold=-1 is invalid: expected a number >= 0$"),
        ("threshold", {"threshold": 1.5, "fractional": True}, r"^threshold=1.5 .* in \[0, 1\]$"),
        ("threshold", {"threshold": 1.5, "fractional": False}, r"^threshold=1.5 .* whole number"),
        ("friedkin_johnsen", {"stubbornness": 1.2}, r"^stubbornness=1.2 .* in \[0, 1\]$"),
        ("friedkin_johnsen", {"susceptibility": [0.5, -0.1]}, r"^susceptibility\[1\]=-0.1 is inv"),
        (
            "friedkin_johnsen",
            {"stubbornness": 0.5, "susceptibility": 0.5},
            r"either stubbornness .* or susceptibility, not both",
        ),
    ],
)
def test_invalid_values_name_parameter_value_and_range(
    rule: str, params: dict, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        make_rule(rule, **params)


def test_per_agent_parameter_of_wrong_length_is_rejected() -> None:
    with pytest.raises(ValueError, match=r"threshold has 2 entries but the network has 3"):
        run_rule("threshold", nx.path_graph(3), [1, 0, 0], 1, threshold=[1, 1])


@pytest.mark.parametrize(
    ("initial", "message"),
    [
        ([0.1, 0.2], r"one opinion per node \(3\); got shape \(2,\)"),
        ([0.1, float("nan"), 0.3], r"finite; got nan at position 1"),
        ({0: 0.1, 1: 0.2}, r"no opinion for node 2"),
        ({0: 0.1, 1: 0.2, 2: 0.3, 7: 0.0}, r"node 7, which is not in the graph"),
    ],
)
def test_bad_initial_opinions_are_rejected(initial: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        run_rule("degroot", nx.path_graph(3), initial, 1)


def test_threshold_opinions_must_be_binary() -> None:
    with pytest.raises(ValueError, match=r"must be 0 or 1; got 0.5"):
        run_rule("threshold", nx.path_graph(3), [0.5, 0, 1], 1)


@pytest.mark.parametrize("steps", [-1, 1.5, True])
def test_steps_must_be_a_non_negative_integer(steps: object) -> None:
    with pytest.raises(ValueError, match=r"^steps=.* is invalid: expected a whole number >= 0$"):
        run_rule("degroot", nx.path_graph(3), [0, 1, 2], steps)


def test_weights_must_name_an_edge_attribute_with_non_negative_values() -> None:
    graph = nx.path_graph(3)
    with pytest.raises(ValueError, match=r"weights='trust': no edge"):
        run_rule("degroot", graph, [0, 1, 2], 1, weights="trust")
    nx.set_edge_attributes(graph, -1.0, "trust")
    with pytest.raises(ValueError, match=r"finite and >= 0; got -1.0"):
        run_rule("degroot", graph, [0, 1, 2], 1, weights="trust")


@pytest.mark.parametrize("rule", sorted(PARAMS))
def test_same_seed_gives_identical_runs(rule: str) -> None:
    graph = nx.connected_watts_strogatz_graph(60, 4, 0.2, seed=1)
    x0 = initial_for(rule, 60)
    first = run_rule(rule, graph, x0, 15, rng=42, **PARAMS[rule])
    again = run_rule(rule, graph, x0, 15, rng=np.random.default_rng(42), **PARAMS[rule])
    np.testing.assert_array_equal(first, again)
    seq = np.random.SeedSequence(9)
    np.testing.assert_array_equal(
        run_rule(rule, graph, x0, 15, rng=seq, **PARAMS[rule]),
        run_rule(rule, graph, x0, 15, rng=np.random.SeedSequence(9), **PARAMS[rule]),
    )


@pytest.mark.parametrize("rule", ["deffuant", "voter"])
def test_different_seeds_give_different_asynchronous_runs(rule: str) -> None:
    graph = nx.connected_watts_strogatz_graph(60, 4, 0.2, seed=1)
    x0 = initial_for(rule, 60)
    runs = [run_rule(rule, graph, x0, 3, rng=s, **PARAMS[rule]) for s in (1, 2)]
    assert not np.array_equal(*runs)


def test_output_follows_graph_node_order_and_dict_initial_matches_array() -> None:
    graph = nx.Graph()
    graph.add_nodes_from(["galley", "bridge", "hydroponics"])
    graph.add_edges_from([("bridge", "galley"), ("galley", "hydroponics")])
    by_name = {"bridge": 1.0, "galley": 0.0, "hydroponics": 0.0}
    final = run_rule("threshold", graph, by_name, 1, threshold=1)
    np.testing.assert_array_equal(final, [1.0, 1.0, 0.0])  # galley, bridge, hydroponics
    in_order = [by_name[v] for v in graph.nodes]
    np.testing.assert_array_equal(run_rule("threshold", graph, in_order, 1, threshold=1), final)
    assert final.dtype == np.float64


@pytest.mark.parametrize("rule", sorted(PARAMS))
def test_trajectory_starts_at_initial_and_ends_at_final(rule: str) -> None:
    graph = nx.connected_watts_strogatz_graph(40, 4, 0.1, seed=3)
    x0 = initial_for(rule, 40)
    final, trajectory = run_rule(rule, graph, x0, 12, rng=5, return_trajectory=True, **PARAMS[rule])
    assert trajectory.shape == (13, 40)
    np.testing.assert_array_equal(trajectory[0], x0)
    np.testing.assert_array_equal(trajectory[-1], final)
    np.testing.assert_array_equal(final, run_rule(rule, graph, x0, 12, rng=5, **PARAMS[rule]))


def test_consensus_time_reads_the_first_agreeing_row() -> None:
    trajectory = np.array([[0.0, 1.0], [0.4, 0.6], [0.5, 0.5], [0.5, 0.5]])
    assert consensus_time(trajectory) == 2
    assert consensus_time(trajectory, atol=0.3) == 1
    assert consensus_time(trajectory[:2]) is None


def test_run_until_consensus_reports_time_in_sweeps() -> None:
    final, time = run_until_consensus("voter", nx.complete_graph(10), [1] * 5 + [0] * 5, 10_000, 3)
    assert time is not None and time > 0
    assert len(set(final)) == 1
    _, time = run_until_consensus("degroot", nx.path_graph(3), [1, 1, 1], 10)
    assert time == 0.0


def test_deffuant_uses_a_strict_inequality() -> None:
    pair = nx.path_graph(2)
    unmoved = run_rule("deffuant", pair, [0.0, 0.25], 5, rng=0, epsilon=0.25, mu=0.5)
    np.testing.assert_array_equal(unmoved, [0.0, 0.25])
    met = run_rule("deffuant", pair, [0.0, 0.25], 1, rng=0, epsilon=0.2500001, mu=0.5)
    np.testing.assert_array_equal(met, [0.125, 0.125])


def test_hegselmann_krause_uses_a_non_strict_inequality_and_counts_self() -> None:
    line = nx.complete_graph(3)
    final = run_rule("hegselmann_krause", line, [0.0, 0.25, 1.0], 1, epsilon=0.25)
    np.testing.assert_allclose(final, [0.125, 0.125, 1.0])
    sparse = nx.path_graph(4)  # 0-1-2-3, the same rule on the edge arrays
    final = run_rule("hegselmann_krause", sparse, [0.0, 0.25, 0.5, 0.75], 1, epsilon=0.25)
    np.testing.assert_allclose(final, [0.125, 0.25, 0.5, 0.625])


def test_fractional_thresholds_follow_watts() -> None:
    star = nx.star_graph(3)  # hub 0 and leaves 1..3
    x0 = [0.0, 1.0, 1.0, 0.0]
    np.testing.assert_array_equal(
        run_rule("threshold", star, x0, 1, threshold=0.5), [1.0, 1.0, 1.0, 0.0]
    )
    np.testing.assert_array_equal(
        run_rule("threshold", star, x0, 1, threshold=0.7), [0.0, 1.0, 1.0, 0.0]
    )
    np.testing.assert_array_equal(
        run_rule("threshold", star, x0, 1, threshold=1.0, fractional=True), x0
    )


def explicit_zero_adjacency() -> sp.csr_array:
    """Four crew: the tie 0-1 removed (stored as explicit zeros), crew 3 dead (row/col zero)."""
    indptr = np.array([0, 2, 4, 6, 6])
    indices = np.array([1, 2, 0, 2, 0, 1])
    data = np.array([0.0, 1.0, 0.0, 1.0, 1.0, 1.0])  # tie 0-1 removed, crew 3 dead
    return sp.csr_array((data, indices, indptr), shape=(4, 4))


@pytest.mark.parametrize("rule", sorted(PARAMS))
def test_engine_step_leaves_dead_crew_alone_and_ignores_removed_ties(rule: str) -> None:
    W = explicit_zero_adjacency()
    assert W.nnz == 6  # the explicit zeros are stored
    model = make_rule(rule, **PARAMS[rule])
    rng = np.random.default_rng(0)
    if rule == "threshold":
        x = np.array([1.0, 0.0, 0.0, 0.0])
    elif rule == "voter":
        x = np.array([1.0, 0.0, 0.0, 1.0])
    else:
        x = np.array([0.1, 0.3, 0.2, 0.9])
    anchors = x.copy()
    for _ in range(30):
        x = model.step(W, x, anchors, rng)
        assert isinstance(x, np.ndarray) and x.shape == (4,)
        assert x[3] == anchors[3]
    if rule == "threshold":  # 0 reaches 2 only; 1 needs two active neighbours but has one
        np.testing.assert_array_equal(x, [1.0, 0.0, 0.0, 0.0])


def test_deffuant_advance_equals_repeated_steps() -> None:
    W = sp.csr_array(nx.to_scipy_sparse_array(nx.cycle_graph(30), dtype=float))
    x0 = np.random.default_rng(0).random(30)
    rule = Deffuant(epsilon=0.4)
    stepped = x0.copy()
    rng = np.random.default_rng(11)
    for _ in range(7):
        stepped = rule.step(W, stepped, x0, rng)
    advanced = rule.advance(W, x0.copy(), x0, np.random.default_rng(11), 7)
    np.testing.assert_array_equal(stepped, advanced)


def test_weighted_voter_never_copies_across_a_zero_weight_tie() -> None:
    W = explicit_zero_adjacency()
    rule = make_rule("voter")
    x = np.array([1.0, 0.0, 1.0, 0.0])
    anchors = x.copy()
    rng = np.random.default_rng(2)
    # 1 listens only to 2; 0 only to 2; whichever wins, 0 and 1 can only take 2's opinion.
    x = rule.step(W, x, anchors, rng)
    for _ in range(200):
        x = rule.step(W, x, anchors, rng)
    assert x[0] == x[1] == x[2]
    assert x[3] == 0.0
