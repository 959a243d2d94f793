"""The metric registry: every per-day metric is declared once, with :func:`register_metric`.

A declaration names the metric, its type, unit, plain label and meaning, how it is computed
from the day's :class:`~model.metrics.Census` (the state it reads, gathered once a day), the
UI panel that shows it and, if the sweeps keep its last value, the name of that outcome
column. The rest reads the registry:

* the model's series columns (:func:`series_columns`, in declaration order),
* the Parquet schema of a sweep's kept series (from each metric's ``dtype``),
* the sweep outcome columns (:func:`outcome_metrics`),
* the UI's chart panels (:func:`panels`, each laid out by :func:`panel`).

A panel is declared once with :func:`register_panel` (its title, y-axis, range, decimals,
reference lines, event marks and PNG file name); a metric names the panel that shows it and
may carry drawing hints (``colour``, ``scale``, ``dashed``). A metric naming a panel nobody
declared gets a chart of its own with plain defaults.

Adding a metric is one call::

    import numpy as np
    from model.metric_registry import register_metric

    register_metric(
        "grieving", dtype="int", unit="people", label="in deep grief",
        description="The living whose grief is above 0.05.",
        compute=lambda c: int(np.count_nonzero(c.state.grief[c.alive] > 0.05)),
        panel="Trust and grief", outcome="final_grieving", colour="#e66101",
    )

A model takes the series columns declared when it is built. Sweep workers are separate
processes: a metric declared at run time reaches them only if the module that declares it is
imported with the model (or run the sweep with ``workers=0``).

The built-in metrics are declared in :mod:`model.metrics`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from model.metrics import Census

#: A metric's type and its Python type in ``model.today`` (the series and the sweeps'
#: Parquet files store int as int64, float as float64, bool as bool).
DTYPES: dict[str, type] = {"int": int, "float": float, "bool": bool}
#: Column names a metric may not take (the series' and sweeps' own identifiers).
RESERVED = frozenset({"day", "run_id"})
#: Event marks a panel may carry besides the deaths and breaches every panel shows: a pin per
#: referendum held (at its share of votes for continuing, in %) and the day morale collapsed.
PANEL_MARKS = ("referendums", "collapse")
_COLOUR = re.compile(r"#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?")


@dataclass(frozen=True)
class Metric:
    """One per-day metric.

    Attributes:
        name: Column name in the series (a Python identifier).
        dtype: ``"int"``, ``"float"`` or ``"bool"``.
        unit: Unit of the value ("people", "share 0-1", "count since day 0", ...).
        label: Plain label for charts and tables.
        description: What it measures, one sentence or two.
        compute: Function of the day's :class:`~model.metrics.Census` returning the value.
        panel: Name of the UI chart panel that shows it (see :func:`register_panel`), or None.
        outcome: Name of the sweep outcome column holding its value on the last day, or None.
        colour: Its line's colour in the chart (``"#rrggbb"``; None: the next of the UI's
            palette).
        scale: Factor from the stored value to the chart's axis (100 for a share shown in %).
        dashed: Draw its line dashed.
    """

    name: str
    dtype: str
    unit: str
    label: str
    description: str
    compute: Callable[[Census], Any]
    panel: str | None = None
    outcome: str | None = None
    colour: str | None = None
    scale: float = 1.0
    dashed: bool = False

    @property
    def python_type(self) -> type:
        """The Python type of the value (int, float or bool)."""
        return DTYPES[self.dtype]


_METRICS: dict[str, Metric] = {}


def register_metric(
    name: str,
    *,
    dtype: str,
    unit: str,
    label: str,
    description: str,
    compute: Callable[[Census], Any],
    panel: str | None = None,
    outcome: str | None = None,
    colour: str | None = None,
    scale: float = 1.0,
    dashed: bool = False,
) -> Metric:
    """Declare a metric (appended after those already declared); returns its declaration.

    Raises:
        ValueError: The name is taken or not an identifier, the dtype unknown, ``compute``
            not callable, the outcome column already used by another metric, the panel name
            empty, the colour not ``#rrggbb`` or the scale not a finite nonzero number.
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"metric name={name!r} is invalid: expected a Python identifier")
    if name in _METRICS or name in RESERVED:
        raise ValueError(f"metric name={name!r} is invalid: already declared")
    if dtype not in DTYPES:
        raise ValueError(
            f"metric {name}: dtype={dtype!r} is invalid: expected one of {', '.join(DTYPES)}"
        )
    if not callable(compute):
        raise ValueError(f"metric {name}: compute={compute!r} is invalid: expected a function")
    if outcome is not None:
        if not isinstance(outcome, str) or not outcome.isidentifier():
            raise ValueError(f"metric {name}: outcome={outcome!r} is invalid: expected a name")
        if any(m.outcome == outcome for m in _METRICS.values()):
            raise ValueError(
                f"metric {name}: outcome={outcome!r} is invalid: already another metric's"
            )
    if panel is not None and (not isinstance(panel, str) or not panel.strip()):
        raise ValueError(f"metric {name}: panel={panel!r} is invalid: expected a panel name")
    _check_colour(f"metric {name}", colour)
    if (
        isinstance(scale, bool)
        or not isinstance(scale, int | float)
        or not math.isfinite(scale)
        or scale == 0
    ):
        raise ValueError(f"metric {name}: scale={scale!r} is invalid: expected a nonzero number")
    metric = Metric(
        name,
        dtype,
        unit,
        label,
        description,
        compute,
        panel,
        outcome,
        colour,
        float(scale),
        bool(dashed),
    )
    _METRICS[name] = metric
    return metric


