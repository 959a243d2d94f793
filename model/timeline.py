"""A timeline of interventions: what was done to a ship, and on which day.

An intervention is a plain mapping with a ``day`` (the model's day when it acted, i.e. after
that many steps, before the next one) and a ``kind`` with its arguments::

    {"day": 0, "kind": "breach", "deaths": 3}                 # section/compartment optional
    {"day": 12, "kind": "message", "tone": "candid"}
    {"day": 12, "kind": "memorial"}
    {"day": 30, "kind": "mitigate"}
    {"day": 40, "kind": "referendum"}
    {"day": 50, "kind": "strategy", "name": "reassure"}
    {"day": 60, "kind": "breach_rate", "impact_rate": 6.0}   # and/or penetration_probability

The kinds, their arguments and the verbs that apply them are declared once in
:mod:`model.event_kinds`. Experiment files carry a timeline as ``[[interventions]]`` tables
(see :mod:`model.sweeps.spec`); :func:`replay` applies one to a model, so the same seed,
parameters and timeline give the same run. Plain Python, no UI.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from model import event_kinds
from model.event_kinds import WHOLE


def check(entry: Any) -> dict[str, Any]:
    """The intervention ``entry`` as a clean dict, or ValueError naming what is wrong (its
    kind and arguments are checked against :mod:`model.event_kinds`)."""
    if not isinstance(entry, Mapping):
        raise ValueError(f"expected a table with day and kind, got {entry!r}")
    kind = event_kinds.get(entry.get("kind"))
    day = entry.get("day")
    WHOLE.require("day", day)
    allowed = ("day", "kind", *kind.keys)
    for key in entry:
        if key not in allowed:
            raise ValueError(
                f"unknown key '{key}' for a {kind.name} (expected {', '.join(allowed)})"
            )
    for argument in kind.arguments:
        if argument.name in entry:
            argument.check.require(argument.name, entry[argument.name])
        elif argument.required:
            raise ValueError(f"a {kind.name} needs '{argument.name}'")
    return {"day": day, "kind": kind.name, **{k: entry[k] for k in kind.keys if k in entry}}


def apply(model: Any, entry: Mapping[str, Any]) -> Any:
    """Apply one intervention to ``model`` now (its day is not checked here) with its kind's
    verb; returns what the verb returns (a breach's place, a referendum's result, whether
    work started)."""
    return event_kinds.get(entry["kind"]).apply(model, entry)


def replay(model: Any, timeline: Iterable[Mapping[str, Any]], horizon_days: int) -> Any:
    """Run ``model`` to day ``horizon_days``, applying each intervention on its day (in the
    given order within a day). Interventions after the horizon are not applied."""
    for entry in sorted(timeline, key=lambda e: e["day"]):  # stable: order within a day kept
        if entry["day"] > horizon_days:
            break
        if entry["day"] < model.day:
            raise ValueError(f"intervention on day {entry['day']} is before day {model.day}")
        model.run(entry["day"] - model.day)
        apply(model, entry)
    model.run(max(0, horizon_days - model.day))
    return model
