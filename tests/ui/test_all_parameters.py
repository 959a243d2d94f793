"""The "All parameters" section (issue 14, item 2), rendered with ``solara.render`` (no
browser): generated from the declarations, searchable, marked, and wired to Reset."""

from __future__ import annotations

import re
import uuid

import ipyvuetify as v
import pytest
import solara

import ui.all_parameters as all_parameters
from model.parameters import declarations, describe
from tests.ui.helpers import click
from ui.all_parameters import GROUPS, AllParameters
from ui.main_page import Page, pending_settings
from ui.scenario import to_query
from ui.session import default_settings
from ui.store import tab_state

#: A small ship keeps the page tests quick (the panel does not depend on the crew's size).
SMALL = 400


def name_of(label: str) -> str:
    """The parameter a field's label names: ``grief_half_life`` or ``Crew size (n_crew)``."""
    return re.search(r"\(?(\w+)\)?$", label).group(1)


def groups(rc):
    (panels,) = with_class(rc, v.ExpansionPanels, "param-groups")
    return panels


def open_all(rc) -> None:
    panels = groups(rc)
    panels.v_model = list(range(len(panels.children)))


def walk(widget):
    yield widget
    for child in getattr(widget, "children", None) or []:
        if not isinstance(child, str):
            yield from walk(child)


def with_class(rc, kind, name: str) -> list:
    """The widgets of type ``kind`` having CSS class ``name`` among their classes (nested
    ones too: ``find`` does not look inside a widget it matched)."""
    found = {id(w): w for top in rc.find(v.Html).widgets for w in walk(top)}
    found.update({id(w): w for w in rc.find(kind).widgets})
    return [
        w
        for w in found.values()
        if isinstance(w, kind) and name in str(getattr(w, "class_", "") or "").split()
    ]


def all_fields(rc) -> dict[str, object]:
    """The all-parameters section's fields by parameter name."""
    found = {}
    for box in with_class(rc, v.Html, "all-param"):
        name = next(c for c in box.class_.split() if c.startswith("all-param-"))[10:]
        found[name] = box.children[0]
    return found


def type_in(widget, text: str) -> None:
    widget.v_model = text
    widget.fire_event("focusout")


def marks(rc, kind: str) -> list[str]:
    return [str(w.children[0]) for w in with_class(rc, v.Html, kind)]


def alerts(rc) -> str:
    return " ".join(str(a.children) for a in rc.find(v.Alert).widgets)


@pytest.fixture
def panel():
    """The section alone over the default settings, with the settings it sends back."""
    sent: list[dict] = []

    @solara.component
    def Host():
        settings, set_settings = solara.use_state(default_settings())

        def on_settings(new: dict) -> None:
            sent.append(new)
            set_settings(new)

        return AllParameters(settings, on_settings)

    box, rc = solara.render(Host(), handle_error=False)
    rc.sent = sent
    yield rc
    rc.close()


@pytest.fixture
def page():
    tab = uuid.uuid4().hex
    tab_state(tab).settings = {**default_settings(), "n_crew": SMALL}
    box, rc = solara.render(Page(tab_id=tab), handle_error=False)
    rc.session = tab_state(tab).session
    yield rc
    rc.close()


def test_every_declared_parameter_but_debug_has_a_field_in_its_group(panel):
    panels = groups(panel)
    assert panels.v_model == [] and all_fields(panel) == {}  # collapsed: no field built yet
    headers = [p.children[0].children[0] for p in panels.children]
    expected = {d["group"] for d in declarations() if d["name"] != "debug"}
    assert [h.split(" (")[0].lower() for h in headers] == list(GROUPS) and set(GROUPS) == expected
    open_all(panel)
    fields = all_fields(panel)
    assert set(fields) == {d["name"] for d in declarations()} - {"debug"}
    for name, widget in fields.items():
        assert name_of(str(widget.label)) == name
        kind = describe(name)["type"]
        if kind is bool:
            assert isinstance(widget, v.Switch)
        elif kind is str and describe(name)["valid"] is not None:
            assert isinstance(widget, v.Select)
            assert widget.items == list(describe(name)["valid"])
        else:
            assert isinstance(widget, v.TextField)
    grief = fields["grief_half_life"]
    assert grief.messages == ["days, (0, 3650]"]  # unit and range as the field's help
    for group in panels.children:  # each field sits in its declared group's panel
        group_name = group.class_.split("param-group-")[1]
        content = group.children[1]
        inside = {c.class_.split("all-param-")[1] for c in content.children}
        assert inside == {d["name"] for d in GROUPS[group_name]}


def test_search_filters_by_name_and_description(panel):
    search = panel.find(v.TextField, label="Search parameters (name or description)").widget
    search.v_model = "h"  # one letter: no filter yet
    assert all_fields(panel) == {} and len(groups(panel).children) == len(GROUPS)
    search.v_model = "half life"
    fields = all_fields(panel)  # matching groups open by themselves
    assert "grief_half_life" in fields and "n_crew" not in fields
    assert all("half" in n or "half" in describe(n)["description"].lower() for n in fields)
    search.v_model = "Families"  # a word of descriptions only
    assert set(all_fields(panel)) == {"households_per_section", "households_per_compartment"}
    assert [p.class_ for p in groups(panel).children] == ["param-group param-group-ship"]
    search.v_model = "no such thing"
    assert all_fields(panel) == {} and groups(panel).children == []
    assert with_class(panel, v.Html, "param-search-none")
    search.v_model = ""
    assert all_fields(panel) == {} and len(groups(panel).children) == len(GROUPS)


