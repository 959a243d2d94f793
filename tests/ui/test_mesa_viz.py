"""The UI's parts inside Mesa's SolaraViz, rendered with ``solara.render`` (no browser)."""

from __future__ import annotations

from pathlib import Path

import ipyvuetify as v
import pytest
import solara
from mesa.visualization import SolaraViz
from mesa.visualization.utils import force_update

from model import CrewModel
from model.parameters import describe
from tests.ui.helpers import click, html_text, status
from ui.mesa_viz import (
    MAIN_PARAMETERS,
    Charts,
    EventLog,
    NetworkView,
    ShipMap,
    StatusLine,
    model_input,
    model_params,
)

CREW = 200


@pytest.fixture
def viz():
    """SolaraViz with every part, on a ship of 200 (Sidebar needs an AppLayout around it)."""
    ship = CrewModel(rng=1, n_crew=CREW)
    page = SolaraViz(
        ship,
        components=[StatusLine, ShipMap, Charts, NetworkView, EventLog],
        model_params=model_params(ship),
    )
    box, rc = solara.render(solara.AppLayout(children=[page]), handle_error=False)
    rc.ship = ship
    yield rc
    rc.close()


def day_shown(rc) -> str:
    return status(rc).split('data-day="')[1].split('"')[0]


def test_solara_viz_shows_the_parts_and_steps_the_ship(viz):
    assert day_shown(viz) == "0" and f"{CREW} aboard" in status(viz)
    text = html_text(viz)
    assert 'class="ship-map-svg"' in text and 'class="event-table"' in text
    click(viz, "Step")
    click(viz, "Step")
    assert viz.ship.day == 2 and day_shown(viz) == "2"


def test_the_parts_redraw_when_mesa_counts_an_update(viz):
    viz.ship.breach(deaths=3)
    assert 'class="breach-mark"' not in html_text(viz)  # nothing told the page yet
    force_update()
    text = html_text(viz)
    assert 'class="breach-mark"' in text and 'class="death-mark"' in text
    assert f"{CREW - 3} aboard" in status(viz)
    assert "hull breach in section" in text  # the event log


def slider(rc, label: str):
    found = rc.find(v.Slider, label=label)
    found.assert_single()
    return found.widget


def test_reset_builds_a_new_ship_from_the_inputs(viz):
    click(viz, "Step")
    assert day_shown(viz) == "1"
    label = model_input("n_crew")["label"]
    slider(viz, label).v_model = 300
    click(viz, "Reset")
    assert day_shown(viz) == "0" and "300 aboard" in status(viz)
    click(viz, "Step")
    assert day_shown(viz) == "1"


def test_model_params_start_at_the_ship_and_cover_the_declared_ranges():
    ship = CrewModel(rng=7, n_crew=CREW, initial_trust=0.4)
    params = model_params(ship)
    assert params["rng"]["value"] == 7
    assert params["n_crew"]["value"] == CREW and params["initial_trust"]["value"] == 0.4
    assert set(params) == {"rng", *MAIN_PARAMETERS, "captain_strategy"}
    assert params["captain_strategy"]["values"] == list(describe("captain_strategy")["valid"])
    for name in MAIN_PARAMETERS:
        low, high = describe(name)["valid"]
        assert low <= params[name]["min"] <= params[name]["max"] <= high, name
    # SolaraViz's Reset: CrewModel(**values) with every input at its start
    values = {k: p["value"] if isinstance(p, dict) else p for k, p in params.items()}
    rebuilt = CrewModel(**values)
    assert rebuilt.p == ship.p and rebuilt.seed.entropy == 7


def test_model_params_hold_fixed_parameters():
    params = model_params(n_crew=250)
    assert params["n_crew"] == 250 and params["initial_trust"]["value"] == 0.7


def test_the_ui_guide_example_shows_a_page():
    """docs/UI.md's SolaraViz example runs and its page shows the parts."""
    guide = (Path(__file__).resolve().parents[2] / "docs" / "UI.md").read_text()
    start = guide.index("```python", guide.index("## The parts in Mesa's SolaraViz"))
    start += len("```python")
    namespace: dict = {}
    exec(compile(guide[start : guide.index("```", start)], "UI.md", "exec"), namespace)  # noqa: S102
    box, rc = solara.render(solara.AppLayout(children=[namespace["page"]]), handle_error=False)
    try:
        assert "300 aboard" in status(rc) and 'class="ship-map-svg"' in html_text(rc)
        click(rc, "Step")
        assert day_shown(rc) == "1"
    finally:
        rc.close()


def test_an_open_end_of_a_declared_range_is_not_on_the_slider():
    params = model_params(CrewModel(rng=7, n_crew=CREW), names=["grief_half_life"])
    slider = params["grief_half_life"]  # declared (0, 3650]: 0 is not a half-life
    assert slider["min"] > 0 and slider["max"] == 3650
    assert describe("grief_half_life")["valid"].accepts(slider["min"])
