"""A chart's PNG drawn on the server from its ECharts option, for the keyboard.

ECharts' own "save as image" icon is drawn on the chart's canvas, so it cannot be reached with
Tab. Each chart therefore also has a real button (:func:`ui.charts.Charts`) whose file is made
here with matplotlib from the very option the browser draws: the same lines with their colours
and dashes, the grey band between ship A and its twin B, the death and breach lines, the
reference levels, the referendum pins, the histogram's bars, the title and the axes' names and
ranges. The file is made only when the button is pressed (about 0.1 to 0.3 s); the chart's
title is stored in the PNG's ``Title`` field.
"""

from __future__ import annotations

import io
from typing import Any

from matplotlib.figure import Figure
from matplotlib.lines import Line2D

#: ECharts line types -> matplotlib line styles.
DASHES = {"solid": "-", "dashed": "--", "dotted": ":"}
#: Size of the file in inches at :data:`DPI` (the on-screen chart is 440 x 260 pixels).
SIZE = (6.6, 3.9)
DPI = 150


def title(option: dict[str, Any]) -> str:
    """The chart's title as the page shows it."""
    return str(option.get("title", {}).get("text", "chart"))


def file_name(option: dict[str, Any]) -> str:
    """The PNG's file name: the one ECharts' icon gives (``support_day12.png``)."""
    saved = option.get("toolbox", {}).get("feature", {}).get("saveAsImage", {})
    return f"{saved.get('name') or 'chart'}.png"


def _style(entry: dict[str, Any]) -> str:
    return DASHES.get(str(entry.get("lineStyle", {}).get("type", "solid")), "-")


def _marks(ax, entry: dict[str, Any]) -> None:
    """An entry's vertical and horizontal mark lines and its pins."""
    for mark in entry.get("markLine", {}).get("data", []):
        style = mark.get("lineStyle", {})
        kwargs = {
            "color": style.get("color", "#000"),
            "linestyle": DASHES.get(style.get("type", "solid"), "-"),
            "linewidth": 0.6 * float(style.get("width", 1)),
            "zorder": 1,
        }
        if "xAxis" in mark:
            ax.axvline(float(mark["xAxis"]), **kwargs)
        elif "yAxis" in mark and mark["yAxis"] is not None:
            ax.axhline(float(mark["yAxis"]), **kwargs)
            if mark.get("label", {}).get("show"):
                ax.annotate(
                    str(mark.get("name", "")),
                    (0.01, float(mark["yAxis"])),
                    xycoords=("axes fraction", "data"),
                    fontsize=7,
                    va="bottom",
                    color=kwargs["color"],
                )
    for pin in entry.get("markPoint", {}).get("data", []):
        x, y = pin["coord"]
        colour = pin.get("itemStyle", {}).get("color", "#000")
        ax.plot([x], [y], marker="v", markersize=10, color=colour, zorder=4)
        ax.annotate(
            str(pin.get("value", "")),
            (x, y),
            textcoords="offset points",
            xytext=(0, 7),
            ha="center",
            fontsize=7,
            color=colour,
            zorder=5,
        )


def _lines(ax, option: dict[str, Any]) -> list[Line2D]:
    """Draw a time-series option's series; legend handles in the option's order."""
    y_axis = option.get("yAxis", {})
    handles: list[Line2D] = []
    areas = [s for s in option["series"] if "areaStyle" in s and s.get("data")]
    if areas:  # the A-B gap: fill from the axis' bottom, grey then white over it
        low = y_axis.get("min")
        if low is None:
            low = min(float(p[1]) for s in areas for p in s["data"])
        for order, entry in enumerate(areas):
            xs = [float(p[0]) for p in entry["data"]]
            ys = [float(p[1]) for p in entry["data"]]
            fill = entry["areaStyle"].get("color", "#bdbdbd")
            ax.fill_between(xs, ys, low, color=fill, linewidth=0, zorder=0.1 + order / 1000)
        gap = next(s for s in areas if s["areaStyle"].get("color") != "#ffffff")
        handles.append(
            Line2D([], [], color=gap["areaStyle"]["color"], linewidth=6, label=gap["name"])
        )
    for entry in option["series"]:
        if "areaStyle" in entry:
            continue
        colour = entry.get("color", "#000")
        data = entry.get("data") or []
        if data:
            width = 0.75 * float(entry.get("lineStyle", {}).get("width", 2))
            (line,) = ax.plot(
                [float(p[0]) for p in data],
                [float(p[1]) for p in data],
                color=colour,
                linestyle=_style(entry),
                linewidth=width,
                label=entry["name"],
                zorder=2,
            )
            handles.append(line)
        else:  # a legend entry only (the death and breach lines)
            handles.append(
                Line2D([], [], color=colour, linestyle=_style(entry), label=entry["name"])
            )
        _marks(ax, entry)
    return handles


def _bars(ax, option: dict[str, Any]) -> None:
    """Draw a bar option (the belief histogram) on its category axis."""
    labels = option["xAxis"]["data"]
    (entry,) = option["series"]
    heights = [float(b["value"]) for b in entry["data"]]
    colours = [b.get("itemStyle", {}).get("color", "#444") for b in entry["data"]]
    ax.bar(range(len(labels)), heights, width=0.9, color=colours)
    step = int(option["xAxis"].get("axisLabel", {}).get("interval", 0)) + 1
    ticks = list(range(0, len(labels), step))
    ax.set_xticks(ticks, [labels[i] for i in ticks], fontsize=7)


def option_png(option: dict[str, Any]) -> bytes:
    """The chart ``option`` (a line chart of the time series, or the belief histogram) drawn
    with matplotlib as a PNG, white background, its title in the file's ``Title`` field."""
    fig = Figure(figsize=SIZE, dpi=DPI, facecolor="#ffffff")
    ax = fig.add_subplot()
    x_axis, y_axis = option.get("xAxis", {}), option.get("yAxis", {})
    if x_axis.get("type") == "category":
        _bars(ax, option)
        handles = []
    else:
        handles = _lines(ax, option)
        low, high = x_axis.get("min"), x_axis.get("max")
        if low is not None and high is not None:
            ax.set_xlim(float(low), float(high))
    low, high = y_axis.get("min"), y_axis.get("max")
    if low is not None:
        ax.set_ylim(bottom=float(low))
    if high is not None:
        ax.set_ylim(top=float(high))
    ax.set_title(title(option), fontsize=10)
    ax.set_xlabel(str(x_axis.get("name", "")), fontsize=8)
    ax.set_ylabel(str(y_axis.get("name", "")), fontsize=8)
    ax.tick_params(labelsize=7)
    if handles:
        ax.legend(
            handles=handles,
            fontsize=6.5,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.2),
            ncol=min(len(handles), 3),
            frameon=False,
        )
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", facecolor="#ffffff", metadata={"Title": title(option)})
    return buffer.getvalue()
