"""The page's controls and interventions, rendered with ``solara.render`` (no browser)."""

from __future__ import annotations

import re
import uuid

import ipyvuetify as v
import pytest
import solara
from solara.components.echarts import EchartsWidget

from tests.ui.helpers import click, html_text, status
from ui.charts import BREACH_LINE, series_options
from ui.main_page import Page
from ui.session import Session, check_settings, default_settings, smallest_crew
from ui.store import tab_state


def new_tab() -> str:
    return uuid.uuid4().hex


@pytest.fixture
def page():
    tab = new_tab()
    box, rc = solara.render(Page(tab_id=tab), handle_error=False)
    rc.tab_id = tab
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
    assert any(m["lineStyle"]["color"] == BREACH_LINE for m in marks)  # the breach day, marked


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
    seed_box = page.find(v.TextField, label="Seed (whole number, 0 or more)")
    seed_box.assert_single()
    click(page, "Step")
    first = html_text(page)
    seed_box.widget.v_model = "7"
    seed_box.widget.fire_event("focusout")
    click(page, "Reset")
    assert day_of(page) == 0
    assert html_text(page) != first


def set_crew(page, text: str) -> None:
    (crew,) = [w for w in page.find(v.TextField).widgets if str(w.label).startswith("Crew size")]
    crew.v_model = text
    crew.fire_event("focusout")


def alerts(page) -> str:
    return " ".join(str(a.children) for a in page.find(v.Alert).widgets)


@pytest.mark.parametrize("text", ["0", "abc"])
def test_out_of_range_settings_show_a_message_and_disable_reset(page, text):
    set_crew(page, text)
    message = alerts(page)
    assert f"Reset is off: Crew size {text} is invalid" in message
    assert "50,000" not in message and "50000" not in message
    assert page.find(v.Btn, children=["Reset"]).widget.disabled


def test_a_crew_below_the_smallest_that_starts_names_crew_size_and_keeps_the_ship(page):
    click(page, "Step")
    smallest = smallest_crew(default_settings())
    assert smallest is not None and smallest > 1  # the captain alone cannot start the story
    set_crew(page, str(smallest - 1))
    assert f"raise Crew size to at least {smallest}" in alerts(page)
    assert "referendum_margin" not in alerts(page) and "captain_private_belief" not in alerts(page)
    assert page.find(v.Btn, children=["Reset"]).widget.disabled
    assert day_of(page) == 1  # the old ship is still shown
    labels = [str(w.label) for w in page.find(v.TextField).widgets]
    assert f"Crew size (people, {smallest} to 20,000)" in labels


def test_pending_settings_are_marked_until_reset_and_strategy_acts_at_once(page):
    def marks() -> list[str]:
        return [str(w.children) for w in page.find(v.Html).widgets if "changed" in str(w.children)]

    assert marks() == []
    set_crew(page, "400")
    assert any("changed — Reset to apply" in m for m in marks())
    strategy = page.find(v.Select, label="Captain's strategy").widget
    strategy.v_model = "candid"
    assert "strategy now candid" in html_text(page)  # logged at once, no Reset
    click(page, "Reset")
    assert marks() == []
    assert "400 aboard" in status(page)


def test_play_advances_and_pause_stops(page):
    import time

    click(page, "Play")
    deadline = time.monotonic() + 30  # generous: a loaded machine plays a few days a second
    while day_of(page) < 10 and time.monotonic() < deadline:
        time.sleep(0.05)
    click(page, "Pause")
    time.sleep(0.3)
    stopped = day_of(page)
    assert stopped >= 10
    time.sleep(0.5)
    assert day_of(page) == stopped


def test_each_page_has_its_own_model():
    _, one = solara.render(Page(tab_id=new_tab()), handle_error=False)
    _, two = solara.render(Page(tab_id=new_tab()), handle_error=False)
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
        "Trust in the captain at day 0 2.0 is invalid"
    )
    assert check_settings(default_settings()) is None


def test_the_breach_card_counts_are_the_models_events(page):
    click(page, "Breach now")
    for _ in range(7):
        click(page, "Step")
    html = html_text(page)
    card = re.search(r'class="effect-card effect-breach"([^>]*)>([^<]*)<', html)
    assert card is not None
    attrs = dict(re.findall(r'data-(\w+)="([^"]*)"', card.group(1)))
    model = tab_state(page.tab_id).session.model
    events = model.events()
    breach_deaths = events[(events["kind"] == "death") & (events["cause"] == "breach")]
    assert int(attrs["dead"]) == len(breach_deaths) == 3
    filed = events[(events["kind"] == "requests") & events["day"].between(1, 7)]["count"].sum()
    assert int(attrs["requests"]) == int(filed)
    assert attrs["days"] == "7"
    series = model.series()
    assert f"→ {100 * series['support_continue'].iloc[7]:.1f}%" in card.group(2)
    assert f"→ {series['cohesion'].iloc[7]:.2f}" in card.group(2)


def test_more_deaths_than_live_in_a_section_says_the_limit_and_does_nothing(page):
    deaths = page.find(v.TextField, label="Deaths").widget
    deaths.v_model = "100000"  # taken as it arrives (no Enter needed)
    click(page, "Breach now")
    assert "is more than a breach can kill" in alerts(page)
    assert "hull breach" not in html_text(page)


