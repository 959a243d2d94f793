"""The twin switch: ship B, a counterfactual copy of the ship that differs in the captain's
strategy.

B is copied from ship A when the switch is turned on (on day 0 after a Reset), with the same
random generators, so both draw the same random numbers (each process of the model has its own
stream and draws a fixed amount a day, model/streams.py, so a strategy that moves beliefs
shifts no hull impact or death); from then on both advance together and every intervention
made on the page acts on both on the same day (a random breach strikes the same compartment).
The strategy is the one setting they differ in: any difference between their series is the
effect of that choice.
"""

from __future__ import annotations

from collections.abc import Callable

import solara

from model.parameters import describe
from ui.session import Session


def other_strategy(current: str) -> str:
    """The default strategy for ship B: the first one (not ``scripted``) other than A's."""
    names = [s for s in describe("captain_strategy")["valid"] if s != "scripted"]
    return next((s for s in names if s != current), current)


@solara.component
def TwinControls(
    session: Session, version: int, on_change: Callable[[str | None], None]
) -> solara.Element:
    """The twin switch and ship B's strategy (kept when the switch goes off and on again);
    ``on_change(error)`` after each change. ``version`` is the model's change counter (the
    session is mutated in place)."""
    strategies = [s for s in describe("captain_strategy")["valid"] if s != "scripted"]
    a_strategy = session.settings.get("captain_strategy", strategies[0])
    choice, set_choice = solara.use_state(None)  # B's strategy picked while the twin is off
    chosen = session.twin_strategy or choice or other_strategy(a_strategy)
    on = session.twin is not None

    def switch(value: bool) -> None:
        if not value:
            set_choice(session.twin_strategy)
        on_change(session.set_twin(chosen if value else None))

    def choose(name: str) -> None:
        set_choice(name)
        if session.twin is not None:
            on_change(session.set_twin_strategy(name))

    with solara.Column(classes=["twin-controls"], gap="0px") as main:
        solara.Switch(
            label="Twin: compare with ship B",
            value=on,
            on_value=switch,
            classes=["crew-twin"],
        )
        solara.Select(
            "Ship B's captain's strategy",
            value=chosen,
            values=strategies,
            on_value=choose,
            classes=["twin-strategy"],
        )
        if on:
            text = (
                f"B branched off A on day {session.twin_day}: same seed, same random numbers, "
                f"same interventions; only the strategy differs ({a_strategy} on A, "
                f"{session.twin_strategy} on B). Charts: A solid, B dotted, the gap shaded."
            )
        else:
            text = (
                "Ship B copies this ship now, then follows B's strategy; both advance together "
                "and get every intervention."
            )
        solara.Text(text, classes=["twin-help"], style={"font-size": "11px", "color": "#444"})
    return main
