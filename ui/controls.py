"""The parameter panel and the run controls (Step, Play/Pause, Reset, speed).

Ranges and help texts come from the parameter declarations in ``model.parameters``; the
sliders keep numbers inside their ranges, and whatever the model still rejects (a crew too
small for the recorded referendum margin, a bad seed) is shown as a message and keeps Reset
disabled.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import reacton.ipyvuetify as rv
import solara

from model.parameters import describe, valid_text
from ui.session import IMMEDIATE, LABELS, MAX_UI_CREW, check_settings, smallest_crew

#: Label and slider range of each numeric control (declared ranges, narrowed for the page).
SLIDERS: dict[str, tuple[str, float, float, float]] = {
    "initial_trust": ("Trust in the captain at day 0", 0.0, 1.0, 0.01),
    "impact_rate": ("Hull impacts a year", 0.0, 24.0, 0.005),
    "penetration_probability": ("Share of impacts that breach", 0.0, 1.0, 0.01),
    "mitigation_efficacy": ("Mitigation: risk removed by a reinforcement", 0.0, 1.0, 0.05),
    "petition_threshold": ("Petition threshold (share of voters)", 0.0, 1.0, 0.01),
    "grief_effect": ("Grief strength (belief shift per grief a day)", 0.0, 1.0, 0.01),
    "influence_rate": ("Influence strength (step toward confidants a day)", 0.0, 1.0, 0.01),
}
#: Days advanced per screen update while playing.
SPEEDS = [1, 2, 5, 10, 30]


def _help(name: str) -> str:
    """The declared meaning in plain words: 'Micrometeorite impacts... (impacts a year,
    [0, 1000])'; a unit of '1' (a share) or one that repeats the name is left out."""
    decl = describe(name)
    unit = PLAIN_UNITS.get(str(decl["unit"]), str(decl["unit"]))
    valid = valid_text(decl)
    shown = f"{unit}, {valid}" if unit not in ("1", "", name) else valid
    return f"{PLAIN.get(name, decl['description'])} ({shown})"


#: What each strategy does (docs/ODD.md, 7.6).
STRATEGIES = {
    "silent": "Silent: the captain says nothing.",
    "reassure": "Reassure: she tells the crew the mission is right, regularly and the day after "
    "a breach.",
    "candid": "Candid: she shares her own doubts, regularly and the day after a breach; honesty "
    "earns trust.",
    "memorial": "Memorial: she holds a memorial the day after any death.",
}
#: Plain-word meanings where the declaration uses the model's jargon.
PLAIN = {
    "influence_rate": "Each day, how far a person's belief moves toward the average belief of "
    "the people they are close to (ties weighted by closeness)",
    "petition_threshold": "Share of voters who must sign (ask to change their vote toward the "
    "side that lost) before a new referendum is forced",
}
PLAIN_UNITS = {"1/day": "share a day", "impacts/year": "impacts a year"}


PENDING = "changed — Reset to apply"
NOW = "acts at once on the running ship"


def _mark(name: str, pending: list[str]) -> None:
    if name in IMMEDIATE:
        solara.Text(NOW, classes=["now-mark"], style={"font-size": "11px", "color": "#1b5e20"})
    elif name in pending:
        solara.Text(PENDING, classes=["pending-mark", f"pending-{name}"])


def whole_number(text: str) -> int | str:
    """The whole number typed (commas and spaces allowed), or the text itself when it is not
    one, so that the settings check can say what is wrong with it."""
    cleaned = text.strip().replace(",", "").replace(" ", "")
    try:
        return int(cleaned)
    except ValueError:
        return text


@solara.component
def WholeNumberInput(label: str, value: Any, on_value: Callable[[Any], None]) -> solara.Element:
    """A text field for a whole number. Unlike ``solara.InputInt`` it passes text that is not
    a number on to the settings, where the check names the field and turns Reset off."""
    return solara.InputText(
        label,
        value=str(value),
        on_value=lambda text: on_value(whole_number(text)),
        continuous_update=False,
    )


