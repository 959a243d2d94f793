"""Interventions mid-run: a breach now, a memorial, a captain's message, reinforcement, and a
referendum now (whose result the page shows prominently)."""

from __future__ import annotations

from collections.abc import Callable

import solara

from model import CrewModel
from model.parameters import TONES
from ui.effects import breach_limit, cards_html, note
from ui.store import TabState

RANDOM = "random"
#: The Breach button: dark, white text 12.6:1 (red meant five things on the old page).
BREACH_BUTTON = "#333333"


@solara.component
def Interventions(
    tab: TabState, version: int, on_done: Callable[[str | None], None]
) -> solara.Element:
    """Buttons for the interventions and the effect cards of breaches, memorials and
    messages; ``on_done(error)`` is called after each one."""
    session = tab.session
    model: CrewModel = session.model
    deaths, set_deaths = solara.use_state(3)
    section, set_section = solara.use_state(RANDOM)
    tone, set_tone = solara.use_state(TONES[0])
    sections = [RANDOM, *(str(s) for s in range(model.layout.n_sections))]
    if section not in sections:
        section = RANDOM

    def intervene(kind: str, detail: str, action: Callable[[], str | None]) -> None:
        effect = note(session.model, kind, detail) if session.model is not None else None
        error = action()
        if error is None and effect is not None:
            tab.cards.append(effect)
        on_done(error)

    def breach() -> None:
        if isinstance(deaths, bool) or not isinstance(deaths, int) or deaths < 0:
            on_done(f"Deaths {deaths!r} is invalid: type a whole number of 0 or more in Deaths")
            return
        where = None if section == RANDOM else int(section)
        limit, place = breach_limit(model, where)
        if deaths > limit:
            on_done(
                f"Deaths {deaths:,} is more than a breach can kill: {limit:,} people are alive in "
                f"{place}; lower Deaths to {limit:,} or choose another Section (nothing happened)"
            )
            return
        intervene("breach", f"{deaths} asked", lambda: session.breach(deaths=deaths, section=where))

    with solara.Column(classes=["interventions"], gap="4px") as main:
        with solara.Row(gap="6px", style={"align-items": "center"}):
            solara.InputInt(
                "Deaths",
                value=deaths,
                on_value=set_deaths,
                continuous_update=False,
                classes=["breach-deaths"],
                style={"max-width": "90px"},
            )
            solara.Select(
                "Section",
                value=section,
                values=sections,
                on_value=set_section,
                classes=["breach-section"],
                style={"max-width": "120px"},
            )
            solara.Button(
                "Breach now",
                on_click=breach,
                classes=["crew-breach"],
                style={"background-color": BREACH_BUTTON, "color": "white"},
            )
        with solara.Row(gap="6px", style={"align-items": "center"}):
            solara.Select(
                "Tone",
                value=tone,
                values=list(TONES),
                on_value=set_tone,
                classes=["message-tone"],
                style={"max-width": "140px"},
            )
            solara.Button(
                "Captain's message",
                on_click=lambda: intervene("message", tone, lambda: session.broadcast(tone)),
                classes=["crew-message"],
            )
        with solara.Row(gap="6px", style={"flex-wrap": "wrap"}):
            solara.Button(
                "Hold memorial",
                on_click=lambda: intervene("memorial", "", session.memorial),
                classes=["crew-memorial"],
            )
            solara.Button(
                "Reinforce hull",
                on_click=lambda: on_done(session.mitigate()),
                classes=["crew-mitigate"],
            )
            solara.Button(
                "Call referendum now",
                on_click=lambda: on_done(session.call_referendum()),
                color="primary",
                classes=["crew-referendum"],
            )
        if tab.cards and model is not None:
            solara.HTML(
                tag="div",
                unsafe_innerHTML=cards_html(tab.cards, model),
                classes=["effect-cards"],
            )
    return main
