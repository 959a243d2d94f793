"""The social network, readable: sections as nodes, and one crew member's ego network.

Drawing 3,000 people and 34,000 ties tells nobody anything, so the view aggregates: the
section ring places the ship's sections on a circle (the ship is a ring of sections) with
edges as wide as the ties between them; the ego network shows a chosen crew member, their
confidants and the ties among those. Layouts are computed once per model (section ring) or
per model and person (ego network, a spring layout of at most ~60 nodes) and cached in the
session; between steps only the colours change.
"""

from __future__ import annotations

import math
from html import escape
from typing import Any

import networkx as nx
import numpy as np
import solara

from model import CrewModel
from ui.colours import belief_colour, divert_colour
from ui.summaries import occupancy, section_ties

SIZE = 340
#: The strongest share of links between sections that the section ring draws.
SHOWN_LINKS = 0.1
#: At most this many confidants (the strongest ties) are drawn around the ego.
EGO_LIMIT = 40


def ring_layout(n: int) -> np.ndarray:
    """Positions of ``n`` sections on a circle, section 0 at the top, in pixels."""
    angle = 2 * math.pi * np.arange(n) / max(n, 1) - math.pi / 2
    r = SIZE / 2 - 30
    return np.column_stack([SIZE / 2 + r * np.cos(angle), SIZE / 2 + r * np.sin(angle)])


def section_network_svg(model: CrewModel, cache: dict[str, Any]) -> str:
    """Sections as nodes (colour: share for diversion; area: crew aboard), ties as edges."""
    n = model.layout.n_sections
    if "ring" not in cache:
        cache["ring"] = ring_layout(n)
    pos = cache["ring"]
    ties = section_ties(model)
    occ = occupancy(model, "section")
    upper = np.triu(ties, k=1)
    strongest = upper.max() if upper.size and upper.max() > 0 else 1.0
    out = [_open_svg("section-network-svg")]
    links = upper[upper > 0]
    cut = np.quantile(links, 1 - SHOWN_LINKS) if links.size else 0.0
    rows, cols = np.nonzero((upper >= cut) & (upper > 0))
    for a, b in zip(rows, cols, strict=True):
        t = upper[a, b] / strongest
        out.append(
            f'<line x1="{pos[a, 0]:.1f}" y1="{pos[a, 1]:.1f}" x2="{pos[b, 0]:.1f}" '
            f'y2="{pos[b, 1]:.1f}" stroke="#555" stroke-opacity="{0.2 + 0.6 * t:.2f}" '
            f'stroke-width="{0.5 + 4 * t:.1f}"/>'
        )
    biggest = max(int(occ.alive.max()), 1)
    for s in range(n):
        r = 4 + 10 * math.sqrt(occ.alive[s] / biggest)
        share = occ.divert_share[s]
        tip = (
            f"Section {s}: {occ.alive[s]} aboard, "
            + ("no voters" if math.isnan(share) else f"{share:.0%} for diversion")
            + f", {ties[s, s] / 2:.0f} tie weight within, {upper[s].sum() + upper[:, s].sum():.0f}"
            " to other sections"
        )
        out.append(
            f'<circle cx="{pos[s, 0]:.1f}" cy="{pos[s, 1]:.1f}" r="{r:.1f}" '
            f'fill="{divert_colour(share)}" stroke="#333"><title>{escape(tip)}</title></circle>'
            f'<text x="{pos[s, 0]:.1f}" y="{pos[s, 1] + 3:.1f}" text-anchor="middle" '
            f'font-size="9">{s}</text>'
        )
    out.append("</svg>")
    return "".join(out)


def ego_nodes(model: CrewModel, person: int) -> list[int]:
    """The person and their strongest living confidants (at most :data:`EGO_LIMIT`)."""
    A = model.network.adjacency
    start, end = A.indptr[person], A.indptr[person + 1]
    idx, w = A.indices[start:end], A.data[start:end]
    keep_mask = model.state.alive[idx] & (w > 0)
    idx, w = idx[keep_mask], w[keep_mask]
    keep = idx[np.argsort(-w, kind="stable")[:EGO_LIMIT]]
    return [person, *sorted(int(i) for i in keep)]


