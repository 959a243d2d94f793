"""The ship map: every compartment of every section as one cell of a grid.

Columns are sections (fore to aft), rows the compartments within a section; a cell's colour is
the share of its voters for diversion (or its mean belief). Breached compartments are crossed
out and compartments with recent deaths carry a red dot with the count. The map is one SVG
string, so a re-render costs a few milliseconds even for 3,000 crew.
"""

from __future__ import annotations

import math
from html import escape

import numpy as np
import pandas as pd
import solara

from model import CrewModel
from model.who_moved import who_moved
from ui.colours import MISSING, belief_colour, divert_colour
from ui.summaries import RECENT_DAYS, breached_compartments, occupancy, recent_deaths
from ui.summaries import events as model_events
from ui.who_moved import MOVER, SinceDay, since_day

COLOUR_BY = {"share for diversion": "divert", "mean belief": "belief"}
MAP_WIDTH = 760
LEFT, TOP, BAR = 34, 30, 12


def ship_map_svg(
    model: CrewModel, colour_by: str = "divert", movers: pd.DataFrame | None = None
) -> str:
    """The ship map as an SVG document.

    Args:
        model: The ship.
        colour_by: ``"divert"`` (share of voters for diversion) or ``"belief"`` (mean belief).
        movers: The "who moved" layer: a :func:`model.who_moved.who_moved` table whose
            requesters' compartments are marked (None: no layer).
    """
    L = model.layout
    cps, n_sec = L.compartments_per_section, L.n_sections
    rooms = occupancy(model, "compartment")
    sections = occupancy(model, "section")
    events = model_events(model)
    breached = breached_compartments(events)
    deaths = recent_deaths(events, model.day)
    moved = _movers_by_compartment(model, movers)
    w = max(4.0, min(26.0, (MAP_WIDTH - LEFT - 10) / n_sec))
    h = 16.0
    width = LEFT + w * n_sec + 10
    height = TOP + BAR + 4 + h * cps + 44 + (28 if movers is not None else 0)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="ship-map-svg" width="{width:.0f}" '
        f'height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" '
        'style="font-family: sans-serif; font-size: 10px; max-width: 100%; height: auto">'
    ]
    label_every = max(1, math.ceil(18 / w))
    for s in range(n_sec):
        x = LEFT + s * w
        if s % label_every == 0:
            out.append(f'<text x="{x + w / 2:.1f}" y="{TOP - 6}" text-anchor="middle">{s}</text>')
        value = sections.divert_share[s] if colour_by == "divert" else sections.mean_belief[s]
        fill = divert_colour(value) if colour_by == "divert" else belief_colour(value)
        tip = _tip(f"Section {s}", sections, s)
        out.append(
            f'<rect x="{x:.1f}" y="{TOP}" width="{w - 1:.1f}" height="{BAR}" fill="{fill}" '
            f'stroke="#555" stroke-width="0.5"><title>{tip}</title></rect>'
        )
    out.append(f'<text x="2" y="{TOP - 6}">section</text>')
    out.append(f'<text x="2" y="{TOP + BAR - 2}">all</text>')
    y0 = TOP + BAR + 4
    for local in range(cps):
        if local % 2 == 0:
            out.append(f'<text x="2" y="{y0 + local * h + 11:.1f}">c{local}</text>')
    for c in range(L.n_compartments):
        s, local = divmod(c, cps)
        x, y = LEFT + s * w, y0 + local * h
        if colour_by == "divert":
            fill = divert_colour(rooms.divert_share[c])
        else:
            fill = belief_colour(rooms.mean_belief[c])
        tip = _tip(f"Section {s}, compartment {c}", rooms, c)
        if c in breached:
            tip += f"; breached on day {breached[c]}"
        if c in deaths:
            tip += f"; {deaths[c]} died in the last {RECENT_DAYS} days"
        if c in moved:
            tip += f"; {moved[c]}"
        out.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{w - 1:.1f}" height="{h - 1:.1f}" '
            f'fill="{fill}"><title>{escape(tip)}</title></rect>'
        )
        if c in breached:
            out.append(
                f'<path d="M{x + 1:.1f},{y + 1:.1f} L{x + w - 2:.1f},{y + h - 2:.1f} '
                f'M{x + w - 2:.1f},{y + 1:.1f} L{x + 1:.1f},{y + h - 2:.1f}" stroke="#111" '
                f'stroke-width="2" class="breach-mark"/>'
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{w - 1:.1f}" height="{h - 1:.1f}" '
                'fill="none" stroke="#111" stroke-width="1.5"/>'
            )
        if c in deaths:
            r = min(w, h) / 2 - 1
            out.append(
                f'<circle cx="{x + w / 2 - 0.5:.1f}" cy="{y + h / 2 - 0.5:.1f}" r="{r:.1f}" '
                f'fill="#000" stroke="#fff" stroke-width="1" class="death-mark"/>'
            )
            if w >= 12:
                out.append(
                    f'<text x="{x + w / 2 - 0.5:.1f}" y="{y + h / 2 + 3:.1f}" fill="white" '
                    f'text-anchor="middle" font-size="9" font-weight="bold">{deaths[c]}</text>'
                )
        if c in moved:
            t = min(w - 1, h - 1, 9.0)
            out.append(
                f'<path d="M{x + w - 1 - t:.1f},{y:.1f} L{x + w - 1:.1f},{y:.1f} '
                f'L{x + w - 1:.1f},{y + t:.1f} Z" fill="{MOVER}" stroke="#fff" '
                'stroke-width="0.5" class="mover-mark"/>'
            )
    out.append(_legend(y0 + cps * h + 10, colour_by, movers is not None))
    out.append("</svg>")
    return "".join(out)


