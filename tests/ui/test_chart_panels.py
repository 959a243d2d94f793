"""The UI's chart panels come from the metric declarations (issue 10, item 3): a metric
declared on an existing panel is drawn in that chart, one naming a new panel gets a chart of
its own, both with ship B's twin line and a PNG download (no browser)."""

from __future__ import annotations

import numpy as np
import pytest

from model import CrewModel
from model.metric_registry import (
    Level,
    panel,
    panels,
    register_metric,
    register_panel,
    unregister_metric,
    unregister_panel,
)
from model.metrics import MOOD_PANEL
from ui.charts import PALETTE, png_names, series_options

#: The new panel of the throwaway metric ``adults``.
CREW_PANEL = "Crew (throwaway)"


@pytest.fixture
def throwaway():
    """Two throwaway metrics: ``grieving`` on the trust and grief panel, ``adults`` on a new,
    undeclared panel; and a declared panel with no metric (drawn nowhere)."""
    register_metric(
        "grieving",
        dtype="int",
        unit="people",
        label="in deep grief",
        description="The living whose grief is above 0.05.",
        compute=lambda c: int(np.count_nonzero(c.state.grief[c.alive] > 0.05)),
        panel=MOOD_PANEL,
        dashed=True,
    )
    register_metric(
        "adults",
        dtype="float",
        unit="share 0-1",
        label="voters",
        description="Share of the living of voting age.",
        compute=lambda c: c.n_voters / max(c.n_alive, 1),
        panel=CREW_PANEL,
        scale=100.0,
    )
    register_panel("Empty (throwaway)", y_name="nothing")
    yield
    unregister_metric("grieving")
    unregister_metric("adults")
    unregister_panel("Empty (throwaway)")


def series_named(option, name):
    return next(s for s in option["series"] if s["name"] == name)


def test_the_built_in_panels_come_from_the_declarations():
    options = series_options(CrewModel(rng=1, n_crew=200))
    assert [o["title"]["text"] for o in options] == [panel(n).title for n in panels()]
    assert png_names() == ("support", "cohesion", "trust_grief", "requests")
    support, cohesion, mood, requests = options
    assert support["yAxis"]["max"] == 100 and mood["yAxis"]["name"] == "mean (0 to 1)"
    assert [s["name"] for s in mood["series"][:2]] == ["mean trust", "mean grief"]
    assert series_named(requests, "petition signatures")["lineStyle"]["type"] == "dashed"
    level = cohesion["series"][0]["markLine"]["data"][-1]
    assert level["name"] == "collapse level" and level["yAxis"] == 0.25


def test_a_declared_metric_reaches_its_panel_or_a_new_one_with_a_twin(throwaway):
    ship = CrewModel(rng=1, n_crew=300)
    ship.run(2)
    ship.breach(3)
    ship.run(2)
    frame = ship.series()
    options = series_options(ship)
    assert len(options) == 5  # the four built-in panels and the new one; not the empty one
    mood, crew = options[2], options[4]
    grieving = series_named(mood, "in deep grief")
    assert [v for _, v in grieving["data"]] == frame["grieving"].tolist()
    assert grieving["lineStyle"]["type"] == "dashed" and grieving["color"] in PALETTE
    assert crew["title"]["text"] == CREW_PANEL and crew["yAxis"]["name"] == "share 0-1"
    voters = series_named(crew, "voters")
    assert [v for _, v in voters["data"]] == np.round(100 * frame["adults"], 2).tolist()
    assert [s["name"] for s in crew["series"][1:]] == [
        "deaths (grey lines)",
        "breach (dashed lines)",
    ]
    saved = crew["toolbox"]["feature"]["saveAsImage"]["name"]
    assert saved == "crew_throwaway_day4"

    with_twin = series_options(ship, twin=ship)
    assert len(with_twin) == 5
    names = {s["name"] for s in with_twin[2]["series"]}
    assert {"in deep grief (B)", "in deep grief gap base"} <= names
    b = series_named(with_twin[4], "voters (B)")
    assert b["data"] == voters["data"] and b["color"] == voters["color"]
    assert with_twin[4]["title"]["text"].endswith("A solid, B dotted")
    assert with_twin[4]["toolbox"]["feature"]["saveAsImage"]["name"] == "crew_throwaway_A_B_day4"


def test_a_panel_declaration_is_checked():
    for bad in (
        {"y_range": (1, 0)},
        {"decimals": -1},
        {"levels": (Level("x", "no_such_parameter"),)},
        {"levels": (Level("x", 1.0, "black"),)},
        {"marks": ("eclipse",)},
        {"png_name": "a b"},
    ):
        with pytest.raises(ValueError, match="is invalid"):
            register_panel("Bad (throwaway)", **bad)
    assert "Bad (throwaway)" not in panels()
    with pytest.raises(ValueError, match="already declared"):
        register_panel(MOOD_PANEL)
