"""The ship map: every compartment of every section as one cell of a grid.

Columns are sections (fore to aft), rows the compartments within a section; a cell's colour is
the share of its voters for diversion (or its mean belief). Breached compartments are crossed
out and compartments with recent deaths carry a red dot with the count. The map is one SVG
string, so a re-render costs a few milliseconds even for 3,000 crew.
"""

from __future__ import annotations

import math
from html import escape

import solara

from model import CrewModel
from ui.colours import MISSING, belief_colour, divert_colour
from ui.summaries import RECENT_DAYS, breached_compartments, occupancy, recent_deaths

COLOUR_BY = {"share for diversion": "divert", "mean belief": "belief"}
MAP_WIDTH = 760
LEFT, TOP, BAR = 34, 30, 12


def ship_map_svg(model: CrewModel, colour_by: str = "divert") -> str:
    """The ship map as an SVG document.

    Args:
        model: The ship.
        colour_by: ``"divert"`` (share of voters for diversion) or ``"belief"`` (mean belief).
    """
    L = model.layout
    cps, n_sec = L.compartments_per_section, L.n_sections
    rooms = occupancy(model, "compartment")
    sections = occupancy(model, "section")
    events = model.events()
    breached = breached_compartments(events)
    deaths = recent_deaths(events, model.day)
    w = max(4.0, min(26.0, (MAP_WIDTH - LEFT - 10) / n_sec))
    h = 16.0
    width = LEFT + w * n_sec + 10
    height = TOP + BAR + 4 + h * cps + 44
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
    out.append(_legend(y0 + cps * h + 10, colour_by))
    out.append("</svg>")
    return "".join(out)


def _tip(name: str, occ, i: int) -> str:
    share = occ.divert_share[i]
    belief = occ.mean_belief[i]
    share_text = "no voters" if math.isnan(share) else f"{share:.0%} for diversion"
    belief_text = "" if math.isnan(belief) else f", mean belief {belief:.2f}"
    return f"{name}: {occ.alive[i]} aboard, {occ.voters[i]} voters, {share_text}{belief_text}"


def _legend(y: float, colour_by: str) -> str:
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
    return "".join(parts)


@solara.component
def ShipMap(model: CrewModel, version: int) -> solara.Element:
    """The ship map with a choice of colouring.

    Args:
        model: The ship.
        version: Bumped whenever the model changed (the map is rebuilt then).
    """
    colour_by, set_colour_by = solara.use_state("share for diversion")
    svg = solara.use_memo(
        lambda: ship_map_svg(model, COLOUR_BY[colour_by]), [id(model), version, colour_by]
    )
    with solara.Column(classes=["ship-map"], gap="4px") as main:
        solara.ToggleButtonsSingle(
            value=colour_by, values=list(COLOUR_BY), on_value=set_colour_by, dense=True
        )
        solara.HTML(tag="div", unsafe_innerHTML=svg, style={"overflow-x": "auto"})
    return main
