"""The server-wide crew budget (issue 14, item 6), without a browser: the arithmetic, which
idle ships are released and in what order, the messages, and a session and the page living
with it. A fake clock stands in for time (no sleeps)."""

from __future__ import annotations

import uuid

import ipyvuetify as v
import pytest
import solara

from tests.ui.helpers import click
from ui import budget as budgets
from ui.budget import Budget, is_notice
from ui.main_page import Page
from ui.scenario_panel import link_query, open_link
from ui.session import Session, default_settings
from ui.store import tab_state

IDLE = 600.0  # seconds


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Holder:
    """Stands in for a session: records its release, or refuses it while ``busy``."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.released: str | None = None
        self.busy = False

    def release(self, message: str) -> bool:
        if self.busy:
            return False
        self.released = message
        return True


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def budget(clock) -> Budget:
    return Budget(1000, IDLE, clock=clock)


def test_claims_add_up_and_a_new_claim_replaces_the_old(budget):
    a, b = Holder("a"), Holder("b")
    assert budget.claim(a, 600) is None
    assert budget.claim(b, 400) is None
    assert budget.used() == 1000
    assert budget.claim(a, 300) is None  # a rebuilds smaller: its old claim goes
    assert (budget.held(a), budget.used()) == (300, 700)
    budget.release(b)
    assert (budget.held(b), budget.used()) == (0, 300)


def test_a_claim_over_the_budget_with_no_idle_ship_is_refused_and_changes_nothing(budget, clock):
    a, b = Holder("a"), Holder("b")
    budget.claim(a, 700)
    clock.now += IDLE - 1  # a is not idle yet
    message = budget.claim(b, 400)
    assert message is not None and is_notice(message)
    assert "\n" not in message and "Traceback" not in message
    assert "700 of 1,000 crew" in message and "needs 400" in message
    assert "Crew size" in message and "10 minutes" in message
    assert (budget.held(a), budget.held(b), a.released) == (700, 0, None)


def test_idle_ships_are_released_least_recently_used_first_and_only_as_many_as_needed(
    budget, clock
):
    a, b, c, d = (Holder(n) for n in "abcd")
    for holder in (a, b, c):  # claimed at 1000, 1001, 1002
        budget.claim(holder, 300)
        clock.now += 1
    budget.touch(a)  # a used last: b is now the least recently used
    clock.now += IDLE
    assert budget.claim(d, 400) is None  # 900 + 400 > 1000: one ship must go
    assert b.released is not None and a.released is None and c.released is None
    assert budget.held(b) == 0 and budget.used() == 1000
    assert b.released.startswith(budgets.RELEASED) and "press Reset" in b.released


def test_nothing_is_released_when_releasing_every_idle_ship_would_not_make_room(budget, clock):
    a, b, c = Holder("a"), Holder("b"), Holder("c")
    budget.claim(a, 300)
    clock.now += IDLE
    budget.claim(b, 600)  # b is fresh, a idle
    assert is_notice(budget.claim(c, 800))  # 900 - 300 + 800 > 1000
    assert a.released is None and budget.used() == 900


def test_a_busy_session_is_not_released(budget, clock):
    a, b, c = Holder("a"), Holder("b"), Holder("c")
    budget.claim(a, 500)
    budget.claim(b, 500)
    clock.now += IDLE
    a.busy = True
    assert budget.claim(c, 500) is None  # a is busy, b goes instead
    assert a.released is None and b.released is not None
    budget.touch(c)
    # a alone is idle and would make room, but it is busy: the over-budget message
    assert is_notice(budget.claim(Holder("d"), 500)) and a.released is None


def test_a_collected_holder_frees_its_claim(budget):
    holder = Holder("gone")
    budget.claim(holder, 800)
    del holder
    assert budget.used() == 0


def test_settings_come_from_the_environment():
    made = Budget.from_environment({budgets.ENV_BUDGET: "6,000", budgets.ENV_IDLE: "0.5"})
    assert (made.total, made.idle_seconds) == (6000, 30.0)
    default = Budget.from_environment({})
    assert (default.total, default.idle_seconds) == (
        budgets.DEFAULT_BUDGET,
        60 * budgets.DEFAULT_IDLE_MINUTES,
    )
    for bad in ("lots", "-1", "inf", "nan"):
        with pytest.raises(ValueError, match=budgets.ENV_BUDGET):
            Budget.from_environment({budgets.ENV_BUDGET: bad})


# --- sessions ---------------------------------------------------------------------------------
CREW = 300


def settings(**changes) -> dict:
    return {**default_settings(), "n_crew": CREW, **changes}


def session(budget: Budget, seed: int = 1) -> Session:
    made = Session(budget=budget)
    made.reset(settings(seed=seed))
    return made


def test_a_session_claims_its_crew_twice_with_the_twin_and_frees_it(clock):
    budget = Budget(4 * CREW, IDLE, clock=clock)
    s = session(budget)
    assert budget.held(s) == CREW
    assert s.set_twin("silent") is None and budget.held(s) == 2 * CREW
    assert s.reset(settings(seed=2)) is None and budget.held(s) == 2 * CREW
    assert s.set_twin(None) is None and budget.held(s) == CREW
    assert budget.used() == CREW


def test_a_session_over_budget_gets_a_message_and_keeps_its_ship(clock):
    budget = Budget(3 * CREW, IDLE, clock=clock)
    a, b = session(budget), session(budget, seed=2)
    a.step(3)
    message = a.reset(settings(n_crew=3 * CREW))  # 900 + 300 > 900
    assert is_notice(message)
    assert a.model is not None and a.model.day == 3 and budget.held(a) == CREW
    assert a.set_twin("silent") is None  # 600 + 300 fits
    assert is_notice(b.set_twin("silent")) and b.twin is None and budget.held(b) == CREW
    assert b.step() is None


def test_an_idle_session_is_released_and_its_user_can_reset(clock):
    budget = Budget(2 * CREW, IDLE, clock=clock)
    idle, busy = session(budget), session(budget, seed=2)
    clock.now += IDLE / 2
    busy.step()  # used: not idle
    clock.now += IDLE / 2
    newcomer = session(budget, seed=3)
    assert newcomer.model is not None
    assert idle.model is None and busy.model is not None
    message = idle.step()  # the user comes back
    assert message.startswith(budgets.RELEASED) and "press Reset" in message
    assert is_notice(idle.reset(settings(seed=5)))  # still full: nobody is idle
    assert idle.settings["seed"] == 5  # the panel keeps the ship asked for
    clock.now += IDLE
    assert idle.reset(idle.settings) is None and idle.model.p.n_crew == CREW


def test_a_failed_build_returns_the_claim(clock, monkeypatch):
    budget = Budget(10 * CREW, IDLE, clock=clock)
    s = session(budget)

    def fail(settings):
        raise ValueError("cannot start")

    monkeypatch.setattr("ui.session._build", fail)
    assert s.reset(settings(n_crew=2 * CREW)) is not None
    assert budget.held(s) == CREW


# --- the page ---------------------------------------------------------------------------------
def notices(rc) -> list[str]:
    return [
        "".join(str(c) for c in alert.children)
        for alert in rc.find(v.Alert).widgets
        if "budget-message" in (alert.class_ or "")
    ]


def test_the_page_shows_a_released_ship_as_a_notice_and_reset_rebuilds_it(clock):
    budget = Budget(CREW, IDLE, clock=clock)
    server = budgets.server()
    budgets.use(budget)
    tab = uuid.uuid4().hex
    try:
        tab_state(tab).settings = settings()
        box, rc = solara.render(Page(tab_id=tab), handle_error=False)
        assert tab_state(tab).session.model is not None and notices(rc) == []
        clock.now += IDLE
        other = session(budget, seed=2)  # another tab takes the room
        assert other.model is not None
        click(rc, "Step")  # the user comes back
        (text,) = notices(rc)
        assert text.startswith(budgets.RELEASED)
        clock.now += IDLE
        click(rc, "Reset")
        assert notices(rc) == [] and tab_state(tab).session.model is not None
        rc.close()
    finally:
        budgets.use(server)


# --- a refused link, retried ------------------------------------------------------------------
def linked_ship() -> tuple[Session, str]:
    """A ship with interventions on days 2 and 4, run to day 6, and its link's query."""
    ship = Session(budget=Budget(10 * CREW, IDLE))
    assert ship.reset(settings(seed=3, initial_trust=0.6)) is None
    ship.step(2)
    ship.breach(deaths=3)
    ship.step(2)
    ship.broadcast("candid")
    ship.step(2)
    return ship, link_query(ship)


