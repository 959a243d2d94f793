"""The ship: households in compartments in residential sections, work teams, friendships.

:func:`build_ship` draws the population and its ties from one random generator. Every step is
vectorised numpy: building the default 3,000-person ship takes milliseconds, and 300,000
people a few seconds. No layout is computed here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.crew import DEPARTMENT_SHARES, RETIREMENT_AGE, Department, Role
from model.demography import life_table
from model.network import TieKind
from model.parameters import Parameters

#: Household types and their shares (assumption: a stable, family-based society).
#: Columns: share, adults, elders, may have children.
HOUSEHOLD_TYPES = np.array(
    [
        # share, adults, elders, children allowed
        [0.22, 1, 0, 0],  # single adult
        [0.25, 2, 0, 0],  # couple
        [0.38, 2, 0, 1],  # couple with children born aboard
        [0.10, 2, 1, 1],  # extended family: couple, children and an elder
        [0.05, 0, 2, 0],  # elder couple
    ]
)
#: Elder households the stationary start adds (``start_ages="stationary"``), in place of the
#: elder couples above: as many elder couples as widowed elders living alone (assumption:
#: the ship houses its old in their own homes, one in two widowed), in the number the life
#: table's share of elders needs.
ELDER_HOUSEHOLDS = np.array([[0.0, 0, 2, 0], [0.0, 0, 1, 0]])
#: Children per family with children: 1, 2 or 3, with these shares (assumption).
CHILDREN_SHARES = np.array([0.4, 0.4, 0.2])
#: Age ranges in years (assumption): adults, children, elders.
ADULT_AGES = (20.0, 62.0)
CHILD_AGES = (0.0, 18.0)
ELDER_AGES = (62.0, 88.0)


@dataclass
class ShipLayout:
    """Who lives where and works with whom at day 0 (identity only)."""

    age: np.ndarray  # years
    household: np.ndarray
    section: np.ndarray
    compartment: np.ndarray
    department: np.ndarray
    role: np.ndarray
    n_households: int
    n_sections: int
    n_compartments: int
    compartments_per_section: int
    ties: tuple[np.ndarray, np.ndarray, np.ndarray]  # (a, b, kind): undirected, a != b


def build_ship(params: Parameters, rng: np.random.Generator) -> ShipLayout:
    """Draw the crew, their homes and departments, and their social ties."""
    n = params.n_crew
    types = household_types(params)
    hh, pos, kind, size = _households(n, types, rng)
    is_child_slot = (pos >= types[kind, 1]) & (types[kind, 3] == 1)
    is_child_slot &= pos < size - types[kind, 2]
    is_elder_slot = pos >= size - types[kind, 2]
    age = _ages(params, rng, n)
    age[is_child_slot] = _ages(params, rng, is_child_slot.sum(), CHILD_AGES)
    age[is_elder_slot] = _ages(params, rng, is_elder_slot.sum(), ELDER_AGES, open_top=True)

    hps, hpc = params.households_per_section, params.households_per_compartment
    section = hh // hps
    cps = -(-hps // hpc)  # compartments per section, ceiling
    compartment = section * cps + (hh % hps) // hpc
    department, role = _departments(age, params, rng)
    layout = ShipLayout(
        age=age,
        household=hh,
        section=section,
        compartment=compartment,
        department=department,
        role=role,
        n_households=int(hh[-1]) + 1,
        n_sections=int(section[-1]) + 1,
        n_compartments=int(section[-1] + 1) * cps,
        compartments_per_section=cps,
        ties=(np.empty(0, np.int64),) * 3,
    )
    layout.ties = _ties(layout, params, rng)
    return layout


def household_types(params: Parameters) -> np.ndarray:
    """The household types the start draws (columns as :data:`HOUSEHOLD_TYPES`).

    ``start_ages="uniform"``: :data:`HOUSEHOLD_TYPES`. ``"stationary"``: its first four rows,
    then :data:`ELDER_HOUSEHOLDS` with the share *x* each for which the expected share of
    elders among the people equals the life table's share aged ``ELDER_AGES[0]`` or more
    (*e*): with *P* people and *E* elders expected per household of the first four rows,
    :math:`(E + 3x) / (P + 3x) = e`."""
    if params.start_ages == "uniform":
        return HOUSEHOLD_TYPES
    ages, density = life_table(params)
    elders = float(density[ages >= ELDER_AGES[0]].sum())
    base = HOUSEHOLD_TYPES[:4]
    mean_children = float(CHILDREN_SHARES @ np.arange(1, 4))
    people = base[:, 1] + base[:, 2] + base[:, 3] * mean_children
    P, E = float(base[:, 0] @ people), float(base[:, 0] @ base[:, 2])
    x = max(0.0, (elders * P - E) / (3.0 * (1.0 - elders)))
    extra = ELDER_HOUSEHOLDS.copy()
    extra[:, 0] = x
    return np.vstack([base, extra])


def _ages(
    params: Parameters,
    rng: np.random.Generator,
    count: int,
    span: tuple = ADULT_AGES,
    open_top: bool = False,
) -> np.ndarray:
    """``count`` ages in ``span`` (years): uniform (``start_ages="uniform"``), or drawn from
    the life table's stationary density within the span (``"stationary"``; with
    ``open_top``, the elders', up to the table's end rather than the span's)."""
    if params.start_ages == "uniform":
        return rng.uniform(*span, count)
    ages, density = life_table(params)
    top = np.inf if open_top else span[1]
    inside = (ages >= span[0]) & (ages < top)
    cumulative = np.cumsum(density[inside])
    step = ages[1] - ages[0]
    drawn = np.searchsorted(cumulative, rng.uniform(0.0, cumulative[-1], count), side="right")
    return ages[inside][np.minimum(drawn, inside.sum() - 1)] + rng.uniform(0.0, step, count)


