"""Sweeps started from the page (:mod:`ui.sweep_jobs`): the experiment file it writes, the
background job, and a restarted server finding its jobs in the results folder."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from model.sweeps.results import load_results
from model.sweeps.spec import parse_experiment
from ui import sweep_jobs as sj
from ui.session import default_settings

TIMELINE = [{"day": 2, "kind": "breach", "deaths": 3}]


def ship(**changes):
    return {**default_settings(), "n_crew": 60, "seed": 7, **changes}


def test_the_experiment_file_is_the_ship_with_a_vary_table():
    text = sj.experiment_text(
        ship(impact_rate=4.0),
        TIMELINE,
        [sj.Axis("impact_rate", 0.0, 12.0, 3), sj.Axis("captain_strategy", values=("silent",))],
        replicates=2,
        horizon_days=10,
    )
    experiment = parse_experiment(text)  # the sweep parser accepts it
    assert experiment.root_seed == 7  # the ship's seed
    assert experiment.horizon_days == 10 and experiment.replicates == 2
    assert experiment.fixed["n_crew"] == 60
    assert "impact_rate" not in experiment.fixed  # the varied one leaves [fixed]
    assert list(experiment.interventions) == [{"day": 2, "kind": "breach", "deaths": 3}]
    assert experiment.varied_names == ["impact_rate", "captain_strategy"]
    assert [p["impact_rate"] for p in experiment.points()] == [0.0, 6.0, 12.0]
    assert experiment.n_runs == 6


@pytest.mark.parametrize(
    ("axis", "message"),
    [
        (sj.Axis("impact_rate", 0.0, 2000.0, 3), r"within \[0, 1000\] impacts/year"),
        (sj.Axis("impact_rate", 5.0, 1.0, 3), "must be below"),
        (sj.Axis("impact_rate", 0.0, 1.0, 1), "2 to 25 points"),
        (sj.Axis("n_crew", 50, 52, 5), "only 3 whole numbers"),
        (sj.Axis("n_crew", 50.5, 60, 2), "whole numbers"),
        (sj.Axis("captain_strategy", values=("shouting",)), "not one of"),
        (sj.Axis("captain_strategy", values=()), "at least one"),
        (sj.Axis("debug", values=(True,)), "not a parameter that can be swept"),
    ],
)
def test_an_axis_outside_its_declaration_is_one_line(axis, message):
    with pytest.raises(sj.SweepError, match=message) as caught:
        sj.experiment_text(ship(), [], [axis], replicates=1, horizon_days=5)
    assert "\n" not in str(caught.value)


def test_too_many_axes_runs_or_a_twice_picked_parameter_are_refused():
    a = sj.Axis("impact_rate", 0.0, 1.0, 2)
    with pytest.raises(sj.SweepError, match="one or two"):
        sj.experiment_text(ship(), [], [a, a, a], 1, 5)
    with pytest.raises(sj.SweepError, match="picked twice"):
        sj.experiment_text(ship(), [], [a, a], 1, 5)
    with pytest.raises(sj.SweepError, match="at most"):
        sj.experiment_text(ship(), [], [sj.Axis("impact_rate", 0.0, 1.0, 25)], 1000, 5)
    with pytest.raises(sj.SweepError, match="replicates"):
        sj.experiment_text(ship(), [], [a], 0, 5)


def test_sweepable_parameters_are_numbers_choices_and_switches():
    found = sj.sweepable()
    assert {"impact_rate", "n_crew", "captain_strategy", "influence"} <= set(found)
    assert "mitigate_after_breach" in found and "debug" not in found
    assert sj.choices(found["mitigate_after_breach"]) == [False, True]


def _fake_job(root: Path, name: str, **job) -> Path:
    folder = (root / name).resolve()
    folder.mkdir(parents=True)
    (folder / sj.JOB).write_text(json.dumps({"name": name, "total": 4, **job}))
    return folder


def _wait_for_exec(pid: int, folder: Path) -> None:
    """Until the child runs its own command (right after the fork it still has ours)."""
    cmdline = Path(f"/proc/{pid}/cmdline")
    end = time.monotonic() + 10
    while cmdline.exists() and str(folder) not in cmdline.read_bytes().decode(errors="replace"):
        assert time.monotonic() < end, "the child never started"
        time.sleep(0.01)


def test_a_restarted_manager_finds_running_finished_and_failed_jobs(tmp_path):
    running = _fake_job(tmp_path, "running", started="2026-01-03")
    # A process whose command line names the folder, as the sweep's does; not in this
    # server's children (as after a restart): it is found through the process table.
    sleeper = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(60)", str(running / "experiment.toml")],
        start_new_session=True,
    )
    try:
        _wait_for_exec(sleeper.pid, running)
        job = json.loads((running / sj.JOB).read_text())
        (running / sj.JOB).write_text(json.dumps({**job, "pid": sleeper.pid}))
        done = _fake_job(tmp_path, "done", started="2026-01-02", pid=sleeper.pid)
        (done / "manifest.json").write_text(
            json.dumps({"status": "complete", "finished_runs": 4, "failed_runs": 1})
        )
        broken = _fake_job(tmp_path, "broken", started="2026-01-01", pid=2**22 + 1)
        (broken / sj.LOG).write_text("Traceback\nSpecError: sweep: bad\n")
        (tmp_path / "not_a_job").mkdir()
        found = {j.name: j for j in sj.jobs(tmp_path)}
        assert list(found) == ["running", "done", "broken"]  # newest first
        assert found["running"].state == "running" and found["running"].progress == 0.0
        assert (found["done"].state, found["done"].done, found["done"].failed) == (
            "complete",
            4,
            1,
        )
        assert found["done"].progress == 1.0
        assert found["broken"].state == "failed"
        assert found["broken"].message == "SpecError: sweep: bad"
        sj.stop(running)  # its process group ends; the job says it was stopped
        sleeper.wait(timeout=10)
        assert sleeper.returncode == -signal.SIGTERM
        assert sj.status(running).state == "stopped"
    finally:
        if sleeper.poll() is None:
            sleeper.kill()
            sleeper.wait()


def test_start_refuses_a_file_the_parser_rejects(tmp_path):
    with pytest.raises(sj.SweepError, match="horizon_days"):
        sj.start("name = 'x'\nreplicates = 1\nroot_seed = 1\n", tmp_path, workers=0)
    assert list(tmp_path.iterdir()) == []  # nothing written


@pytest.mark.slow
def test_a_tiny_sweep_runs_in_the_background_and_its_results_load(tmp_path):
    text = sj.experiment_text(
        ship(),
        TIMELINE,
        [
            sj.Axis("impact_rate", 0.0, 10.0, 2),
            sj.Axis("captain_strategy", values=("silent", "candid")),
        ],
        replicates=1,
        horizon_days=10,
    )
    started = time.monotonic()
    folder = sj.start(text, tmp_path, workers=0, dask="")
    assert sj.status(folder).state == "running"
    job = sj.wait(folder, timeout=120)
    assert job.state == "complete", job.message
    assert (job.done, job.total, job.failed) == (4, 4, 0)
    runs, manifest = load_results(folder)
    assert len(runs) == 4 and manifest["varied"] == ["impact_rate", "captain_strategy"]
    assert sorted(runs["captain_strategy"].unique()) == ["candid", "silent"]
    sj._CHILDREN.clear()  # a new server: only the folder is left
    (again,) = sj.jobs(tmp_path)
    assert (again.folder, again.state, again.done) == (folder, "complete", 4)
    assert time.monotonic() - started < 120


def test_the_command_is_the_cli_sweep_with_the_configured_workers_and_dask(tmp_path, monkeypatch):
    seen = {}

    class FakeProcess:
        pid = 2**22 + 3

        def __init__(self, command, **kwargs):
            seen.update(command=command, **kwargs)

        def poll(self):
            return None

    monkeypatch.setattr(sj.subprocess, "Popen", FakeProcess)
    monkeypatch.setenv("CREW_SWEEP_WORKERS", "3")
    monkeypatch.setenv("CREW_DASK", "tcp://scheduler:8786")
    text = sj.experiment_text(ship(), [], [sj.Axis("impact_rate", 0.0, 1.0, 2)], 1, 5)
    try:
        folder = sj.start(text, tmp_path)
        command = seen["command"]
        assert command[1:5] == ["-m", "model", "sweep", str(folder / sj.EXPERIMENT)]
        assert command[command.index("--out") + 1] == str(folder)
        assert command[command.index("--workers") + 1] == "3"
        assert command[command.index("--dask") + 1] == "tcp://scheduler:8786"
        assert seen["start_new_session"] is True  # a closed tab or server leaves it running
        assert sj.status(folder).state == "running"
    finally:
        sj._CHILDREN.pop(FakeProcess.pid, None)
    monkeypatch.delenv("CREW_DASK")
    sj.start(text, tmp_path)
    assert "--dask" not in seen["command"]
    sj._CHILDREN.pop(FakeProcess.pid, None)


def test_a_sweep_started_from_the_page_runs_on_a_real_dask_cluster(tmp_path):
    """The page's job hands ``$CREW_DASK``'s address to the runner, and a scheduler that is
    not the runner's own (a cluster in this process, reached over TCP) runs its runs. (That
    a cluster's table equals local processes' is tests/test_sweeps.py's.)"""
    distributed = pytest.importorskip("dask.distributed")
    text = sj.experiment_text(
        ship(), TIMELINE, [sj.Axis("impact_rate", 0.0, 10.0, 2)], replicates=2, horizon_days=10
    )
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, protocol="tcp", dashboard_address=None
    ) as cluster:
        job = sj.wait(sj.start(text, tmp_path, dask=cluster.scheduler_address), timeout=120)
        prefixes = cluster.scheduler.task_prefixes.values()
        ran_on_cluster = sum(prefix.state_counts["memory"] for prefix in prefixes)
    assert job.state == "complete", job.message
    assert (job.done, job.total, job.failed) == (4, 4, 0)
    assert ran_on_cluster >= 4  # the runs were this cluster's tasks, not local processes
    runs, _ = load_results(job.folder)
    assert sorted(runs["impact_rate"]) == [0.0, 0.0, 10.0, 10.0]
