r"""Demography: deaths by age, partners and new households, planned births, working life.

The sub-model takes the state arrays, the network, its parameters, its own random stream
and the day; it never sees the whole model. The model applies what it returns (a death's
grief and trust, a newborn's agent) in one place.

**Deaths.** Each person's yearly hazard is

.. math::

    h(a) = \mu\,(m + A\,e^{g a})

with *m* ``mortality_per_1000``/1000 the premature deaths (medical emergencies, accidents,
suicide: the story's "about twelve a year" among 3,000, docs/ODD.md), :math:`A e^{ga}` the
deaths of old age (Gompertz, *g* ``gompertz_slope``), *A* solved once so that life
expectancy at birth is ``life_expectancy``, and μ the multiplier the carers' withdrawal sets
(:mod:`model.disengagement`). Each day each living person dies with chance
:math:`1 - e^{-h(a)/365}`, decided by one uniform per slot (the whole array every day:
common random numbers, :mod:`model.streams`), and the death is premature with chance
:math:`m / (m + A e^{ga})`, of old age otherwise (the same uniform: premature when it falls
below that share of the chance). The day's deaths are then, as the sum of these rare
Bernoulli deaths, Poisson with mean :math:`\mu (m N + \sum_i A e^{g a_i}) / 365`.

**Partners.** Once a month each single crew member aged ``partnering_age_min`` to
``partnering_age_max`` looks for a partner with chance :math:`1 - e^{-r/12}` (*r*
``partnering_rate``) among the singles of partnering age: first among those they are tied
to (friends, co-workers, neighbours), then one met in their department (or, without one,
their section). Offers are accepted in that order, each person in at most one couple. A
couple forms a new household in the seeker's compartment.

**Births.** The ship plans births to hold its population (story: "we maintain population
through births"): births a day are Poisson with mean
:math:`\frac{1}{365}\left(D + \frac{N^* - N}{\tau}\right)^+`, with *D* the expected deaths a
year at today's hazards (multiplier included: the ship replaces the deaths it sees),
:math:`N^*` the start population and τ ``population_feedback_years``; the count comes from
one uniform a day (inverse CDF).
Each baby is born to a couple drawn uniformly among those with both partners aged
``partnering_age_min`` to ``partnering_age_max``: the couples with the smallest of the day's
uniforms (one per slot from the day's seed, the lower partner's), a couple twice only when
there are more births than couples.

**Random numbers.** The sub-model's stream draws a fixed amount a day (one uniform per slot
for deaths, one for the birth count, one seed for the parents' draws: one uniform per slot
from a generator made from it, on days with births) and one seed a month each for partnering
and coming of age, whose draws (their number depends on who seeks and who comes of age) come
from a generator made from that seed; so two ships whose other processes
differ (the captain's strategy) keep the same deaths and births while their crews agree.

**Generations.** At ``working_age`` a child's conviction is set by Bisin & Verdier's (2001)
vertical and oblique transmission (:meth:`Demography.transmit`).

**Working life.** At ``working_age`` a child joins the department furthest below its share
of the workers (:data:`model.crew.DEPARTMENT_SHARES`; COMMAND makes an officer), with
co-worker ties to (``team_size`` - 1) // 2 of its workers, and neighbour and friend ties
(:meth:`Demography._social_ties`); at :data:`model.crew.RETIREMENT_AGE` crew and officers
retire (the captain keeps command). Voting follows age (``voting_age``,
:meth:`model.crew_model.CrewModel.voters`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.crew import DEPARTMENT_SHARES, RETIREMENT_AGE, CrewState, Department, Role
from model.network import SocialNetwork, TieKind
from model.streams import poisson_from_uniform

if TYPE_CHECKING:
    from model.parameters import Parameters

DAYS_PER_YEAR = 365.0
#: Partners are sought, children come of age and crew retire once a month.
MONTH_DAYS = 30
NO_PARTNER = -1


def gompertz_scale(life_expectancy: float, premature: float, slope: float) -> float:
    """The Gompertz level *A* for which life expectancy at birth is ``life_expectancy`` with
    a flat premature hazard ``premature`` a year on top (bisection on log A, 0.01-year grid).
    0 when premature deaths alone shorten life below ``life_expectancy`` (a crew dying fast
    of emergencies, as in stress tests: old age then adds nothing)."""
    a = np.arange(0.0, 200.0, 0.01)

    def expectancy(scale: float) -> float:
        cumulative = premature * a + (
            scale * a if slope == 0 else scale / slope * np.expm1(slope * a)
        )
        return float(np.exp(-cumulative).sum() * 0.01)

    if expectancy(0.0) <= life_expectancy:
        return 0.0
    low, high = -40.0, 5.0  # log A
    for _ in range(80):
        mid = (low + high) / 2
        if expectancy(np.exp(mid)) > life_expectancy:
            low = mid
        else:
            high = mid
    return float(np.exp((low + high) / 2))


def initial_partners(household: np.ndarray, ages: np.ndarray, adult_age: float) -> np.ndarray:
    """Partners at day 0: the first two members aged ``adult_age`` or more of each household
    (the couple of a couple's, a family's or an elder couple's household)."""
    n = len(household)
    partner = np.full(n, NO_PARTNER, dtype=np.int64)
    adults = np.flatnonzero(ages >= adult_age)
    if len(adults) == 0:
        return partner
    order = adults[np.argsort(household[adults], kind="stable")]
    hh = household[order]
    rank = np.arange(len(order)) - np.searchsorted(hh, hh)
    first = np.flatnonzero(rank[:-1] == 0) if len(order) > 1 else np.empty(0, np.int64)
    first = first[hh[first + 1] == hh[first]]
    a, b = order[first], order[first + 1]
    partner[a], partner[b] = b, a
    return partner


class Demography:
    """Deaths, partnering, births, coming of age and retirement (module doc).

    Its draws come from its own stream ``rng``. ``multiplier`` scales every death hazard
    (set daily by :mod:`model.disengagement`).
    """

    def __init__(self, p: Parameters, rng: np.random.Generator, state: CrewState) -> None:
        self.p = p
        self.rng = rng
        self.multiplier = 1.0
        self.premature = p.mortality_per_1000 / 1000.0
        self.slope = p.gompertz_slope
        self.scale = gompertz_scale(p.life_expectancy, self.premature, self.slope)
        self.target = p.n_crew
        self.next_household = int(state.household.max()) + 1 if state.size else 0
        self.couples_formed = 0
        self._born_weight = np.empty(0)  # e^{-g born/365} of each slot (module doc)

    # --- deaths -------------------------------------------------------------------------
    def old_age_hazard(self, ages: np.ndarray, alive: np.ndarray) -> np.ndarray:
        """Yearly old-age hazard of each slot, unmultiplied (zero for the dead)."""
        return np.where(alive, self.scale * np.exp(self.slope * ages), 0.0)

    def hazard(self, ages: np.ndarray, alive: np.ndarray) -> np.ndarray:
        """Yearly hazard of each slot: premature plus old age, times the multiplier."""
        h = self.old_age_hazard(ages, alive) + np.where(alive, self.premature, 0.0)
        return h * self.multiplier

    def _born_weights(self, birth_day: np.ndarray) -> np.ndarray:
        r""":math:`e^{-g\,born/365}` of each slot (computed once per slot)."""
        n, have = len(birth_day), len(self._born_weight)
        if have < n:
            extra = np.exp(-self.slope * birth_day[have:] / DAYS_PER_YEAR)
            self._born_weight = np.concatenate([self._born_weight, extra])
        return self._born_weight[:n]

    def _old_age_total(self, birth_day: np.ndarray, alive: np.ndarray, day: int) -> float:
        r"""Sum of the living's old-age hazards a year, unmultiplied, in O(N) adds: the
        hazard is :math:`A e^{g\,day/365} e^{-g\,born/365}` and the second factor of each slot
        is computed once."""
        weight = self._born_weights(birth_day)[alive].sum()
        return float(self.scale * np.exp(self.slope * day / DAYS_PER_YEAR) * weight)

    def expected_deaths(self, state: CrewState, day: int) -> float:
        """Deaths expected in a year at today's ages, unmultiplied."""
        alive = state.alive
        old = self._old_age_total(state.birth_day, alive, day) if self.scale else 0.0
        return old + self.premature * int(np.count_nonzero(alive))

    def deaths(self, state: CrewState, day: int) -> tuple[np.ndarray, np.ndarray]:
        """Slots of today's (premature, old-age) deaths; nobody dies twice. One uniform per
        slot a day (module doc), whoever is alive."""
        u = self.rng.random(state.size)
        alive = state.alive
        empty = np.empty(0, dtype=np.int64)
        if not alive.any():
            return empty, empty
        level = self.scale * np.exp(self.slope * day / DAYS_PER_YEAR) if self.scale else 0.0
        weights = self._born_weights(state.birth_day)

        def chance(total: np.ndarray | float) -> np.ndarray | float:
            return -np.expm1(-self.multiplier * total / DAYS_PER_YEAR)

        # the exact chance only where the uniform is below the oldest slot's (cheap bound)
        bound = chance(self.premature + level * (weights.max() if len(weights) else 0.0))
        dead = np.flatnonzero((u < bound) & alive)
        total = self.premature + level * weights[dead]
        p = chance(total)
        dies = u[dead] < p
        dead, total, p = dead[dies], total[dies], p[dies]
        if len(dead) == 0:
            return empty, empty
        premature = u[dead] < p * (self.premature / total)
        return dead[premature], dead[~premature]

    # --- births -------------------------------------------------------------------------
    def fertile_couples(self, state: CrewState, ages: np.ndarray) -> np.ndarray:
        """One slot per couple (the lower slot) with both partners alive and of fertile age."""
        p = self.p
        fertile = state.alive & (ages >= p.partnering_age_min) & (ages < p.partnering_age_max)
        mate = state.partner
        has = mate >= 0
        ok = np.zeros(state.size, dtype=bool)
        idx = np.flatnonzero(has & fertile)
        ok[idx] = fertile[mate[idx]] & (idx < mate[idx])
        return np.flatnonzero(ok)

    def births(self, state: CrewState, day: int) -> np.ndarray:
        """Households (one entry per baby) of today's planned births."""
        alive = state.alive
        n = int(np.count_nonzero(alive))
        expected = self.expected_deaths(state, day) * self.multiplier
        planned = expected + (self.target - n) / self.p.population_feedback_years
        rate = planned / DAYS_PER_YEAR
        # a fixed amount a day: one uniform for the count, one seed for the parents' draws
        k = poisson_from_uniform(float(self.rng.random()), rate)
        seed = int(self.rng.integers(0, 2**63))
        if k == 0:
            return np.empty(0, dtype=np.int64)
        couples = self.fertile_couples(state, (day - state.birth_day) / DAYS_PER_YEAR)
        if len(couples) == 0:
            return np.empty(0, dtype=np.int64)
        u = np.random.default_rng(seed).random(state.size)  # one per slot
        order = couples[np.argsort(u[couples], kind="stable")]
        return state.household[np.resize(order, k)]

    def bear(
        self,
        state: CrewState,
        network: SocialNetwork,
        households: np.ndarray,
        day: int,
        traits: dict[str, np.ndarray],
    ) -> np.ndarray:
        """Add one baby per entry of ``households``: slots appended to the state (belief and
        anchor the family's mean belief, trust ``initial_trust``, the given traits) and
        household ties to the living family queued; returns the new slots."""
        k = len(households)
        # each family's slots in slot order, from one pass over the crew (not one per baby)
        families = np.flatnonzero(np.isin(state.household, households) & state.alive)
        members = [families[state.household[families] == h] for h in households]
        anyone = np.array([family[0] for family in members])
        family_belief = np.array([state.belief[family].mean() for family in members])
        slots = state.append(
            birth_day=np.full(k, float(day)),
            household=households,
            section=state.section[anyone],
            compartment=state.compartment[anyone],
            department=np.zeros(k),
            role=np.full(k, Role.CHILD),
            alive=np.ones(k, dtype=bool),
            belief=family_belief,
            anchor=family_belief,
            trust=np.full(k, self.p.initial_trust),
            trust_baseline=np.full(k, self.p.initial_trust),
            recorded_vote=np.full(k, -1),
            **traits,
        )
        network.grow(state.size)
        for slot, h, family in zip(slots, households, members, strict=True):
            kin = np.concatenate([family, slots[households == h]])
            kin = kin[kin != slot]
            network.add_ties(np.full(len(kin), slot), kin, TieKind.HOUSEHOLD)
        return slots

    # --- partners -----------------------------------------------------------------------
    def _month(self) -> np.random.Generator:
        """A generator for one monthly step's draws, from one seed of the stream (module
        doc: the stream draws the same amount whatever the step draws)."""
        return np.random.default_rng(int(self.rng.integers(0, 2**63)))

    def partnering(self, state: CrewState, network: SocialNetwork, ages: np.ndarray) -> np.ndarray:
        """This month's new couples as an (k, 2) array of slots; each couple gets a new
        household in the first partner's compartment and a household tie (queued)."""
        p = self.p
        rng = self._month()
        u = rng.random(state.size)  # who seeks: one uniform per slot
        alive = state.alive
        mate = state.partner
        single = alive & ((mate < 0) | ~alive[np.maximum(mate, 0)])
        single &= (ages >= p.partnering_age_min) & (ages < p.partnering_age_max)
        chance = 1.0 - np.exp(-p.partnering_rate * MONTH_DAYS / DAYS_PER_YEAR)
        candidates = np.flatnonzero(single)
        seekers = candidates[u[candidates] < chance]
        if len(seekers) == 0 or len(candidates) < 2:
            return np.empty((0, 2), dtype=np.int64)
        a1, b1 = self._tie_offers(seekers, single, network, rng)
        a2, b2 = self._venue_offers(seekers, candidates, state, rng)
        couples = self._matching(np.concatenate([a1, a2]), np.concatenate([b1, b2]), state.size)
        self._form_households(state, network, couples)
        return couples

    def _tie_offers(
        self,
        seekers: np.ndarray,
        single: np.ndarray,
        network: SocialNetwork,
        rng: np.random.Generator,
    ) -> tuple[np.ndarray, np.ndarray]:
        """(seeker, single) along every live tie from a seeker to a single, in random order."""
        A = network.adjacency
        size = A.shape[0]
        is_seeker = np.zeros(size, dtype=bool)
        is_seeker[seekers[seekers < size]] = True
        rows = network.rows
        live = (A.data != 0) & is_seeker[rows] & single[:size][A.indices]
        a, b = rows[live], A.indices[live]
        order = rng.permutation(len(a))
        return a[order], b[order]

    def _venue_offers(
        self,
        seekers: np.ndarray,
        candidates: np.ndarray,
        state: CrewState,
        rng: np.random.Generator,
    ) -> tuple[np.ndarray, np.ndarray]:
        """(seeker, single) with one single drawn at random from the seeker's department
        (or section, without one), in random order."""
        venue = np.where(
            state.department != Department.NONE,
            state.department.astype(np.int64),
            len(Department) + state.section,
        )
        order = candidates[np.argsort(venue[candidates], kind="stable")]
        sorted_venue = venue[order]
        start = np.searchsorted(sorted_venue, venue[seekers], side="left")
        end = np.searchsorted(sorted_venue, venue[seekers], side="right")
        pick = start + (rng.random(len(seekers)) * (end - start)).astype(np.int64)
        b = order[np.minimum(pick, len(order) - 1)]
        a = seekers
        ok = (end > start) & (b != a)
        order = rng.permutation(int(ok.sum()))
        return a[ok][order], b[ok][order]

    @staticmethod
    def _matching(a: np.ndarray, b: np.ndarray, size: int) -> np.ndarray:
        """A matching from offers in priority order: an offer is kept when it is the first
        offer of both its ends (vectorised; no one is in two kept offers)."""
        if len(a) == 0:
            return np.empty((0, 2), dtype=np.int64)
        index = np.arange(len(a))
        first = np.full(size, len(a), dtype=np.int64)
        np.minimum.at(first, np.concatenate([a, b]), np.concatenate([index, index]))
        keep = (first[a] == index) & (first[b] == index)
        return np.column_stack([a[keep], b[keep]]).astype(np.int64)

    def _form_households(
        self, state: CrewState, network: SocialNetwork, couples: np.ndarray
    ) -> None:
        if len(couples) == 0:
            return
        a, b = couples[:, 0], couples[:, 1]
        state.partner[a], state.partner[b] = b, a
        new = self.next_household + np.arange(len(couples))
        self.next_household += len(couples)
        self.couples_formed += len(couples)
        state.household[a] = state.household[b] = new
        state.section[b] = state.section[a]
        state.compartment[b] = state.compartment[a]
        network.add_ties(a, b, TieKind.HOUSEHOLD)

    # --- working life -------------------------------------------------------------------
    def come_of_age(self, state: CrewState, network: SocialNetwork, ages: np.ndarray) -> np.ndarray:
        """Children at working age join a department (returns their slots)."""
        p = self.p
        rng = self._month()
        new = np.flatnonzero(state.alive & (state.role == Role.CHILD) & (ages >= p.working_age))
        if len(new) == 0:
            return new
        depts = np.array(list(DEPARTMENT_SHARES), dtype=np.int8)
        shares = np.array(list(DEPARTMENT_SHARES.values()))
        shares = shares / shares.sum()
        working = state.alive & (state.department != Department.NONE)
        count = np.bincount(state.department[working], minlength=len(Department))[depts]
        total = working.sum() + len(new)
        deficit = np.maximum(shares * total - count, 0.0) + 1e-9
        chosen = rng.choice(depts, size=len(new), p=deficit / deficit.sum())
        state.department[new] = chosen
        state.role[new] = np.where(chosen == Department.COMMAND, Role.OFFICER, Role.CREW)
        self.transmit(state, ages, new, rng)
        self._coworker_ties(state, network, new, rng)
        self._social_ties(state, network, new, rng)
        return new

    def transmit(
        self,
        state: CrewState,
        ages: np.ndarray,
        new: np.ndarray,
        rng: np.random.Generator | None = None,
    ) -> None:
        """Bisin & Verdier (2001) transmission at coming of age: with chance
        ``vertical_transmission`` a newcomer takes as belief and anchor the mean belief of
        the adults of its household (vertical); otherwise, or without them, the belief of an
        adult drawn from its section (oblique; anyone aboard if its section has none). Draws
        from ``rng`` (default: the sub-model's stream)."""
        rng = self.rng if rng is None else rng
        adult = state.alive & (ages >= self.p.working_age)
        adult[new] = False
        if not adult.any():
            return
        size = max(int(state.household.max()) + 1, 1)
        total = np.bincount(state.household[adult], weights=state.belief[adult], minlength=size)
        count = np.bincount(state.household[adult], minlength=size)
        home = state.household[new]
        vertical = (rng.random(len(new)) < self.p.vertical_transmission) & (count[home] > 0)
        adults = np.flatnonzero(adult)
        by_sec = adults[np.argsort(state.section[adults], kind="stable")]
        sec = state.section[by_sec]
        lo = np.searchsorted(sec, state.section[new], side="left")
        hi = np.searchsorted(sec, state.section[new], side="right")
        anyone = rng.integers(0, len(by_sec), len(new))
        pick = np.where(hi > lo, lo + (rng.random(len(new)) * (hi - lo)).astype(int), anyone)
        oblique = state.belief[by_sec[pick]]
        parents = total[home] / np.maximum(count[home], 1)
        belief = np.where(vertical, parents, oblique)
        state.belief[new] = belief
        state.anchor[new] = belief

    def _social_ties(
        self,
        state: CrewState,
        network: SocialNetwork,
        new: np.ndarray,
        rng: np.random.Generator,
    ) -> None:
        """Newcomers to adult life meet the ship: everyone of their compartment and
        ``neighbours_per_person`` people of their section (neighbours), and
        ``friends_per_person`` / 2 friends, each of the section or, with chance
        ``friend_cross_section``, of anyone aboard: the ties each person made at the ship's
        start (their other half came from others), so that the ties the dead take with them
        are replaced as the newcomers are met by the living."""
        p = self.p
        others = np.flatnonzero(state.alive)
        others = others[~np.isin(others, new)]
        if len(others) == 0:
            return
        # the compartment: every living member (grouped ranges, no per-person loop)
        by_comp = others[np.argsort(state.compartment[others], kind="stable")]
        comp = state.compartment[by_comp]
        lo = np.searchsorted(comp, state.compartment[new], side="left")
        hi = np.searchsorted(comp, state.compartment[new], side="right")
        size = hi - lo
        a = np.repeat(new, size)
        offset = np.arange(size.sum()) - np.repeat(np.cumsum(size) - size, size)
        network.add_ties(a, by_comp[np.repeat(lo, size) + offset], TieKind.NEIGHBOUR)
        # section acquaintances and friends: random draws within the section's range
        by_sec = others[np.argsort(state.section[others], kind="stable")]
        sec = state.section[by_sec]
        lo = np.searchsorted(sec, state.section[new], side="left")
        hi = np.searchsorted(sec, state.section[new], side="right")
        has = hi > lo
        who, lo, width = new[has], lo[has], (hi - lo)[has]
        for kind, k in (
            (TieKind.NEIGHBOUR, p.neighbours_per_person),
            (TieKind.FRIEND, p.friends_per_person // 2),
        ):
            if k == 0 or len(who) == 0:
                continue
            a = np.repeat(who, k)
            b = by_sec[np.repeat(lo, k) + (rng.random(len(a)) * np.repeat(width, k)).astype(int)]
            if kind == TieKind.FRIEND:
                far = rng.random(len(a)) < p.friend_cross_section
                b[far] = others[rng.integers(0, len(others), int(far.sum()))]
            network.add_ties(a, b, kind)

    def _coworker_ties(
        self,
        state: CrewState,
        network: SocialNetwork,
        new: np.ndarray,
        rng: np.random.Generator,
    ) -> None:
        """Each newcomer is tied to (``team_size`` - 1) // 2 random workers of its department
        (half a team's ties: the other half come from those who join after it)."""
        is_new = np.zeros(state.size, dtype=bool)
        is_new[new] = True
        workers = np.flatnonzero(state.alive & (state.department != Department.NONE) & ~is_new)
        if len(workers) == 0:
            return
        order = workers[np.argsort(state.department[workers], kind="stable")]
        dept = state.department[order].astype(np.int64)
        start = np.searchsorted(dept, np.arange(len(Department) + 1))
        mine = state.department[new].astype(np.int64)
        size = start[mine + 1] - start[mine]
        k = max(1, (self.p.team_size - 1) // 2)
        has = size > 0
        who, size_of, begin = new[has], size[has], start[mine[has]]
        a = np.repeat(who, k)
        pick = np.repeat(begin, k) + (rng.random(len(a)) * np.repeat(size_of, k)).astype(np.int64)
        network.add_ties(a, order[pick], TieKind.COWORKER)

    def retire(self, state: CrewState, ages: np.ndarray) -> np.ndarray:
        """Crew and officers at retirement age retire (returns their slots)."""
        working = (state.role == Role.CREW) | (state.role == Role.OFFICER)
        old = np.flatnonzero(state.alive & working & (ages >= RETIREMENT_AGE))
        state.role[old] = Role.RETIRED
        state.department[old] = Department.NONE
        return old
