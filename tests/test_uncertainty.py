"""Parameter uncertainty in sweeps and thresholds: runs draw from a calibration's posterior."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from model.cli import main
from model.sweeps.runner import plan_runs
from model.sweeps.spec import SpecError, load_experiment, parse_experiment
from model.sweeps.sweep import run_sweep
from model.sweeps.uncertainty import load_posterior, with_draws

#: Two particles, weights 0.9 and 0.1 (as ``model.calibration.posterior_frame`` writes them:
#: one column per calibrated parameter, ``weight`` normalised, ``generation``).
PARTICLES = {"grief_effect": [0.05, 0.8], "request_probability": [0.3, 0.9]}
WEIGHTS = [0.9, 0.1]


def write_calibration(folder: Path, particles=PARTICLES, weights=WEIGHTS) -> Path:
    """A fake calibration folder: posterior.parquet and summary.json in calibrate's format."""
    folder.mkdir(parents=True, exist_ok=True)
    frame = pd.DataFrame(particles)
    frame["weight"] = np.asarray(weights, float) / np.sum(weights)
    frame["generation"] = 3
    frame.to_parquet(folder / "posterior.parquet", index=False)
    summary = {
        "name": "fake",
        "parameters": {
            name: {
                "median": float(np.median(v)),
                "ci95": [min(v), max(v)],
                "ci90": [min(v), max(v)],
                "prior": "uniform",
                "prior_ci95": [0.0, 1.0],
                "width_ratio": 0.5,
                "width_scale": "linear",
            }
            for name, v in particles.items()
        },
        "effective_sample_size": 1.22,
        "population_size": 2,
        "generations": 4,
        "epsilon_schedule": [3.0, 2.0, 1.5, 1.0],
        "simulations": 40,
        "observed": {"requests_day_2": 47.0},
        "predictive_checks": {},
    }
    (folder / "summary.json").write_text(json.dumps(summary))
    return folder


TINY = """
name = "tiny_uncertain"
horizon_days = 4
replicates = 3
root_seed = 11
[fixed]
n_crew = 200
burn_in_days = 2
[vary]
impact_rate = [0.0, 5.0]
[uncertainty]
posterior = "{posterior}"
"""


@pytest.fixture
def calibration(tmp_path) -> Path:
    return write_calibration(tmp_path / "calib")


def test_each_run_records_its_draw_and_reruns_draw_the_same(tmp_path, calibration):
    experiment_file = tmp_path / "experiments" / "tiny.toml"
    experiment_file.parent.mkdir()
    experiment_file.write_text(TINY.format(posterior="../calib"))  # relative to the file
    experiment = load_experiment(experiment_file)
    report = run_sweep(experiment, tmp_path / "a", workers=0)
    assert report.complete and report.failed == 0
    runs = pd.read_parquet(tmp_path / "a" / "runs.parquet")
    assert len(runs) == 6
    draws = runs["posterior_draw"].to_numpy()
    for name, values in PARTICLES.items():
        np.testing.assert_array_equal(runs[name].to_numpy(), np.asarray(values)[draws])
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text())
    assert manifest["uncertainty"]["drawn"] == list(PARTICLES)
    assert manifest["uncertainty"]["particles"] == 2
    # the same file, run again elsewhere: the same draws and the same outcomes
    run_sweep(load_experiment(experiment_file), tmp_path / "b", workers=0)
    again = pd.read_parquet(tmp_path / "b" / "runs.parquet")
    pd.testing.assert_frame_equal(
        runs.drop(columns="wall_seconds"), again.drop(columns="wall_seconds")
    )


def test_draws_follow_the_weights_and_depend_on_the_seed_only(calibration):
    posterior = load_posterior(str(calibration), "test")
    tasks = plan_runs([{"n_crew": 200}], 2000, root_seed=5)
    drawn = with_draws(tasks, posterior, keep=set())
    picks = np.array([t.posterior_draw for t in drawn])
    # 2,000 draws at p = 0.1: sd of the share 0.0067; 4 sd either side
    assert abs(np.mean(picks == 1) - 0.1) < 0.027
    assert all(
        t.params["grief_effect"] == PARTICLES["grief_effect"][t.posterior_draw] for t in drawn
    )
    assert [t.posterior_draw for t in with_draws(tasks, posterior, set())] == list(picks)
    # the draw hangs on the run's seed: runs with another root seed draw differently
    other = with_draws(plan_runs([{"n_crew": 200}], 2000, root_seed=6), posterior, set())
    assert [t.posterior_draw for t in other] != list(picks)


def test_a_parameter_the_sweep_sets_keeps_the_sweeps_value(tmp_path, calibration):
    text = TINY.format(posterior=str(calibration)).replace(
        "impact_rate = [0.0, 5.0]", "grief_effect = [0.2, 0.4]"
    )
    text = text.replace("burn_in_days = 2", "burn_in_days = 2\nrequest_probability = 0.5")
    experiment = parse_experiment(text)
    assert experiment.overridden == ["grief_effect", "request_probability"]
    tasks = plan_runs(experiment.points(), experiment.replicates, experiment.root_seed)
    drawn = with_draws(tasks, experiment.posterior, set(experiment.fixed) | {"grief_effect"})
    assert sorted({t.params["grief_effect"] for t in drawn}) == [0.2, 0.4]
    assert {t.params["request_probability"] for t in drawn} == {0.5}
    assert all(t.posterior_draw is not None for t in drawn)


