"""Voyage mode (ui/voyage_view.py), rendered with ``solara.render`` (no browser): years per
update, the population and the age pyramid, the timeline, and the end of the story."""

from __future__ import annotations

import time
import uuid

import ipyvuetify as v
import numpy as np
import pytest
import solara
from mesa.visualization import SolaraViz
from mesa.visualization.utils import force_update

from model import CrewModel
from tests.ui.helpers import click, html_text
from ui.main_page import Page
from ui.mesa_viz import Voyage
from ui.session import default_settings
from ui.store import tab_state
from ui.voyage_view import (
    BAND_YEARS,
    end_of_story,
    population_option,
    pyramid_option,
    timeline_marks,
)

CREW = 200


def short_voyage(years: float) -> dict:
    """Settings of a 200-crew ship that arrives after ``years`` (diverted or not)."""
    return {
        **default_settings(),
        "n_crew": CREW,
        "voyage_years": years,
        "diversion_years": years,
    }


def open_page(settings: dict):
    tab = uuid.uuid4().hex
    state = tab_state(tab)
    state.settings = dict(settings)
    assert state.session.reset(settings) is None
    _, rc = solara.render(Page(tab_id=tab), handle_error=False)
    rc.session = state.session
    return rc


def button(rc, label: str):
    found = rc.find(v.Btn, children=[label])
    found.assert_single()
    return found.widget


def voyage_on(rc) -> None:
    switch = rc.find(v.Switch, label="Voyage mode: years per screen update")
    switch.assert_single()
    switch.widget.v_model = True


def generations(rc) -> str:
    texts = [str(w.children[0]) for w in rc.find(v.Html).widgets if w.children]
    (line,) = [t for t in texts if "generations:" in t]
    return line


def wait_for(condition, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds  # generous: a loaded machine is slow
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert condition()


def test_voyage_mode_runs_to_the_end_of_the_story_and_turns_play_off():
    """One page for the whole story (a page costs a second or two to render): Step 1 year
    to arrival, Reset, Play to arrival, Reset, and an extinction outside voyage mode."""
    rc = open_page(short_voyage(0.05))  # arrival on day 19 (18.25 days)
    try:
        assert "voyage-end" not in html_text(rc)
        voyage_on(rc)
        assert "generations: no generation born aboard" in generations(rc)  # the view
        click(rc, "Step 1 year")  # on a thread of its own
        wait_for(lambda: 'data-end="arrival"' in html_text(rc))
        model = rc.session.model
        assert model.ended == "arrival" and model.day == 19
        text = html_text(rc)
        assert "The end of the story. Arrival: the ship reached " in text
        assert "on day 19 (year 0.1) with 2" in text
        for label in ("Play", "Step", "Step 1 year", "Step 10 days"):
            assert button(rc, label).disabled, label
        assert not button(rc, "Reset").disabled

        click(rc, "Reset")
        assert "voyage-end" not in html_text(rc) and not button(rc, "Play").disabled
        click(rc, "Play")  # one update of a year reaches the end, and Play stops there
        wait_for(lambda: 'data-end="arrival"' in html_text(rc))
        wait_for(lambda: len(rc.find(v.Btn, children=["Play"]).widgets) == 1)
        assert rc.session.model.day == 19 and button(rc, "Play").disabled

        click(rc, "Reset")
        rc.find(v.Switch, label="Voyage mode: years per screen update").widget.v_model = False
        model = rc.session.model
        model.kill(np.flatnonzero(model.state.alive), cause="premature")
        click(rc, "Step")
        text = html_text(rc)
        assert model.ended == "extinction"
        assert 'data-end="extinction"' in text
        assert "Extinction on day 1 (year 0.0): the last of the crew died" in text
        assert button(rc, "Play").disabled and button(rc, "Step").disabled
    finally:
        rc.close()


@pytest.fixture(scope="module")
def ship() -> CrewModel:
    model = CrewModel(rng=3, n_crew=CREW)
    model.run(20)
    return model


def test_the_pyramid_counts_are_the_models_ages(ship):
    option = pyramid_option(ship)
    children, voters = (s["data"] for s in option["series"])
    ages = ship.ages()[ship.state.alive]
    assert sum(children) + sum(voters) == ship.state.alive.sum()
    assert sum(voters) == ship.voters().sum()
    band = (ages // BAND_YEARS).astype(int)
    for i, label in enumerate(option["yAxis"]["data"]):
        assert label == f"{i * BAND_YEARS}–{i * BAND_YEARS + BAND_YEARS - 1}"
        assert children[i] + voters[i] == (band == i).sum()


def test_the_timeline_marks_a_new_captain_and_the_end():
    model = CrewModel(rng=3, n_crew=CREW, voyage_years=0.1, diversion_years=0.1)
    model.run(5)
    model.kill(np.array([model.captain]), cause="premature")
    model.run(40)
    marks = timeline_marks(model)
    assert [m["kind"] for m in marks] == ["succession", "arrival"]
    assert marks[0]["year"] == round(5 / 365, 2) and marks[1]["year"] == round(37 / 365, 2)
    option = population_option(model, marks)
    aboard = option["series"][0]
    assert [m["name"] for m in aboard["markLine"]["data"]] == ["new captain", "arrival"]
    assert aboard["data"][-1] == [round(36 / 365, 2), int(model.series()["alive"].iloc[-1])]
    assert end_of_story(model)[0] == "arrival"


def test_a_generation_taking_over_is_labelled_on_the_chart(ship, monkeypatch):
    monkeypatch.setattr("ui.voyage_view.generation_days", lambda *args: [10])
    marks = timeline_marks(ship)
    assert marks == [
        {"year": round(10 / 365, 2), "kind": "generation", "label": "generation 1 takes over"}
    ]
    line = population_option(ship, marks)["series"][0]["markLine"]["data"][0]
    assert line["label"] == {
        "show": True,
        "formatter": "generation 1 takes over",
        "position": "insideEndTop",
        "fontSize": 10,
    }


def test_the_mesa_part_redraws_on_the_update_counter():
    model = CrewModel(rng=1, n_crew=CREW)
    page = SolaraViz(model, components=[Voyage], model_params={})
    _, rc = solara.render(solara.AppLayout(children=[page]), handle_error=False)
    try:
        assert "voyage-end" not in html_text(rc)
        model.kill(np.flatnonzero(model.state.alive), cause="premature")
        model.step()
        force_update()
        assert 'data-end="extinction"' in html_text(rc)
    finally:
        rc.close()
