"""Sweeps survive faults: SIGKILLs at random moments, workers that die, full or unwritable disks.

* Five SIGKILLs of a running ``python -m model sweep`` (its whole process group, workers too) at
  random moments, each followed by a resume: no finished run is lost, and the final tables
  equal those of an uninterrupted sweep in every column but ``wall_seconds``.
* A worker process that dies (SIGKILL, sent by a run function injected through
  ``run_sweep(run_one=...)``: :class:`KillWorker`) is replaced and its runs retried; a run that
  kills its worker every time is recorded failed with a clear error, and only that run.
* An unwritable output folder, a disk too small for the results, and a disk that fills up
  mid-sweep each end in one line on stderr and exit code 2, before the first run where that
  can be known; the parts already written stay valid and the sweep resumes.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import namedtuple
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing import parent_process
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

import model.sweeps.results as results
import model.sweeps.sweep as sweep
from model.cli import main
from model.sweeps.results import PART_PATTERN
from model.sweeps.runner import RunSettings, RunTask, execute_run
from model.sweeps.spec import parse_experiment
from model.sweeps.sweep import OutputError, run_sweep

REPO = Path(__file__).resolve().parents[1]

#: 2 strategies x 6 breach rates x 5 replicates = 60 runs of 250 crew over a year, with series.
KILLED = """
name = "killed"
horizon_days = 365
replicates = 5
root_seed = 7
[fixed]
n_crew = 250
penetration_probability = 1.0
[vary]
captain_strategy = ["silent", "candid"]
impact_rate = { low = 0.0, high = 24.0, num = 6 }
[outputs]
series = true
series_every = 30
"""

#: 12 short runs of 200 crew.
TINY = """
name = "tiny"
horizon_days = 20
replicates = 2
root_seed = 3
[fixed]
n_crew = 200
[vary]
impact_rate = { low = 0.0, high = 20.0, num = 6 }
"""


@dataclass(frozen=True)
class KillWorker:
    """A run function that kills its worker process (SIGKILL) as it starts some runs.

    ``once`` maps run ids to a marker file: the first worker to start the run creates the file
    and dies; later attempts find it and run normally. Runs in ``always`` kill every worker that
    starts them. Other runs are :func:`execute_run`'s. Picklable (a module-level class), so the
    spawned workers receive it; it refuses to kill the test process itself.
    """

    once: dict[int, str] = field(default_factory=dict)
    always: frozenset[int] = frozenset()

    def __call__(self, task: RunTask, settings: RunSettings):
        if task.run_id in self.always or (
            task.run_id in self.once and _first_to_create(self.once[task.run_id])
        ):
            if parent_process() is None:
                raise RuntimeError("KillWorker would kill the test process: use workers > 0")
            os.kill(os.getpid(), signal.SIGKILL)
        return execute_run(task, settings)


def _first_to_create(marker: str) -> bool:
    try:
        os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return False
    return True


def comparable(runs: pd.DataFrame) -> pd.DataFrame:
    """The runs table without the one column that differs between executions: wall time."""
    return runs.drop(columns=["wall_seconds"])


def finished_run_ids(out: Path) -> set[int]:
    """Run ids in the runs parts whose checksum holds (read only; nothing is moved)."""
    ids: set[int] = set()
    for path in (out / "parts").glob("runs-*.parquet"):
        match = PART_PATTERN.match(path.name)
        data = path.read_bytes()
        if match and hashlib.sha256(data).hexdigest()[:16] == match.group(4):
            ids.update(pq.read_table(path, columns=["run_id"]).column("run_id").to_pylist())
    return ids


def run_cli(args: list[str], capsys) -> tuple[int, str]:
    """``python -m model`` in this process: the exit code and stderr."""
    code = main(args)
    return code, capsys.readouterr().err


def assert_one_clear_line(err: str, *words: str) -> None:
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    for word in words:
        assert word in lines[0], lines[0]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> tuple[Path, Path]:
    """The tiny experiment's file, and its uninterrupted result (in this process)."""
    folder = tmp_path_factory.mktemp("tiny")
    path = folder / "tiny.toml"
    path.write_text(TINY)
    report = run_sweep(parse_experiment(TINY), folder / "reference", workers=0)
    assert report.complete and report.failed == 0
    return path, folder / "reference"