def test_every_referendum_is_marked_and_axes_are_titled():
    session = Session.start({**default_settings(), "n_crew": 300})
    for _ in range(3):
        session.step(5)
        session.call_referendum()
    support, *rest = series_options(session.model)
    pins = support["series"][0]["markPoint"]["data"]
    held = [r for r in session.model.referendums if r.trigger != "recorded"]
    assert len(held) == 3 and [p["coord"][0] for p in pins] == [r.day for r in held]
    for option in [support, *rest]:
        assert option["xAxis"]["name"] and option["yAxis"]["name"]
    values = [v for _, v in support["series"][0]["data"]]
    assert all(round(v, 1) == v for v in values)
    last = series_options(session.model, window=5)[0]
    assert last["xAxis"]["min"] == session.model.day - 5


def test_the_glossary_quotes_docs_odd(page):
    from ui.glossary import ODD, glossary

    entries = glossary()
    assert {"cohesion", "morale collapse", "the captain's strategies", "belief"} <= set(entries)
    odd = " ".join(ODD.read_text().split())
    for passage in entries.values():
        assert " ".join(passage.split()) in odd
    assert "morale collapse" in html_text(page) and "disengaged share of voters" in html_text(page)


def test_text_colours_meet_wcag_aa_on_white():
    from ui.colours import CONTINUE, DIVERT, contrast
    from ui.event_log import KIND_COLOUR
    from ui.interventions import BREACH_BUTTON

    for colour in [CONTINUE, DIVERT, *KIND_COLOUR.values()]:
        assert contrast(colour, "#ffffff") >= 4.5, colour
    assert contrast("#ffffff", BREACH_BUTTON) >= 4.5
    assert contrast("#d6604d", "#ffffff") < 4.5  # the check can fail: the old divert colour


def test_strategy_and_breach_risk_change_the_running_ship():
    session = Session.start({**default_settings(), "n_crew": 300})
    model = session.model
    assert session.apply_now("captain_strategy", "silent") is None
    assert model.leadership.strategy == "silent" and model.p.captain_strategy == "silent"
    assert session.apply_now("impact_rate", 12.0) is None
    assert model.breaches.current_rate == pytest.approx(12.0 * model.p.penetration_probability)
    kinds = model.events()["kind"].tolist()
    assert kinds[-2:] == ["strategy", "hazard"]
    assert "Captain's strategy" in session.apply_now("captain_strategy", "loud")
    assert model.leadership.strategy == "silent"  # a refused change leaves the ship as it was
    model.run(20)  # silent: the captain sends no routine message
    assert not (model.events()["detail"].str.contains("(strategy)", regex=False)).any()


def test_step_n_days_and_run_to_day(page):
    days = page.find(v.TextField, label="days").widget
    days.v_model = "4"
    click(page, "Step 4 days")
    assert day_of(page) == 4
    target = page.find(v.TextField, label="day").widget
    target.v_model = "9"
    click(page, "Run to day 9")
    assert day_of(page) == 9
    assert page.find(v.Btn, children=["Run to day 9"]).widget.disabled  # already there


def test_the_ego_field_follows_a_new_ship(page):
    def ego_field():
        (w,) = [w for w in page.find(v.TextField).widgets if str(w.label).startswith("Ego network")]
        return w

    ego_field().v_model = "2500"
    ego_field().fire_event("focusout")
    set_crew(page, "300")
    click(page, "Reset")
    model = tab_state(page.tab_id).session.model
    assert "0 to 299" in ego_field().label
    assert ego_field().v_model == str(model.captain)
    assert "is invalid" not in alerts(page)


def test_a_failed_reset_names_a_control_and_leaves_fields_and_ship_in_agreement(page, monkeypatch):
    import ui.session

    click(page, "Step")
    set_crew(page, "500")

    def refuse(settings):
        raise ValueError("referendum_margin=49 is invalid: it cannot be reached")

    monkeypatch.setattr(ui.session, "_build", refuse)
    click(page, "Reset")
    message = alerts(page)
    assert "change Crew size or Seed" in message and "the ship was not rebuilt" in message
    (crew,) = [w for w in page.find(v.TextField).widgets if str(w.label).startswith("Crew size")]
    assert crew.v_model == "3000" and "3,000 aboard" in status(page)  # field = ship
    assert day_of(page) == 1


def test_memorial_and_message_leave_cards(page):
    click(page, "Hold memorial")
    click(page, "Captain's message")
    html = html_text(page)
    assert 'class="effect-card effect-memorial"' in html
    assert 'class="effect-card effect-message"' in html
    assert "message day 0 (reassure)" in html


def test_every_slider_can_show_its_default():
    """A default outside a slider's range would be clamped by the page and shown as pending."""
    from model.parameters import Parameters
    from ui.controls import SLIDERS

    defaults = Parameters()
    for name, (_, low, high, _) in SLIDERS.items():
        assert low <= getattr(defaults, name) <= high, name


def test_the_views_share_one_event_table_until_the_log_grows():
    """ui.summaries.events: the views of a Step read one table, built again only when the log
    has grown, and always equal to model.events(); the map's colours are kept per value."""
    from model import CrewModel
    from ui.colours import divert_colour
    from ui.summaries import events

    ship = CrewModel(rng=1, n_crew=200)
    ship.run(3)
    first = events(ship)
    assert events(ship) is first and first.equals(ship.events())
    ship.breach(deaths=2)  # the log grows: a new table with the new rows
    grown = events(ship)
    assert grown is not first and grown.equals(ship.events()) and len(grown) > len(first)
    assert len(events(CrewModel(rng=1, n_crew=200))) == 1  # another ship: its own table
    assert divert_colour(0.25) == divert_colour(0.25) and divert_colour.cache_info().hits
