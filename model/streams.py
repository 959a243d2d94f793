"""Common random numbers: one random stream per process, fixed draws per day.

Every process that draws random numbers has a stream of its own, spawned once from the run's
SeedSequence, and draws a fixed number of numbers a day that does not depend on the state
where that is possible: one uniform per crew slot (the whole array), of which the process
uses the entries of those who qualify, rather than one per qualifying person. Two ships with
the same seed that differ in a choice (the captain's strategy) then draw the same numbers for
the same people on the same days: a voter's request, a death, a hull impact happen on both
or on neither unless the choice itself moved that person's chance (common random numbers by
design, docs/ODD.md "Stochasticity").

The streams spawned before this module existed keep their order (ship, beliefs, Mesa's run
stream, traits, disengagement, demography); the processes below are spawned after them, in
the order of :data:`PROCESSES`:

* ``hazards``: one uniform a day decides how many hull breaches happen (inverse Poisson
  CDF, :func:`poisson_from_uniform`);
* ``breach_place``: where a hazard breach strikes and who dies (a number of draws that
  depends on the breach, so on a stream of its own);
* ``petition``: one uniform per slot a day decides who files a vote-change request;
* ``turnout``: one uniform per slot per referendum decides who turns out;
* ``influence``: the influence rule's draws (the stochastic rules draw a fixed number a day);
* ``interventions``: the draws of breaches made by hand (where, when not given; the toll
  when ``deaths=None``), so an intervention shifts no process's numbers.
"""

from __future__ import annotations

import math

import numpy as np

#: The processes with a stream of their own, in spawn order (append new ones at the end).
PROCESSES = ("hazards", "breach_place", "petition", "turnout", "influence", "interventions")


class Streams:
    """The run's per-process random generators (attributes named as in :data:`PROCESSES`),
    spawned once from the run's SeedSequence ``seed``."""

    def __init__(self, seed: np.random.SeedSequence) -> None:
        for name, child in zip(PROCESSES, seed.spawn(len(PROCESSES)), strict=True):
            setattr(self, name, np.random.default_rng(child))

    def generators(self) -> dict[str, np.random.Generator]:
        """Each process's generator by name."""
        return {name: getattr(self, name) for name in PROCESSES}


def poisson_from_uniform(u: float, mean: float) -> int:
    """The Poisson(``mean``) count whose CDF first reaches ``u`` (inverse CDF): one uniform
    per count, so a slightly different mean gives the same count for almost every ``u`` and
    the stream's position never depends on the count."""
    if mean <= 0.0:
        return 0
    if mean > 30.0:  # the sum below would underflow or take long: SciPy's inverse CDF
        from scipy.stats import poisson

        return int(poisson.ppf(u, mean))
    k, pmf = 0, math.exp(-mean)
    cdf = pmf
    while u > cdf and pmf > 0.0:
        k += 1
        pmf *= mean / k
        cdf += pmf
    return k
