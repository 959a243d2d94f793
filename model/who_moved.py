"""Who moved: the vote-change requests filed since a day, and each requester's closest tie
to the people who died since then.

The model keeps an append-only :class:`Ledger` (``model.ledger``) of what the running state
forgets: every vote-change request as it is filed (day, crew slot, the recorded vote it asks
to change; a referendum clears ``requested`` but not the ledger) and every death with the
dead person's ties as they stood that day (a death cuts them from the network). It draws no
random numbers and changes nothing the model computes.

:func:`who_moved` reads it. The dead of a window are those who died on ``since_day`` or
later; a requester's tie to them is the closest of

    household > friend > co-worker > neighbour > none

where *household* is a household tie to one of the dead or living in a dead person's
household, *friend* and *co-worker* a tie of that kind, and *neighbour* living in a dead
person's section (or a neighbour tie). Everything is array work over the ledger and the
crew arrays (``np.maximum.at`` over the recorded ties, ``np.bincount`` over households and
sections); no loop over the crew.

>>> from model import CrewModel
>>> from model.who_moved import who_moved
>>> model = CrewModel(rng=1, n_crew=300)
>>> model.breach(deaths=3)
>>> model.run(7)
>>> who_moved(model, since_day=0)[["crew", "day", "section", "tie"]].head()
"""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from model.crew import Department, Vote
from model.network import SocialNetwork, TieKind

if TYPE_CHECKING:
    from model.crew_model import CrewModel


class Tie(IntEnum):
    """A requester's closest tie to the dead; a larger value is closer."""

    NONE = 0
    NEIGHBOUR = 1
    COWORKER = 2
    FRIEND = 3
    HOUSEHOLD = 4


#: The ties' names, closest first (the order of the ``tie`` column's categories is reversed).
TIE_NAMES = {
    Tie.HOUSEHOLD: "household",
    Tie.FRIEND: "friend",
    Tie.COWORKER: "co-worker",
    Tie.NEIGHBOUR: "neighbour",
    Tie.NONE: "none",
}

#: The closest :class:`Tie` among a network entry's kind bits (0..15).
TIE_BY_BITS = np.zeros(16, dtype=np.int8)
for _bits in range(16):
    TIE_BY_BITS[_bits] = max(
        (
            rank
            for kind, rank in (
                (TieKind.HOUSEHOLD, Tie.HOUSEHOLD),
                (TieKind.FRIEND, Tie.FRIEND),
                (TieKind.COWORKER, Tie.COWORKER),
                (TieKind.NEIGHBOUR, Tie.NEIGHBOUR),
            )
            if _bits & kind
        ),
        default=Tie.NONE,
    )

#: The ledger's columns and their types: requests, deaths, and the ties of the dead. A year
#: of 3,000 crew (seed 1) records 25 deaths, their 538 ties and 240 requests: 7 kB.
COLUMNS = {
    "request_day": np.int32,
    "request_slot": np.int32,
    "request_before": np.int8,  # Vote recorded at the last referendum
    "death_day": np.int32,
    "death_slot": np.int32,
    "tie_day": np.int32,
    "tie_kin": np.int32,  # the living person tied to the dead
    "tie_kinds": np.int8,  # TieKind bits
}


class Ledger:
    """Append-only record of requests and deaths (with the ties of the dead)."""

    def __init__(self) -> None:
        self._chunks: dict[str, list[np.ndarray]] = {name: [] for name in COLUMNS}

    def __getstate__(self) -> dict:
        """One array a column (checkpoints store a few arrays, not one a day)."""
        return {"_chunks": {name: [self.column(name)] for name in COLUMNS}}

    def _add(self, **values: np.ndarray) -> None:
        for name, value in values.items():
            self._chunks[name].append(np.asarray(value, dtype=COLUMNS[name]))

    def column(self, name: str) -> np.ndarray:
        """All entries of one column, in the order they were recorded."""
        chunks = self._chunks[name]
        if len(chunks) != 1:
            chunks[:] = [np.concatenate(chunks) if chunks else np.empty(0, COLUMNS[name])]
        return chunks[0]

    def file_requests(self, day: int, slots: np.ndarray, before: np.ndarray) -> None:
        """Requests filed on ``day`` by ``slots``, asking to change the votes ``before``."""
        if len(slots):
            self._add(
                request_day=np.full(len(slots), day),
                request_slot=slots,
                request_before=before,
            )

    def record_deaths(self, day: int, slots: np.ndarray, network: SocialNetwork) -> None:
        """Deaths on ``day``, with the dead's live ties read from ``network`` before the
        deaths cut them (ties among the dead included: both were alive a moment ago)."""
        slots = np.asarray(slots, dtype=np.int64)
        if len(slots) == 0:
            return
        A = network.adjacency
        lo, hi = A.indptr[slots], A.indptr[slots + 1]
        counts = hi - lo
        # the positions lo[k] .. hi[k]-1 of every dead k, in one array
        pos = np.arange(counts.sum()) + np.repeat(lo - (np.cumsum(counts) - counts), counts)
        live = A.data[pos] != 0
        pos = pos[live]
        self._add(
            death_day=np.full(len(slots), day),
            death_slot=slots,
            tie_day=np.full(len(pos), day),
            tie_kin=A.indices[pos],
            tie_kinds=network.kinds[pos],
        )


