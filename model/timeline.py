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

Experiment files carry a timeline as ``[[interventions]]`` tables (see
:mod:`model.sweeps.spec`); :func:`replay` applies one to a model, so the same seed, parameters
and timeline give the same run. Plain Python, no UI.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from model.parameters import STRATEGIES, TONES

#: The arguments each kind of intervention takes (all optional but ``tone`` and ``name``).
KINDS: dict[str, tuple[str, ...]] = {
    "breach": ("deaths", "section", "compartment"),
    "message": ("tone",),
    "memorial": (),
    "mitigate": (),
    "referendum": (),
    "strategy": ("name",),
    "breach_rate": ("impact_rate", "penetration_probability"),
}
REQUIRED = {"message": ("tone",), "strategy": ("name",)}


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def check(entry: Any) -> dict[str, Any]:
    """The intervention ``entry`` as a clean dict, or ValueError naming what is wrong."""
    if not isinstance(entry, Mapping):
        raise ValueError(f"expected a table with day and kind, got {entry!r}")
    kind = entry.get("kind")
    if kind not in KINDS:
        raise ValueError(f"kind: expected one of {', '.join(KINDS)}, got {kind!r}")
    day = entry.get("day")
    if not _whole(day):
        raise ValueError(f"day: expected a whole number >= 0, got {day!r}")
    for key in entry:
        if key not in ("day", "kind", *KINDS[kind]):
            allowed = ", ".join(("day", "kind", *KINDS[kind]))
            raise ValueError(f"unknown key '{key}' for a {kind} (expected {allowed})")
    for key in REQUIRED.get(kind, ()):
        if key not in entry:
            raise ValueError(f"a {kind} needs '{key}'")
    for key in ("deaths", "section", "compartment"):
        if key in entry and not _whole(entry[key]):
            raise ValueError(f"{key}: expected a whole number >= 0, got {entry[key]!r}")
    if kind == "message" and entry["tone"] not in TONES:
        raise ValueError(f"tone: expected one of {', '.join(TONES)}, got {entry['tone']!r}")
    if kind == "strategy" and entry["name"] not in STRATEGIES:
        raise ValueError(f"name: expected one of {', '.join(STRATEGIES)}, got {entry['name']!r}")
    for key in ("impact_rate", "penetration_probability"):
        if key in entry and (
            isinstance(entry[key], bool) or not isinstance(entry[key], int | float)
        ):
            raise ValueError(f"{key}: expected a number, got {entry[key]!r}")
    return {"day": day, "kind": kind, **{k: entry[k] for k in KINDS[kind] if k in entry}}


def apply(model: Any, entry: Mapping[str, Any]) -> Any:
    """Apply one intervention to ``model`` now (its day is not checked here); returns what the
    model's verb returns (a breach's place, a referendum's result, whether work started)."""
    kind = entry["kind"]
    if kind == "breach":
        return model.breach(
            deaths=entry.get("deaths", 3),
            section=entry.get("section"),
            compartment=entry.get("compartment"),
        )
    if kind == "message":
        return model.broadcast(entry["tone"])
    if kind == "memorial":
        return model.memorial()
    if kind == "mitigate":
        return model.mitigate()
    if kind == "referendum":
        return model.call_referendum()
    if kind == "strategy":
        return model.set_strategy(entry["name"])
    if kind == "breach_rate":
        return model.set_breach_rate(
            impact_rate=entry.get("impact_rate"),
            penetration_probability=entry.get("penetration_probability"),
        )
    raise ValueError(f"unknown intervention kind {kind!r}")


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
