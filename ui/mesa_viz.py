"""The page's views as Mesa visualisation parts, for ``mesa.visualization.SolaraViz``.

Each part is a Solara component that takes the model and nothing else, and redraws when
Mesa's update counter moves (Step, Play and Reset of SolaraViz bump it), so a Mesa user can
write, in a script or a Jupyter notebook::

    from mesa.visualization import SolaraViz
    from model import CrewModel
    from ui.mesa_viz import Charts, ShipMap, model_params

    page = SolaraViz(CrewModel(rng=1), components=[ShipMap, Charts], model_params=model_params())
    page  # the last line of a notebook cell shows it

The parts wrap the same components the project's own page (``app.py``) draws: the ship map
of :mod:`ui.ship_map`, the charts of :mod:`ui.charts`, the network of :mod:`ui.network_view`,
the status line of :mod:`ui.status`, the event log of :mod:`ui.event_log`, the crew table
of :mod:`ui.who_moved` and the voyage view of :mod:`ui.voyage_view`. Those take the
model and a ``version`` that changes whenever the model did; here the version is Mesa's
update counter.
"""

from __future__ import annotations

from typing import Any

import solara
from mesa.visualization.utils import update_counter

from model import CrewModel
from model.parameters import describe
from ui import charts, event_log, network_view, ship_map, status, voyage_view, who_moved

#: The parameters offered as SolaraViz inputs (they apply at SolaraViz's Reset), with the
#: slider's range where the declared range is too wide to steer with a slider (``None``:
#: the declared range) and its step.
MAIN_PARAMETERS: dict[str, tuple[tuple[float, float] | None, float]] = {
    "n_crew": ((100, 5000), 100),
    "initial_trust": (None, 0.01),
    "impact_rate": ((0.0, 24.0), 0.005),
    "penetration_probability": (None, 0.01),
    "petition_threshold": (None, 0.01),
}
#: Seeds offered by the seed slider (any whole number >= 0 works in code).
SEED_RANGE = (0, 999)


@solara.component
def ShipMap(model: CrewModel) -> solara.Element:
    """The ship map (:func:`ui.ship_map.ShipMap`), redrawn on Mesa's update counter."""
    return ship_map.ShipMap(model, update_counter.get())


@solara.component
def Charts(model: CrewModel) -> solara.Element:
    """The time series and belief histogram (:func:`ui.charts.Charts`), redrawn on Mesa's
    update counter."""
    return charts.Charts(model, update_counter.get())


@solara.component
def NetworkView(model: CrewModel) -> solara.Element:
    """The section ring and an ego network (:func:`ui.network_view.NetworkView`), redrawn on
    Mesa's update counter. Its layouts are cached for as long as the model lives."""
    cache = solara.use_memo(dict, [id(model)])
    return network_view.NetworkView(model, update_counter.get(), cache)


@solara.component
def WhoMoved(model: CrewModel) -> solara.Element:
    """Who filed a vote-change request since a chosen day and their closest tie to the dead
    (:func:`ui.who_moved.WhoMoved`), redrawn on Mesa's update counter; a click on a crew
    member opens their ego network."""
    cache = solara.use_memo(dict, [id(model)])
    return who_moved.WhoMoved(model, update_counter.get(), cache)


@solara.component
def StatusLine(model: CrewModel) -> solara.Element:
    """The status line (:func:`ui.status.StatusLine`), redrawn on Mesa's update counter."""
    return status.StatusLine(model, update_counter.get())


@solara.component
def EventLog(model: CrewModel) -> solara.Element:
    """The event log, newest first (:func:`ui.event_log.EventLog`), redrawn on Mesa's update
    counter."""
    return event_log.EventLog(model, update_counter.get())


@solara.component
def Voyage(model: CrewModel) -> solara.Element:
    """The voyage over a lifetime: population, age pyramid, generations and the end of the
    story (:func:`ui.voyage_view.VoyageView`), redrawn on Mesa's update counter
    (``SolaraViz(..., render_interval=365)`` draws once a year)."""
    return voyage_view.VoyageView(model, update_counter.get())


def model_input(name: str, value: Any = None) -> dict[str, Any]:
    """One SolaraViz input built from the parameter's declaration: a slider over the declared
    range (or the narrower one of :data:`MAIN_PARAMETERS`, widened to hold ``value``), or a
    choice among the declared options for a text parameter, labelled with the description and
    unit.

    Args:
        name: The parameter.
        value: Where the input starts (default: the declared default).
    """
    decl = describe(name)
    value = decl["default"] if value is None else value
    unit = decl["unit"]
    label = decl["description"] if unit in ("1", "-", "") else f"{decl['description']} ({unit})"
    if decl["type"] is str:
        return {"type": "Select", "value": value, "values": list(decl["valid"]), "label": label}
    if decl["type"] is bool:
        return {"type": "Checkbox", "value": value, "label": label}
    narrow, step = MAIN_PARAMETERS.get(name, (None, 1 if decl["type"] is int else 0.01))
    valid = decl["valid"]
    low, high = narrow if narrow is not None else valid
    low = low if valid.accepts(low) else low + step  # an open end is not on the slider
    high = high if valid.accepts(high) else high - step
    kind = "SliderInt" if decl["type"] is int else "SliderFloat"
    return {
        "type": kind,
        "value": value,
        "min": min(low, value),
        "max": max(high, value),
        "step": step,
        "label": label,
    }


def model_params(
    model: CrewModel | None = None, names: list[str] | None = None, **fixed: Any
) -> dict[str, Any]:
    """SolaraViz's ``model_params`` for :class:`model.CrewModel`: a seed slider and one input
    a parameter.

    Args:
        model: The ship SolaraViz starts with; the inputs start at its parameters and seed
            (default: the declared defaults and seed 1).
        names: The parameters to offer as inputs (default: :data:`MAIN_PARAMETERS` and the
            captain's strategy); each is built by :func:`model_input` from its declaration.
        **fixed: Parameters held fixed at every Reset (for example ``n_crew=300``); they
            replace an input of the same name.

    Returns:
        A dict SolaraViz turns into inputs; its Reset builds ``CrewModel(**values)``.
    """
    if names is None:
        names = [*MAIN_PARAMETERS, "captain_strategy"]
    seed = 1
    if model is not None and isinstance(model.seed.entropy, int):
        seed = model.seed.entropy
    params: dict[str, Any] = {
        "rng": {
            "type": "SliderInt",
            "value": seed,
            "min": SEED_RANGE[0],
            "max": max(SEED_RANGE[1], seed),
            "step": 1,
            "label": "Seed",
        }
    }
    for name in names:
        if name not in fixed:
            params[name] = model_input(name, None if model is None else getattr(model.p, name))
    params.update(fixed)
    return params
