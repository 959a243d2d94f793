"""The UI under stress (issue #7), in headless Chromium against ``solara run app.py``.

200 clicks on Step, Play/Pause, Reset and the interventions in an order drawn from a fixed
seed; after each one the page must show no traceback, the browser must record no page error,
console error, failed request or websocket error, the server must be alive with no traceback
in its log, and what the page shows must hang together (the day, the crew aboard, the newest
referendum's counts, the event log). Then two tabs must not share a model.

Run alone: ``.venv/bin/python -m pytest tests/ui/test_stress.py -s`` (``-s`` prints the
actions and the seconds spent per kind); a failure leaves ``artifacts/ui-stress-failure.png``.
"""

from __future__ import annotations

import math
import random
import re
import time
from dataclasses import dataclass, field

import pytest

from model.parameters import TONES, Parameters
from tests.ui.conftest import ARTIFACTS
from ui.session import MAX_UI_CREW

pytestmark = pytest.mark.browser

SEED = 7
ACTIONS = 200
#: A small ship, so a day costs little and 200 clicks fit in about a minute.
CREW = 300
TIMEOUT = 45_000  # generous: a loaded CI machine must not turn a slow page into a failure
#: Messages the page may show after a click: refusals, not failures.
EXPECTED_MESSAGES = ("reinforcement is already under way", "no one lives in")
#: Quiet time after Pause: the Play thread may finish the update it was computing.
SETTLE = 0.25
#: Seconds within which the views of one update must agree, and the polling interval.
SETTLED = 15.0
POLL = 0.03

#: One look at the page: day, status, the referendum card, the event log and the messages.
SNAPSHOT_JS = """() => {
  const day = document.querySelector('.status-day');
  const card = document.querySelector('.referendum-card');
  const rows = [...document.querySelectorAll('.event-log tr.event-row')].map(
    r => [r.cells[0].innerText, r.cells[1].innerText, r.cells[2].innerText]);
  return {
    day: day ? Number(day.dataset.day) : null,
    status: day ? day.innerText : '',
    card: card ? card.innerText : null,
    result: (document.querySelector('.referendum-result') || {className: ''}).className,
    rows: rows,
    messages: [...document.querySelectorAll('.ui-message, .settings-error')].map(
      e => e.innerText.trim()),
    traceback: /Traceback|Error:/.test(document.body.innerText),
  };
}"""


@dataclass
class Status:
    """The numbers of the status line."""

    day: int
    aboard: int
    voters: int


def read_status(text: str) -> Status:
    match = re.search(r"Day (\d+) · ([\d,]+) aboard \(([\d,]+) voters\)", text)
    assert match, f"unreadable status line: {text!r}"
    day, aboard, voters = (int(g.replace(",", "")) for g in match.groups())
    return Status(day, aboard, voters)


@dataclass
class Card:
    """The numbers of the referendum card."""

    day: int
    trigger: str
    continue_votes: int
    divert_votes: int
    margin: int
    abstained: int


def read_card(text: str) -> Card:
    flat = " ".join(text.split())
    match = re.search(
        r"Referendum on day (-?\d+) \(called by (\w+)\).*continue ([\d,]+) · divert ([\d,]+)"
        r" · margin ([+-]?[\d,]+) · ([\d,]+) abstained",
        flat,
    )
    assert match, f"unreadable referendum card: {flat!r}"
    day, trigger, *numbers = match.groups()
    c, d, margin, abstained = (int(n.replace(",", "")) for n in numbers)
    return Card(int(day), trigger, c, d, margin, abstained)


@dataclass
class Watch:
    """What the browser and the server reported that should not happen."""

    problems: list[str] = field(default_factory=list)

    def attach(self, page) -> None:
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        page.on(
            "console",
            lambda m: (
                self.problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None
            ),
        )
        page.on(
            "response",
            lambda r: self.problems.append(f"HTTP {r.status} {r.url}") if r.status >= 400 else None,
        )
        page.on("requestfailed", lambda r: self.problems.append(f"request failed {r.url}"))
        page.on("websocket", self._websocket)

    def _websocket(self, ws) -> None:
        ws.on("socketerror", lambda e: self.problems.append(f"websocket error {ws.url}: {e}"))
        ws.on("close", lambda _: self.problems.append(f"websocket closed {ws.url}"))


