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


def entry_text(entry: Mapping[str, Any]) -> str:
    """An intervention as one short text, ``day:kind[:key=value,...]`` (what a link's ``do``
    and the command line's ``--do`` take): ``0:breach:deaths=3``."""
    keys = event_kinds.get(entry["kind"]).keys
    args = ",".join(f"{k}={entry[k]}" for k in keys if k in entry)
    return f"{entry['day']}:{entry['kind']}" + (f":{args}" if args else "")


def parse_entry(text: str) -> dict[str, Any]:
    """The intervention a text ``day:kind[:key=value,...]`` names, checked (:func:`check`);
    ValueError saying what is wrong. Values are read as whole numbers, then numbers, else
    words: ``12:message:tone=candid``, ``60:breach_rate:impact_rate=6``."""
    parts = text.split(":", 2)
    if len(parts) < 2:
        raise ValueError(f"expected day:kind[:key=value,...], got {text!r}")
    try:
        day: Any = int(parts[0])
    except ValueError:
        day = parts[0]  # check() names it
    entry: dict[str, Any] = {"day": day, "kind": parts[1]}
    for pair in parts[2].split(",") if len(parts) > 2 and parts[2] else []:
        name, sep, value = pair.partition("=")
        if not sep:
            raise ValueError(f"expected key=value, got {pair!r}")
        entry[name] = _word(value)
    return check(entry)


def _word(text: str) -> Any:
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return text


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
