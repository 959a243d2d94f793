"""Run a declared experiment: plan, skip what is done, run the rest, assemble the tables."""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from model.provenance import git_commit, versions
from model.sweeps.results import (
    RUNS,
    SERIES,
    PartStore,
    output_bytes,
    part_bytes,
    read_manifest,
    write_manifest,
    write_table,
)
from model.sweeps.runner import (
    RunFunction,
    RunSettings,
    RunTask,
    chunk_function,
    chunked,
    execute,
    plan_runs,
)
from model.sweeps.spec import Experiment, SpecError
from model.sweeps.uncertainty import with_draws

EXTRA_PACKAGES = ("dask", "distributed", "SALib", "tqdm", "matplotlib")


class OutputError(SpecError):
    """The result folder cannot hold the results (not writable, or out of space)."""


@dataclass
class SweepReport:
    """What a sweep did."""

    folder: Path
    total: int
    skipped: int
    ran: int
    failed: int
    complete: bool
    seconds: float
    notes: list[str]


def settings_of(experiment: Experiment) -> RunSettings:
    """The per-run settings of an experiment."""
    return RunSettings(
        horizon_days=experiment.horizon_days,
        breach_at_start=experiment.breach_at_start,
        series=experiment.series,
        series_every=experiment.series_every,
        series_columns=experiment.series_columns,
        signals_window=experiment.signals_window,
        interventions=experiment.interventions,
    )


def run_sweep(
    experiment: Experiment,
    out: str | Path,
    workers: int = 2,
    dask: str | None = None,
    dask_processes: bool = True,
    chunk_size: int | None = None,
    retry_failed: bool = False,
    progress: bool = False,
    tasks: list[RunTask] | None = None,
    extra_manifest: dict[str, Any] | None = None,
    run_one: RunFunction | None = None,
) -> SweepReport:
    """Run (or resume) an experiment into ``out``.

    Finished runs found in ``out`` are skipped; each chunk's rows are written as a part as
    soon as it finishes; when every run is recorded, ``runs.parquet`` (and
    ``series.parquet``) are assembled in canonical order. A failing run is recorded with
    ``failed=True`` and its error.

    Parameters
    ----------
    experiment
        The parsed experiment.
    out
        Result folder (created).
    workers
        Worker processes (``0``: in this process).
    dask
        None, ``"local"`` or a scheduler address (see :func:`model.sweeps.runner.execute`).
    dask_processes
        For ``dask="local"``: worker processes (True) or threads.
    chunk_size
        Runs per chunk (default: about eight chunks per worker, at most 50 runs).
    retry_failed
        Run again the runs recorded as failed.
    progress
        Show a progress bar on stderr.
    tasks
        The runs (default: the experiment's grid or samples times replicates).
    extra_manifest
        More entries for the manifest (e.g. a sensitivity design).
    run_one
        What runs one scenario (default :func:`model.sweeps.runner.execute_run`); tests
        inject faults through it. Picklable, to reach worker processes.
    """
    started = time.perf_counter()
    folder = Path(out)
    _prepare(folder)
    digest = experiment.digest() if tasks is None else _tasks_digest(experiment, tasks)
    previous = read_manifest(folder)
    if previous is not None and previous.get("experiment_digest") != digest:
        raise SpecError(
            f"{folder} holds results of a different experiment; give another --out or "
            "remove the folder"
        )
    if tasks is None:
        tasks = plan_runs(experiment.points(), experiment.replicates, experiment.root_seed)
    if experiment.posterior is not None:
        own = set(experiment.fixed) | set(experiment.varied_names)
        tasks = with_draws(tasks, experiment.posterior, own)
    settings = settings_of(experiment)
    store = PartStore(
        folder, digest, experiment.series_columns, posterior=experiment.posterior is not None
    )
    valid, notes = store.scan(experiment.series)
    done = store.read_runs(valid)
    done_ids = set(done.column("run_id").to_pylist())
    if retry_failed and done.num_rows:
        ids, flags = done["run_id"].to_pylist(), done["failed"].to_pylist()
        failed_ids = {r for r, f in zip(ids, flags, strict=True) if f}
        valid = _drop_parts_with(store, valid, failed_ids)
        done = store.read_runs(valid)
        done_ids = set(done.column("run_id").to_pylist())
    todo = [t for t in tasks if t.run_id not in done_ids]
    chunks = chunked(todo, workers, chunk_size)
    _check_space(folder, experiment, len(todo), len(chunks), len(tasks))
    session = {"started": _now(), "workers": workers, "dask": dask, "to_run": len(todo)}
    manifest = _manifest(experiment, digest, previous, len(tasks), extra_manifest)
    manifest["sessions"].append(session)
    manifest["status"] = "running"
    with _writing(folder, 0):
        write_manifest(folder, manifest)

    failed_before = sum(bool(f) for f in done.column("failed").to_pylist())
    failed = failed_before
    ran = 0
    bar = _progress(len(tasks), len(done_ids), failed, progress)
    try:
        function = chunk_function(run_one)
        for _, result in execute(
            chunks, settings, workers, dask, dask_processes, function=function
        ):
            with _writing(folder, ran):
                store.write(result.rows, result.series, experiment.series)
            n_failed = sum(bool(r.get("failed")) for r in result.rows)
            failed += n_failed
            ran += len(result.rows)
            if bar is not None:
                bar.update(len(result.rows))
                bar.set_postfix(failed=failed, refresh=False)
    finally:
        if bar is not None:
            bar.close()

    valid, more_notes = store.scan(experiment.series)
    notes += more_notes
    table = store.read_runs(valid)
    recorded = set(table.column("run_id").to_pylist())
    complete = all(t.run_id in recorded for t in tasks)
    if complete:
        with _writing(folder, ran):
            write_table(folder / RUNS, table)
            if experiment.series:
                write_table(folder / SERIES, store.read_series(valid))
    failed_total = sum(bool(f) for f in table.column("failed").to_pylist())
    session["ended"] = _now()
    session["ran"] = ran
    manifest.update(
        status="complete" if complete else "incomplete",
        ended=session["ended"],
        finished_runs=len(recorded),
        failed_runs=failed_total,
    )
    with _writing(folder, ran):
        write_manifest(folder, manifest)
    return SweepReport(
        folder=folder,
        total=len(tasks),
        skipped=len(done_ids),
        ran=ran,
        failed=failed_total,
        complete=complete,
        seconds=time.perf_counter() - started,
        notes=notes,
    )