def server_output(server, start: int) -> str:
    """What the server wrote to its log since byte ``start``."""
    with open(server.log, "rb") as log:
        log.seek(start)
        return log.read().decode(errors="replace")


def select(page, control: str, value: str) -> None:
    """Choose ``value`` in the Vuetify select with class ``control``."""
    page.locator(control).click()
    menu = page.locator(".menuable__content__active")
    menu.get_by_role("option", name=value, exact=True).click()
    page.locator(f"{control} .v-select__selection", has_text=value).wait_for(timeout=TIMEOUT)


def births_bound(days: int) -> int:
    """Births above the crew size over ``days`` days that a Poisson count exceeds with
    probability well below one in a million (births replace deaths; when no one died at most
    the expected deaths of a full ship are drawn, below twice a stationary ship's
    crew / life expectancy a year)."""
    mean = 2 * CREW / Parameters().life_expectancy * days / 365
    return math.ceil(mean + 6 * math.sqrt(mean) + 6)


class StressRun:
    """Drives one tab and checks the page after each click."""

    def __init__(self, page, server, watch: Watch, rng: random.Random) -> None:
        self.page, self.server, self.watch, self.rng = page, server, watch, rng
        self.log_start = server.log.stat().st_size
        self.last_day = 0
        self.max_days = 0  # the latest day since a Reset, for the births bound
        self.counts: dict[str, int] = {}
        self.history: list[str] = []  # the actions so far, for the failure messages
        self.seconds: dict[str, float] = {}  # time spent per kind of action
        self.during: dict[str, int] = {}  # interventions clicked while playing

    # --- looking --------------------------------------------------------------------------
    def snapshot(self) -> dict:
        return self.page.evaluate(SNAPSHOT_JS)

    def click_and_wait_for(
        self, control: str, kind: str, text: str, or_message: str | None = None
    ) -> bool:
        """Click ``control`` and wait until the event log has one more row of ``kind`` whose
        detail contains ``text`` (True) or, if given, a message containing ``or_message``
        shows (False).

        Rows are counted from the day shown before the click on, so the 200-row limit of the
        log cannot hide the new one, and a view still catching up with the previous click
        cannot pass for this click's effect.
        """
        before = self.snapshot()
        since = before["day"]

        def matching(snap: dict) -> int:
            return sum(
                1
                for d, k, detail in snap["rows"]
                if int(d) >= since and k == kind and text in detail
            )

        def logged(snap: dict) -> None:
            if or_message and any(or_message in m for m in snap["messages"]):
                return
            assert matching(snap) > matching(before), f"no new {kind} row after {control}"

        self.page.locator(control).click()
        return matching(self.until(logged, TIMEOUT / 1000)) > matching(before)

    def wait_day_settled(self) -> None:
        """Wait until the day stops moving (after Pause)."""
        day = self.snapshot()["day"]
        while True:
            time.sleep(SETTLE)
            now = self.snapshot()["day"]
            if now == day:
                return
            day = now

    def until(self, condition, timeout: float = SETTLED) -> dict:
        """Poll the page until ``condition(snapshot)`` stops raising AssertionError.

        The views of one update reach the browser one widget at a time (the status line a few
        tens of milliseconds before the event log), so what the page shows must be consistent
        once it has settled, not at every instant. Returns the snapshot that passed.
        """
        deadline = time.monotonic() + timeout
        while True:
            snap = self.snapshot()
            try:
                condition(snap)
                return snap
            except AssertionError:
                if time.monotonic() > deadline:
                    raise
            time.sleep(POLL)

    # --- checking -------------------------------------------------------------------------
    def check(self, action: str, reset: bool = False) -> None:
        """Everything that must hold after any click."""
        where = f"after action {len(self.history)} ({', '.join(self.history[-8:])})"
        snap = self.snapshot()
        assert not snap["traceback"], f"traceback or error text in the page {where}"
        assert self.watch.problems == [], (
            f"browser reported problems {where}: {self.watch.problems}"
        )
        assert self.server.process.poll() is None, f"the UI server died {where}"
        out = server_output(self.server, self.log_start)
        for bad in ("Traceback", "Exception", "could not be drawn", " failed: "):
            assert bad not in out, f"server log {where}:\n{out[-3000:]}"

        def consistent(snap: dict) -> None:
            unexpected = [
                m for m in snap["messages"] if not any(ok in m for ok in EXPECTED_MESSAGES)
            ]
            assert unexpected == [], f"unexpected messages {where}: {unexpected}"
            status = read_status(snap["status"])
            assert status.day == snap["day"] >= 0, where
            if reset:
                assert status.day == 0, f"Reset left day {status.day}"
                assert status.aboard == CREW, f"a new ship of {CREW} has {status.aboard} aboard"
            else:
                assert status.day >= self.last_day, f"day went back {where}"
            longest = status.day if reset else max(self.max_days, status.day)
            assert 0 <= status.voters <= status.aboard <= CREW + births_bound(longest), where
            days = [int(r[0]) for r in snap["rows"]]
            assert days == sorted(days, reverse=True), f"event log not newest first {where}"
            if days:
                assert days[0] <= status.day, f"event from the future in the log {where}"
            if snap["card"] is not None:
                card = read_card(snap["card"])
                assert card.margin == card.continue_votes - card.divert_votes, where
                assert 0 <= card.day <= status.day, where
            elif reset:
                assert "none-yet" in snap["result"], where

        snap = self.until(consistent)
        status = read_status(snap["status"])
        self.last_day = status.day
        self.max_days = status.day if reset else max(self.max_days, status.day)

    # --- the actions ----------------------------------------------------------------------
    def step(self) -> None:
        """Step: one day on. Right after Pause, a Play update later than :data:`SETTLE`
        (a loaded machine) may still land, so then the day need only move on."""
        before = self.snapshot()["day"]
        self.page.locator(".crew-step").click()
        self.page.wait_for_function(
            "d => Number(document.querySelector('.status-day').dataset.day) > d",
            arg=before,
            timeout=TIMEOUT,
        )
        previous = self.history[-2] if len(self.history) > 1 else ""
        if "play" not in previous:  # "play", "breach while playing", ...
            self.until(lambda snap: self._one_day_on(snap, before))

    @staticmethod
    def _one_day_on(snap: dict, before: int) -> None:
        assert snap["day"] == before + 1, f"Step moved from day {before} to {snap['day']}"

    def play(self) -> None:
        """Play for 0.1 to 0.6 s, sometimes with an intervention while playing, then Pause."""
        page = self.page
        page.locator(".crew-play").click()
        page.locator(".crew-play", has_text="Pause").wait_for(timeout=TIMEOUT)
        page.wait_for_timeout(self.rng.uniform(100, 600))
        during = self.rng.choice([None, None, None, "breach", "memorial", "referendum"])
        if during is not None:
            self.history.append(f"{during} while playing")
            kind, text = {
                "breach": ("breach", "hull breach"),
                "memorial": ("memorial", "(intervention)"),
                "referendum": ("referendum", "(captain)"),
            }[during]
            self.click_and_wait_for(f".crew-{during}", kind, text, or_message="no one lives in")
            self.during[during] = self.during.get(during, 0) + 1
        page.locator(".crew-play").click()
        page.locator(".crew-play", has_text="Play").wait_for(timeout=TIMEOUT)
        self.wait_day_settled()

    def reset(self) -> None:
        self.page.locator(".crew-reset").click()
        self.page.wait_for_function(
            "() => document.querySelector('.status-day').dataset.day === '0'", timeout=TIMEOUT
        )

    def breach(self) -> None:
        page, rng = self.page, self.rng
        # Mostly a few deaths; now and then more than a section holds (it empties the section).
        deaths = rng.randint(0, 8) if rng.random() < 0.95 else 150
        if page.locator(".breach-deaths input").input_value() != str(deaths):
            page.locator(".breach-deaths input").fill(str(deaths))
            page.locator(".breach-deaths input").press("Enter")
        section = rng.choice(["random", "random", "0", "1", "2"])
        shown = page.locator(".breach-section .v-select__selection").inner_text().strip()
        if shown != section:
            select(page, ".breach-section", section)
        # A value is sent to the server as it is typed, an Enter or a click at once: the
        # browser holds a field's new value back while the server has not answered its last
        # one, so under load a click can overtake it. Click once the button's title (drawn
        # by the server from the values it holds) says the values chosen, as a user would.
        uses = f"Breach now: deaths {deaths}, section {section}"
        page.locator(f'.crew-breach[title="{uses}"]').wait_for(timeout=TIMEOUT)
        aboard = read_status(self.snapshot()["status"]).aboard
        if not self.click_and_wait_for(
            ".crew-breach", "breach", "hull breach", or_message="no one lives in"
        ):
            return

        def counted(snap: dict) -> None:
            rows = snap["rows"]
            at = next(i for i, r in enumerate(rows) if r[1] == "breach")
            match = re.search(r"section (\d+), compartment \d+: (\d+) dead", rows[at][2])
            assert match, rows[at]
            dead = int(match.group(2))
            assert dead <= deaths, rows[at]
            if section != "random":
                assert match.group(1) == section, rows[at]
            assert [r[1] for r in rows[:at]].count("death") == dead, rows[: at + 1]
            after = read_status(snap["status"]).aboard
            assert after == aboard - dead, (aboard, after, rows[at])

        self.until(counted)

    def message(self) -> None:
        tone = self.rng.choice(TONES)
        shown = self.page.locator(".message-tone .v-select__selection").inner_text().strip()
        if shown != tone:
            select(self.page, ".message-tone", tone)
        self.page.locator(f'.crew-message[title="Captain\'s message: tone {tone}"]').wait_for(
            timeout=TIMEOUT
        )
        kind = "memorial" if tone == "memorial" else "message"
        self.click_and_wait_for(".crew-message", kind, f"captain: {tone} (intervention)")

    def memorial(self) -> None:
        self.click_and_wait_for(".crew-memorial", "memorial", "captain: memorial (intervention)")

    def mitigate(self) -> None:
        self.click_and_wait_for(
            ".crew-mitigate",
            "mitigation",
            "reinforcement started (intervention)",
            or_message="already under way",
        )

    def referendum(self) -> None:
        self.click_and_wait_for(".crew-referendum", "referendum", "referendum (captain)")

        def counted(snap: dict) -> None:
            status, card = read_status(snap["status"]), read_card(snap["card"] or "")
            assert card.day == status.day and card.trigger == "captain", (card, status)
            votes = card.continue_votes + card.divert_votes + card.abstained
            assert votes == status.voters, (card, status)
            assert "referendum" in [r[1] for r in snap["rows"][:2]], snap["rows"][:2]

        self.until(counted)

    def run(self, actions: int) -> None:
        verbs = {
            "step": self.step,
            "play": self.play,
            "reset": self.reset,
            "breach": self.breach,
            "message": self.message,
            "memorial": self.memorial,
            "mitigate": self.mitigate,
            "referendum": self.referendum,
        }
        # Step and Play twice as often as the rest, so the ship gets somewhere between Resets.
        weights = [3, 2, 1, 2, 1, 1, 1, 1]
        for _ in range(actions):
            name = self.rng.choices(list(verbs), weights)[0]
            self.history.append(name)
            started = time.monotonic()
            verbs[name]()
            self.counts[name] = self.counts.get(name, 0) + 1
            self.check(name, reset=name == "reset")
            self.seconds[name] = self.seconds.get(name, 0.0) + time.monotonic() - started


