"""Kinds of intervention, declared once: what can be done to a running ship.

An :class:`EventKind` names a kind of intervention (``breach``, ``message``, ``memorial``, ...),
the label of its button in the UI, its arguments with their validation, and the model verb that
applies it. The timeline (:mod:`model.timeline`: experiment files, links, replay), the UI's
intervention buttons (``ui/interventions.py``) and the UI's session (``ui/session.py``) read
this registry; adding a kind is one :func:`register` call::

    register(EventKind(
        "drill", label="Hold a drill", verb="mitigate",
        description="A hull drill: reinforcement starts now.",
    ))

An argument's validation is a constraint of :mod:`model.validation` (``WHOLE``, a whole number
>= 0; ``NUMBER``; ``Options(TONES)``); its one error text,
``deaths=-1 is invalid: expected a whole number >= 0``, is the same from a verb, a timeline
entry (an experiment file, a link) and the UI's intervention panel.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from numbers import Real
from typing import Any

from model.parameters import describe
from model.strategies import NAMES as STRATEGIES
from model.strategies import TONES, Names
from model.validation import WHOLE, Constraint, Interval, InvalidValue, Options

# --- checks ---------------------------------------------------------------------------------
#: Any finite number.
NUMBER = Interval(Real)
# An argument that sets a parameter is held to the parameter's declared values (its text is
# the same as ``Parameters``'s): ``describe(name)["valid"]``.


# --- kinds ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Argument:
    """One argument of a kind of intervention.

    Attributes:
        name: The keyword of the model verb and the key in a timeline entry.
        label: Its control's label in the UI.
        check: Which values it takes.
        default: The value the verb gets when the entry leaves it out (None: the verb's
            "not given", e.g. a breach's place drawn at random).
        required: Whether a timeline entry must give it.
        shown: Whether the UI's intervention controls offer it.
        places: For a place on the ship (a section): the values the UI offers, from the model
            (the UI adds "random", meaning not given).
    """

    name: str
    label: str
    check: Constraint = WHOLE
    default: Any = None
    required: bool = False
    shown: bool = True
    places: Callable[[Any], Sequence[int]] | None = None


@dataclass(frozen=True)
class EventKind:
    """A kind of intervention: what it is called, what it takes, and the verb that applies it.

    Attributes:
        name: The ``kind`` of a timeline entry.
        label: The text of its button in the UI.
        verb: The model's method that applies it (called with the arguments as keywords), or a
            function ``verb(model, **arguments)``.
        arguments: Its arguments, in order.
        description: One line for docs and tooltips.
        button: Whether the UI's intervention panel offers it (settings that act mid-run,
            ``strategy`` and ``breach_rate``, have their controls with the settings).
        own_ship: A setting of one ship: a twin keeps its own (the captain's strategy).
        parameters: Which parameter each argument sets (the session's settings follow them).
        card: The UI's effect card detail, formatted with the arguments (None: no card).
        refusal: The message when the verb returns False (nothing was done).
    """

    name: str
    label: str
    verb: str | Callable[..., Any]
    arguments: tuple[Argument, ...] = ()
    description: str = ""
    button: bool = True
    own_ship: bool = False
    parameters: Mapping[str, str] | None = None
    card: str | None = None
    refusal: str | None = None

    def argument(self, name: str) -> Argument:
        for argument in self.arguments:
            if argument.name == name:
                return argument
        raise KeyError(name)

    @property
    def keys(self) -> tuple[str, ...]:
        """The argument names, in order."""
        return tuple(a.name for a in self.arguments)

    def apply(self, model: Any, arguments: Mapping[str, Any]) -> Any:
        """Call the verb on ``model`` with these arguments (defaults for those left out);
        returns what the verb returns."""
        given = {a.name: arguments.get(a.name, a.default) for a in self.arguments}
        if callable(self.verb):
            return self.verb(model, **given)
        return getattr(model, self.verb)(**given)


_REGISTRY: dict[str, EventKind] = {}
#: The kinds' names, in registration order: a live view (a kind registered later is in it).
NAMES: Sequence[str] = Names(lambda: tuple(_REGISTRY))


def register(kind: EventKind) -> EventKind:
    """Add a kind of intervention (ValueError if its name is taken)."""
    if not kind.name.isidentifier():
        raise ValueError(f"kind name {kind.name!r} is invalid: expected an identifier")
    if kind.name in _REGISTRY:
        raise ValueError(f"kind {kind.name!r} is already registered")
    _REGISTRY[kind.name] = kind
    return kind


def unregister(name: str) -> None:
    """Remove a kind (tests register throwaway kinds)."""
    _REGISTRY.pop(name, None)


def get(name: str) -> EventKind:
    """The kind called ``name``; ValueError listing the kinds otherwise."""
    try:
        return _REGISTRY[name]
    except (KeyError, TypeError):
        raise InvalidValue("kind", name, Options(NAMES).expected) from None


def registered() -> tuple[EventKind, ...]:
    """Every kind, in registration order."""
    return tuple(_REGISTRY.values())


def _sections(model: Any) -> range:
    return range(model.layout.n_sections)


register(
    EventKind(
        "breach",
        label="Breach now",
        verb="breach",
        arguments=(
            Argument("deaths", "Deaths", WHOLE, default=3),
            Argument("section", "Section", WHOLE, places=_sections),
            Argument("compartment", "Compartment", WHOLE, shown=False),
        ),
        description="A hull breach now: deaths in one compartment, its section's families "
        "displaced.",
        card="{deaths} asked",
    )
)
register(
    EventKind(
        "message",
        label="Captain's message",
        verb="broadcast",
        arguments=(Argument("tone", "Tone", Options(TONES), required=True),),
        description="The captain speaks now, in the tone of a speaking strategy.",
        card="{tone}",
    )
)
register(
    EventKind(
        "memorial",
        label="Hold memorial",
        verb="memorial",
        description="A memorial service now: their deaths count for something.",
        card="",
    )
)
register(
    EventKind(
        "mitigate",
        label="Reinforce hull",
        verb="mitigate",
        description="Reinforcement of the hull starts now.",
        refusal="reinforcement is already under way",
    )
)
register(
    EventKind(
        "referendum",
        label="Call referendum now",
        verb="call_referendum",
        description="A referendum now.",
    )
)
register(
    EventKind(
        "strategy",
        label="Captain's strategy",
        verb="set_strategy",
        arguments=(Argument("name", "Captain's strategy", Options(STRATEGIES), required=True),),
        description="The captain follows another strategy from now on.",
        button=False,
        own_ship=True,
        parameters={"name": "captain_strategy"},
    )
)
register(
    EventKind(
        "breach_rate",
        label="Breach risk",
        verb="set_breach_rate",
        arguments=(
            Argument("impact_rate", "Hull impacts a year", describe("impact_rate")["valid"]),
            Argument(
                "penetration_probability",
                "Share of impacts that breach",
                describe("penetration_probability")["valid"],
            ),
        ),
        description="Hull impacts a year and the share that breach, from now on.",
        button=False,
        parameters={
            "impact_rate": "impact_rate",
            "penetration_probability": "penetration_probability",
        },
    )
)
