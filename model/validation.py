"""One validation vocabulary: the constraints a value is held to, and every error text.

A constraint is an object declared beside what it constrains and checked in one place:

- ``Interval(Real, 0, 1)``: a number in [0, 1] (both ends closed, the default);
- ``Interval(Real, 0, 3650, closed="right")``: a number in (0, 3650];
- ``Interval(Real, 0, None, closed="neither")``: a number in (0, ∞) (``None``: unbounded);
- ``Interval(Integral, 0, None, closed="left")``: a whole number >= 0 (bools are not numbers);
- ``Options(("silent", "reassure"))``: one of these names (a live view of a registry works);
- ``Flag()``: true or false; ``Text()``: any text.

The parameter declarations (:mod:`model.parameters`), the influence rules
(:mod:`model.dynamics`), the experiment files (:mod:`model.sweeps.spec`), the verbs' arguments
(:mod:`model.event_kinds`) and the UI read these objects. Every error text is made here, in
one wording, ``name=value is invalid: expected <what the constraint accepts>``, e.g.
``grief_half_life=0 is invalid: expected a number in (0, 3650]``, so that the same bad value
gives the same message from the Python API, the CLI, a TOML file, a verb and the UI.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from numbers import Integral, Real
from typing import Any

import numpy as np

__all__ = [
    "Constraint",
    "Flag",
    "Interval",
    "InvalidValue",
    "Options",
    "Text",
    "UNIT",
    "WHOLE",
    "invalid",
    "number_text",
    "suggestion",
    "unknown",
]

CLOSED = ("both", "left", "right", "neither")


def suggestion(name: str, known: Iterable[str]) -> str:
    """``; did you mean 'n_crew'?`` for the known name closest to ``name``, or "" (a dotted
    key ``vary.n_crw`` is matched by its last part and keeps the rest)."""
    head, dot, last = str(name).rpartition(".")
    close = difflib.get_close_matches(last, list(known), n=1)
    return f"; did you mean '{head}{dot}{close[0]}'?" if close else ""


def unknown(what: str, name: str, known: Iterable[str]) -> str:
    """The one text for a name nobody declared: ``unknown parameter 'n_crw'; did you mean
    'n_crew'?``."""
    return f"unknown {what} {name!r}{suggestion(name, known)}"


def invalid(name: str, value: Any, expected: str) -> str:
    """The one error text: ``name=value is invalid: expected <expected>``."""
    return f"{name}={value!r} is invalid: expected {expected}"


class InvalidValue(ValueError):
    """A value outside its constraint; the message is :func:`invalid`'s.

    Attributes:
        name: What the value was given for (a parameter, an argument, a key).
        value: The value received.
        expected: What the constraint accepts, in words.
    """

    def __init__(self, name: str, value: Any, expected: str) -> None:
        self.name, self.value, self.expected = name, value, expected
        super().__init__(invalid(name, value, expected))

    def __reduce__(self):  # picklable across processes (sweep workers)
        return (type(self), (self.name, self.value, self.expected))

    def renamed(self, name: str) -> InvalidValue:
        """The same problem, named as the caller knows it (``vary.x.low`` for ``x``)."""
        return InvalidValue(name, self.value, self.expected)


def number_text(x: float) -> str:
    """A bound as people write it: ``0``, ``0.5``, ``3650``, ``∞``, ``-∞``."""
    if isinstance(x, float) and math.isinf(x):
        return "∞" if x > 0 else "-∞"
    if isinstance(x, float) and x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return repr(x) if isinstance(x, float) else str(x)


class Constraint:
    """What a value must be. Subclasses say :meth:`accepts` and :attr:`expected`."""

    #: What the constraint accepts, in the words of an error message ("a number in [0, 1]").
    expected: str = "a value"

    def accepts(self, value: Any) -> bool:
        raise NotImplementedError

    def problem(self, name: str, value: Any) -> str | None:
        """The error text for ``value`` given as ``name``, or None if it is accepted."""
        return None if self.accepts(value) else invalid(name, value, self.expected)

    def require(self, name: str, value: Any) -> Any:
        """Return ``value`` if accepted; raise :class:`InvalidValue` (a ValueError) otherwise."""
        if not self.accepts(value):
            raise InvalidValue(name, value, self.expected)
        return value

    def __str__(self) -> str:
        return self.expected


@dataclass(frozen=True, eq=True, repr=False)
class Interval(Constraint):
    """Numbers of one type between two ends, each end closed, open or absent.

    Args:
        type: ``numbers.Integral`` (whole numbers: Python or numpy integers) or
            ``numbers.Real`` (any real number, whole ones included). Bools are neither.
        low: The lower end, or None for no lower end (-∞).
        high: The upper end, or None for no upper end (∞).
        closed: Which ends belong to the interval: ``"both"`` (default), ``"left"``,
            ``"right"`` or ``"neither"``. An absent end is always open.

    Non-finite numbers (nan, ±∞) are never accepted. An interval unpacks to its ends,
    ``low, high = interval`` (±∞ where absent), for sliders and samplers.
    """

    type: type
    low: float | None = None
    high: float | None = None
    closed: str = "both"

    def __post_init__(self) -> None:
        if self.type not in (Integral, Real):
            raise ValueError(invalid("type", self.type, "numbers.Integral or numbers.Real"))
        if self.closed not in CLOSED:
            raise ValueError(invalid("closed", self.closed, "one of " + ", ".join(CLOSED)))
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError(invalid("low", self.low, f"at most high={self.high!r}"))
        # Derived once (Parameters checks ~90 values a construction): not fields.
        low = -math.inf if self.low is None else self.low
        high = math.inf if self.high is None else self.high
        object.__setattr__(self, "_ends", (low, high))
        object.__setattr__(
            self, "_low_closed", self.low is not None and self.closed in ("both", "left")
        )
        object.__setattr__(
            self, "_high_closed", self.high is not None and self.closed in ("both", "right")
        )

    @property
    def low_closed(self) -> bool:
        return self._low_closed

    @property
    def high_closed(self) -> bool:
        return self._high_closed

    @property
    def ends(self) -> tuple[float, float]:
        """The two ends as numbers (-∞ and ∞ where absent)."""
        return self._ends

    def __iter__(self) -> Iterator[float]:
        return iter(self.ends)

    def __len__(self) -> int:
        return 2

    def is_number(self, value: Any) -> bool:
        """Whether ``value`` has the interval's type (not a bool), wherever it lies."""
        kind = type(value)
        if kind is int:  # the common cases first, without the abstract-class checks
            return True
        if kind is float:
            return self.type is Real
        if isinstance(value, bool | np.bool_):
            return False
        return isinstance(value, Integral if self.type is Integral else Real)

    def inside(self, values: Any) -> Any:
        """Whether each number lies in the interval (elementwise for arrays; finite only)."""
        values = np.asarray(values, dtype=float)
        low, high = self.ends
        above = values >= low if self.low_closed else values > low
        below = values <= high if self.high_closed else values < high
        return np.isfinite(values) & above & below

    def accepts(self, value: Any) -> bool:
        if not self.is_number(value):
            return False
        # Integers are compared exactly, however large; other numbers as floats.
        if type(value) is not int:
            value = int(value) if isinstance(value, Integral) else float(value)
            if type(value) is float and not math.isfinite(value):
                return False
        low, high = self._ends
        above = value >= low if self._low_closed else value > low
        below = value <= high if self._high_closed else value < high
        return above and below

    @property
    def kind(self) -> str:
        return "a whole number" if self.type is Integral else "a number"

    @property
    def expected(self) -> str:  # type: ignore[override]
        if self.low is None and self.high is None:
            return self.kind
        if self.high is None:
            return f"{self.kind} {'>=' if self.low_closed else '>'} {number_text(self.low)}"
        if self.low is None:
            return f"{self.kind} {'<=' if self.high_closed else '<'} {number_text(self.high)}"
        return f"{self.kind} in {self.notation}"

    @property
    def notation(self) -> str:
        """The interval as written in mathematics: ``[0, 1]``, ``(0, 3650]``, ``(0, ∞)``."""
        low, high = self.ends
        left = "[" if self.low_closed else "("
        right = "]" if self.high_closed else ")"
        return f"{left}{number_text(low)}, {number_text(high)}{right}"

    def __str__(self) -> str:
        return self.notation

    def __repr__(self) -> str:
        closed = "" if self.closed == "both" else f", closed={self.closed!r}"
        return f"Interval({self.type.__name__}, {self.low!r}, {self.high!r}{closed})"


