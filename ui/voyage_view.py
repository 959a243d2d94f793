"""Voyage mode: the ship over a lifetime, years per screen update.

- :func:`VoyageControls` (the page's left column): the voyage-mode switch, the years per
  screen update (Play then advances that many years per update) and **Step N years**, run on
  a thread of its own, off the render path, like Play.
- :func:`VoyageView`: the population over the years (aboard, voters, children) with the
  voyage's timeline marked (each generation born aboard taking over, captain successions,
  changes of course, the end), and the age pyramid of today's crew (children and voters by
  age band: the model has no sexes).
- :func:`EndBanner`: once the run has ended (``model.ended``), the end of the story: arrival
  or extinction, on which day and year, with how many aboard.
- :func:`Voyage`: the same view as a Mesa visualisation part (takes the model, redraws on
  Mesa's update counter; see :mod:`ui.mesa_viz`).

The counts come from :mod:`model.population` (read-only: nothing here changes the model).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import solara

from model import CrewModel
from model.population import age_pyramid, death_days, generation_days
from ui.charts import Chart

#: Choices of years per screen update in voyage mode.
YEARS_PER_UPDATE = [1, 2, 5, 10, 25]
DAYS_PER_YEAR = 365
#: Most points drawn per line of the population chart (a long voyage is thinned evenly).
MAX_POINTS = 600
#: Width of an age band of the pyramid, years.
BAND_YEARS = 5
#: Colours: voters and children (neither blue nor orange, which mean continue and divert).
VOTERS = "#4d4d4d"
CHILDREN = "#8c6bb1"
ABOARD = "#1b7837"
GENERATION_LINE = "#1b7837"
SUCCESSION_LINE = "#767676"
COURSE_LINE = "#000000"
END_LINE = {"arrival": "#2166ac", "extinction": "#b00000"}
PANEL_STYLE = {"style": "height: 300px; width: 480px;"}


def years(day: float) -> float:
    """Years since day 0."""
    return round(float(day) / DAYS_PER_YEAR, 2)


def end_of_story(model: CrewModel, events: pd.DataFrame | None = None) -> tuple[str, str] | None:
    """How the run ended, as ``(kind, text)``: ``kind`` is ``"arrival"`` or
    ``"extinction"`` (``model.ended``), the text says where or why, on which day and year, and
    with how many aboard; None while the voyage goes on. ``events``: ``model.events()`` if
    already at hand."""
    if not model.ended:
        return None
    events = model.events() if events is None else events
    rows = events[events["kind"] == model.ended]
    day = int(rows["day"].iloc[-1]) if len(rows) else model.day
    aboard = int(model.state.alive.sum())
    voters = int(model.voters().sum())
    when = f"on day {day:,} (year {day / DAYS_PER_YEAR:.1f})"
    if model.ended == "arrival":
        born = int((model.state.alive & (model.state.birth_day > 0)).sum())
        return (
            "arrival",
            f"Arrival: the ship reached {model.voyage.course} {when} with {aboard:,} aboard "
            f"({voters:,} voters; {born:,} born during the voyage).",
        )
    detail = str(rows["detail"].iloc[-1]) if len(rows) else "the crew died out"
    return "extinction", f"Extinction {when}: {detail}."


def timeline_marks(model: CrewModel) -> list[dict[str, Any]]:
    """The voyage's events on the population chart's time axis (years): each generation born
    aboard taking over (:func:`model.population.generation_days`), captain successions,
    changes of course (``mission`` events) and the end of the run. Each is ``{"year", "kind",
    "label"}``, oldest first."""
    events = model.events()
    deaths = death_days(model.ledger, model.state.size)
    marks = [
        {"year": years(day), "kind": "generation", "label": f"generation {g} takes over"}
        for g, day in enumerate(
            generation_days(model.state.birth_day, deaths, model.p.voting_age, model.day), 1
        )
    ]
    for kind, label in (("succession", "new captain"), ("mission", "course changed")):
        for day in events.loc[events["kind"] == kind, "day"]:
            if day > 0:
                marks.append({"year": years(day), "kind": kind, "label": label})
    end = end_of_story(model, events)
    if end is not None:
        marks.append({"year": years(model.day), "kind": end[0], "label": end[0]})
    return sorted(marks, key=lambda m: m["year"])


def _mark_line(mark: dict[str, Any]) -> dict[str, Any]:
    colour = {
        "generation": GENERATION_LINE,
        "succession": SUCCESSION_LINE,
        "mission": COURSE_LINE,
    }.get(mark["kind"], END_LINE.get(mark["kind"], COURSE_LINE))
    labelled = mark["kind"] in ("generation", "arrival", "extinction")
    return {
        "xAxis": mark["year"],
        "name": mark["label"],
        "lineStyle": {
            "color": colour,
            "width": 2 if labelled else 1,
            "type": "solid" if labelled else "dashed",
        },
        "label": {
            "show": labelled,
            "formatter": mark["label"],
            "position": "insideEndTop",
            "fontSize": 10,
        },
    }


def population_rows(model: CrewModel) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Day, people aboard and voters of at most :data:`MAX_POINTS` rows of the series, evenly
    thinned, the last row always kept. A daily series (one row a day from day 0) is read from
    the recorder's columns without building the whole frame (a 200-year series has 73,000
    rows and 21 columns); any other goes through ``model.series()``."""
    columns = model.datacollector.model_vars
    n = len(columns["alive"])
    every = max(1, -(-n // MAX_POINTS))
    picked = np.unique(np.append(np.arange(0, n, every), n - 1))
    if n in (model.day + 1, model.day) and len(columns["voters"]) == n:
        days = picked
        alive = np.asarray(columns["alive"])[picked]
        voters = np.asarray(columns["voters"])[picked]
    else:
        frame = model.series().iloc[picked]
        days = frame["day"].to_numpy()
        alive, voters = frame["alive"].to_numpy(), frame["voters"].to_numpy()
    return days, alive, voters


def population_option(model: CrewModel, marks: list[dict[str, Any]]) -> dict[str, Any]:
    """ECharts option of the people aboard, the voters and the children over the years, with
    the timeline's ``marks`` as vertical lines (generations and the end labelled)."""
    days, alive, voters = population_rows(model)
    x = (days / DAYS_PER_YEAR).round(2).tolist()
    lines = [("aboard", ABOARD, alive), ("voters", VOTERS, voters)]
    lines.append(("children", CHILDREN, alive - voters))
    series = []
    for i, (name, colour, values) in enumerate(lines):
        entry: dict[str, Any] = {
            "name": name,
            "type": "line",
            "showSymbol": False,
            "color": colour,
            "lineStyle": {"width": 2},
            "data": [[d, int(v)] for d, v in zip(x, values, strict=True)],
        }
        if i == 0:
            entry["markLine"] = {
                "symbol": "none",
                "silent": True,
                "data": [_mark_line(m) for m in marks],
            }
        series.append(entry)
    for name, colour, dashed in (
        ("generation takes over", GENERATION_LINE, False),
        ("new captain (dashed)", SUCCESSION_LINE, True),
    ):
        series.append(
            {
                "name": name,
                "type": "line",
                "data": [],
                "color": colour,
                "lineStyle": {"type": "dashed" if dashed else "solid"},
                "showSymbol": False,
            }
        )
    last = max(years(model.day), 1.0)
    return {
        "animation": False,
        "title": {"text": "Population over the voyage", "left": "center"},
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0, "textStyle": {"fontSize": 11}},
        "grid": {"left": 56, "right": 24, "top": 40, "bottom": 72},
        "xAxis": {
            "type": "value",
            "name": "years of the voyage",
            "nameLocation": "middle",
            "nameGap": 22,
            "min": 0,
            "max": last,
        },
        "yAxis": {
            "type": "value",
            "name": "people",
            "nameLocation": "middle",
            "nameGap": 40,
            "min": 0,
        },
        "series": series,
    }


def pyramid_option(model: CrewModel) -> dict[str, Any]:
    """ECharts option of the age pyramid: the living by 5-year age band (youngest at the
    bottom), children and voters stacked in their own colours."""
    pyramid = age_pyramid(model.ages(), model.state.alive, model.p.voting_age, BAND_YEARS)
    bands = [f"{low:.0f}–{low + BAND_YEARS - 1:.0f}" for low in pyramid.edges[:-1]]
    series = [
        {
            "name": f"children (under {model.p.voting_age})",
            "type": "bar",
            "stack": "age",
            "color": CHILDREN,
            "data": pyramid.children.tolist(),
        },
        {
            "name": "voters",
            "type": "bar",
            "stack": "age",
            "color": VOTERS,
            "data": pyramid.voters.tolist(),
        },
    ]
    return {
        "animation": False,
        "title": {"text": f"Ages aboard, year {model.day / DAYS_PER_YEAR:.1f}", "left": "center"},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"bottom": 0, "textStyle": {"fontSize": 11}},
        "grid": {"left": 64, "right": 24, "top": 40, "bottom": 64},
        "xAxis": {
            "type": "value",
            "name": "people",
            "nameLocation": "middle",
            "nameGap": 22,
            "minInterval": 1,
        },
        "yAxis": {
            "type": "category",
            "data": bands,
            "name": "age (years)",
            "nameLocation": "middle",
            "nameGap": 48,
        },
        "series": series,
    }


