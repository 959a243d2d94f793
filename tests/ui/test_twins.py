"""Issue 14, items 1 and 3: counterfactual twins, and scenarios in and out (no browser)."""

from __future__ import annotations

import io
import uuid

import ipyvuetify as v
import pandas as pd
import pytest
import solara
from solara.components.echarts import EchartsWidget

from tests.ui.helpers import click, html_text, status
from ui.main_page import Page
from ui.scenario import from_query, parquet_bytes
from ui.scenario_panel import export_text, link_query
from ui.session import default_settings
from ui.store import tab_state

SMALL = "n_crew=400&seed=3&day=0"


def render(query: str = SMALL):
    tab = uuid.uuid4().hex
    box, rc = solara.render(Page(tab_id=tab, query=query), handle_error=False)
    rc.tab_id = tab
    return rc


@pytest.fixture
def page():
    rc = render()
    yield rc
    rc.close()


def session_of(rc):
    return tab_state(rc.tab_id).session


def alerts(rc) -> str:
    return " ".join(str(a.children) for a in rc.find(v.Alert).widgets)


def twin_on(rc, strategy: str) -> None:
    rc.find(v.Select, label="Ship B's captain's strategy").widget.v_model = strategy
    switch = rc.find(v.Switch, label="Twin: compare with ship B")
    switch.assert_single()
    if not switch.widget.v_model:
        switch.widget.v_model = True


def test_a_link_opens_the_ship_it_names(page):
    session = session_of(page)
    assert session.model.p.n_crew == 400 and session.settings["seed"] == 3
    assert "400 aboard" in status(page)


def test_a_twin_with_the_same_strategy_is_identical_and_differs_after_a_strategy_change(page):
    session = session_of(page)
    strategy = session.model.p.captain_strategy
    twin_on(page, strategy)
    assert session.twin is not None and session.twin_strategy == strategy
    click(page, "Step")
    click(page, "Breach now")
    click(page, "Hold memorial")
    for _ in range(3):
        click(page, "Step")
    a, b = session.model.series(), session.twin.series()
    assert len(a) == 5 and a.equals(b)  # same seed, same interventions: the same ship
    assert "status-twin" in html_text(page) and "support +0.0 points" in html_text(page)
    names = [s.get("name") for w in page.find(EchartsWidget).widgets for s in w.option["series"]]
    assert "support (B)" in names and "A−B gap (shaded)" in names
    gap = next(
        s
        for w in page.find(EchartsWidget).widgets
        for s in w.option["series"]
        if s.get("name") == "cohesion gap base"
    )
    assert (
        gap["data"]
        == next(  # no gap: the white base reaches the grey top everywhere
            s
            for w in page.find(EchartsWidget).widgets
            for s in w.option["series"]
            if s.get("name") == "A−B gap (shaded)" and s["data"][0][1] < 2
        )["data"]
    )

    other = "silent" if strategy != "silent" else "candid"
    page.find(v.Select, label="Ship B's captain's strategy").widget.v_model = other
    assert session.twin.p.captain_strategy == other and session.model.p.captain_strategy == strategy
    click(page, "Breach now")  # the same breach, same place, on both
    for _ in range(10):
        click(page, "Step")
    a, b = session.model.series(), session.twin.series()
    assert len(a) == len(b) == 15
    assert a.iloc[:5].equals(b.iloc[:5])  # identical before B's strategy changed
    assert not a.equals(b)
    breach_a = session.model.events().query("kind == 'breach'")[["day", "compartment"]]
    breach_b = session.twin.events().query("kind == 'breach'")[["day", "compartment"]]
    assert breach_a.reset_index(drop=True).equals(breach_b.reset_index(drop=True))
    assert f"A ({strategy})" in status(page) and f"B ({other})" in html_text(page)


def test_a_twin_switched_off_leaves_ship_a_alone(page):
    session = session_of(page)
    twin_on(page, "silent")
    click(page, "Step")
    page.find(v.Switch, label="Twin: compare with ship B").widget.v_model = False
    assert session.twin is None and "status-twin" not in html_text(page)
    click(page, "Step")
    assert session.model.day == 2


