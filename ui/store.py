"""The server-side store of each browser tab's state, so nothing is lost on a page switch or a
reload.

A tab is known by an id kept in the browser's ``sessionStorage`` (see :mod:`ui.tab_id`): it
is the same after Home -> Sweeps -> Home and after a reload, and differs between tabs. The
store keeps each tab's :class:`TabState` (its ship, the settings on the panel, the play speed,
the Sweeps folder) for :data:`LIFETIME` seconds after the tab was last seen, and at most
:data:`MAX_TABS` tabs (the least recently seen go first). Plain Python, no Solara.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

from ui.session import Session, default_settings

#: Seconds a tab's state is kept after the tab was last seen (a reload within it reattaches).
LIFETIME = 2 * 3600
#: Most tabs kept at once (each holds a ship in memory).
MAX_TABS = 32


@dataclass
class TabState:
    """One tab's ship and page state.

    Attributes:
        session: The ship and the settings it was built from.
        settings: The settings on the panel (may differ from ``session.settings``: pending).
        speed: Days per screen update while playing.
        voyage: Voyage mode is on: Play advances ``voyage_years`` years per screen update.
        voyage_years: Years per screen update in voyage mode.
        sweeps_folder: The folder chosen on the Sweeps page (None: the page's default).
        sweeps_link: The Sweeps page's URL query last applied (a link opens its folder once,
            so a reload keeps what the tab chose since).
        cards: Effect cards of the interventions, newest last.
        owner: Token of the page that drives this tab now (a reloaded page takes over).
        seen: When the tab was last seen (``time.monotonic()``).
        link: The link query this tab's ship was opened from (applied once, so a reload
            keeps the run).
    """

    session: Session = field(default_factory=Session)
    settings: dict[str, Any] = field(default_factory=default_settings)
    speed: int = 5
    voyage: bool = False
    voyage_years: int = 1
    sweeps_folder: str | None = None
    sweeps_link: str | None = None
    cards: list[Any] = field(default_factory=list)
    owner: object | None = None
    seen: float = field(default_factory=time.monotonic)
    link: str | None = None


_TABS: dict[str, TabState] = {}
_LOCK = threading.Lock()


def tab_state(tab_id: str, now: float | None = None) -> TabState:
    """The state of tab ``tab_id``, created when new or expired; old tabs are dropped."""
    now = time.monotonic() if now is None else now
    with _LOCK:
        for key in [k for k, t in _TABS.items() if now - t.seen > LIFETIME]:
            del _TABS[key]
        state = _TABS.get(tab_id)
        if state is None:
            while len(_TABS) >= MAX_TABS:
                del _TABS[min(_TABS, key=lambda k: _TABS[k].seen)]
            state = _TABS[tab_id] = TabState()
        state.seen = now
        return state


def forget_all() -> None:
    """Drop every tab's state (tests)."""
    with _LOCK:
        _TABS.clear()


def tab_count() -> int:
    """Tabs kept now."""
    with _LOCK:
        return len(_TABS)