def test_the_posterior_changes_the_experiment_digest(tmp_path, calibration):
    plain = parse_experiment(TINY.split("[uncertainty]")[0])
    with_posterior = parse_experiment(TINY.format(posterior=str(calibration)))
    assert plain.digest() != with_posterior.digest()
    other = write_calibration(tmp_path / "other", weights=[0.5, 0.5])
    assert parse_experiment(TINY.format(posterior=str(other))).digest() != with_posterior.digest()


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ("missing", "'{folder}' is not a folder"),
        ("empty", "has no posterior.parquet"),
        ("bad_name", "posterior.parquet column unknown parameter 'grief_efect'"),
        ("bad_value", "is invalid"),
        ("bad_weight", "weights must be finite"),
        ("conflict", "particle 1 ({{'grief_resilient_share': 0.9}}) is invalid with the sweep's"),
        ("no_key", "uncertainty.posterior: expected a calibration folder"),
        ("typo_key", "unknown key 'uncertainty.posterir'"),
    ],
)
def test_bad_posteriors_get_one_line_errors(tmp_path, setup, expected):
    folder = tmp_path / "calib"
    if setup == "empty":
        folder.mkdir()
    elif setup == "bad_name":
        write_calibration(folder, particles={"grief_efect": [0.1, 0.2]})
    elif setup == "bad_value":
        write_calibration(folder, particles={"request_probability": [0.5, 7.0]})
    elif setup == "bad_weight":
        write_calibration(folder, weights=[1.0, -0.5])
    elif setup == "conflict":  # valid alone, not with the sweep's grief_chronic_share
        write_calibration(folder, particles={"grief_resilient_share": [0.5, 0.9]})
    text = TINY.format(posterior=str(folder))
    if setup == "conflict":
        text = text.replace("burn_in_days = 2", "burn_in_days = 2\ngrief_chronic_share = 0.3")
    if setup == "no_key":
        text = text.replace(f'posterior = "{folder}"', "")
    elif setup == "typo_key":
        text = text.replace("posterior =", "posterir =")
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(SpecError) as error:
        load_experiment(path)
    message = str(error.value)
    assert "\n" not in message
    assert message.startswith(str(path))
    assert expected.format(folder=folder) in message


def test_the_sweep_command_says_what_runs_drew(tmp_path, calibration, capsys):
    path = tmp_path / "tiny.toml"
    path.write_text(
        TINY.format(posterior=str(calibration)).replace("replicates = 3", "replicates = 1")
    )
    assert main(["sweep", str(path), "--out", str(tmp_path / "out"), "--workers", "0"]) == 0
    printed = capsys.readouterr().out
    assert "each run drew grief_effect, request_probability from the posterior in" in printed
    assert "(2 particles, effective sample size 1)" in printed


