"""Who moved: the crew who filed a vote-change request since a chosen day, with their closest
tie to the dead (household, friend, co-worker, neighbour, none) and their section. A click on
a crew member opens their ego network.

The table is :func:`model.who_moved.who_moved`; the ego network is
:func:`ui.network_view.ego_network_svg`. The window's first day can be shared with the ship
map's "who moved" layer (:func:`ui.ship_map.ShipMap`) through one reactive value holding
``(id(model), day)``; until a day is chosen (and on a new ship) it is the day of the latest
breach, else day 0 (:func:`model.who_moved.default_since_day`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np
import pandas as pd
import solara

from model import CrewModel
from model.who_moved import TIE_NAMES, dead_since, default_since_day, who_moved
from ui.network_view import ego_network_svg

#: The layer's and the table's colour for requesters (the event log's colour of requests).
MOVER = "#762a83"
#: Rows a page of the table shows.
PAGE_ROWS = 12


def since_day(model: CrewModel, since: solara.Reactive) -> int:
    """The window's first day: the chosen one for this ship, else the default."""
    chosen = since.value
    if chosen is not None and chosen[0] == id(model):
        return int(chosen[1])
    return default_since_day(model)


def summary(table: pd.DataFrame, day: int, n_dead: int) -> str:
    """One line: requests, people, the dead of the window, and the requests by tie."""
    by_tie = table["tie"].value_counts()
    ties = ", ".join(f"{TIE_NAMES[t]} {by_tie.get(TIE_NAMES[t], 0)}" for t in TIE_NAMES)
    people = table["crew"].nunique()
    return (
        f"{len(table)} request{'s' * (len(table) != 1)} since day {day} by {people} crew "
        f"member{'s' * (people != 1)}; {n_dead} died since. Closest tie to the dead: {ties}."
    )


@solara.component
def SinceDay(model: CrewModel, since: solara.Reactive) -> solara.Element:
    """The window's first day: a whole number from 0, and a button back to the default."""
    day = since_day(model, since)

    def choose(value: int | None) -> None:
        since.set(None if value is None else (id(model), max(0, int(value))))

    with solara.Row(style={"align-items": "center"}, gap="4px") as main:
        solara.InputInt(
            "since day",
            value=day,
            on_value=choose,
            continuous_update=False,
            classes=["who-moved-since"],
            style={"max-width": "110px"},
        )
        solara.Button(
            "latest breach",
            on_click=lambda: since.set(None),
            text=True,
            dense=True,
            classes=["who-moved-default"],
        )
    return main


@solara.component
def WhoMoved(
    model: CrewModel,
    version: int,
    cache: dict[str, Any],
    since: solara.Reactive | None = None,
) -> solara.Element:
    """The crew table of who moved since a chosen day, and a requester's ego network.

    Args:
        model: The ship.
        version: Bumped whenever the model changed.
        cache: The session's per-model cache (the ego network's layout lives there).
        since: The window's first day as ``(id(model), day)``, shared with the ship map's
            layer (None: the table keeps its own).
    """
    own = solara.use_reactive(None)
    since = since if since is not None else own
    day = since_day(model, since)
    table = solara.use_memo(lambda: who_moved(model, day), [id(model), version, day])
    n_dead = solara.use_memo(lambda: len(dead_since(model, day)), [id(model), version, day])
    chosen, set_chosen = solara.use_state((None, 0))
    person = chosen[1] if chosen[0] == id(model) else None
    valid = person is not None and 0 <= person < model.state.size
    ego = solara.use_memo(
        lambda: ego_network_svg(model, person, cache) if valid else "",
        [id(model), version, person],
    )
    page, set_page = solara.use_state(0)
    pages = max(1, -(-len(table) // PAGE_ROWS))
    page = min(page, pages - 1)
    shown = table.iloc[page * PAGE_ROWS : (page + 1) * PAGE_ROWS]

    with solara.Column(classes=["who-moved"], gap="4px") as main:
        SinceDay(model, since)
        solara.Text(summary(table, day, n_dead), classes=["who-moved-summary"])
        with solara.Row(style={"flex-wrap": "wrap", "align-items": "flex-start"}):
            with solara.Column(gap="2px"):
                if len(table):
                    _Table(rows(shown), set_chosen, id(model), person)
                    if pages > 1:
                        with solara.Row(style={"align-items": "center"}, gap="4px"):
                            solara.Button(
                                "previous",
                                on_click=lambda: set_page(page - 1),
                                disabled=page == 0,
                                text=True,
                                dense=True,
                            )
                            solara.Text(f"page {page + 1} of {pages}")
                            solara.Button(
                                "next",
                                on_click=lambda: set_page(page + 1),
                                disabled=page >= pages - 1,
                                text=True,
                                dense=True,
                            )
                else:
                    solara.Text("Nobody asked to change their vote since that day.")
            if valid:
                with solara.Column(gap="2px", classes=["who-moved-ego"]):
                    solara.Text(
                        f"Ego network of crew member {person} (the ego outlined; colour: belief)"
                    )
                    solara.HTML(tag="div", unsafe_innerHTML=ego)
                    solara.Button(
                        "close", on_click=lambda: set_chosen((None, 0)), text=True, dense=True
                    )
    return main


def rows(shown: pd.DataFrame) -> tuple[tuple, ...]:
    """A page of the table as plain tuples (crew, day, section, department, vote, tie,
    request): cheap to compare, so an unchanged page is not redrawn."""
    status = np.where(shown["open"], "open", np.where(shown["alive"], "closed", "died"))
    return tuple(
        zip(
            shown["crew"].tolist(),
            shown["day"].tolist(),
            shown["section"].tolist(),
            shown["department"].tolist(),
            (shown["vote_before"] + " → " + shown["vote_after"]).tolist(),
            shown["tie"].astype(str).tolist(),
            status.tolist(),
            strict=True,
        )
    )


@solara.component
def _Table(
    page: tuple[tuple, ...], set_chosen: Callable, model_id: int, person: int | None
) -> solara.Element:
    """One page of the table; each crew number is a button opening the ego network (the
    arguments are plain values, so Solara skips an unchanged page)."""
    head = ["crew", "day", "section", "department", "vote", "tie to the dead", "request"]
    cell = "padding: 0 8px; text-align: left"
    with solara.v.Html(
        tag="table",
        class_="who-moved-table",
        style_="font-size: 13px; border-collapse: collapse",
    ) as main:
        with solara.v.Html(tag="tr"):
            for name in head:
                solara.v.Html(tag="th", children=[name], style_="padding: 0 8px")
        for crew, *values in page:
            with solara.v.Html(tag="tr", class_=f"who-moved-row tie-{values[4]}"):
                with solara.v.Html(tag="td"):
                    solara.Button(
                        str(crew),
                        on_click=partial(set_chosen, (model_id, crew)),
                        text=True,
                        dense=True,
                        outlined=crew == person,
                        color=MOVER,
                        classes=["who-moved-person"],
                    )
                for value in values:
                    solara.v.Html(tag="td", children=[str(value)], style_=cell)
    return main