def test_export_then_import_reproduces_the_run(page):
    session = session_of(page)
    click(page, "Step")
    click(page, "Breach now")
    page.find(v.Select, label="Captain's strategy").widget.v_model = "candid"
    click(page, "Step")
    click(page, "Captain's message")
    click(page, "Call referendum now")
    for _ in range(3):
        click(page, "Step")
    text = export_text(session)
    assert "[[interventions]]" in text and 'kind = "strategy"' in text

    other = render("n_crew=500&seed=9&day=0")
    try:
        area = other.find(v.Textarea, label="…or paste a scenario")
        area.widget.v_model = text
        click(other, "Import pasted scenario")
        loaded = session_of(other)
        assert loaded.model.day == session.model.day == 5
        assert loaded.model.series().equals(session.model.series())
        assert loaded.model.events().equals(session.model.events())
        assert loaded.timeline == session.timeline
        assert loaded.settings["captain_strategy"] == "candid"
        assert status(other) == status(page)
        click(page, "Breach now")  # a random place, drawn the same way after the import
        click(other, "Breach now")
        assert loaded.timeline[-1] == session.timeline[-1]
        assert loaded.model.events().equals(session.model.events())
    finally:
        other.close()


def test_a_malformed_scenario_gives_one_line_and_keeps_the_ship(page):
    session = session_of(page)
    click(page, "Step")
    before = session.model
    for bad in (
        "horizon_days = [",
        "horizon_days = 3\nreplicates = 1\nroot_seed = 1\n[fixed]\nn_crews = 3\n",
        "horizon_days = 3\nreplicates = 1\nroot_seed = 1\n[[interventions]]\nday = 1\n"
        'kind = "party"\n',
    ):
        page.find(v.Textarea, label="…or paste a scenario").widget.v_model = bad
        click(page, "Import pasted scenario")
        (message,) = [a for a in page.find(v.Alert).widgets if "pasted scenario" in str(a.children)]
        text = message.children[0] if isinstance(message.children, list) else message.children
        assert "\n" not in str(text) and "Traceback" not in str(text)
        assert session.model is before and session.model.day == 1
    assert "interventions[0]: kind" in alerts(page)


def test_a_link_reopens_the_same_ship_and_twin(page):
    session = session_of(page)
    twin_on(page, "silent")
    click(page, "Step")
    click(page, "Breach now")
    click(page, "Step")
    query = link_query(session)
    assert "do=1:breach:deaths=3,compartment=" in query and "twin=silent" in query
    again = render(query)
    try:
        reopened = session_of(again)
        assert reopened.model.series().equals(session.model.series())
        assert reopened.twin.series().equals(session.twin.series())
        link = [w for w in page.find(solara.widgets.HTML).widgets if w.tag == "a"]
        assert any(query in (w.attributes or {}).get("href", "") for w in link)
    finally:
        again.close()


def test_a_bad_link_gives_one_line_not_a_traceback():
    rc = render("n_crew=400&seed=3&day=0&do=2:party")
    try:
        assert "link: do='2:party': kind='party' is invalid: expected one of" in alerts(rc)
    finally:
        rc.close()
    with pytest.raises(ValueError, match="n_crews"):
        from_query("n_crews=4", default_settings())


def test_downloads_are_offered_and_parquet_equals_the_series(page):
    session = session_of(page)
    click(page, "Breach now")
    click(page, "Step")
    labels = [str(w.children) for w in page.find(v.Btn).widgets]
    for name in ("series", "events", "crew"):
        for kind in ("CSV", "PARQUET"):
            assert any(f"{name} {kind}" in label for label in labels), (name, kind)
    frame = pd.read_parquet(io.BytesIO(parquet_bytes(session.model.series())))
    pd.testing.assert_frame_equal(frame, session.model.series())
    events = pd.read_parquet(io.BytesIO(parquet_bytes(session.model.events())))
    assert list(events["kind"]) == list(session.model.events()["kind"])


def test_a_dropped_file_is_read_as_bytes_and_a_binary_one_gives_one_line(page):
    from ui.scenario_panel import import_scenario

    session = session_of(page)
    click(page, "Step")
    text = export_text(session).encode()
    assert import_scenario(session, b"\xff\xfe\x00", "ship.toml") == (
        "ship.toml: not a text file (expected TOML)"
    )
    assert session.model.day == 1
    assert import_scenario(session, text, "ship.toml") is None and session.model.day == 1
