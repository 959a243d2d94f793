"""One influence-rule interface: the model's own rule sits in model.dynamics' registry beside the
canonical rules, the model builds the rule its ``influence`` parameter names, and every rule
holds frozen agents (the captain, the dead) through ``update``."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pytest
import scipy.sparse as sp

from model import CrewModel
from model.dynamics import RULES, BoundedConfidence, InfluenceRule, make_crew_rule, make_rule
from model.dynamics.registry import register
from model.parameters import INFLUENCE_RULES, Parameters


def test_the_models_rule_is_registered_beside_the_canonical_rules() -> None:
    assert RULES["bounded_confidence"] is BoundedConfidence
    assert list(INFLUENCE_RULES) == list(RULES)  # the parameter's options read the registry
    rule = make_crew_rule(Parameters(influence_rate=0.2, anchoring=0.1, confidence_bound=0.4))
    assert isinstance(rule, BoundedConfidence)
    assert (rule.mu, rule.lam, rule.epsilon) == (0.2, 0.1, 0.4)


@pytest.mark.parametrize("name", sorted(set(RULES) - {"threshold"}))
def test_the_model_builds_the_rule_its_parameter_names(name: str) -> None:
    model = CrewModel(rng=1, n_crew=200, influence=name)
    assert type(model.influence) is RULES[name]
    np.testing.assert_array_equal(model.influence.frozen, model.frozen)


class Halfway(InfluenceRule):
    """A throwaway rule: everyone moves halfway to 0.5 each day."""

    name: ClassVar[str] = "halfway_to_the_middle"
    parameters: ClassVar[tuple[str, ...]] = ()
    synchronous: ClassVar[bool] = True

    def step(self, W: Any, x: np.ndarray, anchors: np.ndarray, rng: Any) -> np.ndarray:
        return x + 0.5 * (0.5 - x)


def test_a_rule_registered_later_is_a_valid_influence_parameter() -> None:
    with pytest.raises(ValueError, match=r"influence='halfway_to_the_middle' is invalid"):
        Parameters(influence="halfway_to_the_middle")
    register(Halfway)
    try:
        model = CrewModel(rng=1, n_crew=200, influence="halfway_to_the_middle")
        before = model.state.belief.copy()
        model.run(1)
        assert isinstance(model.influence, Halfway)
        moved = model.state.alive & ~model.frozen
        assert np.all(np.abs(model.state.belief[moved] - 0.5) < np.abs(before[moved] - 0.5) + 1e-9)
        assert model.state.belief[model.captain] == before[model.captain]
    finally:
        RULES.pop("halfway_to_the_middle")


@pytest.mark.parametrize("name", ["bounded_confidence", "degroot", "friedkin_johnsen", "deffuant"])
def test_update_holds_frozen_agents_for_every_rule(name: str) -> None:
    """A path 0-1-2-3 with agent 1 frozen: it keeps its opinion, the others still move."""
    W = sp.csr_array(np.diag(np.ones(3), 1) + np.diag(np.ones(3), -1))
    params = {"deffuant": {"epsilon": 1.0}, "friedkin_johnsen": {"stubbornness": 0.0}}
    rule = make_rule(name, **params.get(name, {}))
    rule.freeze(np.array([False, True, False, False]))
    x = np.array([0.0, 0.3, 0.4, 0.6])
    rng = np.random.default_rng(0)
    for _ in range(5):
        x = rule.update(W, x, x.copy(), rng)
    assert x[1] == 0.3
    assert not np.array_equal(x, [0.0, 0.3, 0.4, 0.6])
    rule.freeze(np.zeros(4, dtype=bool))
    x = rule.update(W, np.array([0.0, 0.3, 0.4, 0.6]), np.zeros(4), rng)
    assert x[1] != 0.3  # unfrozen, it moves


def test_the_model_asks_no_rule_whether_it_can_freeze() -> None:
    from pathlib import Path

    source = (Path(__file__).resolve().parent.parent / "model" / "crew_model.py").read_text()
    assert 'hasattr(self.influence, "frozen")' not in source
