"""The "Sweeps" page: pick a saved sweep result folder, see its phase diagram and threshold
curves.

It reads the result format of ``python -m model sweep experiments/NAME.toml --out
results/NAME`` through :mod:`model.analysis` (``runs.parquet`` and ``manifest.json``). Folders
are listed from ``results/`` under the directory the server runs in (the repository root with
``./run ui``), or from the ``CREW_RESULTS`` environment variable; any folder can also be typed.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd
import solara

from model.analysis import (
    load_results,
    phase_diagram_figure,
    probability_curve_figure,
    varied_parameters,
)
from ui.store import TabState, tab_state
from ui.tab_id import TabId


def results_root() -> Path:
    """Where saved sweeps are looked for: ``$CREW_RESULTS`` or ``./results``."""
    return Path(os.environ.get("CREW_RESULTS", "results"))


def sweep_folders(root: Path) -> list[str]:
    """Sub-folders of ``root`` that hold a sweep manifest, sorted by name."""
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / "manifest.json").is_file())


def outcomes(runs: pd.DataFrame) -> list[str]:
    """Yes/no outcome columns of a runs table (what a phase diagram can show)."""
    preferred = [c for c in ("collapsed", "diverted") if c in runs.columns]
    others = [c for c in runs.columns if pd.api.types.is_bool_dtype(runs[c]) and c not in preferred]
    return preferred + [c for c in others if c not in ("failed",)]


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
def SweepsPage(tab_id: str | None = None) -> solara.Element:
    """The Sweeps page of one tab; the chosen folder is kept in the tab's stored state.

    Args:
        tab_id: The tab's id; None (the route) reads it from the browser's sessionStorage.
    """
    browser_id, set_browser_id = solara.use_state(None)
    key = tab_id or browser_id
    with solara.Column(gap="0px") as main:
        if tab_id is None:
            TabId(on_tab_id=set_browser_id)
        if key is None:
            solara.Text("Loading…", classes=["sweeps-loading"])
        else:
            SweepsView(tab_state(key))
    return main


@solara.component
def SweepsView(tab: TabState) -> solara.Element:
    """Choose a sweep folder, an outcome and parameters; show the phase diagram and curves."""
    root = results_root()
    folders = sweep_folders(root)
    default = str(root / folders[0]) if folders else ""
    folder, set_folder_state = solara.use_state(
        tab.sweeps_folder if tab.sweeps_folder is not None else default
    )

    def set_folder(value: str) -> None:
        tab.sweeps_folder = value
        set_folder_state(value)

    runs, manifest, problem = solara.use_memo(lambda: read_sweep(folder), [folder])
    x, set_x = solara.use_state(None)
    y, set_y = solara.use_state(None)
    outcome, set_outcome = solara.use_state("collapsed")

    with solara.Column(classes=["sweeps-page"], style={"padding": "12px"}) as main:
        solara.Title("Crew cohesion · sweeps")
        solara.Markdown("## Sweep results")
        with solara.Row(gap="12px", style={"align-items": "center", "flex-wrap": "wrap"}):
            if folders:
                solara.Select(
                    f"Saved sweeps in {root}/",
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
        if problem:
            solara.Error(problem, classes=["ui-message"])
            return main
        try:
            varied = varied_parameters(manifest)
        except ValueError:
            varied = varied_parameters(runs)
        choices = outcomes(runs)
        if not choices:
            solara.Error("this sweep has no yes/no outcome column to show", classes=["ui-message"])
            return main
        outcome_now = outcome if outcome in choices else choices[0]
        x_now = x if x in varied else (varied[0] if varied else None)
        y_now = y if y in varied and y != x_now else next((v for v in varied if v != x_now), None)
        name = manifest.get("name", Path(folder).name)
        solara.Text(
            f"{name}: {len(runs)} runs; varied: {', '.join(varied) or 'nothing'}",
            classes=["sweep-summary"],
        )
        with solara.Row(gap="12px", style={"flex-wrap": "wrap"}):
            solara.Select("Outcome", value=outcome_now, values=choices, on_value=set_outcome)
            if varied:
                solara.Select("x", value=x_now, values=varied, on_value=set_x)
            if len(varied) > 1:
                solara.Select(
                    "y", value=y_now, values=[v for v in varied if v != x_now], on_value=set_y
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
            figures.append(("phase diagram", phase_diagram_figure(runs, x, y, outcome=outcome)))
        for param in varied:
            figures.append(
                (
                    f"threshold curve: {param}",
                    probability_curve_figure(runs, param, outcome=outcome),
                )
            )
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