# --- SIGKILL at random moments ---------------------------------------------------------------
Kill = namedtuple("Kill", "new_parts delay finished_after")


@pytest.mark.slow
def test_five_sigkills_at_random_moments_lose_nothing(tmp_path):
    path = tmp_path / "killed.toml"
    path.write_text(KILLED)
    out = tmp_path / "killed"
    command = [sys.executable, "-m", "model", "sweep", str(path), "--out", str(out)]
    command += ["--workers", "2", "--chunk-size", "2", "--no-progress"]
    rng = random.Random(20240607)  # the moments: after 1-3 more parts, then 0-0.1 s more
    kills: list[Kill] = []
    finished: set[int] = set()
    for _ in range(5):
        new_parts, delay = rng.randint(1, 3), rng.uniform(0.0, 0.1)
        before = len(list((out / "parts").glob("runs-*"))) if out.exists() else 0
        process = subprocess.Popen(
            command,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own process group: the kill takes the workers too
        )
        try:
            deadline = time.monotonic() + 60
            while process.poll() is None and time.monotonic() < deadline:
                if len(list((out / "parts").glob("runs-*"))) >= before + new_parts:
                    break
                time.sleep(0.02)
            time.sleep(delay)
            assert process.poll() is None, process.stderr.read().decode()
            os.killpg(process.pid, signal.SIGKILL)
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            process.stderr.close()
        now = finished_run_ids(out)
        assert finished <= now, "a run finished before a kill was lost"
        finished = now
        kills.append(Kill(new_parts, round(delay, 2), len(now)))
        assert not (out / "runs.parquet").exists(), "killed before the end"
        if (out / "manifest.json").exists():
            assert json.loads((out / "manifest.json").read_text())["status"] == "running"
    counts = [k.finished_after for k in kills]
    assert counts == sorted(counts) and counts[0] > 0 and counts[-1] < 60, kills

    code = main([*command[3:-5], "--workers", "0", "--no-progress"])  # the uninterrupted end
    assert code == 0
    reference = tmp_path / "reference"
    assert run_sweep(parse_experiment(KILLED), reference, workers=0).complete
    runs = pd.read_parquet(out / "runs.parquet")
    assert runs["run_id"].tolist() == list(range(60))  # every run exactly once, in order
    assert not runs["failed"].any()
    pd.testing.assert_frame_equal(
        comparable(runs), comparable(pd.read_parquet(reference / "runs.parquet"))
    )
    pd.testing.assert_frame_equal(
        pd.read_parquet(out / "series.parquet"), pd.read_parquet(reference / "series.parquet")
    )
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["finished_runs"] == 60
    assert len(manifest["sessions"]) == 6  # five killed, one to the end


# --- workers that die ------------------------------------------------------------------------
@pytest.mark.slow
def test_a_dead_worker_is_retried_and_a_run_that_always_kills_it_is_recorded(tiny, tmp_path):
    path, reference = tiny
    marker = tmp_path / "crashed-once"
    # run 3 kills its worker the first time only; run 8 kills it every time
    killer = KillWorker(once={3: str(marker)}, always=frozenset({8}))
    report = run_sweep(
        parse_experiment(TINY), tmp_path / "out", workers=2, chunk_size=1, run_one=killer
    )
    assert marker.exists(), "the worker running run 3 was killed"
    assert report.complete and report.ran == 12 and report.failed == 1
    runs = pd.read_parquet(tmp_path / "out" / "runs.parquet")
    expected = pd.read_parquet(reference / "runs.parquet")
    assert runs["run_id"].tolist() == list(range(12))
    failed = runs[runs["failed"]]
    assert failed["run_id"].tolist() == [8]
    assert failed["error"].iloc[0].startswith("worker process died 3 times")
    assert failed["collapsed"].isna().all() and failed["impact_rate"].iloc[0] == 16.0
    assert failed["households_per_section"].iloc[0] == 42  # every parameter is recorded
    others = [("run_id", "!=", 8)]  # the others, run 3 included, as in an uninterrupted sweep
    pd.testing.assert_frame_equal(
        comparable(pd.read_parquet(tmp_path / "out" / "runs.parquet", filters=others)),
        comparable(pd.read_parquet(reference / "runs.parquet", filters=others)),
    )
    # a retry with a healthy worker records run 8 like the others
    again = run_sweep(parse_experiment(TINY), tmp_path / "out", workers=0, retry_failed=True)
    assert again.ran == 1 and again.failed == 0
    pd.testing.assert_frame_equal(
        comparable(pd.read_parquet(tmp_path / "out" / "runs.parquet")), comparable(expected)
    )


