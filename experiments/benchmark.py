"""The performance benchmark: every figure of issue #3, side by side, in one table.

    python experiments/benchmark.py [--quick] [--json PATH] [--no-pin]
    ./run bench [--quick]

Measures (each in a fresh subprocess, so memory, caches and numba's cache load of one
measure do not leak into another):

1. a default year: 3,000 crew, all mechanisms on, per-step metrics collected, 365 daily steps
   after construction (median of 5 seeds);
2. construction of 3,000 crew, warm (median of 5) and the first one in a fresh process, which
   also loads numba's compiled kernels from the on-disk cache (reported, not the goal);
3. the social-influence step against the per-agent Mesa reference of the same rule
   (``tests/reference_influence.py``): the same ship network after a breach and a month of
   deaths and births, the same beliefs; both are stepped alternately (the fast step timed 25
   times on each day's input), the ratio is the median of the per-step ratios, and every
   step's results are compared (largest absolute difference);
4. cost per agent-step at 3,000, 30,000 and 300,000 crew (construction excluded) and the
   ratios to 3,000 (linear scaling: within 2x). Every step is timed; the figure is the median
   step divided by the crew (robust to bursts from other processes on a shared machine), the
   min–max column gives the whole runs' means, which include the monthly registry update;
5. peak memory (``ru_maxrss``) of a fresh process running a year of 300,000 crew, and the
   cost of the Mesa agent objects at that size (time and memory per agent);
6. a voyage: 3,000 crew for 200 years (``--quick``: 5 years) with a series row every 30
   days (``series_every``), against the goal of issue #12 (200 years in 3 s), beside the
   default year's time per day from measure 1;
7. the same voyages through the engine alone and through a sweep with one worker process
   (``python -m model sweep``'s path: the worker's start-up, sending the runs, their outcomes
   and writing the results included), against issue #12's goal that a sweep keep 80% of the
   engine's throughput per worker (full: 4 voyages of 20 years; ``--quick``: 2 of 2 years,
   too short to amortise the worker's start-up, so reported without a verdict).

Bytecode: when the environment sets ``PYTHONDONTWRITEBYTECODE`` (this project's sandbox
does), every fresh process compiles numba, Mesa and pandas from source: several seconds of
import and about 0.3 s more on the first construction. The workers therefore run with
bytecode caching on, into ``$TMPDIR/crew-cohesion-bench-pycache`` (``PYTHONPYCACHEPREFIX``;
nothing is written into the repository or the environment), as an ordinary installation
would; ``--no-bytecode-cache`` keeps the environment as it is.

Every subprocess is pinned to one core (``os.sched_setaffinity``) with
``NUMBA_NUM_THREADS``, ``OMP_NUM_THREADS``, ``OPENBLAS_NUM_THREADS`` and ``MKL_NUM_THREADS``
set to 1; ``--no-pin`` skips the affinity. Times are wall-clock (``time.perf_counter``); the
table header gives the machine and its load average, since a shared machine inflates them.
``--quick`` runs a short version (fewer repeats and days, 30,000 crew in place of 300,000,
and every measure but the memory one in a single process).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
#: Where workers cache compiled bytecode (under the temporary directory, not in the repo).
BYTECODE_CACHE = "crew-cohesion-bench-pycache"
THREAD_VARIABLES = (
    "NUMBA_NUM_THREADS",
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
)

#: The issue's goals.
YEAR_GOAL_S = 0.15
CONSTRUCTION_GOAL_S = 0.3
ORACLE_GOAL_RATIO = 50.0
ORACLE_TOLERANCE = 1e-12
#: Timings of the fast step per reference step (side by side, same input).
FAST_REPEATS = 25
SCALING_GOAL_RATIO = 2.0
#: Issue #12: a 200-year voyage of 3,000 crew on one core.
VOYAGE_GOAL_S = 3.0
VOYAGE_YEARS = 200
#: Issue #12: a sweep keeps this share of the engine's throughput per worker.
SWEEP_GOAL_SHARE = 0.8
MEMORY_GOAL_MB = 2048.0

#: Settings of the full and the quick benchmark.
SETTINGS: dict[str, dict[str, Any]] = {
    "full": {
        "year_repeats": 5,
        "construct_repeats": 5,
        "oracle_steps": 7,
        "scaling": [(3_000, 60, 5), (30_000, 60, 3), (300_000, 60, 1)],  # crew, days, repeats
        "memory": (300_000, 365),
        "voyage": (200, 30),  # years, series_every
        "sweep": (4, 20),  # voyages, years
    },
    "quick": {
        "year_repeats": 2,
        "construct_repeats": 2,
        "oracle_steps": 3,
        "scaling": [(3_000, 20, 2), (30_000, 10, 1)],
        "memory": (30_000, 30),
        "voyage": (5, 30),
        "sweep": (2, 2),
    },
}


# --- workers (run in a fresh, pinned subprocess each) ------------------------------------
def _pin(pin: bool) -> str:
    """Pin this process to one core; returns a description."""
    if pin and hasattr(os, "sched_setaffinity"):
        core = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {core})
        return f"core {core}"
    return "not pinned"


def _max_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # kB on Linux


def _current_rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _import_model() -> float:
    """Import the model from this checkout; returns the import time in seconds."""
    sys.path.insert(0, str(ROOT))
    started = time.perf_counter()
    import model  # noqa: F401

    return time.perf_counter() - started


def _warm_up() -> None:
    """Load numba's cached kernels and Python's lazy imports with a tiny run."""
    from model import CrewModel

    CrewModel(rng=0, n_crew=300).run(2)


def work_construct(repeats: int) -> dict[str, Any]:
    """Construction of 3,000 crew: the first in this process, then warm ones."""
    import_s = _import_model()
    from model import CrewModel

    started = time.perf_counter()
    CrewModel(rng=1)
    first = time.perf_counter() - started
    warm = []
    for seed in range(2, 2 + repeats):
        started = time.perf_counter()
        CrewModel(rng=seed)
        warm.append(time.perf_counter() - started)
    return {"import_s": import_s, "first_s": first, "warm_s": warm}


def work_year(repeats: int) -> dict[str, Any]:
    """A default year of 3,000 crew after construction, one seed per repeat."""
    _import_model()
    from model import CrewModel

    _warm_up()
    wall, cpu = [], []
    for seed in range(1, 1 + repeats):
        model = CrewModel(rng=seed)
        started, started_cpu = time.perf_counter(), time.process_time()
        model.run(365)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return {"wall_s": wall, "cpu_s": cpu, "rows": len(model.series())}


def work_voyage(years: int, every: int) -> dict[str, Any]:
    """A voyage of 3,000 crew for ``years`` years (or to its end), a series row every
    ``every`` days."""
    _import_model()
    from model import CrewModel

    _warm_up()
    model = CrewModel(rng=1, series_every=every)
    started, started_cpu = time.perf_counter(), time.process_time()
    model.run(int(years * 365))
    return {
        "wall_s": time.perf_counter() - started,
        "cpu_s": time.process_time() - started_cpu,
        "days": model.day,
        "alive": int(model.state.alive.sum()),
        "ended": model.ended,
    }


def work_sweep(voyages: int, years: float) -> dict[str, Any]:
    """``voyages`` voyages of 3,000 crew (the stationary start, ``years`` years each) run by
    the engine alone, then the same runs (same seeds) through a sweep with one worker
    process."""
    _import_model()
    from model import CrewModel
    from model.sweeps.runner import run_seeds
    from model.sweeps.spec import parse_experiment
    from model.sweeps.sweep import run_sweep

    _warm_up()
    days = int(years * 365)
    experiment = parse_experiment(
        f'name = "bench_sweep"\nhorizon_days = {days}\nreplicates = {voyages}\n'
        'root_seed = 7\n[fixed]\nstart_ages = "stationary"\n[outputs]\nseries = false\n'
    )
    started = time.perf_counter()
    for seed in run_seeds(7, voyages):
        CrewModel(rng=seed, start_ages="stationary").run(days)
    engine = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        report = run_sweep(experiment, Path(folder) / "results", workers=1)
        sweep = time.perf_counter() - started
    if not report.complete:
        raise RuntimeError(f"the benchmark sweep did not finish: {report}")
    return {"engine_s": engine, "sweep_s": sweep, "voyages": voyages, "days": days}


def _load_reference():
    path = ROOT / "tests" / "reference_influence.py"
    spec = importlib.util.spec_from_file_location("reference_influence", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def work_oracle(steps: int) -> dict[str, Any]:
    """The influence step: per-agent Mesa reference vs the model's kernel, side by side."""
    _import_model()
    import numpy as np

    from model import CrewModel
    from model.influence import BoundedConfidence

    _warm_up()
    ship = CrewModel(rng=1)
    ship.breach(deaths=3)
    ship.run(31)  # deaths (zeroed ties) and a registry update with newborns (empty rows)
    W, state = ship.network.adjacency, ship.state
    rule = ship.influence
    belief, anchor, frozen = state.belief.copy(), state.anchor.copy(), ship.frozen.copy()
    reference = _load_reference().ReferenceInfluenceModel(
        W, belief, anchor, frozen, rule.mu, rule.lam, rule.epsilon
    )
    fast = BoundedConfidence(rule.mu, rule.lam, rule.epsilon)
    fast.frozen = frozen
    x = belief.copy()
    ref_s, fast_s, ratios, worst = [], [], [], 0.0
    for _ in range(steps):
        started = time.perf_counter()
        reference.step()
        ref_s.append(time.perf_counter() - started)
        # the fast step is short: time it FAST_REPEATS times on today's input, take the median
        repeats = []
        for _ in range(FAST_REPEATS):
            today = x.copy()
            started = time.perf_counter()
            fast.step(W, today, anchor)
            repeats.append(time.perf_counter() - started)
        fast_s.append(statistics.median(repeats))
        ratios.append(ref_s[-1] / fast_s[-1])
        x = fast.step(W, x, anchor)
        worst = max(worst, float(np.abs(reference.beliefs() - x).max()))
    return {
        "crew": int(state.alive.sum()),
        "slots": len(x),
        "ties": int(W.nnz),
        "reference_s": ref_s,
        "fast_s": fast_s,
        "ratios": ratios,
        "max_abs_difference": worst,
    }


