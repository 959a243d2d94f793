"""Validation of rule parameters: one place, messages that name the value and the valid range."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from numbers import Integral, Real

import numpy as np

__all__ = [
    "check_known",
    "check_per_agent",
    "check_real",
    "fit_to_crew",
    "interval",
]


def interval(low: float, high: float, low_closed: bool, high_closed: bool) -> str:
    """Render an interval such as ``(0, 0.5]`` for an error message."""
    left = "[" if low_closed else "("
    right = "]" if high_closed and np.isfinite(high) else ")"
    hi = "inf" if np.isinf(high) else f"{high:g}"
    return f"{left}{low:g}, {hi}{right}"


def _inside(
    values: np.ndarray, low: float, high: float, low_closed: bool, high_closed: bool
) -> np.ndarray:
    above = values >= low if low_closed else values > low
    below = values <= high if high_closed else values < high
    return above & below


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
        close = difflib.get_close_matches(name, valid, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        names = ", ".join(repr(v) for v in valid) or "none"
        raise ValueError(
            f"unknown parameter {name!r} (got {value!r}) for rule {rule!r}; "
            f"valid parameters: {names}{hint}"
        )


def check_real(
    name: str,
    value: object,
    low: float,
    high: float = np.inf,
    *,
    low_closed: bool = True,
    high_closed: bool = True,
) -> float:
    """Return `value` as a float after checking it is a real number in the interval."""
    span = interval(low, high, low_closed, high_closed)
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValueError(f"{name} must be a real number in {span}; got {value!r}")
    number = float(value)
    if not np.isfinite(number) or not _inside(
        np.asarray(number), low, high, low_closed, high_closed
    ):
        raise ValueError(f"{name} must be a real number in {span}; got {value!r}")
    return number


def check_per_agent(
    name: str,
    value: object,
    low: float,
    high: float = np.inf,
    *,
    low_closed: bool = True,
    high_closed: bool = True,
    integer: bool = False,
) -> np.ndarray:
    """Return a per-agent parameter (scalar or 1-D sequence) as a float array.

    A scalar comes back as a 0-d array (the same value for every crew member); a sequence as a
    1-D array whose length is checked against the crew size by :func:`fit_to_crew`.
    """
    span = interval(low, high, low_closed, high_closed)
    kind = "integers" if integer else "real numbers"
    expected = f"{name} must be a scalar or a 1-D sequence of {kind} in {span}"
    if isinstance(value, bool | str | bytes):
        raise ValueError(f"{expected}; got {value!r}")
    try:
        values = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{expected}; got {value!r}") from None
    if values.ndim > 1:
        raise ValueError(f"{expected}; got an array of shape {values.shape}")
    flat = values.reshape(-1)
    bad = ~np.isfinite(flat) | ~_inside(flat, low, high, low_closed, high_closed)
    if integer:
        bad |= np.isfinite(flat) & (flat != np.round(flat))
    if bad.any():
        where = int(np.flatnonzero(bad)[0])
        got = repr(value) if values.ndim == 0 else f"{float(flat[where])!r} at position {where}"
        raise ValueError(f"{expected}; got {got}")
    return values


def fit_to_crew(name: str, values: np.ndarray, n: int) -> np.ndarray:
    """Broadcast a per-agent parameter to length `n`, or raise if its length differs."""
    if values.ndim == 1 and values.shape[0] != n:
        raise ValueError(f"{name} has {values.shape[0]} entries but the network has {n} agents")
    return np.broadcast_to(values, (n,))


def is_integral(value: object) -> bool:
    """True for Python or numpy integers (not bools)."""
    return isinstance(value, Integral) and not isinstance(value, bool)