def _households(n: int, types: np.ndarray, rng: np.random.Generator):
    """Household id, position in household, type and size for each of n people."""
    shares = types[:, 0] / types[:, 0].sum()
    count = n  # never more households than people
    kind = rng.choice(len(shares), size=count, p=shares)
    children = rng.choice(np.arange(1, 4), size=count, p=CHILDREN_SHARES)
    size = (types[kind, 1] + types[kind, 2]).astype(np.int64)
    size += np.where(types[kind, 3] == 1, children, 0)
    end = np.cumsum(size)
    last = int(np.searchsorted(end, n))  # the household that reaches n people
    size = size[: last + 1]
    size[-1] -= end[last] - n  # the last household is cut to fit
    kind = kind[: last + 1]
    hh = np.repeat(np.arange(last + 1), size)
    starts = np.repeat(np.cumsum(size) - size, size)
    pos = np.arange(n) - starts
    return hh, pos, kind[hh], size[hh]


def _departments(age: np.ndarray, params: Parameters, rng: np.random.Generator):
    """Departments for working-age adults, and roles; one captain from command."""
    n = len(age)
    department = np.full(n, Department.NONE, dtype=np.int8)
    role = np.full(n, Role.CREW, dtype=np.int8)
    role[age < params.voting_age] = Role.CHILD
    role[age >= RETIREMENT_AGE] = Role.RETIRED
    workers = np.flatnonzero(role == Role.CREW)
    depts = np.array(list(DEPARTMENT_SHARES), dtype=np.int8)
    shares = np.array(list(DEPARTMENT_SHARES.values()))
    department[workers] = rng.choice(depts, size=len(workers), p=shares / shares.sum())
    command = np.flatnonzero(department == Department.COMMAND)
    role[command] = Role.OFFICER
    if len(command) == 0:  # small crews: the oldest adult takes command
        adults = np.flatnonzero(role != Role.CHILD)
        command = adults[np.argsort(-age[adults])[:1]] if len(adults) else np.arange(min(n, 1))
        department[command] = Department.COMMAND
    captain = command[np.argmax(age[command])]  # the most senior officer
    role[captain] = Role.CAPTAIN
    return department, role


