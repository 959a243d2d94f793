"""The "Sweep this" panel: from the ship on the page to a study.

Pick one or two parameters (from the declarations) and their ranges or choices, the replicates
and the horizon; Start writes the experiment file around the ship as built (settings, seed,
interventions) and runs it in the background (:mod:`ui.sweep_jobs`). The list below shows every
sweep in the results folder with its progress, so a reopened tab finds the sweeps it started;
a finished one opens on the Sweeps page.
"""

from __future__ import annotations

import contextlib
import math
import time
from pathlib import Path
from typing import Any

import solara

from ui import sweep_jobs as sj
from ui.controls import whole_number
from ui.store import TabState
from ui.sweeps_page import folder_query

#: Seconds between looks at the running sweeps' folders.
POLL = 1.0
#: Sweeps listed (newest first).
LISTED = 8
NONE = "(none)"
SMALL = {"font-size": "11px", "color": "#444"}


def default_axis(name: str) -> dict[str, Any]:
    """The fields of a freshly picked parameter: all its choices, or half to twice its default
    (within the declared range), three points."""
    decl = sj.sweepable()[name]
    if not sj.is_numeric(decl):
        values = [v for v in sj.choices(decl) if v != "scripted"]
        return {"values": values}
    lo, hi = decl["valid"]
    default = decl["default"] if decl["default"] is not None else lo
    low, high = (default / 2, default * 2) if default > 0 else (lo, min(hi, lo + 1))
    low, high = max(low, lo), min(high, hi)
    if decl["type"] is int:
        low, high = math.floor(low), math.ceil(high)
    num = 3 if decl["type"] is float else max(2, min(3, int(high - low) + 1))
    return {"low": _text(low), "high": _text(high), "num": str(num)}


def _text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.6g}"


def make_axis(name: str, fields: dict[str, Any]) -> sj.Axis:
    """An :class:`ui.sweep_jobs.Axis` from the panel's fields (typed text); SweepError (one
    line) when a number cannot be read."""
    if "values" in fields:
        return sj.Axis(name, values=tuple(fields["values"]))
    try:
        low, high = float(fields["low"]), float(fields["high"])
    except (TypeError, ValueError):
        raise sj.SweepError(f"{name}: the low and high ends must be numbers") from None
    num = whole_number(str(fields["num"]))
    if isinstance(num, str):
        raise sj.SweepError(f"{name}: the points must be a whole number")
    return sj.Axis(name, low=low, high=high, num=num)


def count(text: str, what: str) -> int:
    """A whole number typed into the panel, read as every whole-number field of the page reads
    it (:func:`ui.controls.whole_number`: commas and spaces allowed); SweepError otherwise."""
    value = whole_number(str(text))
    if isinstance(value, str):
        raise sj.SweepError(f"{what}: expected a whole number, got {text!r}")
    return value


def sweeps_link(folder: Path) -> str:
    """The folder as the Sweeps page lists it (under its results folder when it is there)."""
    root = sj.results_root()
    return str(root / folder.name) if folder.parent == root.resolve() else str(folder)


@solara.component
def AxisFields(
    label: str, name: str, fields: dict[str, Any], on_fields, on_name, optional: bool
) -> solara.Element:
    """One varied parameter: its name, then low/high/points or its choices."""
    names = sorted(sj.sweepable())
    with solara.Column(gap="0px", classes=["sweep-axis"]) as main:
        solara.Select(
            label,
            value=name or NONE,
            values=[NONE, *names] if optional else names,
            on_value=lambda n: on_name(None if n == NONE else n),
            classes=["sweep-param"],
        )
        if name:
            decl = sj.sweepable()[name]
            if sj.is_numeric(decl):
                lo, hi = decl["valid"]
                with solara.Row(gap="4px"):
                    for key, title in (("low", "from"), ("high", "to"), ("num", "points")):
                        solara.InputText(
                            title,
                            value=str(fields.get(key, "")),
                            on_value=lambda t, key=key: on_fields({**fields, key: t}),
                            continuous_update=False,
                            classes=[f"sweep-{key}"],
                            style={"max-width": "90px"},
                        )
                unit = "" if decl["unit"] in ("-", "") else f" {decl['unit']}"
                solara.Text(f"{decl['description']}; valid {lo} to {hi}{unit}", style=SMALL)
            else:
                solara.SelectMultiple(
                    "values",
                    values=list(fields.get("values", [])),
                    all_values=sj.choices(decl),
                    on_value=lambda vs: on_fields({**fields, "values": list(vs)}),
                    classes=["sweep-values"],
                )
    return main