@pytest.mark.slow
def test_a_run_that_always_kills_its_worker_fails_alone_not_with_its_chunk(tiny, tmp_path):
    path, reference = tiny
    killer = KillWorker(always=frozenset({9}))  # run 9 kills its worker every time
    report = run_sweep(
        parse_experiment(TINY), tmp_path / "out", workers=2, chunk_size=4, run_one=killer
    )
    assert report.complete and report.ran == 12 and report.failed == 1
    runs = pd.read_parquet(tmp_path / "out" / "runs.parquet")
    assert runs.loc[runs["failed"], "run_id"].tolist() == [9]
    assert "again running this run alone" in runs.loc[runs["failed"], "error"].iloc[0]
    others = [("run_id", "!=", 9)]  # its chunk-mates 8, 10 and 11 are kept as usual
    pd.testing.assert_frame_equal(
        comparable(pd.read_parquet(tmp_path / "out" / "runs.parquet", filters=others)),
        comparable(pd.read_parquet(reference / "runs.parquet", filters=others)),
    )


@dataclass(frozen=True)
class FailRuns:
    """A run function whose chosen runs fail like a crashing model (a recorded error)."""

    runs: frozenset[int]

    def __call__(self, task: RunTask, settings: RunSettings):
        if task.run_id not in self.runs:
            return execute_run(task, settings)
        bad = RunTask(task.run_id, task.point, task.replicate, {"n_crew": -1}, task.seed, 0)
        return execute_run(bad, settings)


def test_an_injected_run_function_reaches_the_runs(tiny, tmp_path):
    """The fault seam itself: ``run_one`` is what runs each run, in this process too."""
    path, reference = tiny
    report = run_sweep(
        parse_experiment(TINY), tmp_path, workers=0, run_one=FailRuns(frozenset({2, 5}))
    )
    assert report.complete and report.failed == 2
    runs = pd.read_parquet(tmp_path / "runs.parquet")
    assert runs.loc[runs["failed"], "run_id"].tolist() == [2, 5]
    assert runs.loc[runs["failed"], "error"].str.contains("n_crew").all()
    with pytest.raises(RuntimeError, match="would kill the test process"):
        KillWorker(always=frozenset({0}))(plan_one(), RunSettings(horizon_days=1))


def plan_one() -> RunTask:
    return RunTask(0, 0, 0, {"n_crew": 200}, 1, 0)


def test_production_code_reads_no_fault_hooks_from_the_environment():
    for path in (REPO / "model").rglob("*.py"):
        text = path.read_text()
        assert "CRASH" not in text and "TEST_CRASH" not in text, path


# --- unwritable folders and full disks -------------------------------------------------------
@contextmanager
def tmpfs(folder: Path, options: str):
    """A small tmpfs at ``folder`` (needs root / CAP_SYS_ADMIN; else the test is skipped)."""
    folder.mkdir()
    if shutil.which("mount") is None:
        pytest.skip("no mount command")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def unwritable_cases(tmp_path: Path) -> dict[str, Path]:
    """Output folders that cannot be written, also by root."""
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    return {
        "out is a file": blocker,
        "parent is a file": blocker / "out",
        "name too long": tmp_path / ("x" * 300),
    }


def test_unwritable_output_is_one_line_before_any_run(tiny, tmp_path, capsys):
    path, _ = tiny
    cases = unwritable_cases(tmp_path)
    if os.geteuid() != 0:  # permissions stop everyone but root
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        cases["read-only folder"] = locked / "out"
    for name, out in cases.items():
        code, err = run_cli(["sweep", str(path), "--out", str(out), "--workers", "0"], capsys)
        assert code == 2, name
        assert_one_clear_line(err, f"--out={out}", "not a writable folder")
        assert not list(tmp_path.rglob("parts")), name


