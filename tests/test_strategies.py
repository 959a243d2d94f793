"""Captain strategies are data (model/strategies.py): a run depends on a strategy's effects only,
and a strategy registered at run time is valid everywhere the registry is read."""

from __future__ import annotations

import argparse
import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from model import CrewModel, strategies
from model.cli import parameter_options
from model.parameters import STRATEGIES, TONES, Parameters, describe, valid_text
from model.strategies import Strategy
from model.sweeps.spec import parse_experiment
from model.sweeps.sweep import run_sweep

#: About two penetrating breaches a month: several breaches within 120 days.
BREACHES = {"impact_rate": 240.0, "penetration_probability": 0.1}
DAYS = 120
SMALL = {"n_crew": 600, "mortality_per_1000": 60.0}  # private deaths too, not only breaches


@pytest.fixture
def registry() -> Iterator[list[str]]:
    """Names registered by a test, removed afterwards."""
    added: list[str] = []
    yield added
    for name in added:
        strategies.unregister(name)


def twin(name: str, registry: list[str], **changes: object) -> str:
    """Register a copy of strategy `name` under another name (with optional changes)."""
    copy = dataclasses.replace(strategies.get(name), name=f"twin_of_{name}", **changes)
    strategies.register(copy)
    registry.append(copy.name)
    return copy.name


def run(strategy: str, seed: int = 5) -> CrewModel:
    return CrewModel(rng=seed, captain_strategy=strategy, **BREACHES, **SMALL).run(DAYS)


def events_as(model: CrewModel, rename: dict[str, str]) -> pd.DataFrame:
    """The event log with the twin's name written as the original's (the only difference)."""
    events = model.events().copy()
    for new, old in rename.items():
        events["detail"] = events["detail"].str.replace(f": {new} (", f": {old} (", regex=False)
    return events


@pytest.mark.parametrize("name", ["silent", "reassure", "memorial", "candid"])
def test_strategies_with_identical_effects_give_bit_identical_runs(
    name: str, registry: list[str]
) -> None:
    copy = twin(name, registry)
    original, twinned = run(name), run(copy)
    assert original.counts["breaches"] >= 3  # the strategies are put to the test
    pd.testing.assert_frame_equal(original.series(), twinned.series(), check_exact=True)
    pd.testing.assert_frame_equal(
        original.events(), events_as(twinned, {copy: name}), check_exact=True
    )


def test_a_twin_speaks_under_its_own_name() -> None:
    """The renaming above is needed (the log names the tone) and is the only difference."""
    registry: list[str] = []
    try:
        copy = twin("reassure", registry)
        details = run(copy).events()["detail"]
        assert details.str.contains(f"captain: {copy} (strategy)", regex=False).any()
        assert not details.str.contains("captain: reassure", regex=False).any()
    finally:
        for added in registry:
            strategies.unregister(added)


@pytest.mark.parametrize(
    ("name", "changes"),
    [
        ("reassure", {"erosion_after_message": 0.5}),
        ("reassure", {"belief_pull": 0.2}),
        ("reassure", {"belief_target": "private"}),
        ("candid", {"trust_gain": 0.0}),
        ("memorial", {"grief_framing": 0.0}),
        ("memorial", {"standing_erosion": "silence_erosion"}),
        ("silent", {"public_stance": "mission"}),
        ("reassure", {"answers": "none"}),
        ("memorial", {"answers": "public"}),
        ("reassure", {"routine_interval": None}),
    ],
)
def test_changing_one_effect_changes_the_run(
    name: str, changes: dict[str, object], registry: list[str]
) -> None:
    """Each effect is read: a twin differing in one effect gives a different run."""
    changed = twin(name, registry, **changes)
    assert not run(name).series().equals(run(changed).series())


def test_an_effect_naming_a_parameter_follows_that_parameter(registry: list[str]) -> None:
    """'acknowledged_erosion' is read from the parameters, so a sweep of it moves the run."""
    a = CrewModel(rng=5, captain_strategy="memorial", **BREACHES, **SMALL).run(DAYS)
    b = CrewModel(
        rng=5, captain_strategy="memorial", acknowledged_erosion=0.6, **BREACHES, **SMALL
    ).run(DAYS)
    assert a.series()["mean_trust"].iloc[-1] > b.series()["mean_trust"].iloc[-1]


def pep_talk() -> Strategy:
    return Strategy(
        "pep_talk",
        "A cheerful word every few days and after any death.",
        speaks=True,
        belief_target="mission",
        belief_pull=0.05,
        trust_gain="candour_trust_gain",
        erosion_after_message=0.5,
        standing_erosion="silence_erosion",
        routine_interval="message_interval",
        answers="any",
        public_stance="mission",
    )


