"""The main page: watch and steer one ship's referendum dynamics.

Each browser tab has its own :class:`ui.store.TabState` (ship, settings, speed), kept on the
server under the tab's sessionStorage id, so a page switch or a reload finds it again (the
model is never built at import time). ``version`` counts changes to the model; components memoise
on it, so a Step re-renders each view once.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import solara

from ui.all_parameters import AllParameters, acts_now_ok, value_of
from ui.budget import is_notice, is_refusal
from ui.charts import Charts
from ui.controls import ParameterPanel, RunControls
from ui.event_log import EventLog
from ui.glossary import Glossary
from ui.guard import Guarded
from ui.interventions import Interventions
from ui.network_view import NetworkView
from ui.scenario_panel import ScenarioPanel, open_link
from ui.session import IMMEDIATE
from ui.ship_map import ShipMap
from ui.status import ReferendumResultCard, StatusLine
from ui.store import TabState, tab_state
from ui.style import PAGE_CSS
from ui.sweep_panel import SweepPanel
from ui.tab_id import TabId
from ui.twin import TwinControls
from ui.voyage_view import EndBanner, VoyageControls, VoyageView
from ui.who_moved import WhoMoved

#: Seconds per screen update while playing: the browser keeps up and clicks (Pause, an
#: intervention) get their turn. With one day per update Play makes 4 days a second.
PLAY_FRAME = 0.25
#: Shortest pause between updates, even when rendering took longer than a frame.
PLAY_REST = 0.05
#: Longest wait for the page to draw the last update before Play goes on anyway (a closed or
#: hidden tab never draws).
PLAY_WAIT = 5.0


@solara.component
def Page(tab_id: str | None = None, query: str | None = None) -> solara.Element:
    """The whole page for one tab: its state comes from the store, keyed by the tab's id.

    Args:
        tab_id: The tab's id; None (the route) reads it from the browser's sessionStorage.
        query: A link's query (``n_crew=400&seed=2&day=30&do=3:breach:deaths=3``); None
            (the route) reads it from the page's URL.
    """
    browser_id, set_browser_id = solara.use_state(None)
    router = solara.use_router()
    query = query if query is not None else router.search
    key = tab_id or browser_id
    with solara.Column(gap="0px") as main:
        if tab_id is None:
            TabId(on_tab_id=set_browser_id)
        if key is None:
            solara.Text("Loading the ship…", classes=["crew-loading"])
        else:
            ShipPage(tab_state(key), query=query)
    return main


@solara.component
def ShipPage(tab: TabState, query: str | None = None) -> solara.Element:
    """The ship page over one tab's stored state (a switch or reload reattaches to it); a
    link's ``query`` rebuilds the ship it names, once per tab."""
    session = tab.session
    opened = None
    if query and tab.link != query:
        tab.link = query
        with session.lock:
            opened = open_link(session, query)
        tab.settings = dict(session.settings)
        tab.cards.clear()
    token = solara.use_memo(object, [])
    tab.owner = token  # this page drives the tab now; an older page's Play stops

    def retry() -> None:
        """A page opened again (a reload) on a tab the budget refused tries once more: the
        refused link's whole scenario, or the settings asked for."""
        if opened is None and session.model is None and is_refusal(session.error):
            with session.lock:
                if session.retry() is None:
                    tab.settings = dict(session.settings)
                    tab.cards.clear()

    solara.use_memo(retry, [])
    version = solara.use_reactive(session.changes)
    first_message = solara.use_memo(lambda: opened, [])  # a link's, from the first render
    message = solara.use_reactive(first_message)
    playing = solara.use_reactive(False)
    speed = solara.use_reactive(tab.speed)
    voyage = solara.use_reactive(tab.voyage)  # voyage mode: Play advances years an update
    voyage_years = solara.use_reactive(tab.voyage_years)
    settings = solara.use_reactive(dict(tab.settings))

    if session.model is None and session.error is None:
        session.reset(tab.settings)
    session.touch()  # a tab drawn again is in use: its ship is not idle

    def changed(error: str | None = None) -> None:
        message.set(error)
        # The Play thread and clicks both report changes: each gets its own number, so two at
        # once never collapse into one (which would leave the page a change behind).
        version.set(session.next_version())

    def set_settings(new: dict) -> None:
        error = None
        if session.model is not None:
            for name in IMMEDIATE:
                if (
                    new.get(name) != settings.value.get(name)
                    and new.get(name) != session.settings.get(name)
                    and acts_now_ok(name, new.get(name))
                ):
                    error = session.apply_now(name, new[name]) or error
        tab.settings = dict(new)
        settings.set(dict(new))
        if error is not None or session.model is not None:
            changed(error)

    def set_speed(value: int) -> None:
        tab.speed = value
        speed.set(value)

    def set_voyage(on: bool) -> None:
        tab.voyage = on
        voyage.set(on)

    def set_voyage_years(value: int) -> None:
        tab.voyage_years = value
        voyage_years.set(value)

    def step(days: int = 1) -> None:
        changed(session.step(days))

    def run_to(day: int) -> None:
        changed(session.run_to(day))

    def reset() -> None:
        playing.set(False)
        with session.lock:
            error = session.reset(settings.value)
        if error is None:
            tab.cards.clear()
        else:  # the fields show the ship that is still running
            error += " (the ship was not rebuilt: the settings show its values again)"
            tab.settings = dict(session.settings)
            settings.set(dict(session.settings))
        changed(error)

    def loaded(error: str | None) -> None:
        """After an import: the panel shows the new ship's settings."""
        playing.set(False)
        if error is None:
            tab.cards.clear()
            tab.settings = dict(session.settings)
            settings.set(dict(session.settings))
        changed(error)

    def play() -> None:
        while playing.value and tab.owner is token:
            session.wait_drawn(version.value, PLAY_WAIT)  # never outrun the page
            if not playing.value or tab.owner is not token:
                return
            started = time.monotonic()
            days = voyage_years.value * 365 if voyage.value else speed.value
            error = session.step(days)
            if error:
                playing.set(False)
                changed(error)
                return
            if session.model is not None and session.model.ended:  # the end of the story
                playing.set(False)
                changed()
                return
            changed()
            time.sleep(max(PLAY_REST, PLAY_FRAME - (time.monotonic() - started)))

    solara.use_thread(play, dependencies=[playing.value], intrusive_cancel=False)
    pending = pending_settings(settings.value, session.settings)

    with solara.Row(
        classes=["crew-page"], style={"padding": "8px", "align-items": "flex-start"}
    ) as main:
        solara.Title("Crew cohesion · ship")
        solara.Style(PAGE_CSS)
        with solara.Column(
            classes=["crew-controls"],
            style={
                "width": "330px",
                "flex": "none",
                "position": "sticky",
                "top": "0px",
                "max-height": "calc(100vh - 124px)",
                "overflow-y": "auto",
                "z-index": "3",
                "background": "white",
            },
        ):
            RunControls(
                settings.value,
                playing,
                speed,
                on_step=step,
                on_reset=reset,
                on_speed=set_speed,
                on_run_to=run_to,
                pending=pending,
                day=session.model.day if session.model is not None else 0,
                ended=session.model is not None and bool(session.model.ended),
            )
            VoyageControls(
                session,
                voyage.value,
                voyage_years.value,
                on_mode=set_voyage,
                on_years=set_voyage_years,
                changed=changed,
                playing=playing.value,
            )
            ParameterPanel(settings.value, set_settings, pending=pending)
            AllParameters(settings.value, set_settings, pending=pending)
            TwinControls(session, version.value, changed)
        with solara.Column(classes=["crew-views"], style={"flex": "1", "min-width": "0"}):
            Views(tab, version.value, message.value, changed, loaded, voyage=voyage.value)
    return main


