"""The "Sweeps" page: pick a saved sweep result folder, see its phase diagram and threshold
curves; or a calibration folder (``python -m model calibrate``), see its marginals, posterior
predictive and held-out checks (:mod:`ui.calibration_view`).

It reads the result format of ``python -m model sweep experiments/NAME.toml --out
results/NAME`` through :mod:`model.analysis` (``runs.parquet`` and ``manifest.json``). Folders
are listed from ``results/`` under the directory the server runs in (the repository root with
``./run ui``), or from the ``CREW_RESULTS`` environment variable; any folder can also be typed.
A folder chosen under that results folder goes into the page's URL (``sweeps?folder=NAME``), so
a link reopens it; a link naming a folder outside the results folder is refused.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode

import numpy as np
import pandas as pd
import solara
from matplotlib.figure import Figure

from model.analysis import load_results, varied_parameters
from model.parameters import describe
from ui.calibration_view import CalibrationView, is_calibration
from ui.markdown import Markdown
from ui.session import LABELS
from ui.store import TabState, tab_state
from ui.style import PAGE_CSS
from ui.tab_id import TabId


def results_root() -> Path:
    """Where saved sweeps are looked for: ``$CREW_RESULTS`` or ``./results``."""
    return Path(os.environ.get("CREW_RESULTS", "results"))


def folder_query(folder: str, root: Path) -> str | None:
    """The URL query naming ``folder`` (``folder=NAME``, its path under ``root``), or None
    when it does not lie under ``root`` (such a folder can be typed but not linked)."""
    if not folder:
        return None
    try:
        inside = Path(folder).resolve().relative_to(root.resolve())
    except ValueError:
        return None
    return urlencode({"folder": inside.as_posix()}) if inside.parts else None


def folder_from_query(query: str | None, root: Path) -> tuple[str | None, str | None]:
    """The folder a link's query names, as ``(folder, None)`` (``root / NAME``); ``(None,
    message)`` when it names one outside ``root`` (``..``, an absolute path, a link leading
    out), so a link cannot make the server read any other folder; ``(None, None)`` when the
    query names none."""
    found = parse_qs(query or "").get("folder")
    if not found or not found[-1].strip():
        return None, None
    name = found[-1].strip()
    folder = root / name
    try:
        inside = folder.resolve().relative_to(root.resolve())
    except ValueError:
        inside = None
    if inside is None or not inside.parts:
        return None, (
            f"link: the folder {name!r} is not inside the results folder {root}/; a link "
            "opens only a folder there (type another folder below)"
        )
    return str(root / inside), None


def sweep_folders(root: Path) -> list[str]:
    """Sub-folders of ``root`` that hold a sweep manifest or a calibration, sorted by name."""
    if not root.is_dir():
        return []
    return sorted(
        p.name
        for p in root.iterdir()
        if p.is_dir() and ((p / "manifest.json").is_file() or is_calibration(p))
    )


def uncertainty_line(manifest: dict[str, Any]) -> str | None:
    """What a sweep run with ``[uncertainty]`` drew, in words (None without)."""
    found = manifest.get("uncertainty")
    if not isinstance(found, dict):
        return None
    drawn = ", ".join(found.get("drawn", [])) or "no parameter"
    line = (
        f"Each run drew {drawn} from the calibration posterior in {found.get('posterior')} "
        f"({found.get('particles')} particles): the intervals below include parameter "
        "uncertainty as well as seed noise."
    )
    if found.get("overridden_by_the_sweep"):
        line += f" Set by the sweep instead: {', '.join(found['overridden_by_the_sweep'])}."
    return line


#: The outcomes a sweep records, with their labels: yes/no outcomes are drawn as the share of
#: runs (probability), the others as the mean over runs. Parameters and bookkeeping columns
#: (seed, failed, wall time) are never offered.
BINARY = {"collapsed": "morale collapsed", "diverted": "mission diverted"}
CONTINUOUS = {
    "final_support": "support for continuing at the end (share of voters)",
    "min_cohesion": "lowest cohesion",
    "final_cohesion": "cohesion at the end",
    "final_trust": "mean trust at the end",
    "referendums_held": "referendums held",
    "deaths": "deaths",
    "breaches": "breaches",
    "final_alive": "crew alive at the end",
    "collapse_day": "day of the collapse (runs that collapsed)",
    "first_referendum_day": "day of the first referendum",
}


def with_derived(runs: pd.DataFrame) -> pd.DataFrame:
    """The runs table with ``diverted`` (mission 'divert' at the end) when it can be derived."""
    if "diverted" not in runs.columns and "mission" in runs.columns:
        runs = runs.assign(diverted=runs["mission"].astype(str) == "divert")
    return runs


def outcomes(runs: pd.DataFrame) -> list[str]:
    """Outcome columns of a runs table that the page can draw: yes/no ones first, then the
    continuous ones (only outcomes: never parameters or bookkeeping)."""
    runs = with_derived(runs)
    return [c for c in (*BINARY, *CONTINUOUS) if c in runs.columns]


def outcome_label(name: str) -> str:
    """'P(morale collapsed)' for a yes/no outcome, 'mean lowest cohesion' for the others."""
    if name in BINARY:
        return f"P({BINARY[name]})"
    return f"mean {CONTINUOUS.get(name, name)}"


def param_label(name: str) -> str:
    """The page's label of a parameter, else its declared description."""
    if name in LABELS:
        return LABELS[name]
    try:
        return str(describe(name)["description"])
    except ValueError:
        return name


