"""Each chart downloads as PNG (issue 14, item 3): every chart option carries ECharts' "save
as image" icon with a file name naming the chart and the day (the download itself is checked
in Chromium by tests/ui/test_budget_browser.py)."""

from __future__ import annotations

from model import CrewModel
from ui.charts import histogram_option, png_names, series_options


def test_every_chart_offers_a_png_named_after_it_and_the_day():
    ship = CrewModel(rng=1, n_crew=300)
    ship.run(2)
    options = [*series_options(ship), histogram_option(ship)]
    saved = [o["toolbox"]["feature"]["saveAsImage"] for o in options]
    assert [s["type"] for s in saved] == ["png"] * 5
    assert [s["name"] for s in saved] == [f"{n}_day2" for n in (*png_names(), "beliefs")]
    with_twin = series_options(ship, twin=ship)
    assert [o["toolbox"]["feature"]["saveAsImage"]["name"] for o in with_twin] == [
        f"{n}_A_B_day2" for n in png_names()
    ]