def set_crew(page, crew: int) -> None:
    """Type the crew size and Reset, so the stress run sails a small ship."""
    box = page.locator(".param-n_crew input")
    box.fill(str(crew))
    box.press("Enter")
    page.locator(".crew-reset").click()
    page.wait_for_function(
        "text => document.querySelector('.status-day').innerText.startsWith(text)",
        arg=f"Day 0 · {crew:,} aboard",
        timeout=TIMEOUT,
    )


def test_two_hundred_random_clicks_leave_no_error_and_a_consistent_page(ui_page, ui_server_process):
    assert CREW <= MAX_UI_CREW
    watch = Watch()
    watch.attach(ui_page)
    set_crew(ui_page, CREW)
    run = StressRun(ui_page, ui_server_process, watch, random.Random(SEED))
    started = time.monotonic()
    try:
        run.run(ACTIONS)
    except Exception:
        ARTIFACTS.mkdir(exist_ok=True)
        ui_page.screenshot(path=str(ARTIFACTS / "ui-stress-failure.png"), full_page=True)
        print("the actions so far:", run.history)
        raise
    elapsed = time.monotonic() - started
    ui_page.wait_for_timeout(500)  # anything the last click set off has arrived
    run.check("end")
    assert sum(run.counts.values()) == ACTIONS
    assert set(run.counts) == {
        "step",
        "play",
        "reset",
        "breach",
        "message",
        "memorial",
        "mitigate",
        "referendum",
    }
    print(f"{ACTIONS} actions in {elapsed:.1f} s: {run.counts}; while playing {run.during}")
    print({k: round(v, 1) for k, v in run.seconds.items()})