def test_typed_numbers_reach_the_settings_as_numbers(panel):
    open_all(panel)
    type_in(all_fields(panel)["voting_age"], "21")
    type_in(all_fields(panel)["grief_half_life"], "1,000.5")
    type_in(all_fields(panel)["referendum_margin"], "12")
    assert panel.sent[-1]["referendum_margin"] == 12
    type_in(all_fields(panel)["referendum_margin"], " ")  # optional: empty is unset
    assert panel.sent[-1]["voting_age"] == 21 and isinstance(panel.sent[-1]["voting_age"], int)
    assert panel.sent[-1]["grief_half_life"] == 1000.5
    assert panel.sent[-1]["referendum_margin"] is None
    type_in(all_fields(panel)["voting_age"], "abc")
    assert panel.sent[-1]["voting_age"] == "abc"  # kept as typed, for the check to name


def test_a_changed_value_is_marked_and_reaches_the_model_on_reset(page):
    assert page.session.model.p.grief_half_life == describe("grief_half_life")["default"] == 45
    open_all(page)
    assert marks(page, "default-mark") == ["changed from default 3000"]  # n_crew = SMALL
    type_in(all_fields(page)["grief_half_life"], "30")
    assert "changed from default 45" in marks(page, "default-mark")
    assert marks(page, "pending-grief_half_life") == ["changed — Reset to apply"]
    assert f"Grief ({len(GROUPS['grief'])}) · 1 changed from default" in [
        p.children[0].children[0] for p in groups(page).children
    ]
    assert page.session.model.p.grief_half_life == 45  # not before Reset
    click(page, "Reset")
    assert page.session.model.p.grief_half_life == 30.0
    assert "grief_half_life=30" in to_query(page.session.settings, [], 0)  # and in the link
    assert marks(page, "pending-grief_half_life") == []
    assert "changed from default 45" in marks(page, "default-mark")  # still not the default
    type_in(all_fields(page)["grief_half_life"], "45")  # back to the default: no mark left
    assert "changed from default 45" not in marks(page, "default-mark")
    assert marks(page, "pending-grief_half_life") == ["changed — Reset to apply"]


@pytest.mark.parametrize("text", ["abc", "-1"])
def test_invalid_text_gives_the_message_and_turns_reset_off(page, text):
    open_all(page)
    type_in(all_fields(page)["grief_half_life"], text)
    message = alerts(page)
    assert "Reset is off: grief_half_life=" in message and "is invalid" in message
    assert "expected a number in (0, 3650]" in message
    assert page.find(v.Btn, children=["Reset"]).widget.disabled
    field = all_fields(page)["grief_half_life"]
    assert field.error and field.v_model == text  # the typed text stays, marked as the culprit
    assert "Step" in [b.children[0] for b in page.find(v.Btn).widgets]
    type_in(field, "30")
    assert not page.find(v.Btn, children=["Reset"]).widget.disabled
    assert "Reset is off" not in alerts(page)


def test_invalid_text_for_a_setting_that_acts_at_once_is_not_sent_to_the_ship(page):
    open_all(page)
    type_in(all_fields(page)["impact_rate"], "abc")
    assert "could not convert" not in alerts(page)
    assert "Reset is off: Hull impacts a year 'abc' is invalid" in alerts(page)
    type_in(all_fields(page)["impact_rate"], "3")
    assert page.session.model.p.impact_rate == 3.0  # acts at once, no Reset
    assert page.find(v.Btn, children=["Reset"]).widget.disabled is False


def test_the_main_panel_and_the_all_parameters_fields_agree(page):
    open_all(page)
    crew = next(w for w in page.find(v.TextField).widgets if str(w.label).startswith("Crew size ("))
    type_in(crew, "500")
    assert all_fields(page)["n_crew"].v_model == "500"
    type_in(all_fields(page)["n_crew"], "600")
    crew = next(w for w in page.find(v.TextField).widgets if str(w.label).startswith("Crew size ("))
    assert crew.v_model == "600"
    type_in(all_fields(page)["initial_trust"], "0.25")
    (slider,) = with_class(page, v.Html, "param-initial_trust")
    assert slider.children[1].v_model == 0.25
    main_strategy = page.find(v.Select, label="Captain's strategy").widget
    main_strategy.v_model = "candid"
    assert all_fields(page)["captain_strategy"].v_model == "candid"
    all_fields(page)["captain_strategy"].v_model = "memorial"
    assert page.find(v.Select, label="Captain's strategy").widget.v_model == "memorial"
    assert page.session.model.p.captain_strategy == "memorial"  # acts at once
    all_fields(page)["mitigate_after_breach"].v_model = False
    assert (
        page.find(v.Checkbox, label="Reinforce the hull after every breach").widget.v_model is False
    )


def test_a_step_does_not_rebuild_the_open_fields(page, monkeypatch):
    """Kept fast: with every group open, a Step re-renders none of the ~90 fields."""
    open_all(page)
    calls = []
    real = all_parameters.hint
    monkeypatch.setattr(all_parameters, "hint", lambda d: calls.append(d["name"]) or real(d))
    click(page, "Step")
    assert calls == []
    type_in(all_fields(page)["grief_half_life"], "30")
    assert calls == ["grief_half_life"]  # only the field that changed


def test_pending_compares_missing_parameters_with_their_defaults():
    ship = default_settings()
    assert pending_settings({**ship, "grief_half_life": 45.0}, ship) == []
    assert pending_settings({**ship, "grief_half_life": 30.0}, ship) == ["grief_half_life"]
    # the panel omits it: Reset would build the default
    assert pending_settings(ship, {**ship, "grief_half_life": 30.0}) == ["grief_half_life"]
