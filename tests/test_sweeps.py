"""Sweeps: experiment files, seeds and row order, failures, resume after a real kill,
corrupted parts, local processes vs Dask, the manifest and the progress bar."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from model import CrewModel
from model.cli import main
from model.sweeps.results import PART_PATTERN
from model.sweeps.runner import run_seeds
from model.sweeps.spec import SpecError, load_experiment, parse_experiment
from model.sweeps.sweep import run_sweep

REPO = Path(__file__).resolve().parents[1]

SMALL = """
name = "small"
horizon_days = 40
replicates = 2
root_seed = 11
[fixed]
n_crew = 300
penetration_probability = 1.0
[vary]
captain_strategy = ["silent", "candid"]
impact_rate = { low = 0.0, high = 20.0, num = 3 }
[outputs]
series = true
series_every = 5
"""


def comparable(runs: pd.DataFrame) -> pd.DataFrame:
    """The runs table without the one column that differs between executions: wall time."""
    return runs.drop(columns=["wall_seconds"])


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    """The small experiment run without interruption, in this process."""
    out = tmp_path_factory.mktemp("reference")
    report = run_sweep(parse_experiment(SMALL), out, workers=0)
    assert report.complete and report.failed == 0
    return out


# --- experiment files ------------------------------------------------------------------------
def test_experiment_points_in_canonical_order():
    e = parse_experiment(SMALL)
    points = e.points()
    assert len(points) == 6 and e.n_runs == 12
    assert [p["captain_strategy"] for p in points] == ["silent"] * 3 + ["candid"] * 3
    assert [p["impact_rate"] for p in points[:3]] == [0.0, 10.0, 20.0]
    assert all(p["n_crew"] == 300 for p in points)


@pytest.mark.parametrize("method", ["latin_hypercube", "sobol"])
def test_sampled_experiments_stay_in_range_and_are_reproducible(method):
    text = f"""