def test_updates_before_echarts_has_loaded_raise_no_browser_error(browser, ui_server):
    """Regression: Solara's ECharts widget set a new option on a chart that was not created
    yet (ECharts loads asynchronously), a TypeError in the browser console for every chart
    updated in that window. The stress run met it when it pressed Play right after loading;
    here ECharts is held back until the page has stepped twice."""
    context = browser.new_context(viewport={"width": 1500, "height": 1100})
    page = context.new_page()
    watch = Watch()
    watch.attach(page)
    held = []
    page.route("**/echarts@*/dist/echarts.js", lambda route: held.append(route))
    try:
        page.goto(ui_server)
        page.wait_for_selector(".status-day", timeout=60_000)
        page.wait_for_function("() => document.querySelectorAll('.solara-echarts').length === 5")
        for day in (1, 2):
            page.locator(".crew-step").click()
            page.wait_for_function(
                "d => document.querySelector('.status-day').dataset.day === String(d)", arg=day
            )
        page.wait_for_timeout(200)  # the new options reach the charts
        assert held, "ECharts was never requested"
        for route in held:
            route.continue_()
        page.wait_for_function(
            "() => document.querySelectorAll('.charts canvas').length >= 5", timeout=TIMEOUT
        )
        assert watch.problems == []
    finally:
        context.close()


