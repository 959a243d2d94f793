"""Performance work must not change behaviour: the fast influence kernel against its per-agent
Mesa oracle, the benchmark runs, and nothing iterates the agents in a day.

No test asserts a time (CI machines are noisy); the benchmark measures them.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import mesa
import numpy as np
import pytest

from model import CrewModel
from model.influence import BoundedConfidence
from tests.reference_influence import ReferenceInfluenceModel

ROOT = Path(__file__).resolve().parents[1]
#: The issue's tolerance; in practice the two agree to the last bit.
TOLERANCE = 1e-12


def assert_fast_matches_reference(model: CrewModel, steps: int, **rule: float) -> None:
    """Step the kernel and the oracle side by side from the model's current state."""
    state, W = model.state, model.network.adjacency
    params = {"mu": model.influence.mu, "lam": model.influence.lam}
    params["epsilon"] = model.influence.epsilon
    params.update(rule)
    belief, anchor, frozen = state.belief.copy(), state.anchor.copy(), model.frozen.copy()
    reference = ReferenceInfluenceModel(W, belief, anchor, frozen, **params)
    fast = BoundedConfidence(params["mu"], params["lam"], params["epsilon"])
    fast.frozen = frozen
    x = belief.copy()
    for day in range(steps):
        reference.step()
        x = fast.step(W, x, anchor)
        difference = np.abs(reference.beliefs() - x).max()
        assert difference <= TOLERANCE, f"step {day + 1}: kernel and oracle differ by {difference}"
    assert not np.array_equal(x, belief), "the beliefs moved (the comparison is not vacuous)"


def test_reference_is_a_mesa_model_of_agents():
    model = CrewModel(rng=1, n_crew=100, referendum_margin=1)
    state = model.state
    reference = ReferenceInfluenceModel(
        model.network.adjacency, state.belief, state.anchor, None, 0.1, 0.0, 0.3
    )
    assert isinstance(reference, mesa.Model)
    assert len(reference.agents) == 100
    assert all(isinstance(a, mesa.Agent) for a in reference.agents)


@pytest.mark.parametrize(
    "rule",
    [
        {},  # the model's own parameters
        {"mu": 0.5, "lam": 0.0, "epsilon": 0.1},  # no anchoring: isolated people stay put
        {"mu": 1.0, "lam": 0.2, "epsilon": 1.0},  # everyone a confidant, strong steps
    ],
    ids=["model", "no-anchor", "wide"],
)
def test_kernel_matches_oracle_on_a_small_ship(rule):
    model = CrewModel(rng=7, n_crew=300)
    assert_fast_matches_reference(model, steps=8, **rule)


def test_kernel_matches_oracle_after_deaths_and_births():
    """Zeroed ties of the dead, newborns' empty rows and their merged ties, a dead captain."""
    model = CrewModel(rng=3, n_crew=400, mortality_per_1000=60.0)
    model.breach(deaths=6)
    model.run(65)  # two registry updates merge newborns' ties (and drop the dead's)
    model.breach(deaths=4)
    model.kill(np.array([model.captain]), cause="background")
    model.run(2)
    W = model.network.adjacency
    assert model.counts["deaths"] > 11 and model.counts["births"] > 0
    assert np.count_nonzero(W.data == 0) > 0, "the network holds ties of the dead"
    assert_fast_matches_reference(model, steps=6)


def test_kernel_matches_oracle_on_the_default_ship():
    model = CrewModel(rng=2)
    model.breach(deaths=3)
    model.run(3)
    assert_fast_matches_reference(model, steps=3)


#: AgentSet methods that visit every agent.
VISITING_METHODS = ("__iter__", "do", "shuffle_do", "map", "select", "agg", "get", "set")


def watch_agent_sets(monkeypatch) -> list[str]:
    """Record every call of a visiting method on any Mesa agent set class."""
    calls: list[str] = []
    classes = [
        cls
        for cls in vars(mesa.agentset).values()
        if isinstance(cls, type) and issubclass(cls, mesa.agentset.AbstractAgentSet)
    ]
    for cls in classes:
        for name in VISITING_METHODS:
            if name in vars(cls):
                original = vars(cls)[name]

                def watched(self, *args, _name=name, _original=original, **kwargs):
                    calls.append(f"{type(self).__name__}.{_name}")
                    return _original(self, *args, **kwargs)

                monkeypatch.setattr(cls, name, watched)
    return calls


def test_the_agent_watch_sees_iteration(monkeypatch):
    model = CrewModel(rng=4, n_crew=200, referendum_margin=1)
    calls = watch_agent_sets(monkeypatch)
    assert len(list(model.agents)) == 200
    model.agents.do(lambda agent: None)
    assert len(calls) >= 2


def test_a_day_does_not_iterate_the_agents(monkeypatch):
    """The daily update works on arrays: no loop over Mesa agent objects, even on days with
    deaths and births."""
    model = CrewModel(rng=4, n_crew=500, mortality_per_1000=40.0)
    model.run(2)
    calls = watch_agent_sets(monkeypatch)
    model.breach(deaths=2)
    model.run(60)
    assert model.counts["deaths"] > 2 and model.counts["births"] > 0
    assert calls == []


@pytest.mark.slow
def test_benchmark_quick_runs_and_prints_the_table(tmp_path):
    out = tmp_path / "bench.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "experiments" / "benchmark.py"), "--quick", "--json", out],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    text = done.stdout
    for measure in (
        "default year, 3,000 crew",
        "construction, 3,000 crew",
        "per-agent Mesa reference",
        "numba kernel",
        "per agent-step, 30,000 crew",
        "peak memory",
        "Mesa agent objects",
        "voyage, 3,000 crew, 5 years",
        "sweep throughput: 2 voyages of 2 years",
    ):
        assert measure in text
    assert "max abs diff 0.0e+00" in text, "kernel and oracle agree to the last bit"
    assert out.exists()
