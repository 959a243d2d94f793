"""Time series and the belief histogram as ECharts options (drawn in the browser).

Solara 1.58 with solara-assets serves ECharts from the local server, so the charts work
offline; building an option is a few milliseconds, which keeps a step's re-render cheap
(a matplotlib PNG of the same four panels costs about half a second).

Panels: support for continuing (50% line, last referendum), cohesion (collapse level,
collapse day), trust and grief, vote-change requests and petition signatures. Days with
deaths (grey) and breaches (red) are marked in every panel.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import solara
import solara.components.echarts
import traitlets
from solara.components.echarts import EchartsWidget

from model import CrewModel
from ui.colours import CONTINUE, DIVERT

logger = logging.getLogger(__name__)

PANEL_STYLE = {"style": "height: 230px; width: 440px;"}
#: Solara's watcher of a new option, which fails while ECharts is still loading.
UNGUARDED = "      this.chart.setOption(this.option, true);\n    },\n  },"
GUARDED = "      if (this.chart) this.chart.setOption(this.option, true);\n    },\n  },"


def guarded_template() -> str:
    """Solara's ECharts template, with the option watcher waiting for the chart.

    ECharts loads asynchronously after a chart is mounted; an update arriving before (Play
    or Step right after the page loads) raised a TypeError in the browser for each chart.
    Skipping it loses nothing: the chart draws the newest option when it is created.
    """
    text = Path(solara.components.echarts.__file__).with_name("echarts.vue").read_text()
    if text.count(UNGUARDED) != 1:
        logger.warning("Solara's echarts.vue changed; the option watcher is not guarded")
        return text
    return text.replace(UNGUARDED, GUARDED)


class Chart(EchartsWidget):
    """Solara's ECharts widget with :func:`guarded_template`."""

    template_file = None

    @traitlets.default("template")
    def _template(self) -> str:
        return GUARDED_TEMPLATE


GUARDED_TEMPLATE = guarded_template()