def work_scaling(crew: int, days: int, repeats: int) -> dict[str, Any]:
    """Cost per agent-step: each of ``days`` steps after construction timed on its own."""
    _import_model()
    from model import CrewModel

    _warm_up()
    construct, run, steps = [], [], []
    for seed in range(1, 1 + repeats):
        started = time.perf_counter()
        model = CrewModel(rng=seed, n_crew=crew)
        construct.append(time.perf_counter() - started)
        began = time.perf_counter()
        for _ in range(days):
            started = time.perf_counter()
            model.step()
            steps.append(time.perf_counter() - started)
        run.append(time.perf_counter() - began)
    return {"crew": crew, "days": days, "construct_s": construct, "run_s": run, "step_s": steps}


def work_memory(crew: int, days: int) -> dict[str, Any]:
    """Peak memory of a run of ``crew`` over ``days``, and the Mesa agents' cost."""
    _import_model()
    from model import CrewModel
    from model.crew import CrewMember

    _warm_up()
    baseline = _max_rss_mb()
    started = time.perf_counter()
    model = CrewModel(rng=1, n_crew=crew)
    construct = time.perf_counter() - started
    after_construct = _max_rss_mb()
    started = time.perf_counter()
    model.run(days)
    run = time.perf_counter() - started
    peak = _max_rss_mb()
    # the agents' own cost: the same number again, measured alone, then discarded
    before = _current_rss_mb()
    started = time.perf_counter()
    extra = CrewMember.create_agents(model, crew, slot=0)
    agents_s = time.perf_counter() - started
    agents_mb = _current_rss_mb() - before
    extra.do("remove")
    return {
        "crew": crew,
        "days": days,
        "baseline_mb": baseline,
        "after_construct_mb": after_construct,
        "peak_mb": peak,
        "construct_s": construct,
        "run_s": run,
        "agents_s": agents_s,
        "agents_mb": agents_mb,
    }


