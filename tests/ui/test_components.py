"""The page's controls and interventions, rendered with ``solara.render`` (no browser)."""

from __future__ import annotations

import re

import ipyvuetify as v
import pytest
import solara
from solara.components.echarts import EchartsWidget

from tests.ui.helpers import click, html_text, status
from ui.main_page import Page
from ui.session import Session, check_settings, default_settings


@pytest.fixture
def page():
    box, rc = solara.render(Page(), handle_error=False)
    yield rc
    rc.close()


def day_of(rc) -> int:
    return int(re.search(r'data-day="(\d+)"', status(rc)).group(1))


def test_step_advances_one_day_and_the_series(page):
    assert day_of(page) == 0
    click(page, "Step")
    click(page, "Step")
    assert day_of(page) == 2
    assert "Day 2 ·" in status(page)


def test_breach_now_adds_deaths_to_the_log_and_changes_the_series(page):
    before = html_text(page)
    assert "hull breach" not in before
    click(page, "Breach now")
    after = html_text(page)
    assert "hull breach in section" in after
    assert after.count('class="event-row event-death"') == 3
    assert "3,000 aboard" not in status(page) and "2,997 aboard" in status(page)
    assert 'class="death-mark"' in after and 'class="breach-mark"' in after
    click(page, "Step")
    charts = page.find(EchartsWidget).widgets
    marks = [
        m
        for w in charts
        for s in w.option.get("series", [])
        for m in s.get("markLine", {}).get("data", [])
        if m.get("xAxis") == 1
    ]
    assert any(m["lineStyle"]["color"] == "#c00" for m in marks)  # the breach day, marked


def none_yet(page) -> int:
    return len(page.find(v.Html, children=["No referendum held yet in this run."]).widgets)


def test_call_referendum_shows_the_result(page):
    assert none_yet(page) == 1 and "referendum-card" not in html_text(page)
    click(page, "Call referendum now")
    text = html_text(page)
    assert none_yet(page) == 0 and text.count('class="referendum-card"') == 1
    assert "Referendum on day 0 (called by captain)" in text
    counts = re.search(
        r"continue <b>([\d,]+)</b>.*divert <b>([\d,]+)</b>.*margin <b>([+-][\d,]+)</b>"
        r" · ([\d,]+) abstained",
        text,
    )
    cont, div, margin, abstained = (int(g.replace(",", "")) for g in counts.groups())
    assert cont - div == margin and 0 < cont + div <= cont + div + abstained <= 3000
    outcome = re.search(r'class="referendum-outcome"[^>]*>([^<]+)<', text).group(1)
    assert outcome == ("DIVERT" if div > cont else "CONTINUE to Tau Ceti")  # a tie keeps it


def test_memorial_and_message_are_logged(page):
    click(page, "Hold memorial")
    click(page, "Captain's message")
    text = html_text(page)
    assert "captain: memorial (intervention)" in text
    assert "captain: reassure (intervention)" in text


def test_reinforce_twice_gives_a_message_not_a_traceback(page):
    click(page, "Reinforce hull")
    click(page, "Reinforce hull")
    messages = page.find(v.Alert).widgets
    assert any("already under way" in str(m.children) for m in messages)


def test_a_message_coming_and_going_keeps_the_views(page):
    """Regression (stress run, issue #7): a message inserted above the views shifted them, so
    every chart, the map and the log were rebuilt in the browser when it came and went."""
    charts = [w.model_id for w in page.find(EchartsWidget).widgets]
    assert len(charts) == 5
    click(page, "Reinforce hull")
    click(page, "Reinforce hull")  # "already under way"
    assert any("already under way" in str(m.children) for m in page.find(v.Alert).widgets)
    assert [w.model_id for w in page.find(EchartsWidget).widgets] == charts
    click(page, "Step")  # the message goes
    assert not any("already under way" in str(m.children) for m in page.find(v.Alert).widgets)
    assert [w.model_id for w in page.find(EchartsWidget).widgets] == charts


def test_reset_with_a_new_seed_gives_a_new_model(page):
    seed_box = page.find(v.TextField, label="Seed (whole number >= 0)")
    seed_box.assert_single()
    click(page, "Step")
    first = html_text(page)
    seed_box.widget.v_model = "7"
    seed_box.widget.fire_event("focusout")
    click(page, "Reset")
    assert day_of(page) == 0
    assert html_text(page) != first


def set_crew(page, text: str) -> None:
    crew = page.find(v.TextField, label="Crew size (1 to 20,000)")
    crew.widget.v_model = text
    crew.widget.fire_event("focusout")


def alerts(page) -> str:
    return " ".join(str(a.children) for a in page.find(v.Alert).widgets)


def test_out_of_range_settings_show_a_message_and_disable_reset(page):
    set_crew(page, "0")
    assert "Cannot build this ship: n_crew=0 is invalid" in alerts(page)
    assert page.find(v.Btn, children=["Reset"]).widget.disabled


def test_a_combination_only_the_model_rejects_is_a_message_and_keeps_the_ship(page):
    click(page, "Step")
    set_crew(page, "1")  # the captain alone cannot give 'continue' the story's margin
    click(page, "Reset")
    assert "invalid" in alerts(page)
    assert day_of(page) == 1  # the old ship is still shown


def test_play_advances_and_pause_stops(page):
    import time

    click(page, "Play")
    deadline = time.monotonic() + 10
    while day_of(page) < 10 and time.monotonic() < deadline:
        time.sleep(0.05)
    click(page, "Pause")
    time.sleep(0.3)
    stopped = day_of(page)
    assert stopped >= 10
    time.sleep(0.5)
    assert day_of(page) == stopped


def test_each_page_has_its_own_model():
    _, one = solara.render(Page(), handle_error=False)
    _, two = solara.render(Page(), handle_error=False)
    click(one, "Step")
    assert day_of(one) == 1 and day_of(two) == 0
    one.close()
    two.close()


def test_session_turns_bad_input_into_messages():
    session = Session.start({**default_settings(), "n_crew": 300})
    assert session.breach(deaths=-1) == "deaths=-1 is invalid: expected a whole number >= 0"
    assert "is invalid" in session.reset({**default_settings(), "seed": -3})
    assert session.model.p.n_crew == 300  # the old ship is kept
    assert check_settings({**default_settings(), "initial_trust": 2.0}).startswith(
        "initial_trust=2.0 is invalid"
    )
    assert check_settings(default_settings()) is None