def _marks(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Vertical marks: grey for days with deaths, red for days with breaches."""
    day = frame["day"].to_numpy()
    deaths = day[np.diff(frame["deaths"].to_numpy(), prepend=0) > 0]
    breaches = day[np.diff(frame["breaches"].to_numpy(), prepend=0) > 0]
    marks = [
        {"xAxis": int(d), "lineStyle": {"color": "#aaa", "width": 1, "type": "solid"}}
        for d in deaths
        if d not in set(breaches)
    ]
    marks += [
        {"xAxis": int(d), "lineStyle": {"color": "#c00", "width": 2, "type": "solid"}}
        for d in breaches
    ]
    return marks


def _panel(
    title: str,
    frame: pd.DataFrame,
    lines: list[tuple[str, str, np.ndarray]],
    marks: list[dict[str, Any]],
    y_range: tuple[float | None, float | None] = (None, None),
    levels: list[tuple[str, float, str]] = (),
    points: list[dict[str, Any]] = (),
) -> dict[str, Any]:
    day = frame["day"].to_numpy().tolist()
    series = []
    for i, (name, colour, values) in enumerate(lines):
        entry: dict[str, Any] = {
            "name": name,
            "type": "line",
            "showSymbol": False,
            "color": colour,
            "lineStyle": {"width": 2},
            "data": [[d, round(float(v), 4)] for d, v in zip(day, values, strict=True)],
        }
        if i == 0:
            entry["markLine"] = {
                "symbol": "none",
                "silent": True,
                "label": {"show": False},
                "data": marks
                + [
                    {
                        "yAxis": v,
                        "name": n,
                        "lineStyle": {"color": c, "type": "dashed"},
                        "label": {"show": True, "formatter": n, "position": "insideEndTop"},
                    }
                    for n, v, c in levels
                ],
            }
            if points:
                entry["markPoint"] = {"data": list(points), "symbolSize": 40}
        series.append(entry)
    low, high = y_range
    return {
        "animation": False,
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 13}},
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0, "textStyle": {"fontSize": 11}},
        "grid": {"left": 48, "right": 16, "top": 30, "bottom": 48},
        "xAxis": {
            "type": "value",
            "name": "day",
            "nameLocation": "end",
            "min": 0,
            "max": max(int(day[-1]), 1),
        },
        "yAxis": {"type": "value", "min": low, "max": high, "scale": low is None},
        "series": series,
    }


def series_options(model: CrewModel, frame: pd.DataFrame | None = None) -> list[dict[str, Any]]:
    """ECharts options of the four time-series panels of the run so far."""
    frame = model.series() if frame is None else frame
    marks = _marks(frame)
    held = model.held_referendums
    points = []
    if held:
        last = held[-1]
        votes = max(last.continue_votes + last.divert_votes, 1)
        points = [
            {
                "name": "referendum",
                "coord": [last.day, round(100 * last.continue_votes / votes, 2)],
                "value": f"{last.outcome} {last.margin:+d}",
                "itemStyle": {"color": CONTINUE if last.outcome == "continue" else DIVERT},
            }
        ]
    cohesion_levels = [("collapse level", model.p.collapse_level, "#c00")]
    support = _panel(
        "Support for continuing (%)",
        frame,
        [("support", CONTINUE, 100 * frame["support_continue"].to_numpy())],
        marks,
        (0, 100),
        [("50%", 50.0, "#000")],
        points,
    )
    cohesion = _panel(
        "Cohesion",
        frame,
        [("cohesion", "#1b7837", frame["cohesion"].to_numpy())],
        marks,
        (0, 1),
        cohesion_levels,
    )
    if model.collapse_day is not None:
        cohesion["series"][0]["markLine"]["data"].append(
            {
                "xAxis": model.collapse_day,
                "name": "morale collapsed",
                "lineStyle": {"color": "#c00", "width": 3, "type": "dotted"},
                "label": {"show": True, "formatter": "collapse", "position": "end"},
            }
        )
    mood = _panel(
        "Trust and grief",
        frame,
        [
            ("mean trust", "#5e3c99", frame["mean_trust"].to_numpy()),
            ("mean grief", "#e66101", frame["mean_grief"].to_numpy()),
        ],
        marks,
        (0, 1),
    )
    petition = _panel(
        "Vote-change requests and petition",
        frame,
        [
            ("vote-change requests", "#762a83", frame["vote_change_requests"].to_numpy()),
            ("petition signatures", "#b35806", frame["petition_signatures"].to_numpy()),
        ],
        marks,
        (0, None),
    )
    return [support, cohesion, mood, petition]


def histogram_option(model: CrewModel) -> dict[str, Any]:
    """ECharts option of the living crew's beliefs, coloured by the vote they would cast."""
    belief = model.state.belief[model.state.alive]
    counts, edges = np.histogram(belief, bins=np.linspace(0, 1, 41))
    bars = [
        {"value": int(c), "itemStyle": {"color": CONTINUE if left >= 0.5 else DIVERT}}
        for c, left in zip(counts, edges[:-1], strict=True)
    ]
    return {
        "animation": False,
        "title": {
            "text": f"Beliefs on day {model.day}",
            "left": "center",
            "textStyle": {"fontSize": 13},
        },
        "tooltip": {},
        "grid": {"left": 48, "right": 16, "top": 30, "bottom": 40},
        "xAxis": {
            "type": "category",
            "data": [f"{e:.3f}" for e in edges[:-1]],
            "name": "belief",
            "axisLabel": {"interval": 9},
        },
        "yAxis": {"type": "value", "name": "crew"},
        "series": [{"type": "bar", "data": bars, "barCategoryGap": "5%"}],
    }


@solara.component
def Charts(model: CrewModel, version: int) -> solara.Element:
    """The four time-series panels and the belief histogram."""
    panels = solara.use_memo(lambda: series_options(model), [id(model), version])
    histogram = solara.use_memo(lambda: histogram_option(model), [id(model), version])
    with solara.Row(classes=["charts"], style={"flex-wrap": "wrap"}, gap="4px") as main:
        for option in panels:
            Chart.element(option=option, attributes=PANEL_STYLE)
        Chart.element(option=histogram, attributes=PANEL_STYLE)
    return main