@pytest.mark.parametrize("windows", [False, True], ids=["two-tabs", "two-windows"])
def test_two_tabs_do_not_share_a_model(browser, ui_server, windows):
    """Steps in tab A leave tab B on day 0; a breach in B leaves A's log without one. Tabs
    of one browser window share its cookies (Solara's session), separate windows do not."""
    contexts = [browser.new_context(viewport={"width": 1500, "height": 1100})]
    if windows:
        contexts.append(browser.new_context(viewport={"width": 1500, "height": 1100}))
    watch = Watch()
    try:
        a = contexts[0].new_page()
        b = contexts[-1].new_page()
        for page in (a, b):
            watch.attach(page)
            page.goto(ui_server)
            page.wait_for_selector(".status-day", timeout=60_000)
        a.bring_to_front()  # a hidden tab draws no frames, and waits poll on frames
        for day in range(1, 6):
            a.locator(".crew-step").click()
            a.wait_for_function(
                "d => document.querySelector('.status-day').dataset.day === String(d)", arg=day
            )
        b.wait_for_timeout(300)
        assert b.evaluate(SNAPSHOT_JS)["day"] == 0
        aboard = read_status(a.evaluate(SNAPSHOT_JS)["status"]).aboard

        b.bring_to_front()
        b.locator(".crew-breach").click()
        b.wait_for_selector(".event-log .event-breach", timeout=TIMEOUT)
        a.bring_to_front()
        a.wait_for_timeout(300)
        assert a.locator(".event-log .event-breach").count() == 0
        seen_by_a = read_status(a.evaluate(SNAPSHOT_JS)["status"])
        assert (seen_by_a.day, seen_by_a.aboard) == (5, aboard)
        assert b.evaluate(SNAPSHOT_JS)["day"] == 0
        assert watch.problems == []
    finally:
        for context in contexts:
            context.close()