@solara.component
def EndBanner(model: CrewModel, version: int) -> solara.Element:
    """The end of the story, once the run has ended: arrival or extinction, day and year."""
    end = solara.use_memo(lambda: end_of_story(model), [id(model), version])
    with solara.Column(gap="0px") as main:
        if end is not None:
            kind, text = end
            colour = END_LINE[kind]
            solara.HTML(
                tag="div",
                unsafe_innerHTML=(
                    f'<div class="voyage-end voyage-end-{kind}" data-end="{kind}" '
                    f'style="border: 3px solid {colour}; color: {colour}; padding: 10px; '
                    f'font-size: 18px; font-weight: bold;">The end of the story. '
                    f"{html.escape(text)} Play is off; Reset starts a new voyage.</div>"
                ),
            )
    return main


@solara.component
def VoyageView(model: CrewModel, version: int) -> solara.Element:
    """The population over the years with the timeline marked, and the age pyramid."""
    marks = solara.use_memo(lambda: timeline_marks(model), [id(model), version])
    population = solara.use_memo(lambda: population_option(model, marks), [id(model), version])
    pyramid = solara.use_memo(lambda: pyramid_option(model), [id(model), version])
    generations = [m for m in marks if m["kind"] == "generation"]
    if generations:
        told = "; ".join(f"{m['label']} in year {m['year']:.1f}" for m in generations)
    else:
        told = "no generation born aboard is yet most of the voters"
    with solara.Column(gap="4px", classes=["voyage-view"]) as main:
        EndBanner(model, version)
        solara.Text(
            f"Year {model.day / DAYS_PER_YEAR:.1f} · {model.voyage.years_left(model.day):.1f} "
            f"years to {model.voyage.course} · generations: {told}.",
            classes=["voyage-generations"],
            style={"font-size": "13px"},
        )
        with solara.Row(style={"flex-wrap": "wrap"}, gap="4px"):
            Chart.element(option=population, attributes=PANEL_STYLE)
            Chart.element(option=pyramid, attributes=PANEL_STYLE)
        solara.Text(
            "A generation takes over on the first day its voters outnumber everyone else's: "
            "generation 1 is everyone born aboard, generation 2 everyone born after "
            "generation 1 took over, and so on. Dashed grey: a new captain; dashed black: the "
            "course changed.",
            style={"font-size": "12px", "color": "#444"},
        )
    return main


