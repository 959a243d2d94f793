"""The "who moved" table and ship-map layer, rendered with ``solara.render`` (no browser)."""

from __future__ import annotations

import re
import uuid

import ipyvuetify as v
import numpy as np
import pytest
import solara
from mesa.visualization.utils import force_update

from model import CrewModel
from model.who_moved import who_moved
from tests.ui.helpers import click, html_text
from ui import mesa_viz
from ui.main_page import Page
from ui.ship_map import ShipMap
from ui.store import tab_state
from ui.who_moved import PAGE_ROWS, WhoMoved

CREW = 200


@pytest.fixture(scope="module")
def ship() -> CrewModel:
    """A breach of 3 on day 0 and five days after it (requests are filed from day 1)."""
    model = CrewModel(rng=1, n_crew=CREW, request_probability=1.0)
    model.breach(deaths=3)
    model.run(5)
    return model


def people_buttons(rc) -> list:
    return [w for w in rc.find(v.Btn).widgets if "who-moved-person" in (w.class_ or "")]


def since_field(rc):
    (field,) = [w for w in rc.find(v.TextField).widgets if w.label == "since day"]
    return field


def type_in(widget, text: str) -> None:
    widget.v_model = text
    widget.fire_event("focusout")


def texts(rc) -> str:
    return " ".join(str(w.children) for w in rc.find(v.Html).widgets)


def test_the_table_lists_the_requesters_and_a_click_opens_an_ego_network(ship):
    table = who_moved(ship, 0)
    assert len(table) > PAGE_ROWS  # enough to need a second page
    box, rc = solara.render(WhoMoved(ship, 0, {}), handle_error=False)
    try:
        buttons = people_buttons(rc)
        assert [int(b.children[0]) for b in buttons] == table["crew"][:PAGE_ROWS].tolist()
        assert f"{len(table)} requests since day 0" in texts(rc)
        assert "3 died since" in texts(rc)
        first = int(table["crew"].iloc[0])
        assert "ego-network-svg" not in html_text(rc)
        buttons[0].click()
        ego = html_text(rc)
        assert 'class="ego-network-svg"' in ego and f"Crew member {first}," in ego
        assert 'stroke-width="3"' in ego  # the ego, outlined
        click(rc, "next")
        assert [int(b.children[0]) for b in people_buttons(rc)] == table["crew"][
            PAGE_ROWS : 2 * PAGE_ROWS
        ].tolist()
    finally:
        rc.close()


def test_a_later_day_leaves_out_the_earlier_requests_and_the_breach(ship):
    box, rc = solara.render(WhoMoved(ship, 0, {}), handle_error=False)
    try:
        type_in(since_field(rc), str(ship.day))
        later = who_moved(ship, ship.day)
        assert f"{len(later)} request" in texts(rc) and "0 died since" in texts(rc)
        assert len(people_buttons(rc)) == min(len(later), PAGE_ROWS)
        click(rc, "latest breach")
        assert since_field(rc).v_model == "0"  # back to the breach's day
    finally:
        rc.close()


def test_the_map_layer_marks_the_compartments_of_the_requesters(ship):
    table = who_moved(ship, 0)
    rooms = np.unique(ship.state.compartment[table["crew"][table["alive"]]])
    box, rc = solara.render(ShipMap(ship, 0), handle_error=False)
    try:
        assert 'class="mover-mark"' not in html_text(rc)
        (layer,) = [w for w in rc.find(v.Checkbox).widgets if w.label == "who moved"]
        layer.v_model = True
        svg = html_text(rc)
        assert svg.count('class="mover-mark"') == len(rooms)
        assert re.search(r"\d+ asked to change their vote \(tie to the dead: ", svg)
        type_in(since_field(rc), "99")  # nothing filed since: no marks
        assert 'class="mover-mark"' not in html_text(rc)
    finally:
        rc.close()


def test_the_page_shares_one_day_between_map_and_table():
    tab = uuid.uuid4().hex
    box, rc = solara.render(Page(tab_id=tab), handle_error=False)
    try:
        session = tab_state(tab).session
        click(rc, "Breach now")
        click(rc, "Step")
        click(rc, "Step")
        table = who_moved(session.model, 0)
        assert f"{len(table)} request" in texts(rc)
        (layer,) = [w for w in rc.find(v.Checkbox).widgets if w.label == "who moved"]
        layer.v_model = True
        fields = [w for w in rc.find(v.TextField).widgets if w.label == "since day"]
        assert len(fields) == 2  # the map's and the table's
        type_in(fields[1], "2")
        assert all(f.v_model == "2" for f in fields)
        assert f"{len(who_moved(session.model, 2))} request" in texts(rc)
    finally:
        rc.close()


def test_the_mesa_part_redraws_on_mesas_update_counter():
    model = CrewModel(rng=1, n_crew=CREW, request_probability=1.0)
    box, rc = solara.render(mesa_viz.WhoMoved(model), handle_error=False)
    try:
        assert "0 requests since day 0" in texts(rc)
        model.breach(deaths=3)
        model.run(2)
        force_update()
        assert f"{len(who_moved(model, 0))} requests since day 0" in texts(rc)
        assert len(people_buttons(rc)) > 0
    finally:
        rc.close()
