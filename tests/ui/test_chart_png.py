"""Each chart downloads as PNG (issue 14, items 3 and 7): every chart option carries ECharts'
"save as image" icon with a file name naming the chart and the day (the download itself is
checked in Chromium by tests/ui/test_budget_browser.py), and a real "PNG" button for the
keyboard whose file is the same chart drawn on the server (ui/chart_png.py; reached with Tab in
tests/ui/test_issue15.py)."""

from __future__ import annotations

import io
import time

import ipyvuetify as v
import numpy as np
import pytest
import solara
from PIL import Image
from solara.components.file_download import FileDownloadWidget

from model import CrewModel
from ui.chart_png import file_name, option_png
from ui.charts import Charts, histogram_option, png_label, png_names, series_options


@pytest.fixture(scope="module")
def ships() -> tuple[CrewModel, CrewModel]:
    ship, twin = CrewModel(rng=1, n_crew=300), CrewModel(rng=1, n_crew=300)
    ship.run(2)
    twin.run(2)
    return ship, twin


def test_every_chart_offers_a_png_named_after_it_and_the_day(ships):
    ship, _ = ships
    options = [*series_options(ship), histogram_option(ship)]
    saved = [o["toolbox"]["feature"]["saveAsImage"] for o in options]
    assert [s["type"] for s in saved] == ["png"] * 5
    assert [s["name"] for s in saved] == [f"{n}_day2" for n in (*png_names(), "beliefs")]
    with_twin = series_options(ship, twin=ship)
    assert [o["toolbox"]["feature"]["saveAsImage"]["name"] for o in with_twin] == [
        f"{n}_A_B_day2" for n in png_names()
    ]


def colours_drawn(option: dict) -> set[str]:
    """The colours of the lines (or bars) that carry data in a chart option."""
    found = set()
    for entry in option["series"]:
        if entry.get("type") == "bar":
            found |= {b["itemStyle"]["color"] for b in entry["data"] if b["value"]}
        elif entry.get("data") and "areaStyle" not in entry:
            found.add(entry["color"])
    return found


def pixels_near(image: Image.Image, colour: str, tolerance: int = 12) -> int:
    rgb = np.asarray(image.convert("RGB"), dtype=int)
    target = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(rgb - target).max(axis=2) <= tolerance).sum())


def test_the_png_buttons_file_is_a_valid_png_of_that_chart(ships):
    ship, twin = ships
    support = series_options(ship, twin=twin)[0]  # lines, pins, levels and the A-B band
    options = [support, histogram_option(ship)]  # and bars (each file takes about 0.4 s)
    for option in options:
        data = option_png(option)
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        image = Image.open(io.BytesIO(data))
        image.load()
        assert image.format == "PNG" and image.size[0] > 600 and image.size[1] > 350
        assert image.info["Title"] == option["title"]["text"]  # that chart, not another
        for colour in colours_drawn(option):  # its lines (or bars) are drawn
            assert pixels_near(image, colour) > 30, (option["title"]["text"], colour)
    assert file_name(options[0]) == "support_A_B_day2.png"


def download(widget: FileDownloadWidget) -> Image.Image:
    """Press a download (what the button's click does in the browser) and open the file."""
    widget.request_download = True
    deadline = time.monotonic() + 10
    while widget.bytes is None and time.monotonic() < deadline:
        time.sleep(0.05)
    return Image.open(io.BytesIO(widget.bytes))


def test_each_chart_has_a_png_button_named_after_it_giving_the_chart_shown():
    ship = CrewModel(rng=1, n_crew=300)
    ship.run(2)
    box, rc = solara.render(Charts(ship, 0), handle_error=False)
    buttons = [w for w in rc.find(v.Btn).widgets if "chart-png" in (w.class_ or "")]
    assert [b.attributes["aria-label"] for b in buttons] == [
        "Download Support for continuing as PNG",
        "Download Cohesion and the disengaged as PNG",
        "Download Trust and grief as PNG",
        "Download Standing vote-change requests and petition as PNG",
        "Download Beliefs on day 2 as PNG",
    ]
    assert [png_label(o) for o in series_options(ship)] == [
        b.attributes["aria-label"] for b in buttons[:4]
    ]
    names = [f"{n}_day2.png" for n in (*png_names(), "beliefs")]
    assert [d.filename for d in rc.find(FileDownloadWidget).widgets] == names
    ship.run(1)  # a step: the button gives the chart shown now
    rc.render(Charts(ship, 1))
    beliefs = rc.find(FileDownloadWidget).widgets[-1]
    assert beliefs.filename == "beliefs_day3.png"
    assert download(beliefs).info["Title"] == "Beliefs on day 3"
    rc.close()