def work_batch(*measures: list[Any]) -> dict[str, Any]:
    """Several measures in one process (``--quick``: saves the imports of fresh processes)."""
    return {"batch": [WORKERS[name](*args) for name, *args in measures]}


WORKERS = {
    "batch": work_batch,
    "construct": work_construct,
    "year": work_year,
    "oracle": work_oracle,
    "scaling": work_scaling,
    "memory": work_memory,
    "voyage": work_voyage,
    "sweep": work_sweep,
}


def worker_environment(bytecode_cache: bool) -> dict[str, str]:
    """The workers' environment: one thread everywhere; bytecode cached outside the repo."""
    env = dict(os.environ)
    env.update({var: "1" for var in THREAD_VARIABLES})
    if bytecode_cache:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env.setdefault("PYTHONPYCACHEPREFIX", str(Path(tempfile.gettempdir()) / BYTECODE_CACHE))
    return env


def run_worker(name: str, args: list[Any], pin: bool, env: dict[str, str]) -> dict[str, Any]:
    """Run one measure in a fresh subprocess; returns its JSON result."""
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", name, json.dumps(args)]
    if not pin:
        command.append("--no-pin")
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"benchmark worker {name} failed:\n{done.stderr.strip()}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- the table --------------------------------------------------------------------------
def _median(values: list[float]) -> float:
    return statistics.median(values)


