"""The server-wide crew budget: all tabs' ships together hold at most a set number of crew.

Every browser tab builds its own ship (up to 20,000 crew, about 1 to 1.5 kB of memory a crew
member: 3 MB for 3,000, 29 MB for 20,000), and the store keeps a tab's ship for hours after
the tab was last seen, so a class opening the page at once could exhaust the server. Each
:class:`ui.session.Session` therefore claims its crew here before it builds (twice the crew
with the twin on). A claim that would take the total past the budget first releases the ships
of sessions idle for at least the idle time, least recently used first (their tabs say so
when their users return, and Reset builds the ship again); if that is not enough, the claim
is refused with a one-line message and the asking tab keeps what it had.

Settings, read once when the server's budget is first used:

- ``CREW_UI_BUDGET``: total crew of all ships on the server (default 200,000, about 300 MB).
- ``CREW_UI_IDLE_MINUTES``: minutes without use after which a session's ship may be released
  to make room (default 15; 0 releases any other session's ship when room is needed).

Plain Python, no Solara; the clock is injectable so the tests need no sleeps.
"""

from __future__ import annotations

import gc
import os
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

ENV_BUDGET = "CREW_UI_BUDGET"
ENV_IDLE = "CREW_UI_IDLE_MINUTES"
#: Default total crew on the server (at about 1.5 kB a crew member, some 300 MB of ships).
DEFAULT_BUDGET = 200_000
#: Default minutes without use after which a session's ship may be released.
DEFAULT_IDLE_MINUTES = 15.0
#: Start of every message this module gives (the page shows them as notices, not errors).
OVER_BUDGET = "The server's crew budget is full"
RELEASED = "This tab's ship was released to free memory"


def _minutes(seconds: float) -> str:
    minutes = seconds / 60
    return f"{minutes:g} minute{'s' if minutes != 1 else ''}"


def over_budget_message(crew: int, used: int, total: int, idle_seconds: float) -> str:
    """Why a ship of ``crew`` could not be built: one line, naming what the user can do."""
    return (
        f"{OVER_BUDGET} ({used:,} of {total:,} crew are aboard other tabs' ships; this one "
        f"needs {crew:,}): choose a smaller Crew size, or press Reset again later (ships "
        f"unused for {_minutes(idle_seconds)} are released to make room)"
    )


def released_message(idle_seconds: float) -> str:
    """What an evicted session's tab says when its user returns."""
    return (
        f"{RELEASED} for other users (it was unused for over {_minutes(idle_seconds)}): "
        "press Reset to build it again"
    )


def is_notice(text: str | None) -> bool:
    """True if ``text`` is one of this module's messages (a notice, not a failure)."""
    return bool(text) and text.startswith((OVER_BUDGET, RELEASED))


def is_refusal(text: str | None) -> bool:
    """True if ``text`` says the budget refused a ship (room may have freed since)."""
    return bool(text) and text.startswith(OVER_BUDGET)


@dataclass
class _Claim:
    holder: weakref.ref
    crew: int
    seen: float