@dataclass(frozen=True, eq=False)
class Options(Constraint, Sequence):
    """One of some names; ``options`` may be a live view of a registry (read at each check).

    It behaves as the sequence of its names (``list(options)``, ``name in options``).
    """

    options: Sequence[str]

    def accepts(self, value: Any) -> bool:
        return isinstance(value, str) and value in self.options

    @property
    def expected(self) -> str:  # type: ignore[override]
        return "one of " + ", ".join(self.options)

    def __iter__(self) -> Iterator[str]:
        return iter(tuple(self.options))

    def __len__(self) -> int:
        return len(self.options)

    def __getitem__(self, index: Any) -> Any:
        return tuple(self.options)[index]

    def __contains__(self, value: object) -> bool:
        return value in self.options

    def __str__(self) -> str:
        return self.expected


@dataclass(frozen=True)
class Flag(Constraint):
    """True or false (also 1 or 0, as a TOML file or a query string may give them)."""

    expected = "true or false"

    def accepts(self, value: Any) -> bool:
        return isinstance(value, bool | int) and value in (0, 1)


@dataclass(frozen=True)
class Text(Constraint):
    """Any text."""

    expected = "text"

    def accepts(self, value: Any) -> bool:
        return isinstance(value, str)

    def __str__(self) -> str:
        return "any text"


#: The closed unit interval [0, 1] (shares, probabilities, rates per day).
UNIT = Interval(Real, 0, 1)
#: A whole number >= 0 (counts, days, steps).
WHOLE = Interval(Integral, 0, None, closed="left")
