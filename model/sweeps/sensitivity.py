"""Global sensitivity analysis of an experiment's varied parameters with SALib.

* Morris elementary effects (Morris 1991; mu* of Campolongo et al. 2007): a cheap screening,
  ``trajectories x (parameters + 1)`` points.
* Sobol indices (Saltelli 2002/2010): first-order S1 and total ST shares of the outcome's
  variance, ``samples x (parameters + 2)`` points (``samples`` a power of two).

The points are run like a sweep (same part files, resumable, same backends); each point's
outcome is the mean over the experiment's replicates, which averages out part of the
model's own randomness. Every point uses the same seeds (replicate r has seed r of
``SeedSequence(root_seed)``): common random numbers, so an elementary effect or a Sobol
difference measures the parameters, not a change of seed. A parameter varied by a list of
values is sampled as a category index (equal shares of [0, 1)).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from model.sweeps.runner import RunTask, run_seeds
from model.sweeps.spec import Experiment, SpecError

DEFAULTS = {"method": "morris", "outcome": "min_cohesion", "trajectories": 10, "num_levels": 4}
DEFAULT_SOBOL_SAMPLES = 64


@dataclass
class SensitivityReport:
    """The indices, where they were written and the runs behind them."""

    method: str
    outcome: str
    indices: pd.DataFrame
    figure: Path
    table: Path
    n_runs: int

    def table_text(self) -> str:
        """The indices as a printable table."""
        title = f"{self.method} sensitivity of {self.outcome} ({self.n_runs} runs)"
        return title + "\n" + self.indices.to_string(index=False, float_format="%.4f")


def problem_of(experiment: Experiment) -> dict[str, Any]:
    """SALib's problem: names and unit bounds of the varied parameters."""
    if not experiment.vary:
        raise SpecError(f"{experiment.name}: [vary] is empty; nothing to analyse")
    return {
        "num_vars": len(experiment.vary),
        "names": experiment.varied_names,
        "bounds": [[0.0, 1.0]] * len(experiment.vary),
    }


def design(experiment: Experiment, method: str) -> np.ndarray:
    """The sample of the unit hypercube (rows = points) for the method."""
    from SALib.sample import morris as morris_sample
    from SALib.sample import sobol as sobol_sample

    settings = {**DEFAULTS, **experiment.sensitivity}
    problem = problem_of(experiment)
    if method == "morris":
        return morris_sample.sample(
            problem,
            N=int(settings["trajectories"]),
            num_levels=int(settings["num_levels"]),
            seed=experiment.root_seed,
        )
    samples = int(settings.get("samples", DEFAULT_SOBOL_SAMPLES))
    if samples & (samples - 1):
        raise SpecError(
            f"{experiment.name}: sensitivity.samples: expected a power of two for Sobol, "
            f"got {samples}"
        )
    return sobol_sample.sample(
        problem, N=samples, calc_second_order=False, seed=experiment.root_seed
    )


def common_seed_runs(
    points: list[dict[str, Any]], replicates: int, root_seed: int
) -> list[RunTask]:
    """Runs of every point with the same ``replicates`` seeds (common random numbers)."""
    seeds = run_seeds(root_seed, replicates)
    return [
        RunTask(p * replicates + r, p, r, dict(params), seeds[r], r)
        for p, params in enumerate(points)
        for r in range(replicates)
    ]


