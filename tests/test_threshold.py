"""The threshold finder: the logistic fit, recovery of known boundaries (synthetic and on
the model), and fewer runs than a uniform grid for the same accuracy."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import expit

from model import CrewModel
from model.cli import main
from model.sweeps.runner import Backend
from model.sweeps.threshold import (
    ModelOutcome,
    find_threshold,
    fit_logistic,
    grid_search,
    synthetic_outcome,
)

TRUE_THRESHOLD, SCALE = 0.37, 0.03


def test_logistic_fit_recovers_location_slope_and_covers_it():
    rng = np.random.default_rng(4)
    t = rng.uniform(0, 1, 1000)
    y = rng.uniform(size=t.size) < expit(25 * (t - 0.6))
    fit = fit_logistic(t, y)
    assert fit.crosses
    assert fit.theta == pytest.approx(0.6, abs=0.01)
    assert fit.beta == pytest.approx(25, rel=0.3)
    assert fit.ci[0] < 0.6 < fit.ci[1] and fit.ci[1] - fit.ci[0] < 0.05


def test_decreasing_probability_is_found():
    def falling(xs, seeds):
        return 1 - synthetic_outcome(TRUE_THRESHOLD, SCALE)(xs, seeds)

    result = find_threshold(falling, 0.0, 1.0, target_width=0.05, seed=3)
    assert result.converged and not result.increasing
    assert result.ci_low <= TRUE_THRESHOLD <= result.ci_high


def test_synthetic_threshold_recovered_with_honest_intervals():
    evaluate = synthetic_outcome(TRUE_THRESHOLD, SCALE)
    results = [find_threshold(evaluate, 0.0, 1.0, target_width=0.05, seed=s) for s in range(12)]
    assert all(r.converged and r.width <= 0.05 for r in results)
    covered = sum(r.ci_low <= TRUE_THRESHOLD <= r.ci_high for r in results)
    # 95% intervals: at least 9 of 12 cover (P(X <= 8) < 0.3% for Binomial(12, 0.95))
    assert covered >= 9
    errors = np.array([r.estimate - TRUE_THRESHOLD for r in results])
    assert np.abs(errors).max() < 0.04 and abs(errors.mean()) < 0.01


def test_adaptive_search_needs_fewer_runs_than_a_uniform_grid():
    """Same estimator, same target (95% interval no wider than 0.05 on [0, 1])."""
    evaluate = synthetic_outcome(TRUE_THRESHOLD, SCALE)
    adaptive, grid = [], []
    for seed in range(6):
        result = find_threshold(evaluate, 0.0, 1.0, target_width=0.05, seed=seed)
        fit, n_grid = grid_search(evaluate, 0.0, 1.0, target_width=0.05, seed=100 + seed)
        assert result.converged and fit.ci[1] - fit.ci[0] <= 0.05
        adaptive.append(result.n_runs)
        grid.append(n_grid)
    # measured: adaptive median ~50 runs, grid ~180
    assert np.median(adaptive) < 0.5 * np.median(grid)
    assert sum(adaptive) < 0.5 * sum(grid)


def test_runs_concentrate_near_the_boundary():
    result = find_threshold(
        synthetic_outcome(TRUE_THRESHOLD, SCALE), 0.0, 1.0, target_width=0.03, seed=1
    )
    later = result.runs[result.runs["round"] > 0]["x"]
    assert (later.sub(TRUE_THRESHOLD).abs() < 0.15).mean() > 0.9


def test_no_crossing_in_the_range_is_reported():
    never = synthetic_outcome(5.0, SCALE)  # the boundary lies far above the range
    result = find_threshold(never, 0.0, 1.0, max_runs=64, seed=0)
    assert not result.converged and "no 50% crossing" in result.message
    assert result.n_runs == 64


def test_bad_range_is_an_error():
    with pytest.raises(ValueError, match="low < high"):
        find_threshold(synthetic_outcome(0.5, 0.1), 1.0, 0.0)


def test_cli_rejects_bad_input_in_one_line(capsys):
    assert (
        main(
            [
                "threshold",
                "--vary",
                "captain_strategy",
                "--low",
                "0",
                "--high",
                "1",
                "--workers",
                "0",
            ]
        )
        == 2
    )
    assert "numeric parameter" in capsys.readouterr().err
    assert (
        main(
            ["threshold", "--vary", "impact_rate", "--low", "0", "--high", "5000", "--workers", "0"]
        )
        == 2
    )
    assert "impact_rate=5000" in capsys.readouterr().err
    assert (
        main(
            [
                "threshold",
                "--vary",
                "impact_rate",
                "--low",
                "0",
                "--high",
                "5",
                "--fixed",
                "n_crew",
                "--workers",
                "0",
            ]
        )
        == 2
    )
    assert "NAME=VALUE" in capsys.readouterr().err


MONTHLY_BREACHES = {
    "n_crew": 300,
    "impact_rate": 12.0,
    "penetration_probability": 1.0,
    "mitigate_after_breach": False,
    "captain_strategy": "silent",
}


def _critical_level(seed: int, days: int) -> float:
    """The lowest collapse_level at which this run does *not* collapse: the highest 30-day
    running minimum of its disengaged share (a spell of 30 days above the level is a
    collapse, and the collapse watch does not feed back on the run)."""
    model = CrewModel(rng=seed, **MONTHLY_BREACHES).run(days)
    share = model.series()["disengaged_share"].to_numpy()
    return float(np.lib.stride_tricks.sliding_window_view(share, 30).min(axis=1).max())


@pytest.mark.slow
def test_model_threshold_recovered(tmp_path, capsys):
    """On the model, with a boundary known independently: a run collapses iff its
    collapse_level is below its critical level, so P(collapse) falls through 50% at the
    median critical level over seeds (measured: critical levels 0.005-0.07 on 12 seeds)."""
    days = 200
    known = float(np.median([_critical_level(seed, days) for seed in range(120)]))
    with Backend() as backend:
        evaluate = ModelOutcome(
            "collapse_level", MONTHLY_BREACHES, days, "collapse", backend, workers=1
        )
        result = find_threshold(
            evaluate, 0.0, 0.12, parameter="collapse_level", target_width=0.01, seed=7
        )
    assert result.converged and not result.increasing
    assert result.ci_low - 0.002 <= known <= result.ci_high + 0.002
    assert abs(result.estimate - known) < 0.01
    # and through the command line, writing its report
    fixed = [
        arg for name, value in MONTHLY_BREACHES.items() for arg in ("--fixed", f"{name}={value}")
    ]
    code = main(
        [
            "threshold",
            "--vary",
            "collapse_level",
            "--low",
            "0.0",
            "--high",
            "0.12",
            *fixed,
            "--horizon",
            str(days),
            "--width",
            "0.02",
            "--workers",
            "0",
            "--out",
            str(tmp_path),
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "collapse probability falls through 50% at collapse_level" in out
    assert (tmp_path / "threshold.png").stat().st_size > 5000
    assert (tmp_path / "threshold.json").exists() and (tmp_path / "runs.parquet").exists()


def test_no_crossing_is_said_without_an_estimate(capsys):
    """A range where the outcome never happens has no threshold to report: one plain line,
    no estimate or interval outside the range."""
    argv = ["threshold", "--vary", "impact_rate", "--low", "0", "--high", "2", "--horizon", "3"]
    argv += ["--fixed", "n_crew=60", "--max-runs", "16", "--batch", "16", "--workers", "0"]
    assert main(argv) == 1  # not converged: no threshold found
    out = capsys.readouterr().out
    assert "collapse: the outcome's probability shows no 50% crossing between 0 and 2" in out
    assert "(0 of 16 runs had the outcome)" in out
    assert "through 50% at" not in out and "95% CI" not in out