def _prepare(folder: Path) -> None:
    """Fail before the first run if the output folder cannot be made."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"--out={folder} is not a writable folder: {exc.strerror}") from None


def _check_space(
    folder: Path, experiment: Experiment, to_run: int, chunks: int, total: int
) -> None:
    """Fail before the first run if the folder cannot take a part file, or obviously lacks
    the space for the results (see :func:`model.sweeps.results.output_bytes`)."""
    values = _series_values(experiment)
    runs_per_chunk = -(-to_run // chunks) if chunks else 0
    probe = folder / f".write-test-{os.getpid()}"
    try:
        with open(probe, "wb") as handle:  # as big as one part: a full disk says so here
            handle.write(b"0" * part_bytes(runs_per_chunk, values))
            handle.flush()
            os.fsync(handle.fileno())
        probe.unlink()
    except OSError as exc:
        with suppress(OSError):
            probe.unlink(missing_ok=True)
        raise OutputError(f"--out={folder} is not a writable folder: {exc.strerror}") from None
    needed = output_bytes(to_run, chunks, total, values)
    free = shutil.disk_usage(folder).free
    if free < needed:
        raise OutputError(
            f"--out={folder}: not enough free space: the results of {to_run} runs need at "
            f"least {_size(needed)}, {_size(free)} free"
        )


@contextmanager
def _writing(folder: Path, ran: int) -> Iterator[None]:
    """Turn a failed write (disk full, folder gone) into one clear line."""
    try:
        yield
    except OSError as exc:
        raise OutputError(
            f"--out={folder}: cannot write the results ({exc.strerror or exc}); the runs "
            f"finished so far are kept ({ran} this session): make room and run the same "
            "command again to resume"
        ) from None


def _series_values(experiment: Experiment) -> int:
    """Values kept per run in the series (0 without series)."""
    if not experiment.series:
        return 0
    days = experiment.horizon_days // experiment.series_every + 2
    return days * (len(experiment.series_columns) + 2)


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TB"


def _drop_parts_with(store: PartStore, valid: list[Path], run_ids: set[int]) -> list[Path]:
    """Set aside the parts holding some of ``run_ids``, re-recording their other runs."""
    import pyarrow.parquet as pq

    keep = []
    for path in valid:
        table = pq.read_table(path)
        ids = table.column("run_id").to_pylist()
        if not run_ids.intersection(ids):
            keep.append(path)
            continue
        rows = [r for r in table.to_pylist() if r["run_id"] not in run_ids]
        series_name = store._series_name(path)
        if rows:
            series = None
            if series_name:
                frame = pq.read_table(store.parts / series_name).to_pandas()
                series = frame[frame["run_id"].isin([r["run_id"] for r in rows])]
            keep.append(store.write(rows, series, bool(series_name)))
        store._reject(path)
        if series_name:
            store._reject(store.parts / series_name)
    return keep


def _tasks_digest(experiment: Experiment, tasks: list[RunTask]) -> str:
    """Fingerprint of an explicit list of runs (e.g. a sensitivity design)."""
    import hashlib
    import json

    payload = [experiment.digest()] + [[t.run_id, t.params, t.seed] for t in tasks]
    text = json.dumps(payload, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _manifest(
    experiment: Experiment,
    digest: str,
    previous: dict[str, Any] | None,
    n_runs: int,
    extra: dict | None,
) -> dict[str, Any]:
    base = previous or {}
    found = versions()
    for name in EXTRA_PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    manifest = {
        "kind": "crew-cohesion sweep",
        "name": experiment.name,
        "experiment": experiment.source,
        "experiment_digest": digest,
        "root_seed": experiment.root_seed,
        "seeding": "run i uses SeedSequence(root_seed).spawn(n_runs)[i] reduced to the "
        "63-bit integer in runs.seed (reproduce with `python -m model run --seed SEED`)",
        "horizon_days": experiment.horizon_days,
        "replicates": experiment.replicates,
        "fixed": experiment.fixed,
        "varied": experiment.varied_names,
        "sampling": experiment.method,
        "series": experiment.series,
        "n_runs": n_runs,
        "versions": found,
        "git_commit": git_commit(),
        "python": sys.version.split()[0],
        "started": base.get("started", _now()),
        "ended": None,
        "finished_runs": base.get("finished_runs", 0),
        "failed_runs": base.get("failed_runs", 0),
        "sessions": list(base.get("sessions", [])),
    }
    if experiment.posterior is not None:
        manifest["uncertainty"] = experiment.posterior.manifest(experiment.overridden)
    if extra:
        manifest.update(extra)
    return manifest


def _progress(total: int, initial: int, failed: int, show: bool):
    if not show:
        return None
    from tqdm import tqdm

    bar = tqdm(total=total, initial=initial, desc="runs", unit="run", file=sys.stderr)
    bar.set_postfix(failed=failed)
    return bar


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
