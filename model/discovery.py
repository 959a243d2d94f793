"""Scenario discovery: where in a sweep's parameter space does collapse live? (PRIM)

PRIM, the patient rule induction method (Friedman & Fisher 1999), as implemented in the EMA
Workbench (Kwakkel 2017), peels a box off the varied parameters of a sweep so that the share
of runs inside it with the outcome (the box's **density**) is high, while keeping a large
share of all runs with the outcome (its **coverage**)::

    coverage = #(outcome and in box) / #(outcome)
    density  = #(outcome and in box) / #(in box)
    mass     = #(in box) / #(runs)

From each peeling trajectory the box kept is the one of greatest coverage whose density is
at least ``--density`` (the densest one when none reaches it). After a box is found its runs
are removed and PRIM looks for the next, up to ``--boxes`` boxes.

The parameters are the sweep's varied ones and, for a sweep whose runs draw their calibrated
parameters from a posterior (``[uncertainty]``), the drawn ones: PRIM then finds where in the
posterior collapse lives as well as where in the swept space.

``python -m model discover RESULTS --outcome collapse`` prints the boxes as a table, writes
``discovery.csv`` and ``discovery.png`` (the first two restricted parameters with the runs
and the box) to RESULTS/figures or ``--out``.
"""

from __future__ import annotations

import argparse
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

#: Short names of outcomes (``--outcome collapse`` is the runs' ``collapsed`` column).
OUTCOME_ALIASES = {"collapse": "collapsed"}


@dataclass
class Box:
    """One box of parameter space: its limits on restricted parameters and its statistics."""

    number: int
    limits: dict[str, Any]  # name -> (low, high) for numbers, a set of values for categories
    coverage: float
    density: float
    mass: float
    runs: int

    def text(self) -> str:
        """The limits as 'name in [low, high]' clauses."""
        parts = []
        for name, limit in self.limits.items():
            if isinstance(limit, tuple):
                parts.append(f"{limit[0]:.4g} <= {name} <= {limit[1]:.4g}")
            else:
                parts.append(f"{name} in {{{', '.join(sorted(map(str, limit)))}}}")
        return " and ".join(parts) if parts else "(whole space)"


def outcome_column(runs: pd.DataFrame, outcome: str) -> np.ndarray:
    """The boolean outcome of each run; a one-line ValueError for an unknown outcome."""
    column = OUTCOME_ALIASES.get(outcome, outcome)
    usable = [c for c in runs.columns if runs[c].dtype == bool and c != "failed"]
    if column not in usable:
        known = ", ".join(sorted(usable + list(OUTCOME_ALIASES)))
        raise ValueError(f"--outcome {outcome!r} is not a yes/no outcome of the runs: use {known}")
    return runs[column].to_numpy(dtype=bool)


def discover(
    runs: pd.DataFrame,
    varied: list[str],
    outcome: str = "collapse",
    *,
    density: float = 0.8,
    boxes: int = 3,
    peel_alpha: float = 0.05,
    mass_min: float = 0.05,
) -> list[Box]:
    """PRIM boxes of ``varied`` parameters where ``outcome`` is likely.

    Args:
        runs: One row per run (``runs.parquet``), failed runs are dropped.
        varied: The parameters the sweep varied (the inputs PRIM may restrict).
        outcome: A boolean column of ``runs`` (or ``collapse``).
        density: Wanted density of a box; the kept box is the most covering one reaching it.
        boxes: At most this many boxes.
        peel_alpha: Share of runs peeled per step.
        mass_min: Smallest share of runs a box may hold.
    """
    import warnings

    with warnings.catch_warnings():  # "ipyparallel not installed": not used here
        warnings.simplefilter("ignore", UserWarning)
        from ema_workbench.analysis import prim
        from ema_workbench.analysis.scenario_discovery_util import _determine_restricted_dims

    logging.getLogger("EMA").setLevel(logging.WARNING)
    if "failed" in runs:
        runs = runs[~runs["failed"].fillna(False).astype(bool)]
    y = outcome_column(runs, outcome)
    if not varied:
        raise ValueError("the sweep varied no parameter: nothing to discover")
    x = runs[varied].reset_index(drop=True)
    for name in varied:  # PRIM handles float, int and categorical columns
        if x[name].dtype == bool or x[name].dtype == object:
            x[name] = x[name].astype(str)
    found: list[Box] = []
    total = int(y.sum())
    if total == 0:
        return found
    algorithm = prim.Prim(x, y, peel_alpha=peel_alpha, mass_min=mass_min)
    for number in range(1, boxes + 1):
        box = algorithm.find_box()
        if box is None:
            break
        trajectory = box.peeling_trajectory
        dense = trajectory[trajectory["density"] >= density]
        pick = dense["coverage"].idxmax() if len(dense) else trajectory["density"].idxmax()
        box.select(int(pick))
        lims = box.box_lims[int(pick)]
        limits: dict[str, Any] = {}
        for name in _determine_restricted_dims(lims, algorithm.box_init):
            low, high = lims[name].iloc[0], lims[name].iloc[1]
            if isinstance(low, set):
                limits[name] = low
            else:
                limits[name] = (float(low), float(high))
        row = trajectory.loc[pick]
        found.append(
            Box(
                number=number,
                limits=limits,
                coverage=float(row["coverage"]),
                density=float(row["density"]),
                mass=float(row["mass"]),
                runs=int(round(float(row["mass"]) * len(y))),
            )
        )
        if float(row["density"]) <= y.mean() or float(row["coverage"]) >= 0.999:
            break
    return found