def categorical(values: pd.Series) -> bool:
    """True for parameters whose values are categories (strategies, yes/no), not a scale."""
    return not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values)


def _usable(runs: pd.DataFrame, outcome: str) -> pd.DataFrame:
    runs = with_derived(runs)
    ok = runs if "failed" not in runs.columns else runs[~runs["failed"].astype(bool)]
    ok = ok[ok[outcome].notna()].copy()
    ok["_y"] = ok[outcome].astype(float)
    return ok


def _interval(values: pd.Series, binary: bool) -> tuple[float, float, float]:
    """Mean and a 95% interval (Wilson for a share, normal for a mean)."""
    n = len(values)
    mean = float(values.mean())
    if binary:
        z = 1.96
        centre = (mean + z * z / (2 * n)) / (1 + z * z / n)
        half = z * np.sqrt(mean * (1 - mean) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        return mean, max(centre - half, 0.0), min(centre + half, 1.0)
    half = 1.96 * float(values.std(ddof=1)) / np.sqrt(n) if n > 1 else 0.0
    return mean, mean - half, mean + half


def _fmt(value: Any) -> str:
    return f"{value:.3g}" if isinstance(value, float | np.floating) else str(value)


def curve_figure(runs: pd.DataFrame, param: str, outcome: str) -> Figure:
    """The outcome along one parameter with 95% intervals: a line with a band over a numeric
    parameter, separate points with error bars over categories (no line joins them)."""
    data = _usable(runs, outcome)
    binary = outcome in BINARY
    fig = Figure(figsize=(6.4, 3.8))
    ax = fig.add_subplot()
    is_cat = categorical(data[param])
    levels = list(dict.fromkeys(data[param])) if is_cat else sorted(data[param].unique())
    stats = [_interval(data.loc[data[param] == v, "_y"], binary) for v in levels]
    mean = np.array([s[0] for s in stats])
    low = np.array([s[1] for s in stats])
    high = np.array([s[2] for s in stats])
    if is_cat:
        x = np.arange(len(levels))
        ax.errorbar(x, mean, yerr=[mean - low, high - mean], fmt="o", capsize=4, color="#2166ac")
        ax.set_xticks(x, [_fmt(v) for v in levels])
        ax.set_xlim(-0.6, len(levels) - 0.4)
    else:
        x = np.array(levels, dtype=float)
        ax.plot(x, mean, marker="o", ms=3, color="#2166ac")
        ax.fill_between(x, low, high, alpha=0.2, color="#2166ac", lw=0)
    ax.set_xlabel(param_label(param))
    ax.set_ylabel(outcome_label(outcome))
    if binary:
        ax.set_ylim(-0.02, 1.02)
    ax.set_title(f"{outcome_label(outcome)} by {param_label(param)} (95% interval)", fontsize=9)
    fig.tight_layout()
    return fig


def phase_figure(runs: pd.DataFrame, x: str, y: str, outcome: str) -> Figure:
    """The outcome over two parameters: one cell per pair of values (categories stay
    categories), its mean and the runs in it."""
    data = _usable(runs, outcome)
    xs = list(dict.fromkeys(data[x])) if categorical(data[x]) else sorted(data[x].unique())
    ys = list(dict.fromkeys(data[y])) if categorical(data[y]) else sorted(data[y].unique())
    table = data.groupby([y, x])["_y"].agg(["mean", "size"])
    grid = np.full((len(ys), len(xs)), np.nan)
    counts = np.zeros_like(grid)
    for (yv, xv), row in table.iterrows():
        grid[ys.index(yv), xs.index(xv)] = row["mean"]
        counts[ys.index(yv), xs.index(xv)] = row["size"]
    fig = Figure(figsize=(1.6 + 0.8 * max(len(xs), 4), 1.6 + 0.5 * max(len(ys), 4)))
    ax = fig.add_subplot()
    binary = outcome in BINARY
    limits = {"vmin": 0, "vmax": 1} if binary else {}
    image = ax.imshow(grid, origin="lower", aspect="auto", cmap="cividis", **limits)
    for i in range(len(ys)):
        for j in range(len(xs)):
            if np.isfinite(grid[i, j]):
                ax.text(
                    j,
                    i,
                    f"{grid[i, j]:.2f}\n(n={int(counts[i, j])})",
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if grid[i, j] < np.nanmean(grid) else "black",
                )
    ax.set_xticks(range(len(xs)), [_fmt(v) for v in xs], rotation=45, ha="right", fontsize=7)
    ax.set_yticks(range(len(ys)), [_fmt(v) for v in ys], fontsize=7)
    ax.set_xlabel(param_label(x))
    ax.set_ylabel(param_label(y))
    fig.colorbar(image, ax=ax, label=outcome_label(outcome))
    fig.tight_layout()
    return fig


def read_sweep(folder: str) -> tuple[pd.DataFrame | None, dict[str, Any] | None, str | None]:
    """(runs, manifest, None) or (None, None, a one-line reason)."""
    if not folder:
        return None, None, None
    try:
        runs, manifest = load_results(folder)
    except (ValueError, OSError) as error:
        return None, None, f"{folder} is not a readable sweep result folder: {error}"
    return runs, manifest, None


@solara.component
def SweepsPage(tab_id: str | None = None, query: str | None = None) -> solara.Element:
    """The Sweeps page of one tab; the chosen folder is kept in the tab's stored state.

    Args:
        tab_id: The tab's id; None (the route) reads it from the browser's sessionStorage.
        query: The page's URL query (``folder=NAME``); None (the route) reads it from the URL.
    """
    browser_id, set_browser_id = solara.use_state(None)
    router = solara.use_router()
    query = query if query is not None else router.search
    key = tab_id or browser_id
    with solara.Column(gap="0px") as main:
        if tab_id is None:
            TabId(on_tab_id=set_browser_id)
        if key is None:
            solara.Text("Loading…", classes=["sweeps-loading"])
        else:
            SweepsView(tab_state(key), query=query)
    return main


@solara.component
def SweepsView(tab: TabState, query: str | None = None) -> solara.Element:
    """Choose a sweep folder, an outcome and parameters; show the phase diagram and curves.

    A link's ``query`` (``folder=NAME``) opens that folder, once per query and tab (a reload
    keeps what the tab chose since); choosing a folder under the results folder puts it in
    the URL."""
    root = results_root()
    router = solara.use_router()
    folders = sweep_folders(root)
    default = str(root / folders[0]) if folders else ""
    linked, link_problem = folder_from_query(query, root)
    if query and tab.sweeps_link != query:
        tab.sweeps_link = query
        if linked is not None:
            tab.sweeps_folder = linked
    _, set_tick = solara.use_state(0)
    folder = tab.sweeps_folder if tab.sweeps_folder is not None else default

    def set_folder(value: str) -> None:
        tab.sweeps_folder = value
        set_tick(lambda n: n + 1)
        # The URL names the folder when a link can (under the results folder), else nothing.
        found = folder_query(value, root)
        if (found or None) != (query or None):
            tab.sweeps_link = found
            path = router.path or "/sweeps"
            # Outside a server (tests) the router cannot navigate: the folder is set all the same.
            with contextlib.suppress(AssertionError):
                router.push(f"{path}?{found}" if found else path)

    runs, manifest, problem = solara.use_memo(lambda: read_sweep(folder), [folder])
    x, set_x = solara.use_state(None)
    y, set_y = solara.use_state(None)
    outcome, set_outcome = solara.use_state("collapsed")

    with solara.Column(classes=["sweeps-page"], style={"padding": "12px"}) as main:
        solara.Title("Crew cohesion · sweeps")
        solara.Style(PAGE_CSS)
        Markdown("## Sweep results")
        if link_problem:
            solara.Error(link_problem, classes=["ui-message", "sweep-link-problem"])
        with solara.Row(gap="12px", style={"align-items": "center", "flex-wrap": "wrap"}):
            if folders:
                solara.Select(
                    f"Saved sweeps and calibrations in {root}/",
                    value=Path(folder).name if Path(folder).parent == root else None,
                    values=folders,
                    on_value=lambda name: set_folder(str(root / name)),
                    classes=["sweep-choice"],
                    style={"min-width": "260px"},
                )
            solara.InputText(
                "Result folder",
                value=folder,
                on_value=set_folder,
                continuous_update=False,
                classes=["sweep-folder"],
                style={"min-width": "380px"},
            )
        if not folder:
            solara.Info(
                f"No saved sweeps in {root}/. Run one with `python -m model sweep "
                "experiments/NAME.toml --out results/NAME`, or type a folder above."
            )
            return main
        if is_calibration(folder) and not (Path(folder) / "manifest.json").is_file():
            Markdown("## Calibration")
            CalibrationView(folder)
            return main
        if problem:
            solara.Error(problem, classes=["ui-message"])
            return main
        try:
            varied = varied_parameters(manifest)
        except ValueError:
            varied = varied_parameters(runs)
        choices = outcomes(runs)
        if not choices:
            solara.Error("this sweep has no outcome column to show", classes=["ui-message"])
            return main
        outcome_now = outcome if outcome in choices else choices[0]
        x_now = x if x in varied else (varied[0] if varied else None)
        y_now = y if y in varied and y != x_now else next((v for v in varied if v != x_now), None)
        name = manifest.get("name", Path(folder).name)
        solara.Text(
            f"{name}: {len(runs)} runs; varied: "
            f"{', '.join(param_label(v) for v in varied) or 'nothing'}",
            classes=["sweep-summary"],
        )
        uncertain = uncertainty_line(manifest)
        if uncertain:
            solara.Info(uncertain, classes=["sweep-uncertainty"])
            source = str(manifest["uncertainty"].get("posterior_path") or "")
            if source and is_calibration(source):
                with solara.Details("The calibration these runs drew from"):
                    CalibrationView(source)
        with solara.Row(gap="12px", style={"flex-wrap": "wrap"}):
            labels = {outcome_label(c): c for c in choices}
            solara.Select(
                "Outcome",
                value=outcome_label(outcome_now),
                values=list(labels),
                on_value=lambda label: set_outcome(labels[label]),
                classes=["sweep-outcome"],
            )
            names = {param_label(v): v for v in varied}
            if varied:
                solara.Select(
                    "Across (x)",
                    value=param_label(x_now),
                    values=list(names),
                    on_value=lambda label: set_x(names[label]),
                )
            if len(varied) > 1:
                solara.Select(
                    "Up (y)",
                    value=param_label(y_now),
                    values=[param_label(v) for v in varied if v != x_now],
                    on_value=lambda label: set_y(names[label]),
                )
        if not varied:
            solara.Warning("this sweep varied no parameter: nothing to draw")
            return main
        SweepFigures(runs, folder, outcome_now, x_now, y_now, varied)
    return main


@solara.component
def SweepFigures(
    runs: pd.DataFrame, folder: str, outcome: str, x: str, y: str | None, varied: list[str]
) -> solara.Element:
    """The phase diagram (two varied parameters) and one probability curve per parameter."""

    def draw():
        figures = []
        if y is not None:
            figures.append(("phase diagram", phase_figure(runs, x, y, outcome)))
        for param in varied:
            figures.append((f"by {param_label(param)}", curve_figure(runs, param, outcome)))
        return figures

    figures = solara.use_memo(_safely(draw), [folder, outcome, x, y])
    with solara.Row(classes=["sweep-figures"], style={"flex-wrap": "wrap"}) as main:
        if isinstance(figures, str):
            solara.Error(f"cannot draw this sweep: {figures}", classes=["ui-message"])
        else:
            for title, figure in figures:
                with solara.Card(title):
                    solara.FigureMatplotlib(
                        figure, dependencies=[folder, outcome, x, y, title], format="png"
                    )
    return main


def _safely(draw):
    def run():
        try:
            return draw()
        except (ValueError, KeyError, TypeError) as error:
            return str(error)

    return run