@solara.component
def ParameterPanel(
    settings: dict[str, Any],
    on_settings: Callable[[dict[str, Any]], None],
    pending: list[str] = (),
) -> solara.Element:
    """Controls for the main parameters and the seed. The captain's strategy and the breach
    risk act at once; the rest apply at the next Reset and say so while they differ from the
    ship's."""

    def setter(name: str) -> Callable[[Any], None]:
        return lambda value: on_settings({**settings, name: value})

    strategies = list(describe("captain_strategy")["valid"])
    smallest = smallest_crew(settings)
    low = f"{smallest:,}" if smallest is not None else "1"
    with solara.Column(classes=["parameter-panel"], gap="0px") as main:
        with solara.Div(classes=["param-n_crew"]):
            WholeNumberInput(
                f"Crew size (people, {low} to {MAX_UI_CREW:,})",
                settings["n_crew"],
                setter("n_crew"),
            )
            _mark("n_crew", pending)
        with solara.Div(classes=["param-seed"]):
            WholeNumberInput("Seed (whole number, 0 or more)", settings["seed"], setter("seed"))
            _mark("seed", pending)
        with solara.Div(classes=["param-captain_strategy"]):
            solara.Select(
                "Captain's strategy",
                value=settings["captain_strategy"],
                values=[s for s in strategies if s != "scripted"],
                on_value=setter("captain_strategy"),
            )
            solara.Text(
                STRATEGIES.get(settings["captain_strategy"], ""),
                classes=["strategy-text"],
                style={"font-size": "11px", "color": "#444", "display": "block"},
            )
            _mark("captain_strategy", pending)
        for name, (label, low, high, step) in SLIDERS.items():
            with solara.Div(classes=[f"param-{name}"], style={"margin-top": "6px"}):
                value = settings[name]
                number = isinstance(value, int | float) and not isinstance(value, bool)
                shown = f"{value:g}" if number else str(value)  # text typed in All parameters
                solara.Text(f"{label}: {shown}", style={"font-size": "14px"})
                # Vuetify names the slider from its label, shown above as text instead.
                rv.Slider(
                    v_model=float(value) if number and math.isfinite(value) else low,
                    on_v_model=lambda v, name=name: setter(name)(float(v)),
                    min=low,
                    max=high,
                    step=step,
                    thumb_label=True,
                    hide_details=True,
                    attributes={"aria-label": label},
                )
                _mark(name, pending)
                solara.Text(
                    _help(name),
                    style={
                        "font-size": "11px",
                        "color": "#555",
                        "line-height": "1.2",
                        "display": "block",
                        "margin-top": "-4px",
                    },
                )
        with solara.Div(classes=["param-mitigate_after_breach"]):
            solara.Checkbox(
                label="Reinforce the hull after every breach",
                value=bool(settings["mitigate_after_breach"]),
                on_value=setter("mitigate_after_breach"),
            )
            _mark("mitigate_after_breach", pending)
    return main


@solara.component
def RunControls(
    settings: dict[str, Any],
    playing: solara.Reactive[bool],
    speed: solara.Reactive[int],
    on_step: Callable[..., None],
    on_reset: Callable[[], None],
    on_speed: Callable[[int], None] | None = None,
    on_run_to: Callable[[int], None] | None = None,
    pending: list[str] = (),
    day: int = 0,
    ended: bool = False,
) -> solara.Element:
    """Step, Step N days, Run to day X, Play/Pause, Reset (with the panel's settings) and the
    play speed; once the run has ended (arrival, extinction) only Reset is on."""
    problem = check_settings(settings)
    days, set_days = solara.use_state(10)
    target, set_target = solara.use_state(100)
    with solara.Column(classes=["run-controls"], gap="4px") as main:
        with solara.Row(gap="6px"):
            solara.Button(
                "Step",
                on_click=lambda: on_step(1),
                color="primary",
                classes=["crew-step"],
                disabled=playing.value or ended,
            )
            solara.Button(
                "Pause" if playing.value else "Play",
                on_click=lambda: playing.set(not playing.value),
                color="primary",
                classes=["crew-play"],
                disabled=ended and not playing.value,
            )
            solara.Button(
                "Reset", on_click=on_reset, classes=["crew-reset"], disabled=problem is not None
            )
        if pending and problem is None:
            solara.Text(
                PENDING + ": " + ", ".join(LABELS.get(k, k) for k in pending),
                classes=["pending-mark", "pending-reset"],
            )
        with solara.Row(gap="6px", style={"align-items": "center"}):
            solara.InputInt(
                "days",
                value=days,
                on_value=set_days,
                continuous_update=True,
                classes=["crew-days"],
                style={"max-width": "90px"},
            )
            solara.Button(
                f"Step {days} days" if isinstance(days, int) else "Step N days",
                on_click=lambda: on_step(days),
                classes=["crew-step-n"],
                disabled=playing.value or ended or not isinstance(days, int) or days < 1,
            )
        with solara.Row(gap="6px", style={"align-items": "center"}):
            solara.InputInt(
                "day",
                value=target,
                on_value=set_target,
                continuous_update=True,
                classes=["crew-target"],
                style={"max-width": "90px"},
            )
            solara.Button(
                f"Run to day {target}" if isinstance(target, int) else "Run to day X",
                on_click=lambda: on_run_to and on_run_to(target),
                classes=["crew-run-to"],
                disabled=playing.value or ended or not isinstance(target, int) or target <= day,
            )
        solara.Select(
            "Play speed: days per screen update",
            value=speed.value,
            values=SPEEDS,
            on_value=on_speed or speed.set,
            classes=["crew-speed"],
        )
        if problem:
            solara.Error(
                f"Reset is off: {problem}", classes=["settings-error", "ui-message"], dense=True
            )
        else:
            solara.Text(
                "Reset builds a new ship from these settings.",
                style={"font-size": "12px", "color": "#555"},
            )
    return main
