"""The journey: where the ship is going and when it arrives.

At day 0 the ship is ``voyage_years`` from Tau Ceti (story: "two hundred years still ahead of
us"). A diversion turns it towards HD 85512, ``diversion_years`` away from the day it turns
(story: "ninety years versus two hundred"; assumption: the nearer star is as far from any
point of the early voyage, the ship being a small fraction of the way when it turns). The
years already flown towards Tau Ceti are kept: turning back to Tau Ceti after a diversion
costs the days spent diverted twice over (the way out and the way back), so the remaining
time to Tau Ceti is what was left when the ship turned plus the days it spent diverted.
Arrival ends the run (an ``arrival`` event).
"""

from __future__ import annotations

from dataclasses import dataclass

DAYS_PER_YEAR = 365


@dataclass
class Voyage:
    """The course and its arrival day."""

    tau_ceti_days: float  # days of travel to Tau Ceti left when the ship last turned
    diversion_days: float  # days to HD 85512 from a turn towards it
    course: str = "Tau Ceti"
    turned_day: int = 0
    arrival_day: float = 0.0

    @classmethod
    def start(cls, voyage_years: float, diversion_years: float, diverted: bool) -> Voyage:
        """The voyage at day 0, on course to Tau Ceti, or to HD 85512 if the recorded
        referendum chose to divert."""
        voyage = cls(voyage_years * DAYS_PER_YEAR, diversion_years * DAYS_PER_YEAR)
        voyage.arrival_day = voyage.tau_ceti_days
        if diverted:
            voyage.turn(0, to_tau_ceti=False)
        return voyage

    def turn(self, day: int, to_tau_ceti: bool) -> None:
        """Change course on ``day`` (a referendum changed the mission)."""
        if to_tau_ceti == (self.course == "Tau Ceti"):
            return
        flown = day - self.turned_day
        if to_tau_ceti:  # back the way it came, then on
            self.tau_ceti_days += flown
            self.arrival_day = day + self.tau_ceti_days
            self.course = "Tau Ceti"
        else:
            self.tau_ceti_days -= flown
            self.arrival_day = day + self.diversion_days
            self.course = "HD 85512"
        self.turned_day = day

    def arrived(self, day: int) -> bool:
        """Whether the ship reaches its destination on ``day``."""
        return day >= self.arrival_day

    def years_left(self, day: int) -> float:
        """Years until arrival on the present course."""
        return max(0.0, (self.arrival_day - day) / DAYS_PER_YEAR)
