"""The event log, newest first: deaths, breaches, memorials, messages, petitions, referendums,
collapse (and, on request, the daily vote-change requests and births)."""

from __future__ import annotations

from html import escape

import pandas as pd
import solara

from model import CrewModel

#: Rows shown; older events stay in ``model.events()``.
SHOWN = 200
ROUTINE = ("requests", "birth")
KIND_COLOUR = {
    "death": "#b00",
    "breach": "#b00",
    "collapse": "#b00",
    "referendum": "#2166ac",
    "mission": "#2166ac",
    "petition": "#b35806",
    "requests": "#762a83",
    "memorial": "#1b7837",
    "message": "#555",
    "mitigation": "#555",
    "succession": "#555",
    "birth": "#555",
}


def recent_events(events: pd.DataFrame, routine: bool = False, limit: int = SHOWN) -> pd.DataFrame:
    """The newest ``limit`` events, newest first; without the routine kinds unless asked."""
    if not routine:
        events = events[~events["kind"].isin(ROUTINE)]
    return events.iloc[::-1].head(limit)


def event_table_html(events: pd.DataFrame) -> str:
    """The events as an HTML table (one row per event, class ``event-<kind>``)."""
    if events.empty:
        return '<p class="event-log-empty">No events yet.</p>'
    rows = []
    for day, kind, detail in zip(events["day"], events["kind"], events["detail"], strict=True):
        colour = KIND_COLOUR.get(kind, "#333")
        rows.append(
            f'<tr class="event-row event-{escape(kind)}"><td style="text-align:right;'
            f'padding-right:8px">{day}</td><td style="color:{colour};font-weight:bold;'
            f'padding-right:8px">{escape(kind)}</td><td>{escape(str(detail))}</td></tr>'
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
        lambda: event_table_html(recent_events(model.events(), routine)),
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
