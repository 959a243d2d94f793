"""Time series and the belief histogram as ECharts options (drawn in the browser).

Solara 1.58 with solara-assets serves ECharts from the local server, so the charts work
offline; building an option is a few milliseconds, which keeps a step's re-render cheap
(a matplotlib PNG of the same four panels costs about half a second).

The time-series panels come from the declarations in :mod:`model.metric_registry`: one chart
per panel (:func:`~model.metric_registry.panels`, laid out by its
:func:`~model.metric_registry.panel` declaration: title, y-axis, range, decimals, reference
lines, event marks, PNG name), one line per metric naming it (its label, colour, scale and
dash). The built-in panels (:mod:`model.metrics`): support for continuing (50% line, a pin for
every referendum), cohesion and the disengaged share (collapse level, collapse day), trust and
grief, standing vote-change requests and petition signatures. A metric naming a new panel gets
a chart of its own. Days with deaths (grey) and breaches (black dashed) are marked in every
panel and named in its legend; axes are titled with units; values are rounded (1 decimal for %,
2 for 0-1 scales, whole people); a window shows the whole run or its last 30/90/365 days. Each
chart has a download icon (ECharts' own "save as image", drawn in the browser: the PNG is the
chart as shown, white background, twice the screen's resolution) for the mouse, and a "PNG"
button below it for the keyboard (:mod:`ui.chart_png`: the same option drawn by matplotlib on
the server when the button is pressed)."""

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
from model.metric_registry import Metric, panel, panels
from ui.chart_png import file_name, option_png, title
from ui.colours import CONTINUE, DIVERT

logger = logging.getLogger(__name__)

PANEL_STYLE = {"style": "height: 260px; width: 440px;"}
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


#: Colours of the event lines (a legend entry each).
DEATH_LINE = "#767676"
BREACH_LINE = "#000000"
#: Choices of the time window: label -> days (None: the whole run).
WINDOWS = {"all days": None, "last 30 days": 30, "last 90 days": 90, "last 365 days": 365}
#: Line colours of metrics declared without one, in turn within a panel (colour-blind safe).
PALETTE = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02")


def png_toolbox(name: str) -> dict[str, Any]:
    """ECharts' download icon at the chart's top right, below the title: the chart as a
    PNG named ``name``.png."""
    return {
        "right": 6,
        "top": 22,
        "itemSize": 14,
        "feature": {
            "saveAsImage": {
                "type": "png",
                "name": name,
                "title": "Download PNG",
                "pixelRatio": 2,
                "backgroundColor": "#ffffff",
            }
        },
    }


REQUESTS_DEFINITION = (
    "Vote-change requests: voters who have asked to change their recorded vote since the last "
    "referendum (standing requests; each referendum clears them). Petition signatures: those "
    "of them whose intention today is against the last referendum's outcome; at the petition "
    "threshold a referendum follows."
)