def _span(values: list[float], scale: float = 1.0, fmt: str = "{:.3f}") -> str:
    return f"{fmt.format(min(values) * scale)}–{fmt.format(max(values) * scale)}"


def _verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def measure_all(quick: bool, pin: bool, bytecode_cache: bool = True) -> dict[str, Any]:
    """Run every measure; returns the raw results."""
    s = SETTINGS["quick" if quick else "full"]
    env = worker_environment(bytecode_cache)
    results: dict[str, Any] = {"load_before": os.getloadavg()}
    measures: list[list[Any]] = [
        ["construct", s["construct_repeats"]],
        ["year", s["year_repeats"]],
        ["oracle", s["oracle_steps"]],
        *(["scaling", *args] for args in s["scaling"]),
    ]
    if quick:  # one process for all but the memory measure
        done = run_worker("batch", measures, pin, env)["batch"]
    else:
        done = [run_worker(name, args, pin, env) for name, *args in measures]
    results["construct"], results["year"], results["oracle"], *results["scaling"] = done
    results["memory"] = run_worker("memory", list(s["memory"]), pin, env)
    results["voyage"] = run_worker("voyage", list(s["voyage"]), pin, env)
    results["sweep"] = run_worker("sweep", list(s["sweep"]), pin, env)
    results["quick"] = quick
    results["load_after"] = os.getloadavg()
    return results