def test_the_command_line_reports_a_bad_posterior_in_one_line(tmp_path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text(TINY.format(posterior="no-such-calibration"))
    assert main(["sweep", str(path), "--out", str(tmp_path / "out"), "--workers", "0"]) != 0
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "uncertainty.posterior: 'no-such-calibration' is not a folder" in err


# --- thresholds --------------------------------------------------------------------------------
class SharpBoundary:
    """A stand-in backend: a run 'collapses' iff impact_rate + seed noise (sd 0.02) exceeds
    its grief_effect, so the boundary sits at the run's (drawn) grief_effect."""

    def map(self, chunks, settings):
        from model.sweeps.runner import ChunkResult

        for index, chunk in enumerate(chunks):
            rows = []
            for task in chunk:
                noise = np.random.default_rng(task.seed).normal(0.0, 0.02)
                p = {"grief_effect": 0.5, **task.params}
                collapsed = p["impact_rate"] + noise > p["grief_effect"]
                rows.append(
                    {"run_id": task.run_id, "failed": False, "collapsed": bool(collapsed)}
                    | {**p, "posterior_draw": task.posterior_draw}
                )
            yield index, ChunkResult(rows, None)


def _threshold(posterior):
    from model.sweeps.threshold import ModelOutcome, find_threshold

    evaluate = ModelOutcome(
        "impact_rate", {}, 5, "collapse", SharpBoundary(), workers=1, posterior=posterior
    )
    result = find_threshold(evaluate, 0.0, 1.0, target_width=0.001, max_runs=160, batch=32, seed=3)
    return evaluate, result


def test_the_threshold_interval_carries_posterior_uncertainty(tmp_path):
    """grief_effect known (0.5) against drawn from a posterior spread over 0.4-0.6: the same
    number of runs (160) gives a crossing near 0.5 either way, but a much wider interval
    with the posterior (measured: 0.040 against 0.006)."""
    values = np.linspace(0.4, 0.6, 21)
    folder = write_calibration(tmp_path / "calib", {"grief_effect": values}, np.ones_like(values))
    known, fixed_result = _threshold(None)
    drawn, uncertain = _threshold(load_posterior(str(folder), "test"))
    assert "seed noise only" in known.uncertainty_note()
    assert "posterior parameter uncertainty" in drawn.uncertainty_note()
    assert abs(fixed_result.estimate - 0.5) < 0.03 and abs(uncertain.estimate - 0.5) < 0.05
    assert uncertain.width > 2 * fixed_result.width
    table = drawn.drawn()
    assert len(table) == uncertain.n_runs
    np.testing.assert_array_equal(
        table["grief_effect"].to_numpy(), values[table["posterior_draw"].to_numpy()]
    )


def test_threshold_command_records_draws_and_says_what_the_interval_includes(
    tmp_path, calibration, capsys
):
    out = tmp_path / "out"
    argv = ["threshold", "--vary", "collapse_level", "--low", "0.05", "--high", "0.5"]
    argv += ["--fixed", "n_crew=200", "--fixed", "burn_in_days=2", "--horizon", "3"]
    argv += ["--max-runs", "8", "--batch", "8", "--workers", "0", "--seed", "4"]
    main([*argv, "--posterior", str(calibration), "--out", str(out)])
    printed = capsys.readouterr().out
    assert "seed noise and posterior parameter uncertainty" in printed
    record = json.loads((out / "threshold.json").read_text())
    assert record["interval_includes"] == ["seed noise", "posterior parameter uncertainty"]
    runs = pd.read_parquet(out / "runs.parquet")
    assert len(runs) == 8
    np.testing.assert_array_equal(
        runs["request_probability"].to_numpy(),
        np.asarray(PARTICLES["request_probability"])[runs["posterior_draw"].to_numpy()],
    )
    # a bad folder: one line
    assert main([*argv, "--posterior", str(tmp_path / "nowhere")]) != 0
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--posterior: " in err and "is not a folder" in err


def test_a_real_calibration_folder_is_drawn_from(tmp_path):
    """The posterior.parquet that `calibrate` writes (one generation of a stand-in simulator)
    loads, and runs draw among its particles."""
    from model.calibration import calibrate, parse_calibration
    from tests.test_calibration_abc import TOY, toy_simulator

    calibration = parse_calibration(TOY.replace("max_generations = 5", "max_generations = 1"))
    out = tmp_path / "abc"
    calibrate(calibration, out, simulate=toy_simulator, figures=False)
    posterior = load_posterior(str(out), "test")
    assert set(posterior.names) == {"grief_salience", "grief_effect"}
    tasks = with_draws(plan_runs([{"n_crew": 200}], 50, root_seed=1), posterior, set())
    particles = pd.read_parquet(out / "posterior.parquet")
    for task in tasks:
        row = particles.iloc[task.posterior_draw]
        assert task.params["grief_effect"] == row["grief_effect"]
        assert task.params["grief_salience"] == row["grief_salience"]


def test_a_resumed_sweep_keeps_its_parts_and_draws(tmp_path, calibration):
    experiment = parse_experiment(TINY.format(posterior=str(calibration)))
    out = tmp_path / "a"
    run_sweep(experiment, out, workers=0, chunk_size=2)
    whole = pd.read_parquet(out / "runs.parquet")
    (out / "runs.parquet").unlink()
    sorted((out / "parts").glob("runs-*.parquet"))[-1].unlink()  # the last chunk is lost
    report = run_sweep(experiment, out, workers=0, chunk_size=2)
    assert report.notes == [] and report.skipped == 4 and report.ran == 2
    again = pd.read_parquet(out / "runs.parquet")
    pd.testing.assert_frame_equal(
        whole.drop(columns="wall_seconds"), again.drop(columns="wall_seconds")
    )


def test_the_leadership_table_draws_one_particle_a_seed_for_every_strategy(
    calibration, monkeypatch
):
    """``experiments/story_checks.py --posterior``: seed s runs every strategy with the
    particle a sweep run with seed s would draw (common parameters as well as seeds)."""
    import importlib.util

    script = Path(__file__).parents[1] / "experiments" / "story_checks.py"
    spec = importlib.util.spec_from_file_location("story_checks", script)
    story_checks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(story_checks)
    made = []
    real = story_checks.CrewModel

    def small_model(**kwargs):
        made.append(kwargs)
        return real(**{**kwargs, "n_crew": 150})

    monkeypatch.setattr(story_checks, "CrewModel", small_model)
    posterior = load_posterior(str(calibration), "test")
    table = story_checks.leadership(3, days=2, posterior=posterior)
    assert len(table) == 4 and len(made) == 12
    for kwargs in made:
        _, drawn = posterior.draw(kwargs["rng"])
        assert {n: kwargs[n] for n in drawn} == drawn
