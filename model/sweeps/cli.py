"""Sub-commands ``sweep``, ``threshold``, ``plot`` and ``sensitivity`` of ``python -m model``."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from model.cli import UsageError, writable_folder


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the sweep, threshold, plot and sensitivity commands."""
    _register_sweep(subparsers)
    _register_threshold(subparsers)
    _register_plot(subparsers)
    _register_sensitivity(subparsers)


def _workers_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        metavar="N",
        help="worker processes (0: run in this process) [default: one per core]",
    )
    parser.add_argument(
        "--dask",
        default=None,
        metavar="ADDRESS",
        help="run on a Dask cluster: a scheduler address (tcp://host:8786), or 'local' for a "
        "new LocalCluster of --workers processes (needs the 'dask' extra)",
    )


def _progress_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show a progress bar [default: when stderr is a terminal]",
    )


def _show_progress(args: argparse.Namespace) -> bool:
    return sys.stderr.isatty() if args.progress is None else args.progress


# --- sweep -----------------------------------------------------------------------------------
def _register_sweep(subparsers: argparse._SubParsersAction) -> None:
    sweep = subparsers.add_parser(
        "sweep",
        help="run a declared experiment (a TOML file in experiments/)",
        description="Run every run of an experiment file, on local processes or a Dask "
        "cluster. Results go to --out as they finish; running the same command again "
        "resumes, skipping finished runs.",
    )
    sweep.add_argument("experiment", type=Path, help="experiment file (TOML)")
    sweep.add_argument(
        "--out", type=Path, default=None, help="result folder [default: results/NAME]"
    )
    _workers_option(sweep)
    sweep.add_argument(
        "--chunk-size",
        type=int,
        default=None,
        metavar="RUNS",
        help="runs per chunk sent to a worker [default: about 8 chunks per worker]",
    )
    sweep.add_argument(
        "--retry-failed", action="store_true", help="run again the runs recorded as failed"
    )
    _progress_option(sweep)
    sweep.set_defaults(handler=sweep_command)


def sweep_command(args: argparse.Namespace) -> int:
    """Run or resume a sweep."""
    from model.sweeps.spec import load_experiment
    from model.sweeps.sweep import run_sweep

    experiment = load_experiment(args.experiment)
    if args.workers < 0:
        raise UsageError(f"--workers={args.workers} is invalid: expected a whole number >= 0")
    if args.chunk_size is not None and args.chunk_size < 1:
        raise UsageError(f"--chunk-size={args.chunk_size} is invalid: expected >= 1")
    out = args.out if args.out is not None else Path("results") / experiment.name
    report = run_sweep(
        experiment,
        out,
        workers=args.workers,
        dask=args.dask,
        chunk_size=args.chunk_size,
        retry_failed=args.retry_failed,
        progress=_show_progress(args),
    )
    for note in report.notes:
        print(f"note: {note}", file=sys.stderr)
    status = "complete" if report.complete else "incomplete"
    print(
        f"{experiment.name}: {report.total} runs ({report.skipped} already done, "
        f"{report.ran} run now, {report.failed} failed) in {report.seconds:.1f} s; "
        f"{status}; results in {report.folder}"
    )
    if experiment.posterior is not None:
        posterior = experiment.posterior
        drawn = [n for n in posterior.names if n not in experiment.overridden]
        print(
            f"each run drew {', '.join(drawn) or 'nothing'} from the posterior in "
            f"{posterior.folder} ({posterior.size} particles, effective sample size "
            f"{posterior.effective_sample_size:.0f})"
            + (
                f"; set by the sweep instead: {', '.join(experiment.overridden)}"
                if experiment.overridden
                else ""
            )
        )
    return 0 if report.complete else 1