def same_run(a: Session, b: Session) -> None:
    assert b.model.day == a.model.day == 6
    assert b.built == a.built and b.timeline == a.timeline and len(b.timeline) == 2
    assert b.model.series().equals(a.model.series())


def test_reset_after_a_refused_link_rebuilds_its_whole_scenario(clock):
    original, query = linked_ship()
    budget = Budget(2 * CREW, IDLE, clock=clock)
    full = [session(budget), session(budget, seed=2)]
    refused = Session(budget=budget)
    assert is_notice(open_link(refused, query).removeprefix("link: "))
    assert refused.model is None and refused.settings == original.built
    assert is_notice(refused.reset(refused.settings))  # nobody idle yet: refused again
    clock.now += IDLE  # room frees: the other tabs' ships are idle now
    assert refused.reset(refused.settings) is None  # Reset, the panel unchanged
    same_run(original, refused)
    assert sum(s.model is None for s in full) == 1  # one idle ship made room


def test_reset_with_other_settings_after_a_refused_link_builds_those(clock):
    _, query = linked_ship()
    budget = Budget(CREW, IDLE, clock=clock)
    full = session(budget)
    refused = Session(budget=budget)
    open_link(refused, query)
    clock.now += IDLE
    assert refused.reset(settings(seed=9)) is None and full.model is None
    assert refused.model.day == 0 and refused.timeline == [] and refused.built["seed"] == 9


def test_a_reload_after_a_refused_link_rebuilds_its_whole_scenario(clock):
    original, query = linked_ship()
    budget = Budget(CREW, IDLE, clock=clock)
    server = budgets.server()
    budgets.use(budget)
    tab = uuid.uuid4().hex
    try:
        full = session(budget)
        _, rc = solara.render(Page(tab_id=tab, query=query), handle_error=False)
        (text,) = notices(rc)
        assert text.startswith(budgets.OVER_BUDGET)
        rc.close()
        clock.now += IDLE  # room frees; the user reloads the tab (the same link)
        _, rc = solara.render(Page(tab_id=tab, query=query), handle_error=False)
        assert notices(rc) == [] and full.model is None
        same_run(original, tab_state(tab).session)
        rc.close()
    finally:
        budgets.use(server)
