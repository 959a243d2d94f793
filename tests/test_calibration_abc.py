"""ABC-SMC calibration (model/calibration.py): the file, recovery of known truths, outputs."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binom

from model.calibration import (
    STATISTICS,
    calibrate,
    load_calibration,
    parse_calibration,
    parse_truth,
    simulation_seed,
    weighted_quantile,
)
from model.cli import main
from model.sweeps.spec import SpecError

STORY_FILE = "experiments/story_calibration.toml"

TOY = """
name = "toy"
root_seed = 7
[scenario]
horizon_days = 7
[priors.grief_salience]
distribution = "uniform"
low = 0.0
high = 0.2
[priors.grief_effect]
distribution = "log_uniform"
low = 0.01
high = 0.3
[statistics.requests_day_2]
observed = 47
scale = 10
[statistics.requests_at_horizon]
observed = 60
scale = 10
[abc]
population_size = 60
max_generations = 5
min_epsilon = 1.0
max_simulations = 5000
predictive_draws = 4
"""


def toy_simulator(calibration, theta, seed):
    """A stand-in with a known likelihood: two noisy, monotone functions of the parameters."""
    rng = np.random.default_rng(seed)
    stats = dict.fromkeys(STATISTICS, 0.0)
    stats["requests_day_2"] = 500 * theta["grief_salience"] + rng.normal(0, 15)
    stats["requests_at_horizon"] = 40 * np.log(theta["grief_effect"] / 0.01) + rng.normal(0, 15)
    return stats


def _prior_draw(calibration, rng):
    return {p.name: float(p.frozen().rvs(random_state=rng)) for p in calibration.priors}


# --- the file --------------------------------------------------------------------------------
def test_the_story_file_names_declared_parameters_and_the_story_numbers():
    calibration = load_calibration(STORY_FILE)
    assert {"grief_effect", "request_grief_boost", "belief_spread"} <= set(
        calibration.parameter_names
    )
    assert {p.distribution for p in calibration.priors} == {
        "uniform",
        "log_uniform",
        "truncated_normal",
    }
    assert calibration.observed["requests_day_2"] == 47
    assert calibration.observed["support_day_2"] == pytest.approx(0.508)
    assert calibration.heldout


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("grief_salience]", "grief_salince]"), "did you mean 'grief_salience'"),
        (('distribution = "uniform"', 'distribution = "normal"'), "distribution: expected one of"),
        (("observed = 47", 'observed = "47"'), "observed: expected a number"),
        (("[statistics.requests_day_2]", "[statistics.requests]"), "unknown statistic"),
        (("high = 0.2", "high = 2.0"), "high=2.0 is invalid"),
        (("horizon_days = 7", "horizon_days = 0"), "horizon_days: expected a whole number"),
        (("population_size = 60", "population_size = 1"), "population_size: expected"),
        (('"log_uniform"\nlow = 0.01', '"log_uniform"\nlow = 0.0'), "low: expected a number > 0"),
    ],
)
def test_a_bad_file_gets_one_line_naming_the_key(change, message):
    old, new = change
    assert old in TOY
    with pytest.raises(SpecError, match=message) as error:
        parse_calibration(TOY.replace(old, new, 1), label="toy.toml")
    assert "\n" not in str(error.value) and str(error.value).startswith("toy.toml: ")


def test_a_bad_file_or_truth_is_one_line_on_the_command_line(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text(TOY.replace("grief_effect]", "grief_efect]"))
    assert main(["calibrate", str(bad), "--out", str(tmp_path / "out")]) == 2
    good = tmp_path / "toy.toml"
    good.write_text(TOY)
    assert main(["calibrate", str(good), "--out", str(tmp_path / "o"), "--truth", "x=1"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and "grief_efect" in err[0] and "--truth x" in err[1]


def test_truth_fills_unnamed_parameters_with_the_prior_median_and_stays_in_the_prior():
    calibration = parse_calibration(TOY)
    truth = parse_truth(["grief_salience=0.1"], calibration)
    assert truth["grief_salience"] == 0.1
    assert truth["grief_effect"] == pytest.approx(np.sqrt(0.01 * 0.3))
    with pytest.raises(ValueError, match="outside the prior"):
        parse_truth(["grief_salience=0.5"], calibration)


def test_a_simulation_seed_depends_on_the_parameters_and_the_root_only():
    a = simulation_seed(1, 0, {"x": 0.1, "y": 0.2})
    assert a == simulation_seed(1, 0, {"y": 0.2, "x": 0.1})
    assert a != simulation_seed(2, 0, {"x": 0.1, "y": 0.2})
    assert a != simulation_seed(1, 0, {"x": 0.1, "y": 0.2000001})


def test_weighted_quantiles_match_repetition():
    values, weights = np.array([3.0, 1.0, 2.0]), np.array([1.0, 1.0, 2.0])
    repeated = np.array([3.0, 1.0, 2.0, 2.0])
    assert weighted_quantile(values, weights, 0.5) == pytest.approx(np.median(repeated))


# --- recovery: simulation-based calibration -----------------------------------------------
def test_truth_replaces_the_observed_statistics_and_is_recovered(tmp_path):
    calibration = parse_calibration(TOY)
    truth = {"grief_salience": 0.12, "grief_effect": 0.05}
    outcome = calibrate(
        calibration, tmp_path / "t", truth=truth, simulate=toy_simulator, figures=False
    )
    seed = simulation_seed(calibration.root_seed, 1, truth)
    expected = toy_simulator(calibration, truth, seed)
    assert outcome.summary["observed"] == {k: expected[k] for k in calibration.observed}
    assert outcome.summary["truth"] == truth
    for name, value in truth.items():
        lo, hi = outcome.summary["parameters"][name]["ci95"]
        assert lo <= value <= hi


@pytest.mark.slow
def test_ninety_percent_credible_intervals_cover_truths_drawn_from_the_prior(tmp_path):
    """Simulation-based calibration through the whole pipeline (priors, --truth, ABC-SMC,
    credible intervals) with a cheap stand-in simulator: 10 truths x 2 parameters (~1 min).

    Reporting 40% intervals as 90% ones fails it (checked: the posterior is close enough to
    exact, epsilon 1 against noise of 1.5 scales, for too-narrow intervals to show)."""
    calibration = parse_calibration(TOY)
    rng = np.random.default_rng(2026)
    covered = []
    for k in range(10):
        truth = _prior_draw(calibration, rng)
        outcome = calibrate(
            calibration, tmp_path / f"t{k}", truth=truth, simulate=toy_simulator, figures=False
        )
        for name, value in truth.items():
            lo, hi = outcome.summary["parameters"][name]["ci90"]
            covered.append(lo <= value <= hi)
    n, hits = len(covered), sum(covered)
    # two-sided binomial tolerance at 1%: neither too few nor (impossible here) too many
    assert binom.cdf(hits, n, 0.9) > 0.005 and binom.sf(hits - 1, n, 0.9) > 0.005, (hits, n)
    # and the intervals are informative, not the whole prior
    ratio = outcome.summary["parameters"]["grief_salience"]["width_ratio"]
    assert ratio < 0.6


# --- outputs and resume ----------------------------------------------------------------------
def test_outputs_and_resume_from_the_database(tmp_path):
    assert "max_generations = 5" in TOY
    text = TOY.replace("max_generations = 5", "max_generations = 1")
    calibration = parse_calibration(text)
    out = tmp_path / "abc"
    first = calibrate(calibration, out, simulate=toy_simulator)
    assert not first.resumed and first.summary["generations"] == 1
    for name in ("history.db", "posterior.parquet", "summary.json"):
        assert (out / name).is_file()
    assert sorted(p.name for p in (out / "figures").iterdir()) == [
        "epsilon.png",
        "marginals.png",
        "pairs.png",
        "predictive.png",
    ]
    posterior = pd.read_parquet(out / "posterior.parquet")
    assert posterior["weight"].sum() == pytest.approx(1.0)
    summary = json.loads((out / "summary.json").read_text())
    assert {"median", "ci95", "width_ratio"} <= set(summary["parameters"]["grief_effect"])
    assert summary["predictive_checks"]["requests_day_2"]["p_value"] is not None
    # rerun with a longer stopping rule: continues from generation 1, does not restart
    longer = parse_calibration(text.replace("max_generations = 1", "max_generations = 2"))
    second = calibrate(longer, out, simulate=toy_simulator, figures=False)
    assert second.resumed and second.summary["generations"] == 2
    assert second.summary["epsilon_schedule"][0] == first.summary["epsilon_schedule"][0]
    # a different observed value in the same folder is refused
    other = parse_calibration(text.replace("observed = 47", "observed = 40"))
    with pytest.raises(ValueError, match="different calibration"):
        calibrate(other, out, simulate=toy_simulator, figures=False)
