"""The parameter panel and the run controls (Step, Play/Pause, Reset, speed).

Ranges and help texts come from the parameter declarations in ``model.parameters``; the
sliders keep numbers inside their ranges, and whatever the model still rejects (a crew too
small for the recorded referendum margin, a bad seed) is shown as a message and keeps Reset
disabled.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import solara

from model.parameters import describe, valid_text
from ui.session import MAX_UI_CREW, check_settings

#: Label and slider range of each numeric control (declared ranges, narrowed for the page).
SLIDERS: dict[str, tuple[str, float, float, float]] = {
    "initial_trust": ("Trust in the captain at day 0", 0.0, 1.0, 0.01),
    "impact_rate": ("Hull impacts a year", 0.0, 24.0, 0.005),
    "penetration_probability": ("Share of impacts that breach", 0.0, 1.0, 0.01),
    "mitigation_efficacy": ("Mitigation: risk removed by a reinforcement", 0.0, 1.0, 0.05),
    "petition_threshold": ("Petition threshold (share of voters)", 0.0, 1.0, 0.01),
    "grief_effect": ("Grief strength (belief shift per grief a day)", 0.0, 0.3, 0.005),
    "influence_rate": ("Influence strength (step toward confidants a day)", 0.0, 1.0, 0.01),
}
#: Days advanced per screen update while playing.
SPEEDS = [1, 2, 5, 10, 30]


def _help(name: str) -> str:
    decl = describe(name)
    return f"{decl['description']} ({decl['unit']}; valid {valid_text(decl)})"


@solara.component
def ParameterPanel(
    settings: dict[str, Any], on_settings: Callable[[dict[str, Any]], None]
) -> solara.Element:
    """Controls for the main parameters and the seed; changes apply at the next Reset."""

    def setter(name: str) -> Callable[[Any], None]:
        return lambda value: on_settings({**settings, name: value})

    strategies = list(describe("captain_strategy")["valid"])
    with solara.Column(classes=["parameter-panel"], gap="0px") as main:
        solara.InputInt(
            f"Crew size (1 to {MAX_UI_CREW:,})",
            value=settings["n_crew"],
            on_value=setter("n_crew"),
            continuous_update=False,
            classes=["param-n_crew"],
        )
        solara.InputInt(
            "Seed (whole number >= 0)",
            value=settings["seed"],
            on_value=setter("seed"),
            continuous_update=False,
            classes=["param-seed"],
        )
        solara.Select(
            "Captain's strategy",
            value=settings["captain_strategy"],
            values=[s for s in strategies if s != "scripted"],
            on_value=setter("captain_strategy"),
            classes=["param-captain_strategy"],
        )
        for name, (label, low, high, step) in SLIDERS.items():
            with solara.Div(classes=[f"param-{name}"], style={"margin-top": "6px"}):
                solara.Text(f"{label}: {settings[name]:g}", style={"font-size": "14px"})
                solara.SliderFloat(
                    "",
                    value=float(settings[name]),
                    min=low,
                    max=high,
                    step=step,
                    on_value=setter(name),
                )
                solara.Text(
                    _help(name),
                    style={
                        "font-size": "11px",
                        "color": "#666",
                        "line-height": "1.2",
                        "display": "block",
                        "margin-top": "-10px",
                    },
                )
        with solara.Div(classes=["param-mitigate_after_breach"]):
            solara.Checkbox(
                label="Reinforce the hull after every breach",
                value=bool(settings["mitigate_after_breach"]),
                on_value=setter("mitigate_after_breach"),
            )
    return main


@solara.component
def RunControls(
    settings: dict[str, Any],
    playing: solara.Reactive[bool],
    speed: solara.Reactive[int],
    on_step: Callable[[], None],
    on_reset: Callable[[], None],
) -> solara.Element:
    """Step, Play/Pause, Reset (with the panel's settings) and the play speed."""
    problem = check_settings(settings)
    with solara.Column(classes=["run-controls"], gap="4px") as main:
        with solara.Row(gap="6px"):
            solara.Button(
                "Step",
                on_click=on_step,
                color="primary",
                classes=["crew-step"],
                disabled=playing.value,
            )
            solara.Button(
                "Pause" if playing.value else "Play",
                on_click=lambda: playing.set(not playing.value),
                color="primary",
                classes=["crew-play"],
            )
            solara.Button(
                "Reset", on_click=on_reset, classes=["crew-reset"], disabled=problem is not None
            )
        solara.Select(
            "Play speed: days per screen update",
            value=speed.value,
            values=SPEEDS,
            on_value=speed.set,
            classes=["crew-speed"],
        )
        if problem:
            solara.Error(f"Cannot build this ship: {problem}", classes=["settings-error"])
        else:
            solara.Text(
                "Reset builds a new ship from these settings.",
                style={"font-size": "12px", "color": "#666"},
            )
    return main
