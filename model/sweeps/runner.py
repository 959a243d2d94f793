"""Running many scenarios: one run, a chunk of runs, and the backends that execute chunks.

Runs are grouped in chunks so process start-up and scheduler overhead are paid per chunk,
not per run; a worker imports the model (and loads numba's cache) once, in its initializer.
Backends yield ``(chunk_index, result)`` as chunks finish:

* ``local``: :class:`concurrent.futures.ProcessPoolExecutor` with the ``spawn`` context;
  a worker that dies breaks the pool, which is restarted and its chunks resubmitted.
* ``dask``: an existing ``dask.distributed`` scheduler (address) or a ``LocalCluster``.
* ``workers=0``: in this process, one chunk after another (tests, debugging).
"""

from __future__ import annotations

import functools
import json
import math
import multiprocessing
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from model import metric_registry
from model.sweeps.signals import SIGNAL_COLUMNS, run_signals

#: Times a chunk is resubmitted after its worker died before its runs are recorded failed.
CHUNK_RETRIES = 2


@dataclass(frozen=True)
class RunTask:
    """One run: its id (canonical position), parameter point, replicate and seed."""

    run_id: int
    point: int
    replicate: int
    params: dict[str, Any]
    seed: int
    spawn_key: int
    posterior_draw: int | None = None  # the particle drawn from a posterior (if any)


@dataclass(frozen=True)
class RunSettings:
    """What every run of a sweep does and keeps."""

    horizon_days: int
    breach_at_start: int | None = None
    series: bool = False
    series_every: int = 1
    series_columns: tuple[str, ...] = field(default_factory=metric_registry.series_columns)
    signals_window: float = 0.5
    interventions: tuple[dict[str, Any], ...] = ()  # the timeline (model.timeline)


@dataclass
class ChunkResult:
    """What a chunk sends back: one row per run, and the kept series (or None)."""

    rows: list[dict[str, Any]]
    series: pd.DataFrame | None


def run_seeds(root_seed: int, n_runs: int) -> list[int]:
    """One seed per run from ``SeedSequence(root_seed).spawn(n_runs)``.

    Each child SeedSequence is reduced to a 63-bit integer, so a run can be repeated alone
    with ``python -m model run --seed SEED`` (``CrewModel(rng=SEED)``).
    """
    children = np.random.SeedSequence(root_seed).spawn(n_runs)
    return [int(child.generate_state(1, np.uint64)[0] >> np.uint64(1)) for child in children]


def plan_runs(points: Sequence[dict[str, Any]], replicates: int, root_seed: int) -> list[RunTask]:
    """The runs of a sweep in canonical order: by parameter point, then replicate."""
    seeds = run_seeds(root_seed, len(points) * replicates)
    tasks = []
    for point, params in enumerate(points):
        for replicate in range(replicates):
            run_id = point * replicates + replicate
            tasks.append(RunTask(run_id, point, replicate, dict(params), seeds[run_id], run_id))
    return tasks


def chunked(tasks: Sequence[RunTask], workers: int, chunk_size: int | None) -> list[list[RunTask]]:
    """Split runs into chunks: about eight per worker unless ``chunk_size`` is given."""
    if not tasks:
        return []
    if chunk_size is None:
        chunk_size = max(1, min(50, math.ceil(len(tasks) / (max(workers, 1) * 8))))
    return [list(tasks[i : i + chunk_size]) for i in range(0, len(tasks), chunk_size)]


# --- one run ---------------------------------------------------------------------------------
def execute_run(task: RunTask, settings: RunSettings) -> tuple[dict[str, Any], pd.DataFrame | None]:
    """Run one scenario; never raises: a failure is a row with ``failed=True`` and the error."""
    from model import CrewModel
    from model.parameters import Parameters

    started = time.perf_counter()
    base = {
        "run_id": task.run_id,
        "point": task.point,
        "replicate": task.replicate,
        "seed": task.seed,
        "spawn_key": task.spawn_key,
    }
    if task.posterior_draw is not None:
        base["posterior_draw"] = task.posterior_draw
    try:
        params = Parameters.from_mapping(task.params)
        base.update(params.to_dict())
        model = CrewModel(rng=task.seed, parameters=params)
        if settings.breach_at_start is not None:
            model.breach(deaths=settings.breach_at_start)
        if settings.interventions:
            from model.timeline import replay

            replay(model, settings.interventions, settings.horizon_days)
        else:
            model.run(settings.horizon_days)
        series = model.series()
        outcome = outcomes(model, series)
        outcome.update(
            run_signals(series, model.collapse_day, params.collapse_days, settings.signals_window)
        )
        kept = keep_series(series, task.run_id, settings) if settings.series else None
        row = {**base, "failed": False, "error": None, **outcome}
    except Exception as exc:  # noqa: BLE001 - a failing run is recorded, the sweep goes on
        for name, value in task.params.items():
            base.setdefault(name, value)
        lines = traceback.format_exception_only(type(exc), exc)
        row = {**base, "failed": True, "error": "".join(lines).strip()}
        kept = None
    row["wall_seconds"] = round(time.perf_counter() - started, 4)
    return row, kept