def _marks(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Vertical marks: grey for days with deaths, black dashed for days with breaches."""
    day = frame["day"].to_numpy()
    deaths = day[np.diff(frame["deaths"].to_numpy(), prepend=0) > 0]
    breaches = day[np.diff(frame["breaches"].to_numpy(), prepend=0) > 0]
    marks = [
        {
            "xAxis": int(d),
            "name": "deaths",
            "lineStyle": {"color": DEATH_LINE, "width": 1, "type": "solid"},
        }
        for d in deaths
        if d not in set(breaches)
    ]
    marks += [
        {
            "xAxis": int(d),
            "name": "breach",
            "lineStyle": {"color": BREACH_LINE, "width": 2, "type": "dashed"},
        }
        for d in breaches
    ]
    return marks


def _legend_only(name: str, colour: str, dashed: bool = False) -> dict[str, Any]:
    """An empty series whose only job is a legend entry for the event lines."""
    return {
        "name": name,
        "type": "line",
        "data": [],
        "color": colour,
        "lineStyle": {"type": "dashed" if dashed else "solid"},
        "showSymbol": False,
    }


def _panel(
    title: str,
    frame: pd.DataFrame,
    lines: list[tuple[str, str, np.ndarray]],
    marks: list[dict[str, Any]],
    y_range: tuple[float | None, float | None] = (None, None),
    levels: list[tuple[str, float, str]] = (),
    points: list[dict[str, Any]] = (),
    y_name: str = "",
    decimals: int = 2,
    first_day: int = 0,
    dashed: tuple[str, ...] = (),
) -> dict[str, Any]:
    day = frame["day"].to_numpy().tolist()
    series = []
    for i, (name, colour, values) in enumerate(lines):
        data = [
            [d, int(round(float(v))) if decimals == 0 else round(float(v), decimals)]
            for d, v in zip(day, values, strict=True)
        ]
        entry: dict[str, Any] = {
            "name": name,
            "type": "line",
            "showSymbol": False,
            "color": colour,
            "lineStyle": {"width": 2, "type": "dashed" if name in dashed else "solid"},
            "data": data,
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
                        "label": {"show": True, "formatter": n, "position": "insideStartTop"},
                    }
                    for n, v, c in levels
                ],
            }
            if points:
                entry["markPoint"] = {
                    "data": list(points),
                    "symbol": "pin",
                    "symbolSize": 34,
                    "label": {"fontSize": 9, "color": "#fff"},
                }
        series.append(entry)
    if marks:
        series.append(_legend_only("deaths (grey lines)", DEATH_LINE))
        series.append(_legend_only("breach (dashed lines)", BREACH_LINE, dashed=True))
    low, high = y_range
    last = max(int(day[-1]), 1)
    return {
        "animation": False,
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 13}},
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0, "textStyle": {"fontSize": 11}},
        "grid": {"left": 56, "right": 24, "top": 40, "bottom": 64},
        "xAxis": {
            "type": "value",
            "name": "day of the run",
            "nameLocation": "middle",
            "nameGap": 22,
            "min": min(max(first_day, 0), last - 1),
            "minInterval": 1,
            "max": last,
        },
        "yAxis": {
            "type": "value",
            "name": y_name,
            "nameLocation": "middle",
            "nameGap": 40,
            "min": low,
            "max": high,
            "scale": low is None,
        },
        "series": series,
    }


def referendum_points(model: CrewModel) -> list[dict[str, Any]]:
    """A pin for every referendum held during the run, at its share of votes for continuing."""
    points = []
    for result in model.held_referendums:
        votes = max(result.continue_votes + result.divert_votes, 1)
        points.append(
            {
                "name": f"referendum day {result.day}",
                "coord": [result.day, round(100 * result.continue_votes / votes, 1)],
                "value": "C" if result.outcome == "continue" else "D",
                "itemStyle": {"color": CONTINUE if result.outcome == "continue" else DIVERT},
            }
        )
    return points


#: Colour of the shaded difference between ship A and its twin B.
GAP = "#bdbdbd"


def overlay_twin(
    panel: dict[str, Any],
    frame_a: pd.DataFrame,
    frame_b: pd.DataFrame,
    lines: tuple[tuple[str, str, float], ...],
    decimals: int = 2,
) -> dict[str, Any]:
    """Add ship B's lines (dotted, named "… (B)") and shade the gap between A and B.

    The gap is two areas drawn under the lines: the higher of A and B filled grey from the
    axis, then the lower filled white, so grey remains only between them. (ECharts stacks
    areas along x when both axes are numeric, so a stacked band cannot be used.) Pairs are
    drawn highest first, so a lower pair's band is not covered by a higher pair's white.
    """
    n = min(len(frame_a), len(frame_b))
    day = frame_a["day"].to_numpy()[:n]
    colours = {s["name"]: s.get("color") for s in panel["series"]}

    def points(values: np.ndarray) -> list[list[float]]:
        return [
            [int(d), int(round(float(v))) if decimals == 0 else round(float(v), decimals)]
            for d, v in zip(day, values, strict=True)
        ]

    def area(name: str, values: np.ndarray, fill: str, opacity: float) -> dict[str, Any]:
        return {
            "name": name,
            "type": "line",
            "silent": True,
            "showSymbol": False,
            "tooltip": {"show": False},
            "color": GAP,
            "lineStyle": {"opacity": 0},
            "areaStyle": {"color": fill, "opacity": opacity, "origin": "start"},
            "data": points(values),
        }

    pairs, b_lines = [], []
    for column, label, scale in lines:
        a = scale * frame_a[column].to_numpy()[:n].astype(float)
        b = scale * frame_b[column].to_numpy()[:n].astype(float)
        high, low = np.maximum(a, b), np.minimum(a, b)
        pairs.append(
            (
                float(high.mean()) if n else 0.0,
                [
                    area("A−B gap (shaded)", high, GAP, 1.0),
                    area(f"{label} gap base", low, "#ffffff", 1.0),
                ],
            )
        )
        b_lines.append(
            {
                "name": f"{label} (B)",
                "type": "line",
                "showSymbol": False,
                "color": colours.get(label),
                "lineStyle": {"width": 2, "type": "dotted"},
                "data": points(b),
            }
        )
    bands = [s for _, pair in sorted(pairs, key=lambda p: -p[0]) for s in pair]
    panel["series"] = bands + panel["series"] + b_lines
    names = [s["name"] for s in panel["series"] if not s["name"].endswith("gap base")]
    panel["legend"]["data"] = list(dict.fromkeys(names))
    panel["grid"]["bottom"] = 84  # room for the longer legend
    panel["tooltip"] = {"trigger": "axis"}
    return panel


def png_names() -> tuple[str, ...]:
    """File names of the panels' PNG downloads (``<name>_day<day>.png``), panel by panel."""
    return tuple(panel(name).png_name for name in panels())


def _colours(shown: tuple[Metric, ...]) -> list[str]:
    """Each metric's line colour: its own, else the next palette colour not taken."""
    free = [c for c in PALETTE if c not in {m.colour for m in shown}] or list(PALETTE)
    return [m.colour or free[i % len(free)] for i, m in enumerate(shown)]


def series_options(
    model: CrewModel,
    frame: pd.DataFrame | None = None,
    window: int | None = None,
    twin: CrewModel | None = None,
) -> list[dict[str, Any]]:
    """ECharts options of the time-series panels of the run so far, one per declared panel.

    Args:
        model: The ship.
        frame: Its series (``model.series()`` when None).
        window: Show only the last ``window`` days (None: the whole run).
        twin: Ship B, overlaid dotted with the gap shaded (None: no twin).
    """
    frame = model.series() if frame is None else frame
    frame_b = None if twin is None else twin.series()
    first_day = 0 if window is None else model.day - window
    marks = _marks(frame)
    ships = "_A_B" if twin is not None else ""
    options = []
    for name, shown in panels().items():
        layout = panel(name)
        option = _panel(
            layout.title,
            frame,
            [
                (m.label, colour, m.scale * frame[m.name].to_numpy().astype(float))
                for m, colour in zip(shown, _colours(shown), strict=True)
            ],
            marks,
            layout.y_range,
            [(level.label, level.height(model.p), level.colour) for level in layout.levels],
            referendum_points(model) if "referendums" in layout.marks else (),
            y_name=layout.y_name,
            decimals=layout.decimals,
            first_day=first_day,
            dashed=tuple(m.label for m in shown if m.dashed),
        )
        if "collapse" in layout.marks and model.collapse_day is not None:
            option["series"][0]["markLine"]["data"].append(
                {
                    "xAxis": model.collapse_day,
                    "name": "morale collapsed",
                    "lineStyle": {"color": "#000", "width": 3, "type": "dotted"},
                    "label": {"show": True, "formatter": "collapse", "position": "end"},
                }
            )
        if frame_b is not None:
            lines = tuple((m.name, m.label, m.scale) for m in shown)
            overlay_twin(option, frame, frame_b, lines, layout.decimals)
            option["title"]["text"] += " · A solid, B dotted"
        option["toolbox"] = png_toolbox(f"{layout.png_name}{ships}_day{model.day}")
        options.append(option)
    return options


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
            "name": "belief (0 divert to 1 continue)",
            "nameLocation": "middle",
            "nameGap": 24,
            "axisLabel": {"interval": 9},
        },
        "yAxis": {"type": "value", "name": "people", "nameLocation": "middle", "nameGap": 36},
        "series": [{"type": "bar", "data": bars, "barCategoryGap": "5%"}],
        "toolbox": png_toolbox(f"beliefs_day{model.day}"),
    }