def _tip(name: str, occ, i: int) -> str:
    share = occ.divert_share[i]
    belief = occ.mean_belief[i]
    share_text = "no voters" if math.isnan(share) else f"{share:.0%} for diversion"
    belief_text = "" if math.isnan(belief) else f", mean belief {belief:.2f}"
    return f"{name}: {occ.alive[i]} aboard, {occ.voters[i]} voters, {share_text}{belief_text}"


def _movers_by_compartment(model: CrewModel, movers: pd.DataFrame | None) -> dict[int, str]:
    """Compartment -> a line for its tooltip, for the compartments of the living requesters."""
    if movers is None or movers.empty:
        return {}
    living = movers[movers["alive"]]
    crew = living["crew"].to_numpy()
    rooms = model.state.compartment[crew]
    ties = living["tie"].astype(str).to_numpy()
    out = {}
    for room in np.unique(rooms):
        here = ties[rooms == room]
        names, counts = np.unique(here, return_counts=True)
        by_tie = ", ".join(f"{n} {name}" for name, n in zip(names, counts, strict=True))
        out[int(room)] = f"{len(here)} asked to change their vote (tie to the dead: {by_tie})"
    return out


def _legend(y: float, colour_by: str, movers: bool = False) -> str:
    parts = []
    steps = 20
    for i in range(steps):
        t = i / (steps - 1)
        fill = divert_colour(t) if colour_by == "divert" else belief_colour(1 - t)
        parts.append(f'<rect x="{LEFT + i * 8}" y="{y}" width="8" height="10" fill="{fill}"/>')
    left, right = ("all continue", "all divert") if colour_by == "divert" else ("belief 1", "0")
    parts.append(f'<text x="{LEFT}" y="{y + 22}">{left}</text>')
    parts.append(f'<text x="{LEFT + steps * 8}" y="{y + 22}" text-anchor="end">{right}</text>')
    x = LEFT + steps * 8 + 24
    parts.append(
        f'<rect x="{x}" y="{y}" width="14" height="12" fill="#eee" stroke="#111"/>'
        f'<path d="M{x + 1},{y + 1} L{x + 13},{y + 11} M{x + 13},{y + 1} L{x + 1},{y + 11}" '
        'stroke="#111" stroke-width="2"/>'
        f'<text x="{x + 20}" y="{y + 10}">breached compartment</text>'
    )
    x += 150
    parts.append(
        f'<circle cx="{x + 6}" cy="{y + 6}" r="6" fill="#000" stroke="#fff"/>'
        f'<text x="{x + 16}" y="{y + 10}">deaths in the last {RECENT_DAYS} days</text>'
    )
    x += 190
    parts.append(
        f'<rect x="{x}" y="{y}" width="14" height="12" fill="{MISSING}"/>'
        f'<text x="{x + 20}" y="{y + 10}">nobody / no voters</text>'
    )
    if movers:
        x, y = LEFT, y + 28
        parts.append(
            f'<path d="M{x},{y} L{x + 12},{y} L{x + 12},{y + 12} Z" fill="{MOVER}"/>'
            f'<text x="{x + 18}" y="{y + 10}">asked to change their vote since the chosen day '
            "(who moved)</text>"
        )
    return "".join(parts)


@solara.component
def ShipMap(model: CrewModel, version: int, since: solara.Reactive | None = None) -> solara.Element:
    """The ship map with a choice of colouring and the "who moved" layer.

    Args:
        model: The ship.
        version: Bumped whenever the model changed (the map is rebuilt then).
        since: The "who moved" window's first day, shared with a
            :func:`ui.who_moved.WhoMoved` table (None: the map keeps its own).
    """
    colour_by, set_colour_by = solara.use_state("share for diversion")
    layer, set_layer = solara.use_state(False)
    own = solara.use_reactive(None)
    since = since if since is not None else own
    day = since_day(model, since)
    svg = solara.use_memo(
        lambda: ship_map_svg(model, COLOUR_BY[colour_by], who_moved(model, day) if layer else None),
        [id(model), version, colour_by, layer, day],
    )
    with solara.Column(classes=["ship-map"], gap="4px") as main:
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
            solara.ToggleButtonsSingle(
                value=colour_by, values=list(COLOUR_BY), on_value=set_colour_by, dense=True
            )
            solara.Checkbox(label="who moved", value=layer, on_value=set_layer)
            if layer:
                SinceDay(model, since)
        solara.HTML(tag="div", unsafe_innerHTML=svg, style={"overflow-x": "auto"})
    return main