# --- threshold -------------------------------------------------------------------------------
def _register_threshold(subparsers: argparse._SubParsersAction) -> None:
    from model.sweeps.threshold import OUTCOMES

    threshold = subparsers.add_parser(
        "threshold",
        help="find where the probability of an outcome crosses 50%% along one parameter",
        description="Adaptive search (logistic fit with profile-likelihood interval, runs "
        "placed where the crossing is uncertain) for the value of --vary at which the "
        "probability of --outcome is 50%%.",
    )
    threshold.add_argument("--vary", required=True, metavar="PARAM", help="numeric parameter")
    threshold.add_argument("--low", required=True, type=float, help="lower end of the search")
    threshold.add_argument("--high", required=True, type=float, help="upper end of the search")
    threshold.add_argument(
        "--fixed",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a parameter held fixed (repeat the option for more)",
    )
    threshold.add_argument(
        "--outcome", default="collapse", choices=sorted(OUTCOMES), help="[default collapse]"
    )
    threshold.add_argument("--horizon", type=int, default=365, metavar="DAYS")
    threshold.add_argument("--seed", type=int, default=1, help="root seed [default 1]")
    threshold.add_argument(
        "--width",
        type=float,
        default=None,
        help="stop when the 95%% interval is this narrow [default 5%% of the range]",
    )
    threshold.add_argument("--max-runs", type=int, default=400, help="run budget [400]")
    threshold.add_argument("--batch", type=int, default=16, help="runs per round [16]")
    threshold.add_argument(
        "--log", action="store_true", help="search on a log scale (needs --low > 0)"
    )
    threshold.add_argument("--breach-at-start", type=int, default=None, metavar="DEATHS")
    threshold.add_argument(
        "--posterior",
        default=None,
        metavar="DIR",
        help="a `calibrate` output folder: each run draws the calibrated parameters from its "
        "posterior.parquet, so the interval includes parameter uncertainty (--vary and "
        "--fixed win over the posterior)",
    )
    threshold.add_argument(
        "--out", type=Path, default=None, help="write threshold.json, runs.parquet, a figure"
    )
    _workers_option(threshold)
    threshold.set_defaults(handler=threshold_command)


def parse_fixed(items: list[str]) -> dict[str, Any]:
    """``["n_crew=300", "captain_strategy=silent"]`` -> typed values by declaration."""
    from model.parameters import describe

    fixed: dict[str, Any] = {}
    for item in items:
        name, sep, text = item.partition("=")
        name = name.strip().replace("-", "_")
        if not sep or not name:
            raise UsageError(f"--fixed {item!r} is invalid: expected NAME=VALUE")
        kind = describe(name)["type"]
        try:
            if kind is bool:
                if text.lower() not in ("true", "false", "1", "0", "yes", "no"):
                    raise ValueError
                value: Any = text.lower() in ("true", "1", "yes")
            elif kind is str:
                value = text
            else:
                value = kind(float(text)) if kind is int else float(text)
        except ValueError:
            raise UsageError(
                f"--fixed {item!r} is invalid: expected {name}={kind.__name__}"
            ) from None
        fixed[name] = value
    return fixed


def threshold_command(args: argparse.Namespace) -> int:
    """Find the 50% crossing along one parameter."""
    import pandas as pd

    from model.sweeps.runner import open_backend
    from model.sweeps.threshold import ModelOutcome, find_threshold

    if args.horizon < 1:
        raise UsageError(f"--horizon={args.horizon} is invalid: expected a whole number >= 1")
    if args.max_runs < 8 or args.batch < 1:
        raise UsageError("--max-runs must be >= 8 and --batch >= 1")
    if args.width is not None and args.width <= 0:
        raise UsageError(f"--width={args.width} is invalid: expected > 0")
    if args.out is not None:
        writable_folder(args.out)
    fixed = parse_fixed(args.fixed)
    posterior = None
    if args.posterior is not None:
        from model.sweeps.uncertainty import load_posterior

        posterior = load_posterior(args.posterior, "threshold", where="--posterior")
    with open_backend(args.workers, args.dask) as backend:
        evaluate = ModelOutcome(
            args.vary,
            fixed,
            args.horizon,
            args.outcome,
            backend,
            workers=args.workers,
            breach_at_start=args.breach_at_start,
            posterior=posterior,
        )
        evaluate.check(args.low)
        evaluate.check(args.high)
        result = find_threshold(
            evaluate,
            args.low,
            args.high,
            parameter=args.vary,
            target_width=args.width,
            max_runs=args.max_runs,
            batch=args.batch,
            seed=args.seed,
            log=args.log,
            integer=evaluate.integer,
        )
    direction = "rises" if result.increasing else "falls"
    if result.crosses:
        print(
            f"{args.outcome} probability {direction} through 50% at {args.vary} = "
            f"{result.estimate:.4g} (95% CI {result.ci_low:.4g} to {result.ci_high:.4g}), "
            f"from {result.n_runs} runs; {result.message}; {evaluate.uncertainty_note()}"
        )
    else:  # no estimate to give: the fit's theta lies outside the range
        print(f"{args.outcome}: {result.message}; {evaluate.uncertainty_note()}")
    drawn = evaluate.drawn()
    if len(drawn.columns):
        result.runs = pd.concat([result.runs, drawn.reset_index(drop=True)], axis=1)
    if args.out is not None:
        from model.sweeps.plots import threshold_figure

        record = {
            **result.to_dict(),
            "outcome": args.outcome,
            "fixed": fixed,
            "horizon_days": args.horizon,
            "seed": args.seed,
            "interval_includes": ["seed noise"]
            + (["posterior parameter uncertainty"] if posterior is not None else []),
            "uncertainty": None if posterior is None else posterior.manifest(evaluate.overridden),
        }
        (args.out / "threshold.json").write_text(json.dumps(record, indent=2, default=str))
        result.runs.to_parquet(args.out / "runs.parquet", index=False)
        threshold_figure(result, args.outcome).savefig(args.out / "threshold.png", dpi=110)
        print(f"wrote {args.out}/threshold.json, runs.parquet, threshold.png")
    return 0 if result.converged else 1