def table(results: dict[str, Any]) -> tuple[list[list[str]], bool]:
    """Rows of the table (measure, goal, median, min–max, ratio, verdict) and whether every
    goal was met."""
    rows: list[list[str]] = []
    ok_all = True

    year = results["year"]["wall_s"]
    ok = _median(year) <= YEAR_GOAL_S
    ok_all &= ok
    rows.append(
        [
            f"default year, 3,000 crew, 365 steps (n={len(year)})",
            f"≤ {YEAR_GOAL_S} s",
            f"{_median(year):.3f} s",
            _span(year),
            f"{_median(year) * 1e3 / 365:.3f} ms/step",
            _verdict(ok),
        ]
    )
    c = results["construct"]
    ok = _median(c["warm_s"]) <= CONSTRUCTION_GOAL_S
    ok_all &= ok
    rows.append(
        [
            f"construction, 3,000 crew, warm (n={len(c['warm_s'])})",
            f"≤ {CONSTRUCTION_GOAL_S} s",
            f"{_median(c['warm_s']):.3f} s",
            _span(c["warm_s"]),
            "",
            _verdict(ok),
        ]
    )
    rows.append(
        [
            "construction, 3,000 crew, first in a process (+ numba cache load)",
            "reported",
            f"{c['first_s']:.3f} s",
            "",
            f"import model {c['import_s']:.2f} s",
            "",
        ]
    )
    o = results["oracle"]
    ref, fast, ratio = _median(o["reference_s"]), _median(o["fast_s"]), _median(o["ratios"])
    ok = ratio >= ORACLE_GOAL_RATIO and o["max_abs_difference"] <= ORACLE_TOLERANCE
    ok_all &= ok
    rows.append(
        [
            f"influence step, per-agent Mesa reference ({o['crew']:,} crew, {o['ties']:,} "
            f"tie entries; {len(o['reference_s'])} steps)",
            "",
            f"{ref * 1e3:.3f} ms",
            _span(o["reference_s"], 1e3),
            "1x",
            "",
        ]
    )
    rows.append(
        [
            f"influence step, numba kernel (same steps, median of {FAST_REPEATS} timings each)",
            f"≥ {ORACLE_GOAL_RATIO:.0f}x, max abs diff ≤ 1e-12",
            f"{fast * 1e3:.4f} ms",
            _span(o["fast_s"], 1e3, "{:.4f}"),
            f"{ratio:.0f}x (min {min(o['ratios']):.0f}x); max abs diff "
            f"{o['max_abs_difference']:.1e}",
            _verdict(ok),
        ]
    )
    base = None
    for sc in results["scaling"]:
        # the median step (robust to other processes' bursts on a shared machine); the mean
        # over whole runs, which includes the monthly registry update, is the detail
        per = _median(sc["step_s"]) / sc["crew"] * 1e9
        means = [t / (sc["days"] * sc["crew"]) * 1e9 for t in sc["run_s"]]
        if base is None:
            base = per
            goal, ratio_text, verdict = "", "1x", ""
        else:
            ok = per / base <= SCALING_GOAL_RATIO
            ok_all &= ok
            goal, ratio_text, verdict = (
                f"≤ {SCALING_GOAL_RATIO:.0f}x",
                f"{per / base:.2f}x",
                _verdict(ok),
            )
        rows.append(
            [
                f"per agent-step, {sc['crew']:,} crew, median of {len(sc['step_s'])} steps "
                f"(mean of runs {_median(means):.0f} ns); construction "
                f"{_median(sc['construct_s']):.2f} s",
                goal,
                f"{per:.0f} ns",
                _span(means, 1.0, "{:.0f}"),
                ratio_text,
                verdict,
            ]
        )
    m = results["memory"]
    ok = m["peak_mb"] <= MEMORY_GOAL_MB
    ok_all &= ok
    rows.append(
        [
            f"peak memory, {m['crew']:,} crew, {m['days']} steps (fresh process; "
            f"construction {m['construct_s']:.1f} s, run {m['run_s']:.1f} s)",
            f"≤ {MEMORY_GOAL_MB / 1024:.0f} GB",
            f"{m['peak_mb']:.0f} MB",
            "",
            f"{m['baseline_mb']:.0f} MB after import, {m['after_construct_mb']:.0f} MB built",
            _verdict(ok),
        ]
    )
    rows.append(
        [
            f"Mesa agent objects, {m['crew']:,} CrewMembers",
            "reported",
            f"{m['agents_s']:.2f} s",
            "",
            f"{m['agents_s'] / m['crew'] * 1e6:.1f} µs, "
            f"{m['agents_mb'] * 2**20 / m['crew']:.0f} B per agent",
            "",
        ]
    )
    v = results.get("voyage")
    if v is not None:
        per_day = v["wall_s"] / max(v["days"], 1)
        projected = per_day * VOYAGE_YEARS * 365
        ok = projected <= VOYAGE_GOAL_S
        ok_all &= ok
        year_per_day = _median(year) / 365
        rows.append(
            [
                f"voyage, 3,000 crew, {v['days'] / 365:.0f} years, series every 30 days "
                f"({v['alive']:,} alive at the end{', ' + v['ended'] if v['ended'] else ''})",
                f"{VOYAGE_YEARS} years ≤ {VOYAGE_GOAL_S:.0f} s",
                f"{v['wall_s']:.1f} s",
                "",
                f"{per_day * 1e3:.3f} ms/day (the default year: {year_per_day * 1e3:.3f} "
                f"ms/day); {VOYAGE_YEARS} years: {projected:.0f} s",
                _verdict(ok),
            ]
        )
    w = results.get("sweep")
    if w is not None:
        share = w["engine_s"] / w["sweep_s"]
        verdict = (
            "reported (quick)" if results.get("quick") else _verdict(share >= SWEEP_GOAL_SHARE)
        )
        if not results.get("quick"):
            ok_all &= share >= SWEEP_GOAL_SHARE
        rows.append(
            [
                f"sweep throughput: {w['voyages']} voyages of {w['days'] / 365:.0f} years, "
                "engine alone vs a sweep with one worker (start-up, transfer, writing)",
                f"≥ {SWEEP_GOAL_SHARE:.0%} of the engine's",
                f"{w['sweep_s']:.1f} s",
                "",
                f"engine {w['engine_s']:.1f} s: the sweep keeps {share:.0%} of its throughput",
                verdict,
            ]
        )
    return rows, ok_all