class Budget:
    """The crew held by all sessions' ships, bounded by ``total``.

    A holder is any object with a ``release(message) -> bool`` method (a
    :class:`ui.session.Session`); it is held weakly, so a session that is garbage-collected
    frees its claim. Thread-safe: one lock guards the claims; a holder is released only if
    its own lock can be taken at once (a session busy in a step is not idle).

    Args:
        total: Most crew of all ships together.
        idle_seconds: Time without use after which a holder's ship may be released.
        clock: Seconds, monotonic (``time.monotonic``; the tests pass a fake).
    """

    def __init__(
        self,
        total: int,
        idle_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if total < 0 or idle_seconds < 0:
            raise ValueError(f"budget {total} and idle time {idle_seconds} must be 0 or more")
        self.total = int(total)
        self.idle_seconds = float(idle_seconds)
        self.clock = clock
        self._claims: dict[int, _Claim] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_environment(cls, environ: dict[str, str] | None = None) -> Budget:
        """The budget set by ``CREW_UI_BUDGET`` and ``CREW_UI_IDLE_MINUTES`` (defaults when
        unset); a value that is not a number of 0 or more raises ``ValueError`` naming it."""
        environ = os.environ if environ is None else environ
        values: list[float] = []
        for name, default in ((ENV_BUDGET, DEFAULT_BUDGET), (ENV_IDLE, DEFAULT_IDLE_MINUTES)):
            text = environ.get(name, "").strip().replace(",", "").replace("_", "")
            try:
                value = float(text) if text else float(default)
            except ValueError:
                raise ValueError(f"{name}={environ[name]!r} is not a number") from None
            if not 0 <= value < float("inf"):
                raise ValueError(f"{name}={environ[name]!r} must be a number of 0 or more")
            values.append(value)
        return cls(int(values[0]), 60 * values[1])

    # --- reading ----------------------------------------------------------------------------
    def _prune(self) -> None:
        for key in [k for k, c in self._claims.items() if c.holder() is None]:
            del self._claims[key]

    def used(self) -> int:
        """Crew claimed by all live holders."""
        with self._lock:
            self._prune()
            return sum(c.crew for c in self._claims.values())

    def held(self, holder: Any) -> int:
        """Crew claimed by ``holder`` (0 if none)."""
        with self._lock:
            claim = self._claims.get(id(holder))
            return claim.crew if claim is not None and claim.holder() is holder else 0

    # --- changing ---------------------------------------------------------------------------
    def touch(self, holder: Any) -> None:
        """``holder`` was used now (its ship is not idle)."""
        with self._lock:
            claim = self._claims.get(id(holder))
            if claim is not None and claim.holder() is holder:
                claim.seen = self.clock()

    def set(self, holder: Any, crew: int) -> None:
        """Record that ``holder`` holds ``crew`` now, whatever the total (a ship kept after a
        failed build goes back to its old claim); 0 removes the claim."""
        with self._lock:
            self._set(holder, crew)

    def _set(self, holder: Any, crew: int) -> None:
        if crew <= 0:
            self._claims.pop(id(holder), None)
        else:
            self._claims[id(holder)] = _Claim(weakref.ref(holder), int(crew), self.clock())

    def release(self, holder: Any) -> None:
        """``holder`` holds no ship now."""
        self.set(holder, 0)

    def claim(self, holder: Any, crew: int) -> str | None:
        """Let ``holder`` hold ``crew`` (replacing what it held), releasing idle holders' ships
        if needed; None when granted, else the message for the page (nothing changes then).

        Idle holders are released least recently used first, and only as many as make room;
        if releasing every idle one would not make room, none is released.
        """
        message = self._claim(holder, crew)
        if message is not None:  # sessions dropped by the page but not yet collected
            gc.collect()
            message = self._claim(holder, crew)
        return message

    def _claim(self, holder: Any, crew: int) -> str | None:
        with self._lock:
            self._prune()
            now = self.clock()
            others = {k: c for k, c in self._claims.items() if k != id(holder)}
            used = sum(c.crew for c in others.values())
            if used + crew <= self.total:
                self._set(holder, crew)
                return None
            idle = sorted(
                (c for c in others.values() if now - c.seen >= self.idle_seconds),
                key=lambda c: c.seen,
            )
            if used - sum(c.crew for c in idle) + crew > self.total:
                return over_budget_message(crew, used, self.total, self.idle_seconds)
            message = released_message(self.idle_seconds)
            for claim in idle:
                if used + crew <= self.total:
                    break
                victim = claim.holder()
                if victim is not None and victim.release(message):
                    del self._claims[id(victim)]
                    used -= claim.crew
            if used + crew > self.total:  # a victim was busy after all
                return over_budget_message(crew, used, self.total, self.idle_seconds)
            self._set(holder, crew)
            return None


_SERVER: Budget | None = None
_SERVER_LOCK = threading.Lock()


def server() -> Budget:
    """The server's budget, made from the environment on first use."""
    global _SERVER
    with _SERVER_LOCK:
        if _SERVER is None:
            _SERVER = Budget.from_environment()
        return _SERVER


def use(budget: Budget | None) -> None:
    """Replace the server's budget (None: read the environment again on next use; tests)."""
    global _SERVER
    with _SERVER_LOCK:
        _SERVER = budget
