r"""The captain's strategies, declared once as data.

A strategy is a :class:`Strategy`: a name, a description in plain words, and the same set of
named effects for every strategy. No code path asks which strategy is active; the leadership
(:mod:`model.leadership`) and the crew model read the active strategy's effects. A strategy that
speaks has a message of its own, its *tone*: ``CrewModel.broadcast(tone)`` delivers that
message with the effects of the strategy of that name, whoever the active strategy is.

An effect is a number or the name of the model parameter that holds it, so sweeps vary it
(``"message_effect"`` means ``Parameters.message_effect``); a named effect takes its range and
source from that parameter's declaration. The literal numbers are structural, not fitted: 0 means
the effect is absent, and an erosion factor of 1 is the reference case (a death that contradicts
a reassurance) against which ``trust_erosion`` is defined. With *m* the belief pull, *c* the
trust gain, :math:`T_i` a listener's trust, :math:`x_i` their belief, a message does

.. math::

    x_i \mathrel{+}= m\,T_i\,(y - x_i), \qquad T_i \mathrel{+}= c\,(1 - T_i)

with *y* the belief target (the mission *M*, 1 continue and 0 divert, or the captain's private
belief :math:`p_c`), and sets the memorial framing φ that turns grief into commitment (see
:mod:`model.grief`). A death that hits person *i* with impact :math:`a_i` multiplies their
trust by :math:`1 - e\,r\,a_i` (*e* ``trust_erosion``) with *r* the erosion factor of the last
message if it came within ``contradiction_window`` days, else the active strategy's standing
erosion factor.

Adding a strategy is one :func:`register` call; the parameter declarations, CLI, TOML
experiments, UI and docs/ODD.md read the registry.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from model.validation import UNIT, InvalidValue, Options

#: A number, or the name of the model parameter that holds it.
Effect = float | str

TARGETS = ("mission", "private")  # what a message pulls belief toward (None: no pull)
ANSWERS = ("none", "public", "any")  # which deaths a strategy answers the next day
STANCES = ("mission", "private")  # what the crew hears from her (None: her own belief)
MESSAGE_KINDS = ("message", "memorial")  # how the event log records her message


@dataclass(frozen=True, slots=True)
class Strategy:
    """One captain's strategy and its effects (see the module doc for the equations).

    Attributes:
        name: The strategy's name, and the tone of its message if it speaks.
        description: What the captain does, in plain words.
        speaks: Whether it has a message of its own (a tone that ``broadcast`` accepts).
        message_kind: Event-log kind of its message: ``"message"`` or ``"memorial"``.
        belief_target: What its message pulls belief toward: ``"mission"`` (her public
            conviction), ``"private"`` (her private belief) or None (no pull).
        belief_pull: Share of the gap to the target a fully trusting listener closes, *m*.
        trust_gain: Share of the gap to full trust one message closes, *c*.
        grief_framing: Memorial framing φ its message sets, or None to leave φ as it is.
        erosion_after_message: Erosion factor *r* of a death within ``contradiction_window``
            days of its message.
        standing_erosion: Erosion factor *r* of any other death while it is the strategy.
        routine_interval: Days between its routine messages (a parameter name), or None.
        answers: Which deaths it answers with its message the next day: ``"none"``,
            ``"public"`` (breaches) or ``"any"``.
        follows_schedule: Whether it speaks as ``captain_schedule`` says instead.
        public_stance: What the crew hears from her in conversation (the influence rule):
            ``"mission"``, ``"private"`` or None (nothing said: her own belief).
    """

    name: str
    description: str
    speaks: bool = False
    message_kind: Literal["message", "memorial"] = "message"
    belief_target: Literal["mission", "private"] | None = None
    belief_pull: Effect = 0.0
    trust_gain: Effect = 0.0
    grief_framing: Effect | None = None
    erosion_after_message: Effect = 1.0
    standing_erosion: Effect = "silence_erosion"
    routine_interval: str | None = None
    answers: Literal["none", "public", "any"] = "none"
    follows_schedule: bool = False
    public_stance: Literal["mission", "private"] | None = None

    def resolved(self, parameters: Any) -> Strategy:
        """A copy whose effects are numbers, read from ``parameters`` where named."""

        def value(effect: Effect | None) -> float | None:
            if effect is None or not isinstance(effect, str):
                return effect
            return float(getattr(parameters, effect))

        return dataclasses.replace(
            self,
            belief_pull=value(self.belief_pull),
            trust_gain=value(self.trust_gain),
            grief_framing=value(self.grief_framing),
            erosion_after_message=value(self.erosion_after_message),
            standing_erosion=value(self.standing_erosion),
        )

    def effects(self) -> dict[str, Any]:
        """The named effects (every field but the name and the description)."""
        return {
            f.name: getattr(self, f.name)
            for f in dataclasses.fields(self)
            if f.name not in ("name", "description")
        }


EFFECTS = tuple(
    f.name for f in dataclasses.fields(Strategy) if f.name not in ("name", "description")
)
_NUMERIC = (
    "belief_pull",
    "trust_gain",
    "grief_framing",
    "erosion_after_message",
    "standing_erosion",
)
_OPTIONS = {
    "message_kind": MESSAGE_KINDS,
    "belief_target": (*TARGETS, None),
    "answers": ANSWERS,
    "public_stance": (*STANCES, None),
}

_REGISTRY: dict[str, Strategy] = {}


class Names(Sequence[str]):
    """A live, read-only view of a registry's names: one registered later shows up.

    Args:
        source: Returns the current names, in order.
    """

    def __init__(self, source: Callable[[], tuple[str, ...]]) -> None:
        self._source = source

    def __getitem__(self, index: Any) -> Any:
        return self._source()[index]

    def __len__(self) -> int:
        return len(self._source())

    def __iter__(self) -> Iterator[str]:
        return iter(self._source())

    def __contains__(self, name: object) -> bool:
        return name in self._source()

    def __eq__(self, other: object) -> bool:
        return tuple(self) == (tuple(other) if isinstance(other, Sequence) else other)

    def __hash__(self) -> int:
        return hash(self._source())

    def __repr__(self) -> str:
        return repr(self._source())


#: Names of every registered strategy, in registration order (live).
NAMES: Sequence[str] = Names(lambda: tuple(_REGISTRY))
#: Names of the strategies with a message of their own: the tones ``broadcast`` accepts (live).
TONES: Sequence[str] = Names(lambda: tuple(s.name for s in _REGISTRY.values() if s.speaks))


def _parameter_fields() -> dict[str, Any] | None:
    """The model's parameter declarations, or None while model.parameters is still loading."""
    parameters = sys.modules.get("model.parameters")
    cls = getattr(parameters, "Parameters", None)
    return None if cls is None else {f.name: f for f in dataclasses.fields(cls)}