def outcomes(model, series: pd.DataFrame) -> dict[str, Any]:
    """A finished run's outcome columns: its collapse, referendums, mission and lowest
    cohesion, the voyage's forced referendum, diversion and end, then the last day's value of
    each metric declared with an ``outcome``."""
    held = model.held_referendums
    first = held[0] if held else None
    cohesion = series["cohesion"].to_numpy(dtype=float)
    today = model.today
    row = {
        "collapsed": model.collapse_day is not None,
        "collapse_day": model.collapse_day,
        "first_referendum_day": first.day if first else None,
        "first_referendum_outcome": first.outcome if first else None,
        "first_referendum_margin": first.margin if first else None,
        "referendums": json.dumps(
            [{"day": r.day, "outcome": r.outcome, "margin": r.margin} for r in held]
        ),
        "mission": "continue" if today["mission_continue"] else "divert",
        # the voyage: the first referendum the crew forced by petition, the first change of
        # course, and how and when the run ended (arrival, extinction; None at the horizon)
        "forced_referendum_day": next((r.day for r in held if r.trigger == "petition"), None),
        "diversion_day": next(
            (
                r.day
                for before, r in zip(
                    model.referendums[:-1], held, strict=True
                )  # and the one before
                if r.outcome == "divert" and before.outcome != "divert"
            ),
            None,
        ),
        "ended": model.ended,
        "end_day": model.day if model.ended else None,
        "min_cohesion": float(np.nanmin(cohesion)) if np.isfinite(cohesion).any() else None,
        "min_cohesion_day": int(series["day"].iloc[int(np.nanargmin(cohesion))])
        if np.isfinite(cohesion).any()
        else None,
    }
    for m in metric_registry.outcome_metrics():
        value = today[m.name]
        row[m.outcome] = _number(value) if m.dtype == "float" else m.python_type(value)
    return row


def keep_series(series: pd.DataFrame, run_id: int, settings: RunSettings) -> pd.DataFrame:
    """The kept part of a run's series: every ``series_every``-th day and the last day."""
    days = series["day"].to_numpy()
    keep = (days % settings.series_every == 0) | (days == days.max())
    kept = series.loc[keep, ["day", *settings.series_columns]].reset_index(drop=True)
    kept.insert(0, "run_id", run_id)
    return kept


#: What runs one scenario: ``(task, settings) -> (row, kept series or None)``, like
#: :func:`execute_run` (which never raises). To reach worker processes it must be picklable:
#: a module-level function or an instance of a module-level class.
RunFunction = Callable[[RunTask, RunSettings], tuple[dict[str, Any], pd.DataFrame | None]]


def execute_chunk(
    tasks: Sequence[RunTask], settings: RunSettings, run_one: RunFunction = execute_run
) -> ChunkResult:
    """Run a chunk of runs (in a worker) with ``run_one``; failures are rows, never
    exceptions. Tests inject faults (a worker that dies, a run that hangs) through
    ``run_one``."""
    rows, series = [], []
    for task in tasks:
        row, kept = run_one(task, settings)
        rows.append(row)
        if kept is not None:
            series.append(kept)
    return ChunkResult(rows, pd.concat(series, ignore_index=True) if series else None)


def chunk_function(run_one: RunFunction | None = None) -> Executor:
    """The chunk function that runs each run with ``run_one`` (default :func:`execute_run`)."""
    if run_one is None or run_one is execute_run:
        return execute_chunk
    return functools.partial(execute_chunk, run_one=run_one)


