"""Hazards: hull breaches and the reinforcement that mitigates them.

Each draws from the model's generator and returns who is affected; the model applies the
consequences (grief, trust, removal) in one place, :meth:`CrewModel.kill`. Deaths by age,
births and households are :mod:`model.demography`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from model.streams import poisson_from_uniform

if TYPE_CHECKING:
    from model.crew import CrewState
    from model.ship import ShipLayout

DAYS_PER_YEAR = 365.0


@dataclass
class Breaches:
    """Micrometeorite impacts, the few that penetrate, and the reinforcement that helps.

    Penetrating breaches arrive as a Poisson process of rate
    ``impact_rate * penetration_probability * (1 - mitigation_efficacy) ** reinforcements``
    a year. A breach strikes one residential compartment chosen uniformly among the
    inhabited ones and kills Poisson(``breach_deaths``) of its people (at least one).
    ``rate_multiplier`` scales the rate (the maintenance backlog, :mod:`model.disengagement`);
    :meth:`slow` delays works under way when the crew cannot do a full day's work.
    """

    rate_per_year: float
    efficacy: float
    mitigation_days: int
    reinforcements: int = 0
    works_until: list[int] = field(default_factory=list)
    rate_multiplier: float = 1.0
    _lag: float = 0.0  # days of work lost and not yet added to the works' due days

    @property
    def current_rate(self) -> float:
        """Penetrating breaches a year after the reinforcements completed so far."""
        return self.rate_per_year * (1.0 - self.efficacy) ** self.reinforcements

    @property
    def mitigating(self) -> bool:
        """Whether reinforcement work is under way (visible to the crew)."""
        return bool(self.works_until)

    def start_mitigation(self, day: int) -> bool:
        """Begin reinforcing; returns False when work is already under way."""
        if self.works_until:
            return False
        self.works_until.append(day + self.mitigation_days)
        return True

    def finish_due(self, day: int) -> int:
        """Complete works due today; returns how many completed."""
        done = [d for d in self.works_until if d <= day]
        self.works_until = [d for d in self.works_until if d > day]
        self.reinforcements += len(done)
        return len(done)

    def slow(self, pace: float) -> None:
        """Today only ``pace`` (0-1) of a day's work was done: works under way finish later
        (each whole day lost moves every due day by one)."""
        if not self.works_until:
            self._lag = 0.0
            return
        self._lag += 1.0 - pace
        whole = int(self._lag)
        if whole:
            self._lag -= whole
            self.works_until = [d + whole for d in self.works_until]

    def occurs(self, rng: np.random.Generator) -> int:
        """Number of penetrating breaches today: Poisson, from one uniform of ``rng`` a day
        whatever the rate (inverse CDF, :func:`model.streams.poisson_from_uniform`), so the
        hazard stream stays in step between ships whose rates differ."""
        rate = self.current_rate * self.rate_multiplier / DAYS_PER_YEAR
        return poisson_from_uniform(float(rng.random()), rate)


def breach_victims(
    state: CrewState,
    layout: ShipLayout,
    mean_deaths: float,
    deaths: int | None,
    section: int | None,
    compartment: int | None,
    rng: np.random.Generator,
) -> tuple[int, int, np.ndarray]:
    """Choose where a breach strikes and who dies, with draws from ``rng``; with ``deaths``
    None the toll is Poisson of ``mean_deaths`` (at least one).

    Returns (section, compartment, victims). Victims come from the struck compartment; when
    more deaths are asked for than it holds, the rest come from the same section.
    """
    alive = state.alive
    if compartment is None:
        pool = state.compartment[alive]
        if section is not None:
            pool = pool[state.section[alive] == section]
        if len(pool) == 0:
            where = f"section {section}" if section is not None else "the ship"
            raise ValueError(f"no one lives in {where}: a breach there kills no one")
        compartment = int(rng.choice(np.unique(pool)))
    section = int(compartment // layout.compartments_per_section)
    if deaths is None:
        deaths = max(1, int(rng.poisson(mean_deaths)))
    in_compartment = np.flatnonzero(alive & (state.compartment == compartment))
    rest_of_section = np.flatnonzero(
        alive & (state.section == section) & (state.compartment != compartment)
    )
    first = rng.permutation(in_compartment)
    then = rng.permutation(rest_of_section)
    victims = np.concatenate([first, then])[:deaths]
    return section, int(compartment), np.sort(victims)