def run_sensitivity(
    experiment: Experiment,
    out: str | Path,
    method: str | None = None,
    outcome: str | None = None,
    workers: int = 2,
    dask: str | None = None,
    progress: bool = False,
) -> SensitivityReport:
    """Sample, run (resumable, in ``out``), analyse; write ``sensitivity.csv`` and a chart."""
    from SALib.analyze import morris as morris_analyze
    from SALib.analyze import sobol as sobol_analyze

    from model.sweeps.sweep import run_sweep

    settings = {**DEFAULTS, **experiment.sensitivity}
    method = method or settings["method"]
    outcome = outcome or settings["outcome"]
    if method not in ("morris", "sobol"):
        raise SpecError(f"method={method!r} is invalid: expected morris or sobol")
    X = design(experiment, method)
    points = [
        {
            **experiment.fixed,
            **{
                v.name: v.from_unit(min(float(u), 1 - 1e-12))
                for v, u in zip(experiment.vary, row, strict=True)
            },
        }
        for row in X
    ]
    tasks = common_seed_runs(points, experiment.replicates, experiment.root_seed)
    design_experiment = dataclasses.replace(experiment, series=False)
    report = run_sweep(
        design_experiment,
        out,
        workers=workers,
        dask=dask,
        progress=progress,
        tasks=tasks,
        extra_manifest={"sensitivity": {"method": method, "points": len(points)}},
    )
    runs = pd.read_parquet(Path(out) / "runs.parquet") if report.complete else None
    if runs is None:
        raise ValueError(f"{out}: some runs could not be run; run the command again to resume")
    if outcome not in runs.columns or not pd.api.types.is_numeric_dtype(
        runs[outcome].astype(float, errors="ignore")
    ):
        raise SpecError(f"outcome={outcome!r} is invalid: expected a numeric runs column")
    values = runs.groupby("point")[outcome].apply(lambda s: s.astype(float).mean())
    Y = values.reindex(range(len(points))).to_numpy(dtype=float)
    if not np.all(np.isfinite(Y)):
        bad = int((~np.isfinite(Y)).sum())
        raise ValueError(f"{bad} points have no {outcome} (failed runs); see {out}/runs.parquet")
    problem = problem_of(experiment)
    if method == "morris":
        result = morris_analyze.analyze(
            problem, X, Y, num_levels=int(settings["num_levels"]), seed=experiment.root_seed
        )
        indices = pd.DataFrame(
            {
                "parameter": problem["names"],
                "mu_star": result["mu_star"],
                "mu_star_conf": result["mu_star_conf"],
                "sigma": result["sigma"],
            }
        ).sort_values("mu_star", ascending=False)
    else:
        result = sobol_analyze.analyze(
            problem, Y, calc_second_order=False, seed=experiment.root_seed
        )
        indices = pd.DataFrame(
            {
                "parameter": problem["names"],
                "S1": result["S1"],
                "S1_conf": result["S1_conf"],
                "ST": result["ST"],
                "ST_conf": result["ST_conf"],
            }
        ).sort_values("ST", ascending=False)
    out = Path(out)
    table = out / "sensitivity.csv"
    indices.to_csv(table, index=False)
    figure = out / "sensitivity.png"
    sensitivity_figure(indices, method, outcome).savefig(figure, dpi=100)
    return SensitivityReport(method, outcome, indices, figure, table, len(runs))


def sensitivity_figure(indices: pd.DataFrame, method: str, outcome: str) -> Figure:
    """Bar chart of the indices with their 95% confidence half-widths."""
    fig = Figure(figsize=(7, 1.2 + 0.45 * len(indices)))
    ax = fig.add_subplot()
    y = np.arange(len(indices))[::-1]
    if method == "morris":
        ax.barh(y, indices["mu_star"], xerr=indices["mu_star_conf"], color="tab:blue")
        ax.set_xlabel(f"Morris mu* (mean |elementary effect|) on {outcome}")
    else:
        ax.barh(y + 0.2, indices["ST"], 0.4, xerr=indices["ST_conf"], label="total ST")
        ax.barh(y - 0.2, indices["S1"], 0.4, xerr=indices["S1_conf"], label="first-order S1")
        ax.set_xlabel(f"Sobol index of {outcome}")
        ax.legend(fontsize=8, frameon=False)
    ax.set_yticks(y, indices["parameter"])
    ax.set_title(f"{method} sensitivity of {outcome}")
    fig.tight_layout()
    return fig