def check(strategy: Strategy) -> None:
    """Raise ValueError (one line) if a strategy's effects are not well formed."""
    where = f"strategy {strategy.name!r}"
    if not isinstance(strategy.name, str) or not strategy.name.isidentifier():
        raise ValueError(f"strategy name {strategy.name!r} is invalid: expected an identifier")
    for name, options in _OPTIONS.items():
        if getattr(strategy, name) not in options:
            shown = ", ".join(map(repr, options))
            raise ValueError(
                f"{where}: {name}={getattr(strategy, name)!r} is invalid: expected one of {shown}"
            )
    fields = _parameter_fields()
    for name in (*_NUMERIC, "routine_interval"):
        value = getattr(strategy, name)
        if value is None and name in ("grief_framing", "routine_interval"):
            continue
        if isinstance(value, str):
            if fields is not None and (
                value not in fields or fields[value].metadata["type"] not in (int, float)
            ):
                raise ValueError(
                    f"{where}: {name}={value!r} is invalid: expected a number or the name of "
                    "a numeric model parameter"
                )
        elif name == "routine_interval" or isinstance(value, bool):
            raise ValueError(f"{where}: {name}={value!r} is invalid: expected a parameter name")
        elif (problem := UNIT.problem(name, value)) is not None:
            raise ValueError(f"{where}: {problem}")


def register(strategy: Strategy) -> Strategy:
    """Add (or replace) a strategy in the registry; returns it."""
    check(strategy)
    _REGISTRY[strategy.name] = strategy
    return strategy


def unregister(name: str) -> None:
    """Remove a strategy (for tests that register a throwaway one)."""
    _REGISTRY.pop(name, None)


def get(name: str) -> Strategy:
    """The registered strategy called ``name``."""
    try:
        return _REGISTRY[name]
    except KeyError:
        raise InvalidValue("strategy", name, Options(NAMES).expected) from None


def registered() -> tuple[Strategy, ...]:
    """All registered strategies, in registration order."""
    return tuple(_REGISTRY.values())


def check_references() -> None:
    """Check every registered strategy's parameter names (run once model.parameters loads)."""
    for strategy in _REGISTRY.values():
        check(strategy)


register(
    Strategy(
        "silent",
        "Says nothing; deaths go unanswered.",
        standing_erosion="silence_erosion",
    )
)
register(
    Strategy(
        "reassure",
        "Public conviction: every week and the day after a breach she tells the crew the "
        "mission is right; a death soon after contradicts her.",
        speaks=True,
        belief_target="mission",
        belief_pull="message_effect",
        erosion_after_message=1.0,
        standing_erosion="silence_erosion",
        routine_interval="message_interval",
        answers="public",
        public_stance="mission",
    )
)
register(
    Strategy(
        "memorial",
        "Holds a memorial the day after any death, framing grief as commitment "
        "('their deaths count for something').",
        speaks=True,
        message_kind="memorial",
        grief_framing="memorial_framing",
        erosion_after_message="acknowledged_erosion",
        standing_erosion="acknowledged_erosion",
        answers="any",
        public_stance="mission",
    )
)
register(
    Strategy(
        "candid",
        "Admits her doubts: every week and the day after a breach she shares her private "
        "belief; honesty earns trust and softens the cost of losses.",
        speaks=True,
        belief_target="private",
        belief_pull="message_effect",
        trust_gain="candour_trust_gain",
        erosion_after_message="acknowledged_erosion",
        standing_erosion="acknowledged_erosion",
        routine_interval="message_interval",
        answers="public",
        public_stance="private",
    )
)
register(
    Strategy(
        "scripted",
        "Speaks as captain_schedule says ('day:tone;...'); otherwise keeps public conviction.",
        standing_erosion="silence_erosion",
        follows_schedule=True,
        public_stance="mission",
    )
)

STRATEGY_TABLE_START = "<!-- strategy table: generated from model/strategies.py -->"
STRATEGY_TABLE_END = "<!-- end of strategy table -->"


def markdown_table() -> str:
    """The strategy table of docs/ODD.md, generated from the registry."""
    columns = ("name", "description", *EFFECTS)
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]

    def shown(value: Any) -> str:
        if value is None:
            return "-"
        if isinstance(value, str):
            return f"`{value}`" if "_" in value else value
        return str(value).lower() if isinstance(value, bool) else str(value)

    for s in _REGISTRY.values():
        cells = [f"`{s.name}`", s.description, *(shown(v) for v in s.effects().values())]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)