def png_label(option: dict[str, Any]) -> str:
    """The accessible name of a chart's PNG button: "Download Support for continuing as PNG"
    (the title without its notes on pins and ships)."""
    name = title(option).split(" · ")[0].split(" (")[0]
    return f"Download {name} as PNG"


@solara.component
def ChartPng(option: dict[str, Any]) -> solara.Element:
    """A button that downloads the chart as a PNG (a real button, so Tab reaches it). The file
    is drawn only when pressed, from the option shown then; the download's callable stays the
    same across steps, so a step starts no thread for it."""
    shown = solara.use_ref(option)
    shown.current = option
    draw = solara.use_memo(lambda: lambda: option_png(shown.current), [])
    return solara.FileDownload(
        draw,
        filename=file_name(option),
        mime_type="image/png",
        children=[
            solara.Button(
                "PNG",
                icon_name="mdi-download",
                text=True,
                small=True,
                classes=["chart-png"],
                attributes={"aria-label": png_label(option), "title": png_label(option)},
            )
        ],
    )


@solara.component
def Charts(model: CrewModel, version: int, twin: CrewModel | None = None) -> solara.Element:
    """The time-series panels (ship B overlaid when there is a twin), the belief histogram,
    a time window and the definitions."""
    window, set_window = solara.use_state("all days")
    panels = solara.use_memo(
        lambda: series_options(model, window=WINDOWS[window], twin=twin),
        [id(model), version, window, id(twin)],
    )
    histogram = solara.use_memo(lambda: histogram_option(model), [id(model), version])
    with solara.Column(gap="4px") as main:
        solara.ToggleButtonsSingle(
            value=window,
            values=list(WINDOWS),
            on_value=set_window,
            dense=True,
            classes=["chart-window"],
        )
        with solara.Row(classes=["charts"], style={"flex-wrap": "wrap"}, gap="4px"):
            for option in [*panels, histogram]:
                with solara.Column(gap="0px", classes=["chart-cell"]):
                    Chart.element(option=option, attributes=PANEL_STYLE)
                    ChartPng(option)
        solara.Text(
            REQUESTS_DEFINITION,
            classes=["requests-definition"],
            style={"font-size": "12px", "color": "#444"},
        )
    return main
