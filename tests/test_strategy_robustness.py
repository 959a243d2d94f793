"""The strategy robustness pipeline (experiments/strategy_robustness.py) on a tiny ship: files
written, probabilities that are probabilities, common random numbers, resume, bad files."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from experiment_scripts import load_script

from model import strategies

REPO = Path(__file__).resolve().parents[1]

sr = load_script("strategy_robustness")

TINY = """
horizon_days = 60
seeds = 2
root_seed = 5
n_crew = 200
strategies = ["silent", "silent_twin", "reassure", "candid"]
[regime]
impact_rate = 12.0
penetration_probability = 1.0
mitigate_after_breach = false
collapse_days = 5
# lines the tiny ships cross, so that strategies differ (measured with common random numbers:
# final disengaged share 0.054-0.097; reassure collapses in all four runs, silent in three,
# candid in one; at 0.05 all sixteen collapsed and every pair tied)
collapse_level = 0.08
disengage_strain = 0.45
reengage_strain = 0.35
[assumptions]
silence_erosion = "declared"
acknowledged_erosion = "declared"
trust_erosion = "declared"
message_effect = { low = 0.0, high = 0.05, reason = "test" }
candour_trust_gain = { low = 0.0, high = 0.1, reason = "test" }
[held]
message_interval = "weekly, for the test"
[sampler]
method = "latin"
samples = 2
[analysis]
bootstrap = 200
"""


@pytest.fixture(scope="module")
def twin():
    """A strategy with the silent captain's effects under another name."""
    strategies.register(dataclasses.replace(strategies.get("silent"), name="silent_twin"))
    yield "silent_twin"
    strategies.unregister("silent_twin")


@pytest.fixture(scope="module")
def finished(twin, tmp_path_factory):
    """The tiny experiment run in this process and analysed."""
    out = tmp_path_factory.mktemp("robustness")
    config = sr.parse_config(TINY, "tiny")
    report, runs = sr.run(config, out, workers=0, progress=False)
    assert report.complete and report.failed == 0
    return config, out, runs, sr.analyse(config, runs, out)


def test_files_written(finished):
    _, out, runs, analysis = finished
    for name in (
        "runs.parquet",
        "manifest.json",
        "strategies.csv",
        "pairwise.csv",
        "deciders.csv",
        "summary.md",
        "strategy_robustness.png",
    ):
        assert (out / name).stat().st_size > 0, name
    assert len(runs) == 2 * 2 * 4  # samples x seeds x strategies
    assert "| silent | silent_twin |" in analysis.text


def test_pairwise_probabilities_are_probabilities(finished):
    config, _, _, analysis = finished
    pairs = analysis.pairs
    n = len(config.strategies)
    assert len(pairs) == n * (n - 1)  # every ordered pair
    for kind in ("less", "tie", "more"):
        p, low, high = pairs[f"p_{kind}"], pairs[f"p_{kind}_low"], pairs[f"p_{kind}_high"]
        assert ((low >= 0) & (low <= p + 1e-12) & (p <= high + 1e-12) & (high <= 1)).all()
    assert (pairs.p_tie < 1).any()  # some pairs differ, so the sum below is a real check
    total = pairs.p_less + pairs.p_tie + pairs.p_more
    np.testing.assert_allclose(total, 1.0)
    ab = pairs.set_index(["A", "B"])
    for (a, b), row in ab.iterrows():
        assert row.p_less == ab.loc[(b, a), "p_more"]
        assert row.p_tie == ab.loc[(b, a), "p_tie"]