def _ties(layout: ShipLayout, params: Parameters, rng: np.random.Generator):
    """All ties as undirected (a, b, kind) arrays; duplicates are merged later."""
    parts = [
        _cliques(layout.household, TieKind.HOUSEHOLD),
        _cliques(layout.compartment, TieKind.NEIGHBOUR),
        _section_acquaintances(layout.section, params.neighbours_per_person, rng),
        _work_teams(layout.department, params.team_size, rng),
        _friendships(layout.section, params.friends_per_person, params.friend_cross_section, rng),
    ]
    a = np.concatenate([p[0] for p in parts])
    b = np.concatenate([p[1] for p in parts])
    kind = np.concatenate([np.full(len(p[0]), p[2], dtype=np.int64) for p in parts])
    keep = a != b
    return a[keep], b[keep], kind[keep]


def _cliques(group: np.ndarray, kind: TieKind, members: np.ndarray | None = None):
    """Tie everyone in each group to everyone else in it (group ids sorted by member).

    Pairs are enumerated by offset: member i of a group of size s is tied to members
    i+1..s-1, all in vectorised passes of one offset each.
    """
    if members is None:
        members = np.arange(len(group))
    if len(group) == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64), kind
    change = np.flatnonzero(np.diff(group)) + 1
    starts = np.concatenate([[0], change])
    sizes = np.diff(np.concatenate([starts, [len(group)]]))
    end_of = np.repeat(starts + sizes, sizes)
    index = np.arange(len(group))
    a_parts, b_parts = [], []
    for offset in range(1, int(sizes.max())):
        ok = index + offset < end_of
        a_parts.append(members[index[ok]])
        b_parts.append(members[index[ok] + offset])
    if not a_parts:
        return np.empty(0, np.int64), np.empty(0, np.int64), kind
    return np.concatenate(a_parts), np.concatenate(b_parts), kind


def _section_bounds(section: np.ndarray):
    """For each person, the start and size of their section's contiguous slot range."""
    change = np.flatnonzero(np.diff(section)) + 1
    starts = np.concatenate([[0], change])
    sizes = np.diff(np.concatenate([starts, [len(section)]]))
    return np.repeat(starts, sizes), np.repeat(sizes, sizes)


def _section_acquaintances(section: np.ndarray, k: int, rng: np.random.Generator):
    """Each person meets k random others of their own section."""
    n = len(section)
    start, size = _section_bounds(section)
    a = np.repeat(np.arange(n), k)
    b = np.repeat(start, k) + (rng.random(n * k) * np.repeat(size, k)).astype(np.int64)
    return a, b, TieKind.NEIGHBOUR


def _work_teams(department: np.ndarray, team_size: int, rng: np.random.Generator):
    """Split each department into teams of team_size; team-mates are all tied."""
    workers = np.flatnonzero(department != Department.NONE)
    order = workers[np.lexsort((rng.random(len(workers)), department[workers]))]
    dept = department[order].astype(np.int64)
    rank = np.arange(len(order)) - np.searchsorted(dept, dept)  # position within department
    team = dept * (len(order) + 1) + rank // team_size
    return _cliques(team, TieKind.COWORKER, members=order)


def _friendships(section: np.ndarray, k: int, p_cross: float, rng: np.random.Generator):
    """Watts-Strogatz friendships: a ring of degree k within each section (in random order),
    each tie's far end rewired with probability p_cross to anyone aboard."""
    n = len(section)
    half = k // 2
    if half == 0 or n < 2:
        return np.empty(0, np.int64), np.empty(0, np.int64), TieKind.FRIEND
    order = np.lexsort((rng.random(n), section))  # people of each section, shuffled
    start, size = _section_bounds(section)
    position = np.arange(n) - start
    a = np.repeat(order, half)
    step = np.tile(np.arange(1, half + 1), n)
    far = np.repeat(start, half) + (np.repeat(position, half) + step) % np.repeat(size, half)
    b = order[far]
    rewire = rng.random(len(b)) < p_cross
    b[rewire] = rng.integers(0, n, rewire.sum())
    return a, b, TieKind.FRIEND