def pending_settings(panel: dict, ship: dict) -> list[str]:
    """Names of the settings on the panel that differ from the ship's (apply at Reset); a
    parameter missing on either side has its declared default."""
    names = [*panel, *(k for k in ship if k not in panel)]
    return [k for k in names if k not in IMMEDIATE and value_of(panel, k) != value_of(ship, k)]


@solara.component
def Views(
    tab: TabState,
    version: int,
    message: str | None,
    changed: Callable[[str | None], None],
    loaded: Callable[[str | None], None] | None = None,
    voyage: bool = False,
) -> solara.Element:
    """Everything right of the controls: status, the end of the story once the run has ended,
    the voyage (in voyage mode), map, interventions, charts, scenario and data, network,
    log."""
    session = tab.session
    model = session.model
    twin = session.twin
    solara.use_effect(lambda: session.mark_drawn(version), [version])
    since = solara.use_reactive(None)  # the "who moved" window, shared by map and table
    with solara.Column(gap="8px") as main:
        if model is None:
            if is_notice(session.error):  # the server's crew budget: a notice, not a failure
                solara.Info(session.error, classes=["ui-message", "budget-message"])
            else:
                solara.Error(session.error or "No ship yet: press Reset.", classes=["ui-message"])
            return main
        Guarded("status line", lambda: StatusLine(model, version, twin), version)
        if voyage:
            with solara.Card("Voyage"):
                Guarded("voyage", lambda: VoyageView(model, version), version)
        else:
            Guarded("end of the story", lambda: EndBanner(model, version), version)
        Glossary()
        with solara.Column(gap="0px"):  # always there, so a message shifts no view below
            if message:
                solara.Warning(message, classes=["ui-message"], dense=True)
        with solara.Row(style={"flex-wrap": "wrap", "align-items": "flex-start"}):
            with solara.Card(
                "Ship map", style={"max-width": "800px", "flex": "1 1 420px", "min-width": "0"}
            ):
                Guarded("ship map", lambda: ShipMap(model, version, since), version)
            with solara.Card("Interventions", style={"max-width": "460px"}):
                Guarded(
                    "interventions",
                    lambda: Interventions(tab, version, on_done=changed),
                    version,
                )
                solara.HTML(tag="div", style={"height": "8px"})
                Guarded(
                    "referendum result",
                    lambda: ReferendumResultCard(session.latest_referendum()),
                    version,
                )
        with solara.Card("Time series"):
            Guarded("time series", lambda: Charts(model, version, twin), version)
        with solara.Card("Scenario and data"):
            Guarded(
                "scenario",
                lambda: ScenarioPanel(session, version, on_loaded=loaded or changed),
                version,
            )
        with solara.Card("Sweep this"):
            Guarded("sweep", lambda: SweepPanel(tab, version), version)
        with solara.Row(style={"flex-wrap": "wrap", "align-items": "flex-start"}):
            with solara.Card("Social network"):
                Guarded(
                    "network view",
                    lambda: NetworkView(model, version, session.cache),
                    version,
                )
            with solara.Card("Event log (newest first)", style={"min-width": "420px"}):
                Guarded("event log", lambda: EventLog(model, version), version)
        with solara.Card("Who moved"):
            Guarded("who moved", lambda: WhoMoved(model, version, session.cache, since), version)
    return main
