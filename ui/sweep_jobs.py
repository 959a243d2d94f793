"""Sweeps started from the browser: "Sweep this" turns the ship on the page into a study.

The page's ship (settings, seed, timeline of interventions, as :func:`ui.scenario.to_toml`
exports them) becomes the ``[fixed]`` part of an experiment file; one or two parameters vary
over a range (or over their choices); ``replicates`` runs per point, each ``horizon_days`` long,
seeds spawned from the ship's seed. The file is checked by the sweep parser
(:func:`model.sweeps.spec.parse_experiment`) and run by the same command as on the command
line, ``python -m model sweep FILE --out FOLDER``, in its own process group: closing the tab,
or stopping the server, does not stop it.

Everything about a job lives in its folder under the results directory (``$CREW_RESULTS``, by
default ``results/``, which git ignores; the Sweeps page lists the same directory)::

    results/ui-captain_strategy-20261207-151200/
        experiment.toml   the experiment file the page wrote
        job.json          the process id, the command, when it started, how many runs
        sweep.log         what the command printed (its error, if it failed)
        manifest.json, parts/, runs.parquet    the sweep runner's own results

Progress is read from the runner's own records (the rows in its finished parts; its manifest
says when all are done), so a new server, or a reopened tab, finds running and finished jobs by
scanning the folder. Runs go to local worker processes (``$CREW_SWEEP_WORKERS``, default one
fewer than the cores, at least one), or to a Dask cluster when ``$CREW_DASK`` holds its
address (what ``--dask`` takes on the command line). Plain Python, no Solara.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from model.parameters import declarations
from model.sweeps.spec import Experiment, SpecError, parse_experiment
from ui.scenario import one_line, to_toml

JOB = "job.json"
EXPERIMENT = "experiment.toml"
LOG = "sweep.log"
#: Most parameters varied at once from the page (a phase diagram has two axes).
MAX_AXES = 2
#: Most grid points along one numeric axis.
MAX_POINTS = 25
#: Most runs one sweep from the page may have (a bigger study belongs on the command line).
MAX_RUNS = 5000
#: Parameters never offered: a developer's switch, and a text schedule with no range.
NOT_SWEPT = ("debug", "captain_schedule")
#: The repository root: the command runs there, so ``python -m model`` finds the package.
ROOT = Path(__file__).resolve().parents[1]

#: Runs and failed runs of each part read so far (a part's name holds its checksum: it never
#: changes under the same name).
_PART_COUNTS: dict[Path, tuple[int, int]] = {}
#: Worker processes started by this server, by process id (polled, so none is left a zombie).
_CHILDREN: dict[int, subprocess.Popen] = {}


class SweepError(ValueError):
    """A sweep that cannot be started: a one-line message."""


def results_root() -> Path:
    """Where jobs are written: ``$CREW_RESULTS`` or ``./results`` (as the Sweeps page)."""
    return Path(os.environ.get("CREW_RESULTS", "results"))


def default_workers() -> int:
    """``$CREW_SWEEP_WORKERS``, else one fewer than the cores (at least one)."""
    text = os.environ.get("CREW_SWEEP_WORKERS")
    if text:
        return max(0, int(text))
    return max(1, (os.cpu_count() or 1) - 1)


def dask_address() -> str | None:
    """The configured Dask scheduler (``$CREW_DASK``: an address or ``local``), else None."""
    return os.environ.get("CREW_DASK") or None


# --- what can be swept ------------------------------------------------------------------------
def sweepable() -> dict[str, dict[str, Any]]:
    """Parameters a sweep can vary, by name: numbers with a declared range, choices, yes/no."""
    found = {}
    for decl in declarations():
        if decl["name"] in NOT_SWEPT:
            continue
        valid, kind = decl["valid"], decl["type"]
        if kind is bool or (valid is not None and len(valid) > 0):
            found[decl["name"]] = decl
    return found


def is_numeric(decl: dict[str, Any]) -> bool:
    """A number with a range (int or float), not a choice or a yes/no."""
    return decl["type"] in (int, float)


def choices(decl: dict[str, Any]) -> list[Any]:
    """The values of a choice parameter (yes/no: ``[False, True]``)."""
    return [False, True] if decl["type"] is bool else list(decl["valid"])


@dataclass(frozen=True)
class Axis:
    """One varied parameter: ``low``..``high`` in ``num`` grid points, or listed ``values``."""

    name: str
    low: float | None = None
    high: float | None = None
    num: int | None = None
    values: tuple[Any, ...] | None = None

    def toml(self) -> str:
        """The line of the ``[vary]`` table."""
        if self.values is not None:
            return f"{self.name} = [{', '.join(_toml_value(v) for v in self.values)}]"
        return (
            f"{self.name} = {{ low = {_toml_value(self.low)}, high = {_toml_value(self.high)}, "
            f"num = {self.num} }}"
        )

    def size(self) -> int:
        return len(self.values) if self.values is not None else int(self.num or 0)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    return json.dumps(str(value))


def check_axis(axis: Axis) -> Axis:
    """``axis`` checked against its declaration (range inside the declared one, a low below
    the high, 2 to :data:`MAX_POINTS` points; choices among the declared ones).

    Raises
    ------
    SweepError
        One line naming the parameter and what was expected.
    """
    decl = sweepable().get(axis.name)
    if decl is None:
        raise SweepError(f"{axis.name!r} is not a parameter that can be swept")
    if not is_numeric(decl):
        allowed = choices(decl)
        values = tuple(dict.fromkeys(axis.values or ()))
        if not values:
            raise SweepError(f"{axis.name}: pick at least one of {', '.join(map(str, allowed))}")
        for value in values:
            if value not in allowed:
                raise SweepError(f"{axis.name}: {value!r} is not one of {allowed}")
        return Axis(axis.name, values=values)
    valid = decl["valid"]
    unit = f" {decl['unit']}" if decl["unit"] not in ("-", "") else ""
    if axis.low is None or axis.high is None:
        raise SweepError(f"{axis.name}: give the low and the high end of the range")
    low, high = float(axis.low), float(axis.high)
    if decl["type"] is int and not (low.is_integer() and high.is_integer()):
        raise SweepError(f"{axis.name}: expected whole numbers, got {axis.low} and {axis.high}")
    if not valid.inside([low, high]).all():
        raise SweepError(f"{axis.name}: the range must lie within {valid}{unit}")
    if not low < high:
        raise SweepError(f"{axis.name}: the low end ({axis.low}) must be below the high end")
    num = axis.num
    if not isinstance(num, int) or isinstance(num, bool) or not 2 <= num <= MAX_POINTS:
        raise SweepError(f"{axis.name}: expected 2 to {MAX_POINTS} points, got {num!r}")
    if decl["type"] is int:
        if high - low + 1 < num:
            raise SweepError(f"{axis.name}: only {int(high - low + 1)} whole numbers in the range")
        return Axis(axis.name, low=int(low), high=int(high), num=num)
    return Axis(axis.name, low=low, high=high, num=num)


# --- the experiment file -----------------------------------------------------------------------
def experiment_text(
    settings: dict[str, Any],
    timeline: list[dict[str, Any]],
    axes: list[Axis],
    replicates: int,
    horizon_days: int,
    name: str | None = None,
) -> str:
    """The experiment file of a sweep around the ship ``settings`` (with its ``seed``) and
    ``timeline``: the varied parameters leave ``[fixed]``, everything else stays as built.

    Raises
    ------
    SweepError
        A bad axis, replicate count or horizon, too many runs, or a file the sweep parser
        rejects (one line).
    """
    if not 1 <= len(axes) <= MAX_AXES:
        raise SweepError(f"pick one or two parameters to vary (got {len(axes)})")
    axes = [check_axis(a) for a in axes]
    names = [a.name for a in axes]
    if len(set(names)) != len(names):
        raise SweepError(f"{names[0]} is picked twice: pick two different parameters")
    if not isinstance(replicates, int) or not 1 <= replicates <= 1000:
        raise SweepError(f"replicates: expected a whole number 1 to 1000, got {replicates!r}")
    if not isinstance(horizon_days, int) or not 1 <= horizon_days <= 100_000:
        raise SweepError(f"horizon: expected a whole number of days >= 1, got {horizon_days!r}")
    runs = replicates
    for axis in axes:
        runs *= axis.size()
    if runs > MAX_RUNS:
        raise SweepError(
            f"{runs:,} runs: at most {MAX_RUNS:,} from the page (fewer points or replicates, "
            "or run it with python -m model sweep)"
        )
    name = name or "ui-" + "-".join(names)
    fixed = {k: v for k, v in settings.items() if k not in names}
    text = to_toml(fixed, timeline, horizon_days)
    head, sep, rest = text.partition("\n[fixed]\n")
    head = re.sub(r"(?m)^name = .*$", f"name = {json.dumps(name)}", head, count=1)
    head = re.sub(
        r"(?m)^description = .*$",
        "description = "
        + json.dumps(f"Sweep of {' x '.join(names)} around a ship from the browser UI"),
        head,
        count=1,
    )
    head = re.sub(r"(?m)^replicates = .*$", f"replicates = {replicates}", head, count=1)
    head = head.replace(
        "# a sweep (python -m model sweep FILE --out results/NAME: seeds spawned from root_seed).",
        "# a sweep (python -m model sweep FILE --out results/NAME: seeds spawned from root_seed).\n"
        "# Written by the page's 'Sweep this': the [vary] table is the study.",
    )
    vary = "\n[vary]\n" + "\n".join(a.toml() for a in axes) + "\n"
    text = head + sep + rest + vary
    check_text(text)
    return text


def check_text(text: str) -> Experiment:
    """The experiment ``text`` parsed by the sweep parser; SweepError (one line) if not."""
    try:
        return parse_experiment(text, label="sweep")
    except SpecError as error:
        raise SweepError(one_line(str(error))) from None


# --- jobs --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Job:
    """What a job folder says now.

    Attributes:
        folder: The job's folder (the sweep's result folder).
        name: The experiment's name.
        total: Runs in the sweep.
        done: Runs recorded so far (failed ones included).
        failed: Runs recorded as failed.
        state: ``running``, ``complete``, ``stopped`` (by the page) or ``failed`` (the
            command ended before every run was recorded).
        message: The last line the command printed (its error when it failed).
        started: When the job started (ISO time, UTC).
        varied: The varied parameters.
    """

    folder: Path
    name: str
    total: int
    done: int
    failed: int
    state: str
    message: str
    started: str
    varied: tuple[str, ...]

    @property
    def progress(self) -> float:
        """The share of runs recorded, 0 to 1."""
        return min(self.done / self.total, 1.0) if self.total else 0.0

    @property
    def finished(self) -> bool:
        return self.state != "running"


def start(
    text: str,
    root: Path | None = None,
    workers: int | None = None,
    dask: str | None = None,
) -> Path:
    """Write ``text`` (an experiment file) into a new job folder under ``root`` and start the
    sweep in the background; returns the folder.

    Raises
    ------
    SweepError
        The text is not a valid experiment, or the folder cannot be written.
    """
    experiment = check_text(text)
    root = results_root() if root is None else Path(root)
    workers = default_workers() if workers is None else workers
    dask = dask_address() if dask is None else dask
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    base = f"{_slug(experiment.name)}-{stamp}"
    try:
        root.mkdir(parents=True, exist_ok=True)
        folder, n = root / base, 1
        while True:
            try:
                folder.mkdir()
                break
            except FileExistsError:
                n += 1
                folder = root / f"{base}-{n}"
        (folder / EXPERIMENT).write_text(text)
    except OSError as error:
        raise SweepError(f"cannot write the sweep under {root}: {error.strerror}") from None
    folder = folder.resolve()
    job = {
        "name": experiment.name,
        "total": experiment.n_runs,
        "varied": experiment.varied_names,
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "workers": workers,
        "dask": dask,
    }
    _launch(folder, job)
    return folder


def resume(folder: str | Path) -> None:
    """Start a stopped or failed job again: the runner skips the runs it has recorded."""
    folder = Path(folder).resolve()
    job = _read_job(folder)
    if job is None or not (folder / EXPERIMENT).is_file():
        raise SweepError(f"{folder} is not a sweep started from the page")
    if _alive(job, folder):
        return
    job.pop("stopped", None)
    _launch(folder, job)


def _launch(folder: Path, job: dict[str, Any]) -> None:
    command = [
        sys.executable,
        "-m",
        "model",
        "sweep",
        str(folder / EXPERIMENT),
        "--out",
        str(folder),
        "--workers",
        str(job["workers"]),
        "--no-progress",
    ]
    if job.get("dask"):
        command += ["--dask", str(job["dask"])]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    with open(folder / LOG, "ab") as log:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: a closed tab or server keeps it
        )
    _CHILDREN[process.pid] = process
    job.update(pid=process.pid, command=command)
    _write_job(folder, job)


def stop(folder: str | Path) -> None:
    """Stop a running job (its whole process group); finished runs stay recorded."""
    folder = Path(folder).resolve()
    job = _read_job(folder)
    if job is None or not _alive(job, folder):
        return
    job["stopped"] = True
    _write_job(folder, job)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(int(job["pid"]), signal.SIGTERM)
    process = _CHILDREN.get(int(job["pid"]))
    if process is not None:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(int(job["pid"]), signal.SIGKILL)


def jobs(root: Path | None = None) -> list[Job]:
    """Every job under ``root`` (default :func:`results_root`), newest first."""
    root = results_root() if root is None else Path(root)
    if not root.is_dir():
        return []
    found = [status(p) for p in root.iterdir() if (p / JOB).is_file()]
    return sorted((j for j in found if j is not None), key=lambda j: j.started, reverse=True)


def status(folder: str | Path) -> Job | None:
    """What the job in ``folder`` is doing (None: not a job folder)."""
    folder = Path(folder).resolve()
    job = _read_job(folder)
    if job is None:
        return None
    manifest = _read_json(folder / "manifest.json") or {}
    total = int(job.get("total") or manifest.get("n_runs") or 0)
    if manifest.get("status") == "complete":
        done, failed = (
            int(manifest.get("finished_runs", total)),
            int(manifest.get("failed_runs", 0)),
        )
    else:
        done, failed = _recorded(folder)
    if manifest.get("status") == "complete":
        state = "complete"
    elif _alive(job, folder):
        state = "running"
    elif job.get("stopped"):
        state = "stopped"
    else:
        state = "failed"
    return Job(
        folder=folder,
        name=str(job.get("name", folder.name)),
        total=total,
        done=done,
        failed=failed,
        state=state,
        message=_last_line(folder / LOG),
        started=str(job.get("started", "")),
        varied=tuple(job.get("varied", ())),
    )


def wait(folder: str | Path, timeout: float = 60.0, every: float = 0.2) -> Job:
    """Poll until the job in ``folder`` has finished (tests; a script); its last status.

    Raises
    ------
    TimeoutError
        Still running after ``timeout`` seconds.
    """
    end = time.monotonic() + timeout
    while True:
        job = status(folder)
        if job is None:
            raise SweepError(f"{folder} is not a job folder")
        if job.finished:
            return job
        if time.monotonic() > end:
            raise TimeoutError(f"{folder}: still running after {timeout:g} s")
        time.sleep(every)


def _recorded(folder: Path) -> tuple[int, int]:
    """Runs (and failed runs) in the runner's finished parts: each part is written whole
    (atomically), so a part that is there holds finished runs."""
    done = failed = 0
    parts = folder / "parts"
    if not parts.is_dir():
        return 0, 0
    for path in parts.glob("runs-*.parquet"):
        counts = _PART_COUNTS.get(path)
        if counts is None:
            try:
                table = pq.read_table(path, columns=["failed"])
            except (OSError, ValueError):
                continue  # moved aside or being replaced: counted at the next look
            counts = (table.num_rows, sum(bool(f) for f in table.column("failed").to_pylist()))
            if len(_PART_COUNTS) > 100_000:
                _PART_COUNTS.clear()
            _PART_COUNTS[path] = counts
        done += counts[0]
        failed += counts[1]
    return done, failed


def _alive(job: dict[str, Any], folder: Path) -> bool:
    """Whether the job's command still runs (a process id reused by another program is not
    the job: its command line must name the folder)."""
    pid = job.get("pid")
    if not isinstance(pid, int):
        return False
    process = _CHILDREN.get(pid)
    if process is not None:
        return process.poll() is None
    cmdline = Path(f"/proc/{pid}/cmdline")
    if Path("/proc/self").exists():
        try:
            return str(folder) in cmdline.read_bytes().decode(errors="replace")
        except OSError:
            return False
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_") or "sweep"


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _read_job(folder: Path) -> dict[str, Any] | None:
    return _read_json(folder / JOB)


def _write_job(folder: Path, job: dict[str, Any]) -> None:
    tmp = folder / f".{JOB}.tmp"
    tmp.write_text(json.dumps(job, indent=2, default=str))
    tmp.replace(folder / JOB)


def _last_line(path: Path) -> str:
    try:
        lines = [line for line in path.read_text(errors="replace").splitlines() if line.strip()]
    except OSError:
        return ""
    return lines[-1].strip() if lines else ""