def dead_since(model: CrewModel, since_day: int) -> np.ndarray:
    """Slots of everyone who died on ``since_day`` or later."""
    ledger = model.ledger
    return ledger.column("death_slot")[ledger.column("death_day") >= since_day]


def closest_ties(model: CrewModel, since_day: int) -> np.ndarray:
    """Every slot's closest :class:`Tie` to anyone who died on ``since_day`` or later.

    The maximum, over the dead, of: the tie recorded at the death (its closest kind), and
    the shared household or section (one's own death does not count).
    """
    state, ledger = model.state, model.ledger
    closest = np.zeros(state.size, dtype=np.int8)
    recent = ledger.column("tie_day") >= since_day
    np.maximum.at(
        closest,
        ledger.column("tie_kin")[recent],
        TIE_BY_BITS[ledger.column("tie_kinds")[recent]],
    )
    dead = dead_since(model, since_day)
    if len(dead) == 0:
        return closest
    is_dead = np.zeros(state.size, dtype=np.int64)
    is_dead[dead] = 1
    for group, tie in ((state.section, Tie.NEIGHBOUR), (state.household, Tie.HOUSEHOLD)):
        dead_in = np.bincount(group[dead], minlength=int(group.max()) + 1)
        shared = dead_in[group] - is_dead > 0  # another dead person in one's group
        closest[shared] = np.maximum(closest[shared], tie)
    return closest


def who_moved(model: CrewModel, since_day: int = 0) -> pd.DataFrame:
    """The vote-change requests filed on ``since_day`` or later, closest to the dead first.

    Args:
        model: The ship.
        since_day: The first day of the window (requests and deaths on it count).

    Returns:
        One row a request (someone who filed again after a referendum has two), sorted by
        tie (closest first), day and crew member, with columns ``crew`` (slot), ``day``
        (filed), ``section``, ``compartment``, ``department`` (name), ``vote_before`` (the
        vote recorded at the last referendum, ``"continue"`` or ``"divert"``),
        ``vote_after`` (the vote asked for: the other one), ``tie`` (closest tie to anyone
        who died on ``since_day`` or later: an ordered categorical of :data:`TIE_NAMES`),
        ``alive``, and ``open`` (still standing: filed after the last referendum, by
        someone alive).
    """
    state, ledger = model.state, model.ledger
    days = ledger.column("request_day")
    keep = days >= since_day
    slots = ledger.column("request_slot")[keep]
    days = days[keep]
    before = ledger.column("request_before")[keep]
    tie = closest_ties(model, since_day)[slots]
    order = np.lexsort((slots, days, -tie.astype(np.int64)))
    slots, days, before, tie = slots[order], days[order], before[order], tie[order]
    departments = np.array([d.name.lower().replace("_", " ") for d in Department])
    names = [TIE_NAMES[t] for t in sorted(Tie, reverse=True)]
    tie_names = np.array([TIE_NAMES[t] for t in Tie])
    last_referendum = model.referendums[-1].day
    return pd.DataFrame(
        {
            "crew": slots,
            "day": days,
            "section": state.section[slots],
            "compartment": state.compartment[slots],
            "department": departments[state.department[slots]],
            "vote_before": np.where(before == Vote.CONTINUE, "continue", "divert"),
            "vote_after": np.where(before == Vote.CONTINUE, "divert", "continue"),
            "tie": pd.Categorical(tie_names[tie], categories=names[::-1], ordered=True),
            "alive": state.alive[slots],
            "open": state.alive[slots] & (days > last_referendum),
        }
    )


def default_since_day(model: CrewModel) -> int:
    """A useful start of the window: the day of the latest breach, else day 0."""
    latest = next((e["day"] for e in reversed(model._events) if e["kind"] == "breach"), 0)
    return max(int(latest), 0)


__all__ = [
    "TIE_NAMES",
    "Ledger",
    "Tie",
    "closest_ties",
    "default_since_day",
    "dead_since",
    "who_moved",
]
