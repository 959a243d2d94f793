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
couple forms a new household in the least-filled compartment of the seeker's section
(housing: compartments keep about the start's size); moving ends the neighbour ties to the
compartment left and the household ties to the household left (:meth:`Demography._form_households`).

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
of the workers (:data:`model.crew.DEPARTMENT_SHARES`; COMMAND makes an officer) and the
emptiest of its teams, tied to every team-mate; newborns get the ship's other ties at birth
(:meth:`Demography._social_ties`); at :data:`model.crew.RETIREMENT_AGE` crew and officers
retire and leave their team (the captain keeps command). Voting follows age (``voting_age``,
:meth:`model.crew_model.CrewModel.voters`).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

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
        return float(survival(a, premature, scale, slope).sum() * 0.01)

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


def survival(ages: np.ndarray, premature: float, scale: float, slope: float) -> np.ndarray:
    """The share of those born who live to each age (years) under the hazard
    :math:`m + A e^{g a}` (``premature``, ``scale``, ``slope``): the life table's *l(a)*."""
    cumulative = premature * ages + (
        scale * ages if slope == 0 else scale / slope * np.expm1(slope * ages)
    )
    return np.exp(-cumulative)


def life_table(params: Parameters, step: float = 0.01) -> tuple[np.ndarray, np.ndarray]:
    """Ages (0 to 150 years by ``step``) and the stationary population's age density at each:
    with a constant number of births a year, as the ship's planned births keep it, the share
    of the living at age *a* is proportional to *l(a)* (a stationary population; Preston,
    Heuveline & Guillot 2001, ch. 3), at the multiplier 1."""
    return _life_table(
        params.mortality_per_1000 / 1000.0, params.life_expectancy, params.gompertz_slope, step
    )


@functools.lru_cache(maxsize=16)
def _life_table(
    premature: float, life_expectancy: float, slope: float, step: float
) -> tuple[np.ndarray, np.ndarray]:
    scale = gompertz_scale(life_expectancy, premature, slope)
    ages = np.arange(0.0, 150.0, step)
    density = survival(ages, premature, scale, slope)
    ages.flags.writeable = False
    density = density / density.sum()
    density.flags.writeable = False
    return ages, density


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


def initial_teams(state: CrewState, network: SocialNetwork | None) -> tuple[np.ndarray, np.ndarray]:
    """Work teams at day 0, read from the network: the ship ties each team into a clique of
    co-workers and no co-worker ties cross teams, so a team is a connected component of the
    co-worker ties among workers. Returns each slot's team (-1 for none) and each team's
    department."""
    team = np.full(state.size, -1, dtype=np.int64)
    working = state.alive & (state.department != Department.NONE)
    if network is None or not working.any():
        return team, np.empty(0, dtype=np.int64)
    A = network.adjacency
    n = A.shape[0]
    rows, cols = network.rows, A.indices
    keep = (network.kinds & TieKind.COWORKER).astype(bool) & working[rows] & working[cols]
    graph = sparse.csr_array((np.ones(int(keep.sum())), (rows[keep], cols[keep])), shape=(n, n))
    _, label = connected_components(graph, directed=False)
    workers = np.flatnonzero(working)
    _, team[workers] = np.unique(label[workers], return_inverse=True)
    department = np.zeros(int(team.max()) + 1, dtype=np.int64)
    department[team[workers]] = state.department[workers]
    return team, department


class Demography:
    """Deaths, partnering, births, coming of age and retirement (module doc).

    Its draws come from its own stream ``rng``. ``multiplier`` scales every death hazard
    (set daily by :mod:`model.disengagement`).
    """

    def __init__(
        self,
        p: Parameters,
        rng: np.random.Generator,
        state: CrewState,
        network: SocialNetwork | None = None,
    ) -> None:
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
        #: compartments a section holds (the ship's layout: :func:`model.ship.build_ship`)
        self.compartments_per_section = -(-p.households_per_section // p.households_per_compartment)
        #: each slot's work team (-1 for none) and each team's department
        self.team, self.team_department = initial_teams(state, network)

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
        self._social_ties(state, network, slots)
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
        """Each couple makes a new household in the least-filled compartment of the less
        crowded of the partners' two sections (the first partner's on a tie; its couples this
        month spread over that section's compartments from the least filled up): housing
        keeps compartments near the start's size, so a compartment's neighbours stay as many
        as at the start, and sections near their start's population (housed in the first
        partner's section alone, sections' populations drift apart as a random walk: from 97
        ± 9 people to 96 ± 45 over 200 years). Both partners move there, with
        the children of a household they leave without an adult."""
        if len(couples) == 0:
            return
        a, b = couples[:, 0], couples[:, 1]
        state.partner[a], state.partner[b] = b, a
        new = self.next_household + np.arange(len(couples))
        self.next_household += len(couples)
        self.couples_formed += len(couples)
        cps = self.compartments_per_section
        # housing: the less crowded of the partners' two sections (the first's on a tie)
        crowd = np.bincount(state.section[state.alive], minlength=int(state.section.max()) + 1)
        section = np.where(
            crowd[state.section[b]] < crowd[state.section[a]], state.section[b], state.section[a]
        )
        n_comp = max(int(state.compartment.max()) + 1, int(section.max() + 1) * cps)
        n_comp = -(-n_comp // cps) * cps  # whole sections
        occupancy = np.bincount(state.compartment[state.alive], minlength=n_comp)
        comp = np.arange(n_comp)
        by_fill = np.lexsort((self.rng.random(n_comp), occupancy, comp // cps))
        order = np.argsort(section, kind="stable")
        rank = np.empty(len(a), dtype=np.int64)
        rank[order] = np.arange(len(a)) - np.searchsorted(section[order], section[order])
        home = by_fill[section * cps + rank % cps]
        movers = np.concatenate([a, b])
        left = state.household[movers].copy()
        target = np.concatenate([home, home])
        # the children of a household left without a living adult go with the one who left
        child = state.alive & (state.role == Role.CHILD)
        adult = state.alive & ~child
        adult[movers] = False
        top = int(left.max()) + 1
        orphaned = np.zeros(top, dtype=bool)
        orphaned[left] = np.bincount(state.household[adult], minlength=top)[left] == 0
        kids = np.flatnonzero(child & (state.household < top))
        kids = kids[orphaned[state.household[kids]]]
        lookup = np.zeros(top, dtype=np.int64)
        lookup[left] = np.arange(len(movers))
        via = lookup[state.household[kids]]
        # the household they leave is kin no longer under one roof: as at the start, where
        # an adult's household ties are those of their own household only
        stay = state.alive.copy()
        stay[movers] = stay[kids] = False
        kin_a, kin_b = self._members(state.household, stay, movers, left)
        network.drop_kind(kin_a, kin_b, TieKind.HOUSEHOLD)
        state.household[a] = state.household[b] = new
        state.household[kids] = state.household[movers[via]]
        movers, target = np.concatenate([movers, kids]), np.concatenate([target, target[via]])
        self._move(state, network, movers, target)
        self._change_section(state, network, movers, target // cps)
        # the new household: the couple and the children they bring, all tied
        together = np.zeros(state.size, dtype=bool)
        together[movers] = True
        kin_a, kin_b = self._members(state.household, together, movers, state.household[movers])
        keep = kin_a != kin_b
        network.add_ties(kin_a[keep], kin_b[keep], TieKind.HOUSEHOLD)

    def _move(
        self, state: CrewState, network: SocialNetwork, movers: np.ndarray, target: np.ndarray
    ) -> None:
        """Move people to new compartments: their neighbour ties to the compartment they
        leave end (other kinds of tie stay), and they are tied to everyone of the new one."""
        moving = state.compartment[movers] != target
        movers, target = movers[moving], target[moving]
        if len(movers) == 0:
            return
        alive = state.alive.copy()
        alive[movers] = False  # movers leave together: no tie among them is cut here
        a, b = self._residents(state, alive, movers, state.compartment[movers])
        network.drop_kind(a, b, TieKind.NEIGHBOUR)
        state.compartment[movers] = target
        alive[movers] = True
        a, b = self._residents(state, alive, movers, target)
        keep = a != b
        network.add_ties(a[keep], b[keep], TieKind.NEIGHBOUR)

    def _change_section(
        self, state: CrewState, network: SocialNetwork, movers: np.ndarray, section: np.ndarray
    ) -> None:
        """Movers to another section leave its neighbours: their neighbour ties to its people
        end, and they meet 2 x ``neighbours_per_person`` people of the new one, as a newborn
        does (kept, the old section's acquaintances would become cross-section ties that
        close no triangles: the network's clustering would fall as couples move)."""
        changed = state.section[movers] != section
        who, old = movers[changed], state.section[movers][changed]
        state.section[movers] = section
        if len(who) == 0:
            return
        stay = state.alive.copy()
        stay[movers] = False  # the others, grouped by section (the movers' move is moot)
        a, b = self._members(state.section, stay, who, old)
        network.drop_kind(a, b, TieKind.NEIGHBOUR)
        self._acquaintances(state, network, who, stay, 2 * self.p.neighbours_per_person, self.rng)

    @staticmethod
    def _residents(
        state: CrewState, alive: np.ndarray, who: np.ndarray, compartment: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Pairs (person, resident) for every living resident (``alive``) of each person's
        ``compartment`` (grouped ranges, no per-person loop)."""
        return Demography._members(state.compartment, alive, who, compartment)

    @staticmethod
    def _members(
        group: np.ndarray, alive: np.ndarray, who: np.ndarray, of: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Pairs (person, member) for every member of ``group`` ``of`` each person among
        ``alive`` (grouped ranges, no per-person loop)."""
        living = np.flatnonzero(alive)
        by_comp = living[np.argsort(group[living], kind="stable")]
        comp = group[by_comp]
        lo = np.searchsorted(comp, of, side="left")
        hi = np.searchsorted(comp, of, side="right")
        size = hi - lo
        offset = np.arange(size.sum()) - np.repeat(np.cumsum(size) - size, size)
        return np.repeat(who, size), by_comp[np.repeat(lo, size) + offset]

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
        self._join_teams(state, network, new, rng)
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
        rng: np.random.Generator | None = None,
    ) -> None:
        """Newborns meet the ship with the ties a person held at the start: everyone of their
        compartment, 2 x ``neighbours_per_person`` people of their section (neighbours: at
        the start each drew that many and was drawn as often) and ``friends_per_person``
        friends, each of the section or, with chance ``friend_cross_section``, of anyone
        aboard. Ties the dead take with them are not drawn again by the living: the
        newborns who take their place draw as many (the ship plans a birth for each death),
        so each person gains ties as fast as they lose them and degree holds (docs/ODD.md).
        """
        p, rng = self.p, self.rng if rng is None else rng
        met = state.alive.copy()
        met[new] = False
        others = np.flatnonzero(met)
        if len(others) == 0:
            return
        # the compartment: every living member
        a, b = self._members(state.compartment, met, new, state.compartment[new])
        network.add_ties(a, b, TieKind.NEIGHBOUR)
        # section acquaintances and friends: random draws within the section's range
        self._acquaintances(state, network, new, met, 2 * p.neighbours_per_person, rng)
        a, b = self._in_section(state, new, met, p.friends_per_person, rng)
        if len(a):
            k = p.friends_per_person
            b = b.reshape(-1, k)
            b[:, 1:] = self._friends_of_friend(network, met, b[:, 0], b[:, 1:], rng)
            b = b.ravel()
            far = rng.random(len(a)) < p.friend_cross_section
            b[far] = others[rng.integers(0, len(others), int(far.sum()))]
            network.add_ties(a, b, TieKind.FRIEND)

    def _acquaintances(
        self,
        state: CrewState,
        network: SocialNetwork,
        who: np.ndarray,
        met: np.ndarray,
        k: int,
        rng: np.random.Generator,
    ) -> None:
        """``k`` neighbour ties for each of ``who`` to people of their section (``met``)."""
        a, b = self._in_section(state, who, met, k, rng)
        if len(a):
            network.add_ties(a, b, TieKind.NEIGHBOUR)

    @staticmethod
    def _in_section(
        state: CrewState, who: np.ndarray, met: np.ndarray, k: int, rng: np.random.Generator
    ) -> tuple[np.ndarray, np.ndarray]:
        """``k`` people of each person's section among ``met`` (drawn with replacement; the
        people of ``who`` whose section has nobody in ``met`` get none): pairs (person,
        drawn), ``k`` consecutive pairs a person."""
        others = np.flatnonzero(met)
        if k == 0 or len(who) == 0 or len(others) == 0:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        by_sec = others[np.argsort(state.section[others], kind="stable")]
        sec = state.section[by_sec]
        lo = np.searchsorted(sec, state.section[who], side="left")
        hi = np.searchsorted(sec, state.section[who], side="right")
        has = hi > lo
        who, lo, width = who[has], lo[has], (hi - lo)[has]
        a = np.repeat(who, k)
        b = by_sec[np.repeat(lo, k) + (rng.random(len(a)) * np.repeat(width, k)).astype(int)]
        return a, b

    @staticmethod
    def _friends_of_friend(
        network: SocialNetwork,
        met: np.ndarray,
        first: np.ndarray,
        drawn: np.ndarray,
        rng: np.random.Generator,
    ) -> np.ndarray:
        """Triad formation (Holme & Kim 2002; Jin, Girvan & Newman 2001): after a first
        friend met in the section, a newcomer's other friends are friends of that friend
        (``met``, in random order) as far as there are enough, the section draws ``drawn``
        otherwise. This keeps the start's friendship circles (a Watts-Strogatz ring, whose
        neighbours share friends) as clustered as they were while the crew renews; random
        friends alone let the friendships' transitivity fall from 0.24 to 0.01 in a century
        (docs/ODD.md §7.4)."""
        A = network.adjacency
        lo, hi = A.indptr[first], A.indptr[first + 1]
        size = hi - lo
        owner = np.repeat(np.arange(len(first)), size)
        entry = (
            np.repeat(lo, size) + np.arange(size.sum()) - np.repeat(np.cumsum(size) - size, size)
        )
        friend = A.indices[entry]
        ok = (A.data[entry] != 0) & ((network.kinds[entry] & TieKind.FRIEND) != 0) & met[friend]
        owner, friend = owner[ok], friend[ok]
        order = np.lexsort((rng.random(len(owner)), owner))
        owner, friend = owner[order], friend[order]
        rank = np.arange(len(owner)) - np.searchsorted(owner, owner)
        keep = rank < drawn.shape[1]
        out = drawn.copy()
        out[owner[keep], rank[keep]] = friend[keep]
        return out

    def _teams(self, size: int) -> np.ndarray:
        """Each slot's team, grown to ``size`` slots (-1 for the new)."""
        if len(self.team) < size:
            extra = np.full(size - len(self.team), -1, dtype=np.int64)
            self.team = np.concatenate([self.team, extra])
        return self.team

    def _join_teams(
        self,
        state: CrewState,
        network: SocialNetwork,
        new: np.ndarray,
        rng: np.random.Generator | None = None,
    ) -> None:
        """Newcomers fill the vacancies of their department's teams (``team_size``), the
        emptiest first (with none left, the smallest teams grow), and are tied to every
        member: teams keep the start's size and their co-workers the start's cliques."""
        rng = self.rng if rng is None else rng
        team = self._teams(state.size)
        size = self.p.team_size
        new = new[state.department[new] != Department.NONE]
        if len(new) == 0:
            return
        members = state.alive & (team >= 0)
        members[new] = False
        n_teams = len(self.team_department)
        count = np.bincount(team[members], minlength=n_teams)
        dept_of_new = state.department[new].astype(np.int64)
        for dept in np.unique(dept_of_new):
            joiners = new[dept_of_new == dept]
            teams = np.flatnonzero(self.team_department == dept)
            # seats up to the team size, then beyond it (teams fill evenly): one entry per
            # seat, the emptiest teams' first (filled so far, random)
            vacancy = np.maximum(size - count[teams], 0) + len(joiners)
            seat = np.repeat(teams, vacancy)
            filled = np.repeat(count[teams], vacancy) + (
                np.arange(vacancy.sum()) - np.repeat(np.cumsum(vacancy) - vacancy, vacancy)
            )
            seat = seat[np.lexsort((rng.random(len(seat)), filled))][: len(joiners)]
            extra = len(joiners) - len(seat)
            if extra > 0:  # the department has no team yet: new teams
                fresh = len(self.team_department) + np.arange(extra) // size
                self.team_department = np.concatenate(
                    [self.team_department, np.full(int(fresh[-1]) + 1 - n_teams, dept)]
                )
                n_teams = len(self.team_department)
                seat = np.concatenate([seat, fresh])
            team[joiners] = seat
        members[new] = True
        a, b = self._team_pairs(state, members, new)
        network.add_ties(a, b, TieKind.COWORKER)

    def _team_pairs(
        self, state: CrewState, members: np.ndarray, who: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Pairs (person, team-mate) for every other member of each person's team."""
        a, b = self._members(self.team, members, who, self.team[who])
        keep = a != b
        return a[keep], b[keep]

    def retire(
        self, state: CrewState, ages: np.ndarray, network: SocialNetwork | None = None
    ) -> np.ndarray:
        """Crew and officers at retirement age retire (returns their slots): they leave
        their team, and their co-worker ties end (other kinds of tie stay)."""
        working = (state.role == Role.CREW) | (state.role == Role.OFFICER)
        old = np.flatnonzero(state.alive & working & (ages >= RETIREMENT_AGE))
        state.role[old] = Role.RETIRED
        state.department[old] = Department.NONE
        team = self._teams(state.size)
        if network is not None and len(old):
            members = state.alive & (team >= 0)
            a, b = self._team_pairs(state, members, old[team[old] >= 0])
            network.drop_kind(a, b, TieKind.COWORKER)
        team[old] = -1
        return old
