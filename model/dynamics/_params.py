"""Validation of rule parameters beyond one number: names a rule takes, per-agent values.

A single number is checked with :mod:`model.validation` (``Interval(Real, 0, 1).require("mu",
mu)``); the texts here use its wording.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from numbers import Integral

import numpy as np

from model.validation import Interval, InvalidValue, suggestion

__all__ = [
    "check_known",
    "check_per_agent",
    "fit_to_crew",
]


def check_known(rule: str, params: Mapping[str, object], valid: Iterable[str]) -> None:
    """Reject parameter names that `rule` does not take, suggesting the nearest valid name.

    Raises
    ------
    ValueError
        Naming the unknown parameter, the value received and the valid names.
    """
    valid = tuple(valid)
    for name, value in params.items():
        if name in valid:
            continue
        hint = suggestion(name, valid)
        names = ", ".join(repr(v) for v in valid) or "none"
        raise ValueError(
            f"unknown parameter {name!r} (got {value!r}) for rule {rule!r}; "
            f"valid parameters: {names}{hint}"
        )


def check_per_agent(name: str, value: object, interval: Interval) -> np.ndarray:
    """Return a per-agent parameter (scalar or 1-D sequence) as a float array.

    A scalar comes back as a 0-d array (the same value for every crew member); a sequence as a
    1-D array whose length is checked against the crew size by :func:`fit_to_crew`. Each value
    is held to ``interval`` (an ``Interval(Integral, ...)`` takes whole-valued floats too);
    a bad one is named with its position, ``threshold[2]=1.5 is invalid: expected ...``.
    """
    if isinstance(value, bool | str | bytes):
        raise InvalidValue(name, value, f"{interval.expected}, or a 1-D sequence of them")
    try:
        values = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise InvalidValue(name, value, f"{interval.expected}, or a 1-D sequence of them") from None
    if values.ndim > 1:
        raise ValueError(
            f"{name} is invalid: expected a scalar or a 1-D sequence, got an array of shape "
            f"{values.shape}"
        )
    flat = values.reshape(-1)
    bad = ~interval.inside(flat)
    if interval.type is Integral:
        bad |= np.isfinite(flat) & (flat != np.round(flat))
    if bad.any():
        if values.ndim == 0:
            raise InvalidValue(name, value, interval.expected)
        where = int(np.flatnonzero(bad)[0])
        raise InvalidValue(f"{name}[{where}]", float(flat[where]), interval.expected)
    return values


def fit_to_crew(name: str, values: np.ndarray, n: int) -> np.ndarray:
    """Broadcast a per-agent parameter to length `n`, or raise if its length differs."""
    if values.ndim == 1 and values.shape[0] != n:
        raise ValueError(f"{name} has {values.shape[0]} entries but the network has {n} agents")
    return np.broadcast_to(values, (n,))


def is_integral(value: object) -> bool:
    """True for Python or numpy integers (not bools)."""
    return isinstance(value, Integral) and not isinstance(value, bool)