horizon_days = 10
replicates = 1
root_seed = 5
[vary]
impact_rate = {{ low = 1.0, high = 100.0, log = true }}
friends_per_person = {{ low = 2, high = 10 }}
captain_strategy = ["silent", "candid"]
[sampling]
method = "{method}"
samples = 16
"""
    points = parse_experiment(text).points()
    assert len(points) == 16
    rates = np.array([p["impact_rate"] for p in points])
    assert rates.min() >= 1.0 and rates.max() <= 100.0
    assert all(isinstance(p["friends_per_person"], int) for p in points)
    assert {p["captain_strategy"] for p in points} == {"silent", "candid"}
    # Latin hypercube: one sample in each of 16 equal strata (of log rate)
    if method == "latin_hypercube":
        strata = np.floor(np.log(rates) / np.log(100.0) * 16).astype(int)
        assert sorted(strata) == list(range(16))
    assert parse_experiment(text).points() == points


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ("horizon_days = 40", "", ["horizon_days", "required"]),
        ("replicates = 2", "replicates = 0", ["replicates", "whole number"]),
        ("[fixed]", "[fixed]\nn_crw = 5", ["fixed.n_crw", "did you mean 'n_crew'"]),
        ("n_crew = 300", "n_crew = -4", ["fixed.n_crew=-4", "[1, 1000000]"]),
        ('name = "small"', "nmae = 'x'", ["unknown key 'nmae'", "did you mean 'name'"]),
        ("num = 3", "num = 1", ["vary.impact_rate.num", "[2, 100000]"]),
        ("high = 20.0", "high = -3.0", ["vary.impact_rate.high=-3.0", "[0, 1000]"]),
        ('"candid"]', '"candour"]', ["vary.captain_strategy", "one of silent"]),
        ("series = true", "series = 'yes'", ["outputs.series", "true or false"]),
        ("series_every = 5", "series_columns = ['cohesin']", ["'cohesin'", "'cohesion'"]),
        ("[outputs]", "[sampling]\nmethod = 'random'\n[outputs]", ["sampling.method", "sobol"]),
    ],
)
def test_bad_experiment_file_names_the_key(old, new, words):
    assert old in SMALL
    with pytest.raises(SpecError) as info:
        parse_experiment(SMALL.replace(old, new), label="bad.toml")
    message = str(info.value)
    assert message.startswith("bad.toml: ") and "\n" not in message
    for word in words:
        assert word in message


def test_a_parameter_both_fixed_and_varied_is_an_error():
    text = SMALL.replace("n_crew = 300", "n_crew = 300\nimpact_rate = 1.0")
    with pytest.raises(SpecError, match="vary.impact_rate: a parameter is either fixed or varied"):
        parse_experiment(text)


def test_not_toml_and_missing_file(tmp_path):
    with pytest.raises(SpecError, match="not valid TOML"):
        parse_experiment("horizon_days = = 3")
    with pytest.raises(SpecError, match="cannot read"):
        load_experiment(tmp_path / "missing.toml")


def test_cli_reports_a_bad_file_in_one_line(tmp_path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text(SMALL.replace("replicates = 2", "replicates = 'two'"))
    assert main(["sweep", str(path), "--out", str(tmp_path / "out"), "--workers", "0"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "replicates" in err and "whole number" in err


def test_shipped_experiments_parse():
    # calibration files (ABC) and strategy_robustness.toml are read by their own commands and
    # checked by their own tests (test_calibration_abc.py, test_strategy_robustness.py)
    files = sorted(
        p
        for p in (REPO / "experiments").glob("*.toml")
        if not p.name.endswith("_calibration.toml") and p.name != "strategy_robustness.toml"
    )
    assert files, "experiments/ holds at least one experiment"
    for path in files:
        calibrated = (REPO / "results" / "story-abc" / "posterior.parquet").is_file()
        if "[uncertainty]" in path.read_text() and not calibrated:
            # it draws from the story calibration, which a fresh clone has not run yet
            with pytest.raises(ValueError, match="is not a folder|has no posterior.parquet"):
                load_experiment(path)
            continue
        experiment = load_experiment(path)
        if not experiment.sensitivity:  # a sensitivity file's ranges need no grid
            assert experiment.n_runs > 0


# --- seeds, rows, outputs --------------------------------------------------------------------
def test_rows_in_canonical_order_with_recorded_seeds(reference):
    runs = pd.read_parquet(reference / "runs.parquet")
    e = parse_experiment(SMALL)
    assert runs["run_id"].tolist() == list(range(12))
    assert runs["point"].tolist() == [i // 2 for i in range(12)]
    assert runs["replicate"].tolist() == [0, 1] * 6
    assert runs["seed"].tolist() == run_seeds(11, 12)
    assert runs["seed"].nunique() == 12
    # every parameter is a column, holding the point's values
    assert runs["captain_strategy"].tolist()[:6] == ["silent"] * 6
    assert (runs["n_crew"] == 300).all() and (runs["influence_rate"] == 0.05).all()
    assert e.points()[3]["impact_rate"] == runs.loc[6, "impact_rate"]
    # a run is reproduced alone from its seed
    row = runs.iloc[7]
    model = CrewModel(
        rng=int(row["seed"]),
        n_crew=300,
        penetration_probability=1.0,
        captain_strategy=row["captain_strategy"],
        impact_rate=float(row["impact_rate"]),
    ).run(40)
    assert model.counts["deaths"] == row["deaths"]
    assert model.series()["cohesion"].min() == pytest.approx(row["min_cohesion"], abs=0)


def test_outcome_columns_are_consistent(reference):
    runs = pd.read_parquet(reference / "runs.parquet")
    assert not runs["failed"].any() and runs["error"].isna().all()
    assert runs["collapsed"].dtype == bool
    assert (runs["collapse_day"].notna() == runs["collapsed"]).all()
    assert (runs["final_alive"] == 300 - runs["deaths"] + runs["births"]).all()
    held = runs["referendums"].map(lambda s: len(json.loads(s)))
    assert (held == runs["referendums_held"]).all()
    assert runs.loc[runs["impact_rate"] == 0, "breaches"].eq(0).all()
    assert runs.loc[runs["impact_rate"] == 20, "breaches"].sum() > 0
    assert runs["min_cohesion"].between(0, 1).all() and (runs["wall_seconds"] > 0).all()
    series = pd.read_parquet(reference / "series.parquet")
    assert set(series["run_id"]) == set(range(12))
    assert sorted(series["day"].unique()) == list(range(0, 41, 5))
    assert series.groupby("run_id").size().eq(9).all()


def test_manifest_records_experiment_seeds_versions_and_counts(reference):
    manifest = json.loads((reference / "manifest.json").read_text())
    assert manifest["experiment"] == SMALL and manifest["root_seed"] == 11
    assert manifest["horizon_days"] == 40
    assert manifest["status"] == "complete"
    assert manifest["finished_runs"] == 12 and manifest["failed_runs"] == 0
    assert manifest["varied"] == ["captain_strategy", "impact_rate"]
    assert {"numpy", "mesa", "pandas", "SALib", "dask"} <= set(manifest["versions"])
    assert "git_commit" in manifest and manifest["started"] <= manifest["ended"]
    assert len(manifest["sessions"]) == 1


def test_chunking_does_not_change_the_table(reference, tmp_path):
    report = run_sweep(parse_experiment(SMALL), tmp_path, workers=0, chunk_size=5)
    assert report.complete
    pd.testing.assert_frame_equal(
        comparable(pd.read_parquet(tmp_path / "runs.parquet")),
        comparable(pd.read_parquet(reference / "runs.parquet")),
    )
    pd.testing.assert_frame_equal(
        pd.read_parquet(tmp_path / "series.parquet"),
        pd.read_parquet(reference / "series.parquet"),
    )


def test_a_failing_run_is_recorded_and_the_sweep_goes_on(tmp_path):
    # 60 crew cannot hold an absolute 49-vote margin: construction raises.
    text = SMALL.replace('captain_strategy = ["silent", "candid"]', "n_crew = [60, 300]")
    text = text.replace("n_crew = 300\n", "referendum_margin = 49\n", 1)
    report = run_sweep(parse_experiment(text), tmp_path, workers=0)
    assert report.complete and report.failed == 6
    runs = pd.read_parquet(tmp_path / "runs.parquet")
    bad = runs[runs["n_crew"] == 60]
    assert bad["failed"].all() and bad["error"].str.contains("referendum_margin").all()
    assert bad["collapsed"].isna().all()
    good = runs[runs["n_crew"] == 300]
    assert (~good["failed"]).all() and good["min_cohesion"].notna().all()
    assert json.loads((tmp_path / "manifest.json").read_text())["failed_runs"] == 6
    # failed runs are skipped on resume unless asked to retry
    again = run_sweep(parse_experiment(text), tmp_path, workers=0)
    assert again.ran == 0
    retried = run_sweep(parse_experiment(text), tmp_path, workers=0, retry_failed=True)
    assert retried.ran == 6 and retried.failed == 6


def test_another_experiment_in_the_same_folder_is_refused(reference):
    other = SMALL.replace("root_seed = 11", "root_seed = 12")
    with pytest.raises(SpecError, match="different experiment"):
        run_sweep(parse_experiment(other), reference, workers=0)


def test_unwritable_output_is_an_error_before_any_run(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(SpecError, match="not a writable folder"):
        run_sweep(parse_experiment(SMALL), blocker / "out", workers=0)


def test_progress_bar_shows_runs_failures_and_eta(tmp_path, capsys):
    run_sweep(parse_experiment(SMALL), tmp_path, workers=0, progress=True)
    err = capsys.readouterr().err
    assert "runs" in err and "12/12" in err and "failed=0" in err and "<" in err


# --- resume ----------------------------------------------------------------------------------
def test_corrupted_or_truncated_parts_are_redone(reference, tmp_path):
    e = parse_experiment(SMALL)
    run_sweep(e, tmp_path, workers=0, chunk_size=3)
    parts = sorted((tmp_path / "parts").glob("runs-*.parquet"))
    series_parts = sorted((tmp_path / "parts").glob("series-*.parquet"))
    data = parts[0].read_bytes()
    parts[0].write_bytes(data[: len(data) // 2])  # truncated
    flipped = bytearray(parts[1].read_bytes())
    flipped[len(flipped) // 3] ^= 0xFF  # one corrupted byte
    parts[1].write_bytes(bytes(flipped))
    series_parts[2].unlink()  # a runs part whose series is gone
    (tmp_path / "parts" / ".tmp-1-x-runs-000000-000001-0.parquet").write_bytes(b"half")
    (tmp_path / "runs.parquet").unlink()
    report = run_sweep(e, tmp_path, workers=0, chunk_size=3)
    assert report.ran == 9 and report.skipped == 3 and len(report.notes) == 3
    assert any("checksum" in n for n in report.notes)
    assert len(list((tmp_path / "parts" / "rejected").iterdir())) >= 3
    pd.testing.assert_frame_equal(
        comparable(pd.read_parquet(tmp_path / "runs.parquet")),
        comparable(pd.read_parquet(reference / "runs.parquet")),
    )
    pd.testing.assert_frame_equal(
        pd.read_parquet(tmp_path / "series.parquet"),
        pd.read_parquet(reference / "series.parquet"),
    )


def test_resume_after_sigkill_gives_the_uninterrupted_tables(tmp_path):
    text = SMALL.replace("horizon_days = 40", "horizon_days = 365").replace(
        "replicates = 2", "replicates = 6"
    )
    path = tmp_path / "exp.toml"
    path.write_text(text)
    out = tmp_path / "killed"
    command = [sys.executable, "-m", "model", "sweep", str(path), "--out", str(out)]
    process = subprocess.Popen(
        [*command, "--workers", "2", "--chunk-size", "2", "--no-progress"],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group: the kill takes the workers too
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            parts = [p for p in (out / "parts").glob("runs-*") if PART_PATTERN.match(p.name)]
            if len(parts) >= 4:
                break
            time.sleep(0.05)
        assert process.poll() is None, process.stderr.read().decode()
        os.killpg(process.pid, signal.SIGKILL)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    assert not (out / "runs.parquet").exists(), "killed mid-way, before the end"
    assert json.loads((out / "manifest.json").read_text())["status"] == "running"

    report = run_sweep(parse_experiment(text), out, workers=0)
    assert report.complete and report.skipped >= 8 and report.ran == 36 - report.skipped
    uninterrupted = tmp_path / "whole"
    run_sweep(parse_experiment(text), uninterrupted, workers=0)
    pd.testing.assert_frame_equal(
        comparable(pd.read_parquet(out / "runs.parquet")),
        comparable(pd.read_parquet(uninterrupted / "runs.parquet")),
    )
    pd.testing.assert_frame_equal(
        pd.read_parquet(out / "series.parquet"), pd.read_parquet(uninterrupted / "series.parquet")
    )
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete" and len(manifest["sessions"]) == 2


# --- Dask ------------------------------------------------------------------------------------
def test_dask_local_cluster_gives_the_same_table(reference, tmp_path):
    pytest.importorskip("dask.distributed")
    report = run_sweep(
        parse_experiment(SMALL), tmp_path, workers=2, dask="local", dask_processes=False
    )
    assert report.complete
    pd.testing.assert_frame_equal(
        comparable(pd.read_parquet(tmp_path / "runs.parquet")),
        comparable(pd.read_parquet(reference / "runs.parquet")),
    )


def test_dask_scheduler_address_gives_the_same_table(reference, tmp_path):
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
    ) as cluster:
        report = run_sweep(parse_experiment(SMALL), tmp_path, dask=cluster.scheduler_address)
    assert report.complete
    pd.testing.assert_frame_equal(
        comparable(pd.read_parquet(tmp_path / "runs.parquet")),
        comparable(pd.read_parquet(reference / "runs.parquet")),
    )


def test_a_runs_row_says_when_the_voyage_diverted_and_how_it_ended():
    """The voyage's outcome columns: the first change of course, the first referendum the
    crew forced by petition (a captain's referendum is not one), and the end."""
    from model.sweeps.runner import outcomes

    model = CrewModel(rng=5, n_crew=300, referendum_margin=5, voyage_years=1.0)
    model.run(10)
    model.state.belief[:] = 0.05  # everyone now wants to divert
    model.call_referendum()
    model.run(400)
    row = outcomes(model, model.series())
    events = model.events().query("kind == 'referendum'")
    petitions = events[events.cause == "petition"].day
    assert row["diversion_day"] == 10  # the captain's referendum diverted
    assert row["forced_referendum_day"] == petitions.iloc[0] > 10  # the crew's came later
    assert row["ended"] is None and row["end_day"] is None  # HD 85512 is 90 years away
    model = CrewModel(rng=5, n_crew=300, referendum_margin=5, voyage_years=0.1)
    model.run(100)
    row = outcomes(model, model.series())
    assert row["ended"] == "arrival" and row["end_day"] == 37  # 0.1 years = 36.5 days
    assert row["diversion_day"] is None


def test_a_referendum_that_keeps_a_diverted_course_is_not_a_diversion():
    """diversion_day is the first change of course to HD 85512: on a ship whose recorded
    referendum already diverted, a referendum that diverts again changes nothing."""
    from model.sweeps.runner import outcomes

    model = CrewModel(rng=5, n_crew=300, referendum_margin=-5)
    assert model.referendums[0].outcome == "divert"
    model.run(5)
    model.state.belief[:] = 0.05
    model.call_referendum()
    model.run(2)
    assert outcomes(model, model.series())["diversion_day"] is None