@solara.component
def VoyageControls(
    session: Any,
    on: bool,
    years_per_update: int,
    on_mode: Callable[[bool], None],
    on_years: Callable[[int], None],
    changed: Callable[..., None],
    playing: bool = False,
) -> solara.Element:
    """The voyage-mode switch, the years per screen update and Step N years.

    Args:
        session: The tab's :class:`ui.session.Session` (its ``step`` advances the ship).
        on: Whether voyage mode is on (Play then advances ``years_per_update`` years per
            screen update).
        years_per_update: Years per screen update.
        on_mode: Called with the switch's new value.
        on_years: Called with new years per update.
        changed: Called (with an error message or None) after the ship advanced.
        playing: Whether Play is running (Step N years waits for Pause).
    """
    request, set_request = solara.use_state(0)

    def advance() -> None:
        if request:
            changed(session.step(years_per_update * DAYS_PER_YEAR))

    result = solara.use_thread(advance, dependencies=[request], intrusive_cancel=False)
    busy = result.state == solara.ResultState.RUNNING and request > 0
    model = session.model
    ended = model is not None and bool(model.ended)
    with solara.Column(gap="2px", classes=["voyage-controls"]) as main:
        solara.Switch(
            label="Voyage mode: years per screen update",
            value=on,
            on_value=on_mode,
            classes=["voyage-mode"],
        )
        if on:
            with solara.Row(gap="6px", style={"align-items": "center"}):
                solara.Select(
                    "years per update",
                    value=years_per_update,
                    values=YEARS_PER_UPDATE,
                    on_value=on_years,
                    classes=["voyage-years"],
                )
                label = f"Step {years_per_update} year" + ("s" if years_per_update > 1 else "")
                solara.Button(
                    label,
                    on_click=lambda: set_request(request + 1),
                    classes=["voyage-step"],
                    disabled=playing or busy or ended or model is None,
                )
            solara.Text(
                "advancing…"
                if busy
                else "Play advances this many years per screen update."
                if not ended
                else "The voyage has ended: Reset starts a new one.",
                style={"font-size": "12px", "color": "#555"},
            )
    return main
