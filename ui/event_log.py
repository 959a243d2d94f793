"""The event log, newest first: deaths, breaches, memorials, messages, petitions, referendums,
collapse (and, on request, the daily vote-change requests and births)."""

from __future__ import annotations

from html import escape

import pandas as pd
import solara

from model import CrewModel
from ui.summaries import events as model_events

#: Rows shown; older events stay in ``model.events()``.
SHOWN = 200
ROUTINE = ("requests", "birth")
KIND_COLOUR = {
    "death": "#444",
    "breach": "#000",
    "collapse": "#b00",
    "strategy": "#1b5e20",
    "hazard": "#555",
    "referendum": "#2166ac",
    "mission": "#2166ac",
    "petition": "#4d4d4d",
    "requests": "#762a83",
    "memorial": "#1b7837",
    "message": "#555",
    "mitigation": "#555",
    "succession": "#555",
    "birth": "#555",
    "arrival": "#2166ac",
    "extinction": "#b00",
}


def recent_events(events: pd.DataFrame, routine: bool = False, limit: int = SHOWN) -> pd.DataFrame:
    """The newest ``limit`` events, newest first; without the routine kinds unless asked."""
    if not routine:
        events = events[~events["kind"].isin(ROUTINE)]
    return events.iloc[::-1].head(limit)


#: Routine rows: one row per day and kind for these (kind, detail) pairs, with a count.
GROUPED = {("birth", None), ("death", "premature"), ("death", "old age")}


def grouped(events: pd.DataFrame) -> list[tuple[int, str, str, int]]:
    """(day, kind, detail, n): consecutive births of a day, and premature or old-age deaths of
    a day, become one row with their count; every other event stays one row."""
    out: list[tuple[int, str, str, int]] = []
    for day, kind, detail in zip(events["day"], events["kind"], events["detail"], strict=True):
        routine = (kind, None) in GROUPED or (kind, detail) in GROUPED
        same = out and out[-1][:2] == (day, kind) and (kind == "birth" or out[-1][2] == detail)
        if routine and same:
            first = "births" if kind == "birth" else detail
            out[-1] = (day, kind, first, out[-1][3] + 1)
        else:
            out.append((day, kind, detail, 1))
    return out


def event_table_html(events: pd.DataFrame) -> str:
    """The events as an HTML table (one row per event, class ``event-<kind>``)."""
    if events.empty:
        return '<p class="event-log-empty">No events yet.</p>'
    rows = []
    for day, kind, detail, n in grouped(events):
        colour = KIND_COLOUR.get(kind, "#333")
        text = escape(str(detail)) + (f" ×{n}" if n > 1 else "")
        rows.append(
            f'<tr class="event-row event-{escape(kind)}" data-n="{n}"><td style="text-align:'
            f'right;padding-right:8px">{day}</td><td style="color:{colour};font-weight:bold;'
            f'padding-right:8px">{escape(kind)}</td><td>{text}</td></tr>'
        )
    return (
        '<table class="event-table" style="font-size:13px;border-collapse:collapse">'
        "<tr><th>day</th><th>event</th><th>detail</th></tr>" + "".join(rows) + "</table>"
    )


@solara.component
def EventLog(model: CrewModel, version: int) -> solara.Element:
    """The newest events first, in a scrolling box."""
    routine, set_routine = solara.use_state(False)
    html = solara.use_memo(
        lambda: event_table_html(recent_events(model_events(model), routine)),
        [id(model), version, routine],
    )
    with solara.Column(classes=["event-log"], gap="2px") as main:
        solara.Checkbox(
            label="also show daily vote-change requests and births",
            value=routine,
            on_value=set_routine,
        )
        solara.HTML(
            tag="div",
            unsafe_innerHTML=html,
            style={"max-height": "320px", "overflow-y": "auto"},
        )
    return main