def table(found: list[Box]) -> pd.DataFrame:
    """The boxes as a table: number, limits, coverage, density, mass, runs."""
    return pd.DataFrame(
        [
            {
                "box": b.number,
                "limits": b.text(),
                "coverage": round(b.coverage, 3),
                "density": round(b.density, 3),
                "mass": round(b.mass, 3),
                "runs": b.runs,
            }
            for b in found
        ],
        columns=["box", "limits", "coverage", "density", "mass", "runs"],
    )


def figure(runs: pd.DataFrame, varied: list[str], y: np.ndarray, found: list[Box]) -> Figure:
    """Runs over the first two parameters (restricted ones first), the boxes drawn on top."""
    restricted = [n for b in found for n in b.limits]
    names = list(dict.fromkeys(restricted + varied))[:2]
    fig = Figure(figsize=(6.4, 4.6), layout="constrained")
    ax = fig.subplots()
    codes: dict[str, dict[Any, int]] = {}

    def coordinate(name: str) -> np.ndarray:
        values = runs[name]
        if values.dtype.kind in "if":
            return values.to_numpy(float)
        codes[name] = {v: i for i, v in enumerate(sorted(values.astype(str).unique()))}
        return values.astype(str).map(codes[name]).to_numpy(float)

    rng = np.random.default_rng(0)
    xs = coordinate(names[0])
    ys = coordinate(names[1]) if len(names) > 1 else rng.uniform(-0.3, 0.3, len(runs))
    jitter = 0.02 * (np.ptp(xs) or 1.0)
    xs = xs + rng.uniform(-jitter, jitter, len(xs))
    ax.scatter(xs[~y], ys[~y], s=10, color="0.7", label="no outcome")
    ax.scatter(xs[y], ys[y], s=12, color="C3", label="outcome")
    for b in found:
        x0, x1 = _span(b, names[0], xs, codes)
        y0, y1 = _span(b, names[1], ys, codes) if len(names) > 1 else (-0.4, 0.4)
        ax.add_patch(
            Rectangle(
                (x0, y0),
                x1 - x0,
                y1 - y0,
                fill=False,
                lw=2,
                color=f"C{b.number - 1}",
                label=f"box {b.number}: coverage {b.coverage:.2f}, density {b.density:.2f}",
            )
        )
    for axis, name in zip(("x", "y"), names, strict=False):
        if name in codes:
            getattr(ax, f"set_{axis}ticks")(list(codes[name].values()), list(codes[name]))
        getattr(ax, f"set_{axis}label")(name)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax.set_title("PRIM boxes where the outcome is likely")
    return fig


def _span(box: Box, name: str, values: np.ndarray, codes: dict) -> tuple[float, float]:
    """The box's extent along one axis of the figure."""
    limit = box.limits.get(name)
    if limit is None:
        return float(values.min()), float(values.max())
    if isinstance(limit, tuple):
        return limit
    positions = [codes[name][str(v)] for v in limit]
    return min(positions) - 0.4, max(positions) + 0.4


# --- command line ----------------------------------------------------------------------------
def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``discover`` command."""
    command = subparsers.add_parser(
        "discover",
        help="scenario discovery (PRIM) over a sweep's varied parameters",
        description="Find boxes of a sweep's varied parameters where an outcome (collapse) "
        "is likely; print them with coverage and density, write discovery.csv and .png.",
    )
    command.add_argument("results", type=Path, help="a sweep result folder")
    command.add_argument(
        "--outcome", default="collapse", help="yes/no outcome of the runs [default collapse]"
    )
    command.add_argument(
        "--density", type=float, default=0.8, help="wanted density of a box [default 0.8]"
    )
    command.add_argument("--boxes", type=int, default=3, help="at most N boxes [default 3]")
    command.add_argument(
        "--out", type=Path, default=None, help="folder for the table and figure [RESULTS/figures]"
    )
    command.set_defaults(handler=discover_command)


def drawn_parameters(manifest: dict[str, Any]) -> list[str]:
    """The parameters each run drew from a calibration's posterior (``[uncertainty]``), which
    vary from run to run like the swept ones; none for a sweep without a posterior."""
    uncertainty = manifest.get("uncertainty") or {}
    return [n for n in uncertainty.get("drawn", []) if n not in manifest.get("varied", [])]


def discover_command(args: argparse.Namespace) -> int:
    """Run PRIM on a sweep's results and report the boxes."""
    from model.cli import writable_folder
    from model.sweeps.plots import varied_parameters
    from model.sweeps.results import load_results

    if not 0 < args.density <= 1:
        raise ValueError(f"--density={args.density} is invalid: expected a share, 0 to 1")
    if args.boxes < 1:
        raise ValueError(f"--boxes={args.boxes} is invalid: expected a whole number >= 1")
    if not args.results.is_dir():
        raise ValueError(f"{args.results} is not a folder (a sweep result folder is expected)")
    runs, manifest = load_results(args.results)
    varied = varied_parameters(manifest) + drawn_parameters(manifest)
    y = outcome_column(runs, args.outcome)
    found = discover(runs, varied, args.outcome, density=args.density, boxes=args.boxes)
    out = args.out if args.out is not None else args.results / "figures"
    writable_folder(out)
    frame = table(found)
    frame.to_csv(out / "discovery.csv", index=False)
    kept = runs[~runs["failed"].fillna(False).astype(bool)] if "failed" in runs else runs
    figure(kept.reset_index(drop=True), varied, outcome_column(kept, args.outcome), found).savefig(
        out / "discovery.png", dpi=110
    )
    print(
        f"{args.outcome}: {int(y.sum())} of {len(y)} runs ({y.mean():.0%}); "
        f"varied: {', '.join(varied)}"
    )
    if found:
        print(frame.to_string(index=False))
    else:
        print("no run has the outcome: no box")
    print(f"wrote {out / 'discovery.csv'} and {out / 'discovery.png'}")
    return 0