def warm_up() -> None:
    """Worker initializer: import the model and load numba's compiled code once."""
    try:
        from model import CrewModel

        CrewModel(rng=0, n_crew=200, referendum_margin=1, burn_in_days=2).run(2)
    except Exception:  # noqa: BLE001 - warming up is an optimisation; runs report errors
        pass


def failed_chunk(tasks: Sequence[RunTask], error: str) -> ChunkResult:
    """Rows recording that a chunk's runs could not be run at all."""
    rows = [
        {
            "run_id": t.run_id,
            "point": t.point,
            "replicate": t.replicate,
            "seed": t.seed,
            "spawn_key": t.spawn_key,
            **({} if t.posterior_draw is None else {"posterior_draw": t.posterior_draw}),
            **_all_parameters(t.params),
            "failed": True,
            "error": error,
            "wall_seconds": 0.0,
        }
        for t in tasks
    ]
    return ChunkResult(rows, None)


def _all_parameters(params: dict[str, Any]) -> dict[str, Any]:
    """Every parameter of a run (defaults filled in), or just the given ones if invalid."""
    from model.parameters import Parameters

    try:
        return Parameters.from_mapping(params).to_dict()
    except ValueError:
        return dict(params)


def _number(value: Any) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


# --- backends --------------------------------------------------------------------------------
Executor = Callable[[Sequence[RunTask], RunSettings], ChunkResult]


def execute(
    chunks: Sequence[Sequence[RunTask]],
    settings: RunSettings,
    workers: int = 2,
    dask: str | None = None,
    dask_processes: bool = True,
    function: Executor = execute_chunk,
) -> Iterator[tuple[int, ChunkResult]]:
    """Run chunks on a new backend; yield ``(chunk_index, result)`` in completion order.

    Parameters
    ----------
    chunks
        The chunks of runs.
    settings
        What each run does and keeps.
    workers
        Local worker processes (``0``: run in this process); for ``dask="local"`` the
        number of cluster workers.
    dask
        None for local processes, ``"local"`` for a new ``LocalCluster``, or the address
        of an existing scheduler (``tcp://host:8786``).
    dask_processes
        With ``dask="local"``: processes (the default) or threads in this process.
    function
        The chunk function (see :func:`chunk_function`; tests substitute a synthetic one).
    """
    if not chunks:
        return
    with open_backend(workers, dask, dask_processes, function) as backend:
        yield from backend.map(chunks, settings)


def open_backend(
    workers: int = 2,
    dask: str | None = None,
    dask_processes: bool = True,
    function: Executor = execute_chunk,
) -> Backend:
    """A backend to run several batches of chunks on the same workers (a context manager)."""
    if dask is not None:
        return DaskBackend(workers, dask, dask_processes, function)
    if workers <= 0:
        return Backend(function)
    return LocalBackend(workers, function)


