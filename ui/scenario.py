"""Scenarios in and out: a ship's settings, seed and timeline of interventions as an experiment
file (TOML), as the query of a link, and the run's data as downloads. Plain Python, no Solara.

A scenario file is an experiment file (:mod:`model.sweeps.spec`) with one point::

    name = "ui_scenario"
    horizon_days = 30            # the day the ship had reached
    replicates = 1
    root_seed = 1                # the page's seed: CrewModel(rng=root_seed, **fixed)

    [fixed]                      # every setting the ship was built with
    n_crew = 3000
    captain_strategy = "silent"

    [[interventions]]            # the timeline, in order
    day = 3
    kind = "breach"
    deaths = 3
    compartment = 15

The page rebuilds exactly this ship from it; ``python -m model sweep`` runs the same scenario
with the seeds it spawns from ``root_seed`` (other random histories, same conditions).
"""

from __future__ import annotations

import io
import json
import math
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

import pandas as pd

from model.parameters import Parameters, describe
from model.sweeps.spec import SpecError, parse_experiment
from model.timeline import entry_text, parse_entry

NAME = "ui_scenario"
#: Query keys of a link that are not parameters.
QUERY_KEYS = ("seed", "day", "do", "twin")


class ScenarioError(ValueError):
    """A scenario that cannot be read: a one-line message."""


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # a TOML basic string
    raise TypeError(f"cannot write {value!r} to TOML")


def to_toml(
    settings: dict[str, Any], timeline: list[dict[str, Any]], day: int, twin: str | None = None
) -> str:
    """The scenario as the text of an experiment file (see the module doc)."""
    lines = [
        "# A ship from the browser UI: CrewModel(rng=root_seed, **fixed), the interventions",
        "# applied on their days, run to horizon_days. Import it on the ship page, or run it as",
        "# a sweep (python -m model sweep FILE --out results/NAME: seeds spawned from root_seed).",
    ]
    if twin is not None:
        lines.append(f"# The page compared it with a twin following the strategy {twin!r}.")
    lines += [
        f"name = {_value(NAME)}",
        f"description = {_value('A ship exported from the browser UI')}",
        f"horizon_days = {max(int(day), 1)}",
        "replicates = 1",
        f"root_seed = {int(settings['seed'])}",
        "",
        "[fixed]",
    ]
    lines += [f"{k} = {_value(v)}" for k, v in settings.items() if k != "seed" and v is not None]
    for entry in timeline:
        lines += ["", "[[interventions]]"]
        lines += [f"{k} = {_value(v)}" for k, v in entry.items() if v is not None]
    return "\n".join(lines) + "\n"


def from_toml(
    text: str | bytes, defaults: dict[str, Any], label: str = "scenario"
) -> tuple[dict[str, Any], list[dict[str, Any]], int]:
    """``(settings, timeline, day)`` from an experiment file's text; ScenarioError (one line)
    if it is not one ship's scenario."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise ScenarioError(f"{label}: not a text file (expected TOML)") from None
    try:
        experiment = parse_experiment(text, label=label)
    except SpecError as error:
        raise ScenarioError(one_line(str(error))) from None
    if experiment.vary:
        names = ", ".join(experiment.varied_names)
        raise ScenarioError(f"{label}: varies {names}: a scenario is one ship (use [fixed])")
    settings = {**defaults, **experiment.fixed, "seed": experiment.root_seed}
    return settings, [dict(e) for e in experiment.interventions], experiment.horizon_days


def one_line(text: str) -> str:
    """The first line of ``text`` (TOML errors can span lines)."""
    return " ".join(text.split())


# --- links --------------------------------------------------------------------------------------
def to_query(
    settings: dict[str, Any], timeline: list[dict[str, Any]], day: int, twin: str | None = None
) -> str:
    """The scenario as a URL query: settings that differ from the defaults, the seed, the day,
    one ``do`` per intervention (``day:kind:key=value,...``), and the twin's strategy."""
    defaults = Parameters()
    pairs = [
        (k, _query_value(v))
        for k, v in settings.items()
        if k != "seed" and v != getattr(defaults, k, object())
    ]
    pairs += [("seed", str(settings["seed"])), ("day", str(day))]
    pairs += [("do", entry_text(e)) for e in timeline]
    if twin is not None:
        pairs.append(("twin", twin))
    return urlencode(pairs, quote_via=quote, safe=":,=")


def _query_value(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _parse(text: str, kind: type) -> Any:
    if kind is bool:
        if text.lower() not in ("true", "false"):
            raise ValueError(f"expected true or false, got {text!r}")
        return text.lower() == "true"
    if kind is int:
        return int(text)
    if kind is float:
        return float(text)
    return text


def from_query(
    search: str, defaults: dict[str, Any]
) -> tuple[dict[str, Any], list[dict[str, Any]], int, str | None]:
    """``(settings, timeline, day, twin strategy)`` from a link's query; ScenarioError (one
    line) naming the bad key."""
    settings = dict(defaults)
    timeline: list[dict[str, Any]] = []
    day, twin = 0, None
    for key, text in parse_qsl(search.lstrip("?"), keep_blank_values=True):
        try:
            if key == "seed":
                settings["seed"] = int(text)
            elif key == "day":
                day = int(text)
                if day < 0:
                    raise ValueError("expected a day >= 0")
            elif key == "twin":
                twin = text
            elif key == "do":
                timeline.append(parse_entry(text))
            else:
                try:
                    kind = describe(key)["type"]
                except ValueError:
                    raise ValueError("not a parameter of the model") from None
                settings[key] = _parse(text, kind)
        except (ValueError, IndexError) as error:
            raise ScenarioError(f"link: {key}={text!r}: {one_line(str(error))}") from None
    return settings, timeline, day, twin


# --- data out -----------------------------------------------------------------------------------
def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A table as CSV."""
    return frame.to_csv(index=False).encode()


def parquet_bytes(frame: pd.DataFrame) -> bytes:
    """A table as Parquet (pyarrow); categorical and object columns are kept as text."""
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()