def test_identical_strategies_tie_with_common_seeds(finished):
    """Same effects and the same seed give the same run: the twins always tie."""
    _, _, runs, analysis = finished
    pair = analysis.pairs.set_index(["A", "B"]).loc[("silent", "silent_twin")]
    assert pair.p_tie == 1.0
    by = runs.set_index(["point", "replicate", "captain_strategy"])
    silent = by.xs("silent", level="captain_strategy")
    twin = by.xs("silent_twin", level="captain_strategy")
    pd.testing.assert_series_equal(silent.min_cohesion, twin.min_cohesion)
    # and the seed is shared by every strategy of a (sample, seed), not by two seeds
    assert runs.groupby(["point", "replicate"]).seed.nunique().eq(1).all()
    assert runs.groupby("point").seed.nunique().eq(2).all()


def test_rerun_skips_done_runs(finished):
    config, out, runs, _ = finished
    parts = sorted((out / "parts").glob("*.parquet"))
    report, again = sr.run(config, out, workers=0, progress=False)
    assert report.ran == 0 and report.skipped == len(runs)
    pd.testing.assert_frame_equal(
        again.drop(columns="wall_seconds"), runs.drop(columns="wall_seconds")
    )
    assert sorted((out / "parts").glob("*.parquet")) == parts
    # a lost part (a killed run) is run again, and only its runs
    lost = [p for p in parts if p.name.startswith("runs-")][-1]
    n_lost = len(pd.read_parquet(lost))
    lost.unlink()
    report, again = sr.run(config, out, workers=0, progress=False)
    assert report.ran == n_lost < len(runs) and report.skipped == len(runs) - n_lost
    pd.testing.assert_frame_equal(
        again.drop(columns="wall_seconds"), runs.drop(columns="wall_seconds")
    )


def test_shipped_file_parses_and_covers_every_named_effect():
    config = sr.load_config(REPO / "experiments" / "strategy_robustness.toml")
    named = sr.named_parameters(config.strategies)
    assert set(named) <= set(config.names) | set(config.held)
    assert config.strategies == ("silent", "reassure", "memorial", "candid")
    assert config.regime == {
        "impact_rate": 12.0,
        "penetration_probability": 1.0,
        "mitigate_after_breach": False,
    }
    X, blocks = sr.design(config)
    assert X.shape == (config.samples * (len(config.names) + 2), len(config.names))
    assert len(sr.plan(config, X)) == len(X) * config.seeds * len(config.strategies)


def test_pairwise_hand_worked():
    collapse = pd.DataFrame({"a": [0.0, 0.5, 1.0, 0.0], "b": [0.5, 0.5, 0.0, 1.0]})
    pairs = sr.pairwise(collapse, np.arange(4), n_boot=100, seed=1).set_index(["A", "B"])
    assert pairs.loc[("a", "b"), ["p_less", "p_tie", "p_more"]].tolist() == [0.5, 0.25, 0.25]
    assert pairs.loc[("b", "a"), ["p_less", "p_tie", "p_more"]].tolist() == [0.25, 0.25, 0.5]


def test_bootstrap_resamples_blocks_whole():
    """Rows of one block travel together: a single block gives no spread at all."""
    values = np.array([[0.0], [1.0], [1.0], [0.0]])
    low, high = sr.block_bootstrap(values, np.zeros(4, dtype=int), 200, 0.95, 0)
    assert low[0] == high[0] == 0.5
    low, high = sr.block_bootstrap(values, np.arange(4), 200, 0.95, 0)
    assert low[0] < 0.5 < high[0]


def test_a_named_effect_left_out_is_an_error(twin):
    text = TINY.replace('message_interval = "weekly, for the test"', "")
    with pytest.raises(sr.ConfigError, match="message_interval .*reassure.routine_interval"):
        sr.parse_config(text, "tiny")


def test_a_narrower_range_needs_a_reason(twin):
    text = TINY.replace(', reason = "test" }', " }", 1)
    with pytest.raises(sr.ConfigError, match="message_effect.reason"):
        sr.parse_config(text, "tiny")


def test_a_bad_file_is_one_line(twin, tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text(TINY.replace('"candid"]', '"kind"]'))
    assert sr.main([str(bad), "--out", str(tmp_path / "out"), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "strategies" in err and "kind" in err