class Backend:
    """Runs chunks in this process, one after another."""

    def __init__(self, function: Executor = execute_chunk) -> None:
        self.function = function

    def __enter__(self) -> Backend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the workers."""

    def map(
        self, chunks: Sequence[Sequence[RunTask]], settings: RunSettings
    ) -> Iterator[tuple[int, ChunkResult]]:
        """Run chunks; yield ``(chunk_index, result)`` as they finish."""
        for index, chunk in enumerate(chunks):
            yield index, self.function(chunk, settings)


class LocalBackend(Backend):
    """A pool of ``spawn``-ed worker processes, kept across batches; restarted if one dies."""

    def __init__(self, workers: int, function: Executor = execute_chunk) -> None:
        super().__init__(function)
        self.workers = workers
        self.pool: ProcessPoolExecutor | None = None

    def _pool(self) -> ProcessPoolExecutor:
        if self.pool is None:
            context = multiprocessing.get_context("spawn")
            self.pool = ProcessPoolExecutor(self.workers, mp_context=context, initializer=warm_up)
        return self.pool

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

    def map(self, chunks, settings):
        # A worker that dies breaks the whole pool: every chunk in flight fails with it, and
        # the pool cannot say whose run killed it. So at most one chunk per worker is in
        # flight, and after a death the chunks that were in flight are run again one at a
        # time: a death then is the chunk's own, and only that chunk's retries are counted.
        attempts = dict.fromkeys(range(len(chunks)), 0)
        waiting = list(range(len(chunks)))  # not run yet, in order
        suspects: list[int] = []  # in flight when a worker died
        while waiting or suspects:
            pool = self._pool()
            alone = bool(suspects)
            queue, limit = ([suspects.pop(0)], 1) if alone else (waiting, self.workers)
            futures: dict[Future, int] = {}
            broken = False
            while not broken:
                while queue and len(futures) < limit:
                    index = queue.pop(0)
                    try:
                        futures[pool.submit(self.function, chunks[index], settings)] = index
                    except BrokenProcessPool:
                        suspects.append(index)
                        broken = True
                        break
                if not futures:
                    break
                done, _ = wait(futures, return_when=FIRST_COMPLETED)
                for future in done:
                    index = futures.pop(future)
                    try:
                        result = future.result()
                    except BrokenProcessPool:
                        broken = True
                        attempts[index] += 1
                        if limit > 1 or attempts[index] <= CHUNK_RETRIES:
                            suspects.append(index)
                            continue
                        self._restart()
                        result = self._isolate(chunks[index], settings, attempts[index])
                    except Exception as exc:  # noqa: BLE001 - e.g. results not picklable
                        result = failed_chunk(chunks[index], f"{type(exc).__name__}: {exc}")
                    yield index, result
            if broken:  # start a new pool; what was in flight is run again
                suspects.extend(futures.values())
                self._restart()

    def _restart(self) -> None:
        """Drop a (broken) pool; the next submission starts a fresh one."""
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = None

    def _isolate(self, tasks: Sequence[RunTask], settings: RunSettings, deaths: int) -> ChunkResult:
        """Run a chunk that keeps killing its worker one run at a time, so that only the run
        that kills it is recorded failed and its chunk-mates are kept."""
        if len(tasks) == 1:
            return failed_chunk(
                tasks,
                f"worker process died {deaths} times running this run "
                "(killed, out of memory or crashed)",
            )
        rows, series = [], []
        for task in tasks:
            try:
                result = self._pool().submit(self.function, [task], settings).result()
            except BrokenProcessPool:
                self._restart()
                result = failed_chunk(
                    [task],
                    f"worker process died {deaths} times running its chunk and again running "
                    "this run alone (killed, out of memory or crashed)",
                )
            rows += result.rows
            if result.series is not None:
                series.append(result.series)
        return ChunkResult(rows, pd.concat(series, ignore_index=True) if series else None)


class DaskBackend(Backend):
    """A ``dask.distributed`` client: a new ``LocalCluster`` or an existing scheduler."""

    def __init__(
        self, workers: int, address: str, processes: bool = True, function=execute_chunk
    ) -> None:
        super().__init__(function)
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError:
            raise ValueError(
                "--dask needs the optional Dask extra: pip install 'crew-cohesion[dask]'"
            ) from None
        self.cluster = None
        if address == "local":
            self.cluster = LocalCluster(
                n_workers=max(workers, 1),
                threads_per_worker=1,
                processes=processes,
                dashboard_address=None,
            )
            self.client = Client(self.cluster)
        else:
            try:
                self.client = Client(address, timeout="10s")
            except OSError as exc:
                raise ValueError(f"--dask={address}: cannot reach the scheduler ({exc})") from None
        self.client.run(warm_up)  # once per worker, before any chunk

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()

    def map(self, chunks, settings):
        from dask.distributed import as_completed

        futures = {
            self.client.submit(
                self.function, chunk, settings, pure=False, retries=CHUNK_RETRIES
            ): index
            for index, chunk in enumerate(chunks)
        }
        for future in as_completed(futures):
            index = futures[future]
            try:
                result = future.result()
            except Exception as exc:  # noqa: BLE001 - a lost chunk is recorded failed
                result = failed_chunk(chunks[index], f"{type(exc).__name__}: {exc}")
            yield index, result


__all__ = [
    "SIGNAL_COLUMNS",
    "Backend",
    "DaskBackend",
    "LocalBackend",
    "open_backend",
    "ChunkResult",
    "RunSettings",
    "RunTask",
    "RunFunction",
    "chunk_function",
    "chunked",
    "execute",
    "execute_chunk",
    "execute_run",
    "plan_runs",
    "run_seeds",
]
