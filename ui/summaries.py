"""Per-compartment and per-section views of the crew, computed from ``model.state`` arrays.

These are cheap (one ``bincount`` each) and are what the ship map and the section network
show. They would belong in the core as ``CrewModel.section_summary()`` one day.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass

import numpy as np
import pandas as pd

from model import CrewModel

_EVENTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_EVENTS_LOCK = threading.Lock()


def events(model: CrewModel) -> pd.DataFrame:
    """``model.events()``, built once per length of the log and kept per model: the log only
    grows, so while no event is added (most days) every view of every Step (ship map, event
    log, effect cards, voyage) reads the same table instead of building its own (about 8 ms
    each for 3,000 crew, most of it fixed cost). Read it, do not change it."""
    log = model._events
    key = (id(log), len(log))
    with _EVENTS_LOCK:
        cached = _EVENTS.get(model)
    if cached is not None and cached[0] == key:
        return cached[1]
    frame = model.events()
    with _EVENTS_LOCK:
        _EVENTS[model] = (key, frame)
    return frame


#: Deaths this many days old or newer are marked as "recent" on the ship map.
RECENT_DAYS = 30


@dataclass(frozen=True)
class Occupancy:
    """Counts and shares for each group (compartment or section), indexed by group id.

    ``divert_share`` and ``mean_belief`` are NaN where nobody of voting age (resp. nobody)
    lives.
    """

    alive: np.ndarray
    voters: np.ndarray
    divert_share: np.ndarray
    mean_belief: np.ndarray


def occupancy(model: CrewModel, by: str = "compartment") -> Occupancy:
    """Living crew, voters, share intending to divert and mean belief per ``by`` group.

    Args:
        model: The ship.
        by: ``"compartment"`` or ``"section"``.
    """
    state = model.state
    groups = state.compartment if by == "compartment" else state.section
    n = model.layout.n_compartments if by == "compartment" else model.layout.n_sections
    alive = state.alive
    voters = model.voters()
    divert = voters & (state.belief < 0.5)
    count = np.bincount(groups[alive], minlength=n)
    n_voters = np.bincount(groups[voters], minlength=n)
    n_divert = np.bincount(groups[divert], minlength=n)
    belief_sum = np.bincount(groups[alive], weights=state.belief[alive], minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(n_voters > 0, n_divert / np.maximum(n_voters, 1), np.nan)
        mean = np.where(count > 0, belief_sum / np.maximum(count, 1), np.nan)
    return Occupancy(count, n_voters, share, mean)


def breached_compartments(events: pd.DataFrame) -> dict[int, int]:
    """Compartment -> day of its latest breach."""
    breaches = events[(events["kind"] == "breach") & events["compartment"].notna()]
    return {int(c): int(d) for c, d in zip(breaches["compartment"], breaches["day"], strict=True)}


def recent_deaths(events: pd.DataFrame, today: int, days: int = RECENT_DAYS) -> dict[int, int]:
    """Compartment -> deaths in the last ``days`` days (any cause)."""
    deaths = events[
        (events["kind"] == "death") & (events["day"] > today - days) & events["compartment"].notna()
    ]
    counts = deaths["compartment"].astype(int).value_counts()
    return {int(c): int(n) for c, n in counts.items()}


def section_ties(model: CrewModel) -> np.ndarray:
    """Symmetric matrix of summed tie weights between sections (diagonal: within a section)."""
    A = model.network.adjacency.tocoo()
    sections = model.state.section
    n = model.layout.n_sections
    flat = sections[A.row] * n + sections[A.col]
    return np.bincount(flat, weights=A.data, minlength=n * n).reshape(n, n)