def ego_network_svg(model: CrewModel, person: int, cache: dict[str, Any]) -> str:
    """The ego network of ``person``: nodes coloured by belief, the ego outlined."""
    key = f"ego:{person}"
    if key not in cache:
        nodes = ego_nodes(model, person)
        sub = nx.Graph()
        sub.add_nodes_from(nodes)
        A = model.network.adjacency[nodes][:, nodes].tocoo()
        sub.add_weighted_edges_from(
            (nodes[i], nodes[j], w) for i, j, w in zip(A.row, A.col, A.data, strict=True) if i < j
        )
        raw = nx.spring_layout(sub, seed=1, weight="weight", center=(0, 0))
        scale = SIZE / 2 - 24
        cache[key] = (
            nodes,
            {k: (SIZE / 2 + scale * x, SIZE / 2 + scale * y) for k, (x, y) in raw.items()},
        )
    nodes, pos = cache[key]
    state = model.state
    A = model.network.adjacency[nodes][:, nodes].tocoo()
    out = [_open_svg("ego-network-svg")]
    for i, j, w in zip(A.row, A.col, A.data, strict=True):
        if i < j and w > 0:
            (x1, y1), (x2, y2) = pos[nodes[i]], pos[nodes[j]]
            out.append(
                f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#888" '
                f'stroke-opacity="0.5" stroke-width="{min(4.0, 0.5 + 2 * w):.1f}"/>'
            )
    for k in nodes:
        x, y = pos[k]
        alive = bool(state.alive[k])
        belief = float(state.belief[k])
        fill = belief_colour(belief) if alive else "#fff"
        ego = k == person
        tip = f"Crew member {k}, section {state.section[k]}, household {state.household[k]}: " + (
            f"belief {belief:.2f}, trust {state.trust[k]:.2f}, grief {state.grief[k]:.2f}"
            if alive
            else "died"
        )
        out.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{11 if ego else 6}" fill="{fill}" '
            f'stroke="{"#000" if ego else "#444"}" stroke-width="{3 if ego else 1}"'
            f"{'' if alive else ' stroke-dasharray="2,2"'}><title>{escape(tip)}</title></circle>"
        )
    out.append("</svg>")
    return "".join(out)


def _open_svg(css: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{css}" width="{SIZE}" height="{SIZE}" '
        f'viewBox="0 0 {SIZE} {SIZE}" style="font-family: sans-serif">'
    )


@solara.component
def NetworkView(model: CrewModel, version: int, cache: dict[str, Any]) -> solara.Element:
    """Section ring and ego network side by side, with a crew-member chooser.

    Args:
        model: The ship.
        version: Bumped whenever the model changed.
        cache: The session's per-model cache (layouts live there).
    """
    chosen, set_chosen = solara.use_state((id(model), int(model.captain)))
    # A new ship (another crew size) starts again from its captain.
    person = chosen[1] if chosen[0] == id(model) else int(model.captain)

    def set_person(value: int) -> None:
        set_chosen((id(model), value))

    size = model.state.size
    valid = 0 <= person < size
    ring = solara.use_memo(lambda: section_network_svg(model, cache), [id(model), version])
    ego = solara.use_memo(
        lambda: ego_network_svg(model, person, cache) if valid else "",
        [id(model), version, person],
    )
    with solara.Row(classes=["network-view"], style={"flex-wrap": "wrap"}) as main:
        with solara.Column(gap="2px"):
            solara.Text("Sections: colour = share for diversion; lines = strongest 10% of ties")
            solara.HTML(tag="div", unsafe_innerHTML=ring)
        with solara.Column(gap="2px"):
            solara.InputInt(
                f"Ego network of crew member (0 to {size - 1}; the captain is {model.captain})",
                value=person,
                on_value=set_person,
                continuous_update=False,
                classes=["ego-person"],
            )
            if valid:
                solara.HTML(tag="div", unsafe_innerHTML=ego)
            else:
                solara.Warning(f"crew member {person} is invalid: expected 0 to {size - 1}")
    return main
