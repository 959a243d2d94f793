"""The status line and the prominent referendum result."""

from __future__ import annotations

import solara

from model import CrewModel, ReferendumResult
from ui.colours import CONTINUE, DIVERT


def status_text(model: CrewModel) -> str:
    """Day, population, support for continuing, cohesion and the mission, on one line."""
    today = model.today
    aboard = int(model.state.alive.sum())  # live: a breach between steps shows at once
    voters = int(model.voters().sum())
    mission = "continue to Tau Ceti" if today["mission_continue"] else "divert"
    return (
        f"Day {model.day} · {aboard:,} aboard ({voters:,} voters) · "
        f"support for continuing {today['support_continue']:.1%} · "
        f"cohesion {today['cohesion']:.2f} · mission: {mission}"
    )


def twin_text(model: CrewModel, twin: CrewModel) -> str:
    """Ship B's line next to A's: its strategy, support, cohesion, mission, and B − A."""
    a, b = model.today, twin.today
    aboard = int(twin.state.alive.sum())
    mission = "continue" if b["mission_continue"] else "divert"
    collapsed = f" · collapsed on day {twin.collapse_day}" if twin.collapse_day is not None else ""
    return (
        f"B ({twin.p.captain_strategy}): {aboard:,} aboard · "
        f"support {b['support_continue']:.1%} · cohesion {b['cohesion']:.2f} · "
        f"mission: {mission}{collapsed} · B − A: support "
        f"{100 * (b['support_continue'] - a['support_continue']):+.1f} points, cohesion "
        f"{b['cohesion'] - a['cohesion']:+.2f}"
    )


def collapse_text(model: CrewModel) -> str | None:
    """'morale collapsed on day N' once it happened, else None."""
    if model.collapse_day is None:
        return None
    return f"Morale collapsed on day {model.collapse_day}"


@solara.component
def StatusLine(model: CrewModel, version: int, twin: CrewModel | None = None) -> solara.Element:
    """The run's status (and ship B's, with the difference, when there is a twin); the
    collapse is shown in red when it happens."""
    collapsed = collapse_text(model)
    with solara.Row(
        classes=["status-line"], gap="16px", style={"align-items": "center", "flex-wrap": "wrap"}
    ) as main:
        prefix = f"A ({model.p.captain_strategy}): " if twin is not None else ""
        solara.HTML(
            tag="span",
            unsafe_innerHTML=f'<span class="status-day" data-day="{model.day}">'
            f"{prefix}{status_text(model)}</span>",
            style={"font-size": "16px", "font-weight": "500"},
        )
        if twin is not None:
            solara.HTML(
                tag="span",
                unsafe_innerHTML=f'<span class="status-twin" data-day="{twin.day}">'
                f"{twin_text(model, twin)}</span>",
                style={"font-size": "15px"},
            )
        if collapsed:
            solara.HTML(
                tag="span",
                unsafe_innerHTML=collapsed,
                classes=["status-collapse"],
                style={
                    "color": "white",
                    "background": "#b00",
                    "padding": "2px 8px",
                    "border-radius": "4px",
                    "font-weight": "bold",
                },
            )
    return main


def result_html(result: ReferendumResult) -> str:
    """A referendum result as a large card: outcome, counts, margin, turnout."""
    colour = CONTINUE if result.outcome == "continue" else DIVERT
    outcome = "CONTINUE to Tau Ceti" if result.outcome == "continue" else "DIVERT"
    return (
        f'<div class="referendum-card" style="border:3px solid {colour};border-radius:8px;'
        'padding:8px 12px">'
        f'<div style="font-size:13px;color:#555">Referendum on day {result.day} '
        f"(called by {result.trigger})</div>"
        f'<div class="referendum-outcome" style="font-size:24px;font-weight:bold;'
        f'color:{colour}">{outcome}</div>'
        f'<div style="font-size:16px"><span style="color:{CONTINUE}">continue '
        f'<b>{result.continue_votes:,}</b></span> · <span style="color:{DIVERT}">divert '
        f"<b>{result.divert_votes:,}</b></span> · margin <b>{result.margin:+,d}</b>"
        f" · {result.abstentions:,} abstained (turnout {result.turnout:.0%})</div></div>"
    )


@solara.component
def ReferendumResultCard(result: ReferendumResult | None) -> solara.Element:
    """The newest referendum of the run, or the day -90 one the run started from."""
    if result is None:
        return solara.Text(
            "No referendum held yet in this run.", classes=["referendum-result", "none-yet"]
        )
    return solara.HTML(
        tag="div", unsafe_innerHTML=result_html(result), classes=["referendum-result"]
    )