def test_read_only_filesystem_is_one_line_before_any_run(tiny, tmp_path, capsys):
    path, _ = tiny
    with tmpfs(tmp_path / "ro", "ro,size=256k") as mount:
        code, err = run_cli(["sweep", str(path), "--out", str(mount), "--workers", "0"], capsys)
        assert code == 2
        assert_one_clear_line(err, "not a writable folder", "Read-only file system")


def test_a_disk_too_small_is_refused_before_any_run(tiny, tmp_path, capsys):
    path, _ = tiny
    with tmpfs(tmp_path / "small", "size=64k") as mount:
        out = mount / "out"
        code, err = run_cli(["sweep", str(path), "--out", str(out), "--workers", "0"], capsys)
        assert code == 2
        assert_one_clear_line(err, "not enough free space", "12 runs")
        assert not (out / "parts").exists() and not (out / "manifest.json").exists()


def test_free_space_check_uses_the_output_size(tiny, tmp_path, monkeypatch):
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(sweep.shutil, "disk_usage", lambda _: usage(10**6, 10**6, 50_000))
    with pytest.raises(OutputError, match=r"need at least .* KB, 48\.8 KB free"):
        run_sweep(parse_experiment(TINY), tmp_path, workers=0)
    assert not (tmp_path / "parts").exists()
    # a sweep whose results fit runs
    monkeypatch.setattr(sweep.shutil, "disk_usage", lambda _: usage(10**9, 0, 10**9))
    assert run_sweep(parse_experiment(TINY), tmp_path, workers=0).complete


def test_a_disk_that_fills_up_mid_sweep_stops_cleanly_and_resumes(
    tiny, tmp_path, monkeypatch, capsys
):
    path, reference = tiny
    with tmpfs(tmp_path / "full", "size=160k") as mount:
        out = mount / "out"
        usage = namedtuple("usage", "total used free")
        monkeypatch.setattr(sweep.shutil, "disk_usage", lambda _: usage(10**9, 0, 10**9))
        args = ["sweep", str(path), "--out", str(out), "--workers", "0", "--chunk-size", "1"]
        code, err = run_cli(args, capsys)  # the estimate passes; the disk fills up later
        assert code == 2
        assert_one_clear_line(err, "cannot write the results", "No space left on device")
        kept = finished_run_ids(out)
        assert 0 < len(kept) < 12
        moved = tmp_path / "moved"
        shutil.copytree(out, moved)
    code, err = run_cli([*args[:3], str(moved), *args[4:]], capsys)  # room again: resume
    assert code == 0, err
    assert finished_run_ids(moved) >= kept
    pd.testing.assert_frame_equal(
        comparable(pd.read_parquet(moved / "runs.parquet")),
        comparable(pd.read_parquet(reference / "runs.parquet")),
    )


def test_a_write_failing_with_enospc_stops_cleanly_and_resumes(tiny, tmp_path, monkeypatch, capsys):
    path, reference = tiny
    real = results.write_atomic
    writes = []

    def full_after_four_parts(target: Path, data: bytes) -> None:
        if target.parent.name == "parts":
            writes.append(target)
            if len(writes) > 4:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(target, data)

    monkeypatch.setattr(results, "write_atomic", full_after_four_parts)
    args = ["sweep", str(path), "--out", str(tmp_path), "--workers", "0", "--chunk-size", "2"]
    code, err = run_cli(args, capsys)
    assert code == 2
    assert_one_clear_line(err, "cannot write the results", "No space left on device", "resume")
    assert finished_run_ids(tmp_path) == set(range(8))  # four parts of two runs, intact
    monkeypatch.setattr(results, "write_atomic", real)
    code, err = run_cli(args, capsys)
    assert code == 0, err
    pd.testing.assert_frame_equal(
        comparable(pd.read_parquet(tmp_path / "runs.parquet")),
        comparable(pd.read_parquet(reference / "runs.parquet")),
    )
