"""The intervention panel is generated from the event-kind registry (model/event_kinds.py):
a kind registered there alone gets a button and controls, acts on the ship, leaves its card
and is replayed from a link. Rendered with ``solara.render`` (no browser)."""

from __future__ import annotations

import uuid

import ipyvuetify as v
import solara

from model import event_kinds
from tests.test_event_kinds import drill  # noqa: F401 - the throwaway kind's fixture
from tests.ui.helpers import click
from ui.effects import cards_html
from ui.interventions import Interventions, offered
from ui.scenario import from_query
from ui.session import Session, default_settings
from ui.store import tab_state

SMALL = {**default_settings(), "n_crew": 300}


def panel():
    tab = tab_state(uuid.uuid4().hex)
    tab.session = Session.start(SMALL)
    messages: list[str | None] = []
    _, rc = solara.render(Interventions(tab, 0, on_done=messages.append), handle_error=False)
    return tab, rc, messages


def test_the_panel_offers_every_declared_button_kind():
    tab, rc, _ = panel()
    labels = [b.children[0] for b in rc.find(v.Btn).widgets]
    assert labels == [k.label for k in offered()]
    assert {k.name for k in offered()} == {
        "breach",
        "message",
        "memorial",
        "mitigate",
        "referendum",
    }
    assert "Captain's strategy" not in labels  # a setting: its control is with the settings
    rc.close()


def test_a_registered_kind_gets_a_button_acts_and_leaves_its_card(drill):  # noqa: F811
    tab, rc, messages = panel()
    field = rc.find(v.TextField, label="Crew drilled").widget
    field.v_model = "-1"  # taken as it arrives (no Enter needed)
    click(rc, "Hold a drill")
    assert messages[-1] == "Crew drilled -1 is invalid: expected a whole number >= 0"
    assert "drill" not in tab.session.model.events()["kind"].tolist()  # nothing happened
    field.v_model = "7"
    click(rc, "Hold a drill")
    assert messages[-1] is None
    assert tab.session.timeline[-1] == {"day": 0, "kind": "drill", "crew": 7}
    assert tab.session.model.events().query("kind == 'drill'")["count"].tolist() == [7]
    card = tab.cards[-1]  # the page redraws the cards when on_done bumps its version
    assert (card.kind, card.day, card.detail) == ("drill", 0, "7 drilled")
    assert "drill day 0 (7 drilled)" in cards_html(tab.cards, tab.session.model)
    rc.close()


def test_a_link_with_a_registered_kind_replays_it(drill):  # noqa: F811
    settings, timeline, day, _ = from_query(
        "?n_crew=300&seed=1&day=3&do=2:drill:crew=4", default_settings()
    )
    session = Session()
    assert session.load(settings, timeline, day) is None
    drills = session.model.events().query("kind == 'drill'")
    assert drills[["day", "count"]].values.tolist() == [[2, 4]]
    assert event_kinds.get("drill").label == "Hold a drill"


def test_a_click_handled_before_the_redraw_uses_the_value_just_chosen():
    """A click can be handled before the page has redrawn after a change of a control (a
    redraw from the Play thread holds the others back; the stress test caught a memorial
    chosen and a candid message sent): the button acts on the value as chosen, not on the
    value of the last drawing."""
    tab, rc, _ = panel()
    tone = rc.find(v.Select, label="Tone").widget
    assert tone.v_model != "memorial"
    with rc:  # a batch: redraws wait until it ends, as they wait for another thread's
        tone.v_model = "memorial"
        click(rc, "Captain's message")
    details = tab.session.model.events().query("kind == 'memorial'")["detail"].tolist()
    assert details == ["captain: memorial (intervention)"]
    rc.close()
