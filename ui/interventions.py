"""Interventions mid-run: one button for every kind of intervention the model declares
(:mod:`model.event_kinds`: a breach now, a memorial, a captain's message, reinforcement, a
referendum now, ...), with a control for each of its arguments, and the effect cards.

The controls are generated from the declarations: a whole number is a number field, a choice
among names a select, a place on the ship a select of the ship's places and "random". A kind
with arguments has a row of its own; the kinds without arguments share the last row. Values
are checked with the kinds' own checks (their error texts, with the control's label)."""

from __future__ import annotations

from collections.abc import Callable
from numbers import Integral
from typing import Any

import solara

from model import CrewModel, event_kinds
from model.event_kinds import Argument, EventKind
from model.validation import Interval, Options
from ui.effects import breach_limit, cards_html, note
from ui.store import TabState

RANDOM = "random"
#: The Breach button: dark, white text 12.6:1 (red meant five things on the old page).
BREACH_BUTTON = "#333333"
#: How some buttons look (every other button is plain).
BUTTON_LOOKS: dict[str, dict[str, Any]] = {
    "breach": {"style": {"background-color": BREACH_BUTTON, "color": "white"}},
    "referendum": {"color": "primary"},
}
#: Width of each control, by check.
WIDTHS = {"whole": "90px", "places": "120px", "options": "140px", "number": "110px"}


def offered() -> tuple[EventKind, ...]:
    """The kinds the panel offers, in the registry's order."""
    return tuple(k for k in event_kinds.registered() if k.button)


def controls(kind: EventKind) -> tuple[Argument, ...]:
    """The arguments of ``kind`` the panel has a control for."""
    return tuple(a for a in kind.arguments if a.shown)


def initial_value(argument: Argument) -> Any:
    """The control's value before anyone touches it."""
    if argument.places is not None:
        return RANDOM if argument.default is None else argument.default
    if argument.default is not None:
        return argument.default
    if isinstance(argument.check, Options):
        return argument.check[0] if len(argument.check) else None
    return 0


def arguments_of(kind: EventKind, values: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """The verb's arguments from the controls' values, or a message in the page's words (the
    kind's own check, with the control's label)."""
    given: dict[str, Any] = {}
    for argument in controls(kind):
        value = values.get(argument.name, initial_value(argument))
        if argument.places is not None and value == RANDOM:
            continue
        if argument.places is not None:
            value = int(value)
        problem = argument.check.problem(argument.label, value)
        if problem is not None:
            return {}, problem.replace(f"{argument.label}=", f"{argument.label} ", 1)
        given[argument.name] = value
    return given, None


def _breach_limit(model: CrewModel, given: dict[str, Any]) -> str | None:
    """A breach cannot kill more than live where it strikes: say so and do nothing."""
    limit, place = breach_limit(model, given.get("section"))
    deaths = given.get("deaths", 3)
    if deaths > limit:
        return (
            f"Deaths {deaths:,} is more than a breach can kill: {limit:,} people are alive in "
            f"{place}; lower Deaths to {limit:,} or choose another Section (nothing happened)"
        )
    return None


#: Checks the page makes before a kind acts (what only the page refuses).
BEFORE: dict[str, Callable[[CrewModel, dict[str, Any]], str | None]] = {"breach": _breach_limit}


def _control(kind: EventKind, argument: Argument, model: CrewModel, value: Any, set_value) -> None:
    css = [f"{kind.name}-{argument.name}"]
    if argument.places is not None:
        places = [RANDOM, *(str(s) for s in argument.places(model))]
        solara.Select(
            argument.label,
            value=str(value) if str(value) in places else RANDOM,
            values=places,
            on_value=set_value,
            classes=css,
            style={"max-width": WIDTHS["places"]},
        )
    elif isinstance(argument.check, Options):
        solara.Select(
            argument.label,
            value=value,
            values=list(argument.check),
            on_value=set_value,
            classes=css,
            style={"max-width": WIDTHS["options"]},
        )
    elif isinstance(argument.check, Interval) and argument.check.type is Integral:
        solara.InputInt(
            argument.label,
            value=value,
            on_value=set_value,
            continuous_update=True,  # taken as the value arrives (see Interventions)
            classes=css,
            style={"max-width": WIDTHS["whole"]},
        )
    else:
        solara.InputFloat(
            argument.label,
            value=value,
            on_value=set_value,
            continuous_update=True,  # taken as the value arrives (see Interventions)
            classes=css,
            style={"max-width": WIDTHS["number"]},
        )


@solara.component
def Interventions(
    tab: TabState, version: int, on_done: Callable[[str | None], None]
) -> solara.Element:
    """A button for each declared kind of intervention and the effect cards of those that
    leave one; ``on_done(error)`` is called after each."""
    session = tab.session
    model: CrewModel = session.model
    # (kind, argument) -> the control's value. Kept in a ref the setter updates at once, and
    # read from it by the buttons: a click handled before the redraw that follows a change
    # (redraws wait while the Play thread draws) must act on the value as chosen. Number
    # fields are taken as their value arrives (continuous_update): committed on Enter or on
    # leaving the field, Solara reads the server's copy of the field, which under load can
    # still be the old value (the browser holds a field's update back while the server has
    # not answered the previous one; the Enter goes out at once) and then stays old.
    chosen = solara.use_ref({})
    _, redraw = solara.use_state(0)

    def value(kind: EventKind, argument: Argument) -> Any:
        return chosen.current.get((kind.name, argument.name), initial_value(argument))

    def setter(kind: EventKind, argument: Argument):
        key = (kind.name, argument.name)

        def set_value(new: Any) -> None:
            chosen.current = {**chosen.current, key: new}
            redraw(lambda n: n + 1)

        return set_value

    def intervene(kind: EventKind) -> None:
        current = {a.name: value(kind, a) for a in controls(kind)}
        given, problem = arguments_of(kind, current)
        if problem is None and kind.name in BEFORE and session.model is not None:
            problem = BEFORE[kind.name](session.model, given)
        if problem is not None:
            on_done(problem)
            return
        effect = None
        if kind.card is not None and session.model is not None:
            detail = kind.card.format(**{**{a.name: a.default for a in kind.arguments}, **given})
            effect = note(session.model, kind.name, detail)
        error = session.intervene(kind.name, **given)
        if error is None and effect is not None:
            tab.cards.append(effect)
        on_done(error)

    def button(kind: EventKind) -> None:
        look = BUTTON_LOOKS.get(kind.name, {})
        # The values the click will use, as the server holds them: a hover shows what the
        # button will do, and a value typed but not yet received shows as not there yet.
        uses = ", ".join(f"{a.label.lower()} {value(kind, a)}" for a in controls(kind))
        solara.Button(
            kind.label,
            on_click=lambda: intervene(kind),
            classes=[f"crew-{kind.name}"],
            attributes={"title": f"{kind.label}: {uses}" if uses else kind.label},
            **look,
        )

    kinds = offered()
    with solara.Column(classes=["interventions"], gap="4px") as main:
        for kind in (k for k in kinds if controls(k)):
            with solara.Row(gap="6px", style={"align-items": "center"}):
                for argument in controls(kind):
                    _control(kind, argument, model, value(kind, argument), setter(kind, argument))
                button(kind)
        with solara.Row(gap="6px", style={"flex-wrap": "wrap"}):
            for kind in (k for k in kinds if not controls(k)):
                button(kind)
        if tab.cards and model is not None:
            solara.HTML(
                tag="div",
                unsafe_innerHTML=cards_html(tab.cards, model),
                classes=["effect-cards"],
            )
    return main