def test_a_throwaway_strategy_is_valid_everywhere_the_registry_is_read(
    registry: list[str],
) -> None:
    assert "pep_talk" not in STRATEGIES
    with pytest.raises(ValueError, match=r"captain_strategy='pep_talk' is invalid"):
        Parameters(captain_strategy="pep_talk")

    strategies.register(pep_talk())
    registry.append("pep_talk")
    assert "pep_talk" in STRATEGIES and "pep_talk" in TONES
    decl = describe("captain_strategy")
    assert "pep_talk" in list(decl["valid"])  # what the UI's strategy menu lists
    assert "pep_talk" in valid_text(decl)
    assert Parameters(captain_strategy="pep_talk").captain_strategy == "pep_talk"
    parser = argparse.ArgumentParser()
    parameter_options(parser)
    assert "pep_talk" in parser.format_help().replace("\n", " ")
    experiment = parse_experiment(
        "horizon_days = 10\nreplicates = 1\nroot_seed = 1\n"
        '[vary]\ncaptain_strategy = ["reassure", "pep_talk"]\n',
        label="pep.toml",
    )
    assert "pep_talk" in str(experiment.points())
    assert "pep_talk" in strategies.markdown_table()

    model = CrewModel(rng=1, captain_strategy="pep_talk", **SMALL)
    model.breach(deaths=3)
    model.broadcast("pep_talk")
    model.run(30)
    spoken = model.events()["detail"].str.contains("captain: pep_talk (strategy)", regex=False)
    assert spoken.sum() >= 4  # the day after the breach and every message_interval days


def test_a_throwaway_strategy_runs_in_a_sweep_and_reaches_its_parquet(
    registry: list[str], tmp_path: Path
) -> None:
    """In this process (workers=0): spawned workers import only the built-in registry."""
    strategies.register(pep_talk())
    registry.append("pep_talk")
    text = (
        "horizon_days = 20\nreplicates = 1\nroot_seed = 1\nbreach_at_start = 3\n"
        "[fixed]\nn_crew = 300\n"
        '[vary]\ncaptain_strategy = ["reassure", "pep_talk"]\n'
    )
    report = run_sweep(parse_experiment(text, label="pep.toml"), tmp_path, workers=0)
    assert report.complete and report.failed == 0
    runs = pd.read_parquet(tmp_path / "runs.parquet")
    assert sorted(runs["captain_strategy"]) == ["pep_talk", "reassure"]
    assert runs["min_cohesion"].notna().all()


def test_an_unregistered_strategy_is_invalid_again(registry: list[str]) -> None:
    strategies.register(pep_talk())
    strategies.unregister("pep_talk")
    assert "pep_talk" not in STRATEGIES
    with pytest.raises(ValueError, match=r"one of silent, reassure"):
        Parameters(captain_strategy="pep_talk")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "pep talk"}, r"strategy name 'pep talk' is invalid: expected an identifier"),
        ({"answers": "breaches"}, r"answers='breaches' is invalid: expected one of 'none'"),
        ({"belief_target": "crew"}, r"belief_target='crew' is invalid"),
        ({"trust_gain": "candor_trust_gain"}, r"trust_gain='candor_trust_gain' is invalid"),
        ({"trust_gain": "captain_strategy"}, r"numeric model parameter"),
        ({"belief_pull": 1.5}, r"belief_pull=1.5 is invalid: expected a number in \[0, 1\]"),
        ({"routine_interval": 7}, r"routine_interval=7 is invalid: expected a parameter name"),
    ],
)
def test_a_malformed_strategy_is_rejected_in_one_line(
    changes: dict[str, object], message: str
) -> None:
    bad = dataclasses.replace(pep_talk(), **changes)
    with pytest.raises(ValueError, match=message) as caught:
        strategies.register(bad)
    assert "\n" not in str(caught.value)
    assert bad.name not in STRATEGIES


def test_no_code_path_asks_which_strategy_is_active() -> None:
    """leadership.py and crew_model.py read effects; they never compare strategy names."""
    root = Path(__file__).resolve().parent.parent / "model"
    names = "|".join(strategies.NAMES)
    comparison = re.compile(rf"(==|!=|\bin)\s*\(?\s*[\"']({names})[\"']")
    for path in (root / "leadership.py", root / "crew_model.py"):
        found = comparison.findall(path.read_text())
        assert not found, f"{path.name} compares strategy names: {found}"
