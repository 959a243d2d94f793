"""The metric registry: every per-day metric is declared once, with :func:`register_metric`.

A declaration names the metric, its type, unit, plain label and meaning, how it is computed
from the day's :class:`~model.metrics.Census` (the state it reads, gathered once a day), the
UI panel that shows it and, if the sweeps keep its last value, the name of that outcome
column. The rest reads the registry:

* the model's series columns (:func:`series_columns`, in declaration order),
* the Parquet schema of a sweep's kept series (from each metric's ``dtype``),
* the sweep outcome columns (:func:`outcome_metrics`),
* the metrics of each UI panel (:func:`panels`).

Adding a metric is one call::

    import numpy as np
    from model.metric_registry import register_metric

    register_metric(
        "grieving", dtype="int", unit="people", label="in deep grief",
        description="The living whose grief is above 0.05.",
        compute=lambda c: int(np.count_nonzero(c.state.grief[c.alive] > 0.05)),
        panel="Trust and grief", outcome="final_grieving",
    )

A model takes the series columns declared when it is built. Sweep workers are separate
processes: a metric declared at run time reaches them only if the module that declares it is
imported with the model (or run the sweep with ``workers=0``).

The built-in metrics are declared in :mod:`model.metrics`.
"""

from __future__ import annotations

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
        panel: Title of the UI chart panel that shows it, or None.
        outcome: Name of the sweep outcome column holding its value on the last day, or None.
    """

    name: str
    dtype: str
    unit: str
    label: str
    description: str
    compute: Callable[[Census], Any]
    panel: str | None = None
    outcome: str | None = None

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
) -> Metric:
    """Declare a metric (appended after those already declared); returns its declaration.

    Raises:
        ValueError: The name is taken or not an identifier, the dtype unknown, ``compute``
            not callable, or the outcome column already used by another metric.
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
    metric = Metric(name, dtype, unit, label, description, compute, panel, outcome)
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


def panels() -> dict[str, tuple[Metric, ...]]:
    """UI panel title -> the metrics it shows, in declaration order."""
    shown: dict[str, list[Metric]] = {}
    for m in _METRICS.values():
        if m.panel is not None:
            shown.setdefault(m.panel, []).append(m)
    return {title: tuple(ms) for title, ms in shown.items()}