def header(quick: bool, pin: bool, bytecode_cache: bool) -> str:
    """Date, machine, versions and how the processes were run."""
    import mesa
    import numba
    import numpy

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if "model name" in line)
    except (OSError, StopIteration):
        pass
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError):
        memory = float("nan")
    return (
        f"crew cohesion benchmark{' (--quick)' if quick else ''}, "
        f"{dt.datetime.now().strftime('%Y-%m-%d %H:%M')}\n"
        f"machine: {os.cpu_count()} cores ({cpu}), {memory:.0f} GB RAM, {platform.system()}; "
        f"Python {platform.python_version()}, numpy {numpy.__version__}, "
        f"numba {numba.__version__}, mesa {mesa.__version__}\n"
        f"each measure in a fresh process, {'pinned to one core' if pin else 'not pinned'}, "
        f"{'/'.join(THREAD_VARIABLES)}=1, "
        f"{'bytecode cached in ' + BYTECODE_CACHE if bytecode_cache else 'environment as is'}; "
        "wall-clock times"
    )


def render(rows: list[list[str]]) -> str:
    """A Markdown table."""
    head = ["measure", "goal", "median", "min–max", "ratio / detail", "verdict"]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short version (seconds)")
    parser.add_argument("--json", type=Path, help="also write the raw measurements here")
    parser.add_argument("--no-pin", action="store_true", help="do not pin to one core")
    parser.add_argument(
        "--no-bytecode-cache",
        action="store_true",
        help="run the workers with the environment as it is (see the module doc)",
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("worker_args", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    pin = not args.no_pin
    if args.worker:
        where = _pin(pin)
        result = WORKERS[args.worker](*json.loads(args.worker_args or "[]"))
        result["pinned"] = where
        print(json.dumps(result))
        return 0
    started = time.perf_counter()
    results = measure_all(args.quick, pin, not args.no_bytecode_cache)
    rows, ok = table(results)
    print(header(args.quick, pin, not args.no_bytecode_cache))
    print(
        f"load average {results['load_before'][0]:.2f} before, "
        f"{results['load_after'][0]:.2f} after; took {time.perf_counter() - started:.0f} s\n"
    )
    print(render(rows))
    print(f"\nall goals met: {'yes' if ok else 'no'}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