def unregister_metric(name: str) -> None:
    """Remove a declared metric (for tests and plug-ins that add one for a while)."""
    if name not in _METRICS:
        raise ValueError(f"metric name={name!r} is invalid: no such metric")
    del _METRICS[name]


def metrics() -> tuple[Metric, ...]:
    """Every declared metric, in declaration order."""
    return tuple(_METRICS.values())


def metric(name: str) -> Metric:
    """The declaration of one metric."""
    try:
        return _METRICS[name]
    except KeyError:
        raise ValueError(f"metric name={name!r} is invalid: no such metric") from None


def series_columns() -> tuple[str, ...]:
    """Columns of the per-day series (besides ``day``), in declaration order."""
    return tuple(_METRICS)


def outcome_metrics() -> tuple[Metric, ...]:
    """The metrics whose last value is a sweep outcome column, in declaration order."""
    return tuple(m for m in _METRICS.values() if m.outcome is not None)


def _check_colour(who: str, colour: str | None) -> None:
    if colour is not None and (not isinstance(colour, str) or not _COLOUR.fullmatch(colour)):
        raise ValueError(f"{who}: colour={colour!r} is invalid: expected #rgb or #rrggbb")


@dataclass(frozen=True)
class Level:
    """A horizontal reference line on a panel.

    Attributes:
        label: Its label, written on the line.
        value: Its height on the panel's axis: a number, or the name of a parameter (the
            ship's value of that parameter).
        colour: Its colour (``"#rrggbb"``).
    """

    label: str
    value: float | str
    colour: str = "#000"

    def height(self, parameters: Any) -> float:
        """The line's height for a ship with these parameters."""
        if isinstance(self.value, str):
            return float(getattr(parameters, self.value))
        return float(self.value)


@dataclass(frozen=True)
class Panel:
    """One UI chart panel: a time series chart of the metrics that name it.

    Attributes:
        name: The name metrics give as their ``panel``.
        title: The chart's title.
        y_name: The y-axis title (with its unit).
        y_range: ``(low, high)`` of the y-axis; None for an end fitted to the data.
        decimals: Decimals of the values shown (0: whole numbers).
        levels: Reference lines (:class:`Level`).
        marks: Event marks besides deaths and breaches, from :data:`PANEL_MARKS`.
        png_name: File name of its PNG download (without the ship and day suffix).
    """

    name: str
    title: str
    y_name: str
    y_range: tuple[float | None, float | None] = (None, None)
    decimals: int = 2
    levels: tuple[Level, ...] = ()
    marks: tuple[str, ...] = ()
    png_name: str = ""


