"""The main page: watch and steer one ship's referendum dynamics.

Each browser tab renders :func:`Page` afresh and so builds its own :class:`Session` (the model
is never built at import time). ``version`` counts changes to the model; components memoise
on it, so a Step re-renders each view once.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import solara

from ui.charts import Charts
from ui.controls import ParameterPanel, RunControls
from ui.event_log import EventLog
from ui.guard import Guarded
from ui.interventions import Interventions
from ui.network_view import NetworkView
from ui.session import Session, default_settings
from ui.ship_map import ShipMap
from ui.status import ReferendumResultCard, StatusLine

#: Seconds per screen update while playing: the browser keeps up and clicks (Pause, an
#: intervention) get their turn. With one day per update Play makes 4 days a second.
PLAY_FRAME = 0.25
#: Shortest pause between updates, even when rendering took longer than a frame.
PLAY_REST = 0.05
#: Longest wait for the page to draw the last update before Play goes on anyway (a closed or
#: hidden tab never draws).
PLAY_WAIT = 5.0


@solara.component
def Page() -> solara.Element:
    """The whole page for one tab."""
    session = solara.use_memo(Session, [])
    version = solara.use_reactive(0)
    message = solara.use_reactive(None)
    playing = solara.use_reactive(False)
    speed = solara.use_reactive(5)
    settings = solara.use_reactive(default_settings())

    if session.model is None and session.error is None:
        session.reset(settings.value)

    def changed(error: str | None = None) -> None:
        message.set(error)
        # The Play thread and clicks both report changes: each gets its own number, so two at
        # once never collapse into one (which would leave the page a change behind).
        version.set(session.next_version())

    def step() -> None:
        changed(session.step(1))

    def reset() -> None:
        playing.set(False)
        with session.lock:
            error = session.reset(settings.value)
        changed(error)

    def play() -> None:
        while playing.value:
            session.wait_drawn(version.value, PLAY_WAIT)  # never outrun the page
            if not playing.value:
                return
            started = time.monotonic()
            error = session.step(speed.value)
            if error:
                playing.set(False)
                changed(error)
                return
            changed()
            time.sleep(max(PLAY_REST, PLAY_FRAME - (time.monotonic() - started)))

    solara.use_thread(play, dependencies=[playing.value], intrusive_cancel=False)

    with solara.Row(
        classes=["crew-page"], style={"padding": "8px", "align-items": "flex-start"}
    ) as main:
        solara.Title("Crew cohesion · ship")
        with solara.Column(classes=["crew-controls"], style={"width": "330px", "flex": "none"}):
            RunControls(settings.value, playing, speed, on_step=step, on_reset=reset)
            ParameterPanel(settings.value, settings.set)
        with solara.Column(classes=["crew-views"], style={"flex": "1", "min-width": "0"}):
            Views(session, version.value, message.value, changed)
    return main


@solara.component
def Views(
    session: Session, version: int, message: str | None, changed: Callable[[str | None], None]
) -> solara.Element:
    """Everything right of the controls: status, map, interventions, charts, network, log."""
    model = session.model
    solara.use_effect(lambda: session.mark_drawn(version), [version])
    with solara.Column(gap="8px") as main:
        if model is None:
            solara.Error(session.error or "No ship yet: press Reset.", classes=["ui-message"])
            return main
        Guarded("status line", lambda: StatusLine(model, version), version)
        with solara.Column(gap="0px"):  # always there, so a message shifts no view below
            if message:
                solara.Warning(message, classes=["ui-message"], dense=True)
        with solara.Row(style={"flex-wrap": "wrap", "align-items": "flex-start"}):
            with solara.Card("Ship map", style={"max-width": "800px"}):
                Guarded("ship map", lambda: ShipMap(model, version), version)
            with solara.Card("Interventions", style={"max-width": "460px"}):
                Guarded(
                    "interventions",
                    lambda: Interventions(session, version, on_done=changed),
                    version,
                )
                solara.HTML(tag="div", style={"height": "8px"})
                Guarded(
                    "referendum result",
                    lambda: ReferendumResultCard(session.latest_referendum()),
                    version,
                )
        with solara.Card("Time series"):
            Guarded("time series", lambda: Charts(model, version), version)
        with solara.Row(style={"flex-wrap": "wrap", "align-items": "flex-start"}):
            with solara.Card("Social network"):
                Guarded(
                    "network view",
                    lambda: NetworkView(model, version, session.cache),
                    version,
                )
            with solara.Card("Event log (newest first)", style={"min-width": "420px"}):
                Guarded("event log", lambda: EventLog(model, version), version)
    return main
