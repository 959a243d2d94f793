"""The crew over a lifetime, read from the state and the event log: the age pyramid, voters
on every past day, and the days each generation born aboard became most of the voters.

Plain numpy over the state's arrays (everyone ever aboard: slots are never reused) and the
death days of the who-moved ledger; nothing here changes the model. Used by the voyage view
(``ui/voyage_view.py``) and usable from scripts::

    deaths = death_days(model.ledger, model.state.size)
    generation_days(model.state.birth_day, deaths, model.p.voting_age, model.day)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from model.who_moved import Ledger

DAYS_PER_YEAR = 365.0  # as CrewModel.ages()


@dataclass
class Pyramid:
    """Living people by age band, children (under voting age) and voters apart.

    Attributes:
        edges: Band edges in years (``len(edges) == len(children) + 1``), from 0.
        children: People in each band younger than the voting age.
        voters: People in each band of voting age or older.
    """

    edges: np.ndarray
    children: np.ndarray
    voters: np.ndarray

    @property
    def total(self) -> np.ndarray:
        """Everyone in each band."""
        return self.children + self.voters


def age_pyramid(
    ages: np.ndarray, alive: np.ndarray, voting_age: float, band_years: float = 5.0
) -> Pyramid:
    """The living by ``band_years``-wide age band, voters (``ages >= voting_age``, as
    :meth:`model.crew_model.CrewModel.voters`) apart from children. The bands run from 0 to
    the band holding the oldest (at least one band)."""
    if band_years <= 0:
        raise ValueError(f"band_years={band_years!r} is invalid: expected > 0")
    living = np.asarray(ages, dtype=float)[np.asarray(alive, dtype=bool)]
    oldest = float(living.max()) if len(living) else 0.0
    bands = int(oldest // band_years) + 1
    edges = np.arange(bands + 1) * float(band_years)
    band = np.minimum((living // band_years).astype(np.int64), bands - 1)
    voter = living >= voting_age
    children = np.bincount(band[~voter], minlength=bands)
    voters = np.bincount(band[voter], minlength=bands)
    return Pyramid(edges, children, voters)


def death_days(ledger: Ledger, size: int) -> np.ndarray:
    """Day each of ``size`` slots died (``inf`` for the living), from the model's who-moved
    ledger (:class:`model.who_moved.Ledger`: every death, with its day and slot)."""
    days = np.full(size, np.inf)
    days[ledger.column("death_slot")] = ledger.column("death_day")
    return days


def _voting_day(birth_day: np.ndarray, voting_age: float) -> np.ndarray:
    """The first whole day each person is of voting age, by the model's own arithmetic
    (``(day - birth_day) / 365 >= voting_age``)."""
    first = np.ceil(birth_day + voting_age * DAYS_PER_YEAR)
    earlier = (first - 1 - birth_day) / DAYS_PER_YEAR >= voting_age
    first = np.where(earlier, first - 1, first)
    late = (first - birth_day) / DAYS_PER_YEAR < voting_age
    return np.where(late, first + 1, first)


def voters_by_day(
    birth_day: np.ndarray, death_day: np.ndarray, voting_age: float, days: np.ndarray
) -> np.ndarray:
    """How many of the given people were voters (alive and of voting age) at the end of each
    of ``days``: someone who died on a day is not counted that day, as in the series."""
    entry = _voting_day(np.asarray(birth_day, dtype=float), voting_age)
    leave = np.maximum(entry, np.asarray(death_day, dtype=float))
    days = np.asarray(days, dtype=float)
    counted = np.searchsorted(np.sort(entry), days, side="right")
    gone = np.searchsorted(np.sort(leave), days, side="right")
    return counted - gone


def generation_days(
    birth_day: np.ndarray, death_day: np.ndarray, voting_age: float, day: int
) -> list[int]:
    """The days, up to ``day``, each generation born aboard became most of the voters.

    Generation 1 is everyone born aboard (after day 0); it takes over on the first day its
    voters outnumber all the others. Generation *g* is everyone born after generation
    *g* − 1 took over, and takes over the same way. The list stops at the first generation
    that has not (yet) taken over.
    """
    birth_day = np.asarray(birth_day, dtype=float)
    death_day = np.asarray(death_day, dtype=float)
    days = np.arange(int(day) + 1)
    everyone = voters_by_day(birth_day, death_day, voting_age, days)
    marks: list[int] = []
    start = 0.0
    while True:
        born = birth_day > start
        if not born.any():
            return marks
        mine = voters_by_day(birth_day[born], death_day[born], voting_age, days)
        over = np.flatnonzero((2 * mine > everyone) & (days > start))
        if len(over) == 0:
            return marks
        marks.append(int(days[over[0]]))
        start = float(days[over[0]])