_PANELS: dict[str, Panel] = {}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "chart"


def register_panel(
    name: str,
    *,
    title: str | None = None,
    y_name: str = "",
    y_range: tuple[float | None, float | None] = (None, None),
    decimals: int = 2,
    levels: tuple[Level, ...] = (),
    marks: tuple[str, ...] = (),
    png_name: str | None = None,
) -> Panel:
    """Declare a chart panel (panels are drawn in declaration order); returns its declaration.

    ``title`` defaults to ``name``, ``png_name`` to the name in lower case with ``_`` for
    anything but letters and digits.

    Raises:
        ValueError: The name is empty or taken, the range, decimals, a level, a mark or the
            PNG name invalid.
    """
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"panel name={name!r} is invalid: expected a non-empty text")
    if name in _PANELS:
        raise ValueError(f"panel name={name!r} is invalid: already declared")
    low, high = y_range
    if low is not None and high is not None and not low < high:
        raise ValueError(f"panel {name}: y_range={y_range!r} is invalid: expected low < high")
    if isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= 6:
        raise ValueError(f"panel {name}: decimals={decimals!r} is invalid: expected 0 to 6")
    for level in levels:
        if not isinstance(level, Level):
            raise ValueError(f"panel {name}: level={level!r} is invalid: expected a Level")
        if isinstance(level.value, str):
            from model.parameters import Parameters  # here: model.parameters imports late

            if level.value not in Parameters.__dataclass_fields__:
                raise ValueError(
                    f"panel {name}: level value={level.value!r} is invalid: no such parameter"
                )
        _check_colour(f"panel {name}", level.colour)
    for mark in marks:
        if mark not in PANEL_MARKS:
            raise ValueError(
                f"panel {name}: mark={mark!r} is invalid: expected one of {', '.join(PANEL_MARKS)}"
            )
    png_name = _slug(name) if png_name is None else png_name
    if not re.fullmatch(r"[A-Za-z0-9_-]+", png_name):
        raise ValueError(
            f"panel {name}: png_name={png_name!r} is invalid: expected letters, digits, _ or -"
        )
    declared = Panel(
        name,
        name if title is None else title,
        y_name,
        y_range,
        decimals,
        tuple(levels),
        tuple(marks),
        png_name,
    )
    _PANELS[name] = declared
    return declared


def unregister_panel(name: str) -> None:
    """Remove a declared panel (its metrics, if any, fall back to a plain chart)."""
    if name not in _PANELS:
        raise ValueError(f"panel name={name!r} is invalid: no such panel")
    del _PANELS[name]


def panel(name: str) -> Panel:
    """How the panel ``name`` is drawn: its declaration, or plain defaults for a name no
    :func:`register_panel` declared (the title is the name, the y-axis the first metric's
    unit, the range fitted to the data)."""
    if name in _PANELS:
        return _PANELS[name]
    units = [m.unit for m in _METRICS.values() if m.panel == name]
    return Panel(name, name, units[0] if units else "", png_name=_slug(name))


def panels() -> dict[str, tuple[Metric, ...]]:
    """UI panel name -> the metrics it shows (in declaration order), for every panel some
    metric names: declared panels first, in declaration order, then the others in the order
    of their first metric."""
    shown: dict[str, list[Metric]] = {name: [] for name in _PANELS}
    for m in _METRICS.values():
        if m.panel is not None:
            shown.setdefault(m.panel, []).append(m)
    return {name: tuple(ms) for name, ms in shown.items() if ms}