# --- plot ------------------------------------------------------------------------------------
def _register_plot(subparsers: argparse._SubParsersAction) -> None:
    plot = subparsers.add_parser(
        "plot",
        help="draw a sweep's figures (PNG)",
        description="Phase diagram, collapse-probability curve, support/cohesion over time "
        "and early-warning signals of a sweep result folder.",
    )
    plot.add_argument("results", type=Path, help="a sweep result folder")
    plot.add_argument(
        "--out", type=Path, default=None, help="figure folder [default: RESULTS/figures]"
    )
    plot.add_argument("--x", default=None, help="x parameter [default: first varied]")
    plot.add_argument("--y", default=None, help="y parameter [default: second varied]")
    plot.add_argument("--outcome", default="collapsed", help="boolean outcome column")
    plot.set_defaults(handler=plot_command)


def plot_command(args: argparse.Namespace) -> int:
    """Write a sweep's figures."""
    from model.sweeps.plots import write_figures

    out = args.out if args.out is not None else args.results / "figures"
    writable_folder(out)
    written = write_figures(args.results, out, x=args.x, y=args.y, outcome=args.outcome)
    for path in written:
        print(f"wrote {path}")
    return 0


# --- sensitivity -----------------------------------------------------------------------------
def _register_sensitivity(subparsers: argparse._SubParsersAction) -> None:
    sensitivity = subparsers.add_parser(
        "sensitivity",
        help="Morris screening and Sobol indices of an experiment's varied parameters",
        description="Sample the ranges in the experiment's [vary] table with SALib, run the "
        "model (resumable, like sweep), print the indices and write a bar chart.",
    )
    sensitivity.add_argument("experiment", type=Path, help="experiment file (TOML)")
    sensitivity.add_argument(
        "--out", type=Path, default=None, help="result folder [default: results/NAME-METHOD]"
    )
    sensitivity.add_argument(
        "--method", choices=("morris", "sobol"), default=None, help="[default from the file]"
    )
    sensitivity.add_argument(
        "--outcome", default=None, help="outcome column [default from the file, min_cohesion]"
    )
    _workers_option(sensitivity)
    _progress_option(sensitivity)
    sensitivity.set_defaults(handler=sensitivity_command)


def sensitivity_command(args: argparse.Namespace) -> int:
    """Run a sensitivity analysis."""
    from model.sweeps.sensitivity import run_sensitivity
    from model.sweeps.spec import load_experiment

    experiment = load_experiment(args.experiment)
    method = args.method or experiment.sensitivity.get("method", "morris")
    out = args.out if args.out is not None else Path("results") / f"{experiment.name}-{method}"
    report = run_sensitivity(
        experiment,
        out,
        method=method,
        outcome=args.outcome,
        workers=args.workers,
        dask=args.dask,
        progress=_show_progress(args),
    )
    print(report.table_text())
    print(f"wrote {report.figure} and {report.table}")
    return 0