@solara.component
def SweepPanel(tab: TabState, version: int) -> solara.Element:
    """Set up a sweep around the tab's ship, start it, and list the sweeps with their
    progress. ``version`` is the model's change counter (the ship is read when Start is
    pressed)."""
    session = tab.session
    first, set_first = solara.use_state("captain_strategy")
    first_fields, set_first_fields = solara.use_state(default_axis("captain_strategy"))
    second, set_second = solara.use_state(None)
    second_fields, set_second_fields = solara.use_state({})
    replicates, set_replicates = solara.use_state("10")
    horizon, set_horizon = solara.use_state("365")
    message, set_message = solara.use_state(None)
    tick, set_tick = solara.use_state(0)

    def pick_first(name: str | None) -> None:
        if name:
            set_first(name)
            set_first_fields(default_axis(name))

    def pick_second(name: str | None) -> None:
        set_second(name)
        set_second_fields(default_axis(name) if name else {})

    def experiment() -> str:
        axes = [make_axis(first, first_fields)]
        if second:
            axes.append(make_axis(second, second_fields))
        return sj.experiment_text(
            dict(session.built),
            [dict(e) for e in session.timeline],
            axes,
            count(replicates, "replicates"),
            count(horizon, "horizon"),
        )

    def plan() -> tuple[int | None, str | None]:
        try:
            return sj.check_text(experiment()).n_runs, None
        except sj.SweepError as error:
            return None, str(error)

    planned, problem = solara.use_memo(
        plan,
        [first, repr(first_fields), second, repr(second_fields), replicates, horizon]
        + [repr(session.built), repr(session.timeline)],
    )

    def start() -> None:
        try:
            folder = sj.start(experiment())
        except sj.SweepError as error:
            set_message(str(error))
            return
        set_message(f"started: {folder.name}")
        set_tick(lambda t: t + 1)

    listing = sj.jobs()[:LISTED]
    running = any(not j.finished for j in listing)

    def poll() -> None:
        if running:
            time.sleep(POLL)
            set_tick(lambda t: t + 1)

    solara.use_thread(poll, dependencies=[tick, running], intrusive_cancel=False)

    with solara.Column(classes=["sweep-panel"], gap="4px") as main:
        solara.Text(
            "A study around this ship: its settings, seed and interventions, with one or two "
            "parameters varied; each point runs `replicates` times with seeds spawned from the "
            "ship's seed.",
            style=SMALL,
        )
        AxisFields("Vary", first, first_fields, set_first_fields, pick_first, optional=False)
        AxisFields("…and (optional)", second, second_fields, set_second_fields, pick_second, True)
        with solara.Row(gap="4px"):
            solara.InputText(
                "replicates",
                value=replicates,
                on_value=set_replicates,
                continuous_update=False,
                classes=["sweep-replicates"],
                style={"max-width": "100px"},
            )
            solara.InputText(
                "horizon (days)",
                value=horizon,
                on_value=set_horizon,
                continuous_update=False,
                classes=["sweep-horizon"],
                style={"max-width": "120px"},
            )
        if problem:
            solara.Text(problem, classes=["sweep-problem"], style={**SMALL, "color": "#b00020"})
        else:
            solara.Text(f"{planned:,} runs", classes=["sweep-runs"], style=SMALL)
        solara.Button(
            "Start sweep",
            on_click=start,
            disabled=problem is not None,
            classes=["sweep-start"],
            color="primary",
        )
        if message:
            solara.Text(message, classes=["sweep-message"], style=SMALL)
        for job in listing:
            JobRow(tab, job, on_change=lambda: set_tick(lambda t: t + 1))
        solara.Text(
            f"Sweeps in {sj.results_root()}/ (they go on when the tab or the server closes).",
            style=SMALL,
        )
    return main


@solara.component
def JobRow(tab: TabState, job: sj.Job, on_change) -> solara.Element:
    """One sweep: its state, a progress bar, and Stop / Resume / Open."""
    router = solara.use_router()

    def open_it() -> None:
        tab.sweeps_folder = sweeps_link(job.folder)
        found = folder_query(tab.sweeps_folder, sj.results_root())
        tab.sweeps_link = found
        # Outside a server (tests) the router cannot navigate: the folder is set all the same.
        with contextlib.suppress(AssertionError):
            router.push(f"/sweeps?{found}" if found else "/sweeps")

    def stop() -> None:
        sj.stop(job.folder)
        on_change()

    def resume() -> None:
        sj.resume(job.folder)
        on_change()

    failed = f", {job.failed} failed" if job.failed else ""
    with solara.Column(gap="0px", classes=["sweep-job", f"sweep-{job.state}"]) as main:
        solara.Text(
            f"{job.folder.name}: {job.state}, {job.done}/{job.total} runs{failed}",
            style={"font-size": "12px"},
            classes=["sweep-job-line"],
        )
        solara.ProgressLinear(value=100 * job.progress, classes=["sweep-progress"])
        if job.state == "failed" and job.message:
            solara.Text(job.message, style={**SMALL, "color": "#b00020"})
        with solara.Row(gap="4px"):
            if job.state == "running":
                solara.Button("Stop", on_click=stop, text=True, classes=["sweep-stop"])
            elif job.state in ("stopped", "failed"):
                solara.Button("Resume", on_click=resume, text=True, classes=["sweep-resume"])
            if job.state == "complete":
                solara.Button(
                    "Open on the Sweeps page", on_click=open_it, text=True, classes=["sweep-open"]
                )
    return main
