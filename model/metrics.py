r"""Per-day metrics, the cohesion index, and the collapse event.

Cohesion is the geometric mean of three parts, each in [0, 1]:

.. math::

    C = \left(\bar T \cdot \bar F \cdot (1 - \bar G)\right)^{1/3}

with :math:`\bar T` the mean trust in the leadership, :math:`\bar F` the voters' faith, their
mean agreement :math:`1 - |b_i - m|` with the mission *m* the ship is on, and :math:`\bar G` the
mean grief. Cohesion describes; it decides nothing. Collapse is behaviour
(:mod:`model.disengagement`): the disengaged share of the voters above ``collapse_level`` for
``collapse_days`` days in a row; it is recorded once, on the day the spell completes.

Every per-day metric is declared once below with
:func:`model.metric_registry.register_metric`: its name, type, unit, label, meaning, the UI
panel that shows it, its sweep outcome column, and how it is computed from the day's
:class:`Census`. :func:`measure` runs once a day, at collection.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

import mesa
import numba
import numpy as np

from model.crew import Vote
from model.metric_registry import (
    Level,
    metrics,
    register_metric,
    register_panel,
    series_columns,
)

if TYPE_CHECKING:
    from model.crew import CrewState
    from model.crew_model import CrewModel
    from model.network import SocialNetwork


def bimodality(x: np.ndarray) -> float:
    r"""Sarle's bimodality coefficient :math:`(g^2 + 1) / (k + 3(n-1)^2/((n-2)(n-3)))`.

    g is the sample skewness and k the sample excess kurtosis (bias-corrected). Values above
    5/9 (the uniform distribution's) suggest bimodality. NaN for fewer than 4 values or no
    spread.
    """
    n = len(x)
    if n < 4:
        return float("nan")
    d = x - x.mean()
    d2 = d * d  # plain ufuncs: BLAS dot wakes its thread pool and costs more than it saves
    return _bimodality_from_deviations(n, d, d2, d2.sum() / n)


def _bimodality_from_deviations(n: int, d: np.ndarray, d2: np.ndarray, m2: float) -> float:
    """Sarle's coefficient from the deviations d, their squares and m2 = mean(d2)."""
    if n < 4 or m2 <= 0:
        return float("nan")
    m3 = (d2 * d).sum() / n
    m4 = (d2 * d2).sum() / n
    g = np.sqrt(n * (n - 1)) / (n - 2) * m3 / m2**1.5
    k = (n - 1) / ((n - 2) * (n - 3)) * ((n + 1) * (m4 / m2**2 - 3) + 6)
    return float((g * g + 1) / (k + 3 * (n - 1) ** 2 / ((n - 2) * (n - 3))))


def cohesion_index(trust: float, faith: float, grief: float) -> float:
    """The cohesion index (see module doc)."""
    return float(np.cbrt(max(trust, 0.0) * max(faith, 0.0) * max(1.0 - grief, 0.0)))


#: Above this many stored tie entries a sweep over every row is faster than visiting only
#: the rows needed (measured: 30,000 crew, 0.7 M entries, visiting is 2x faster; 100,000
#: crew, 2.3 M entries, the sweep is 1.3x faster: the matrix outgrows the cache and skipping
#: rows at random defeats prefetching).
FULL_SWEEP_ENTRIES = 1_500_000


@numba.njit(cache=True)
def _cross_side_weights(indptr, indices, weights, continuing, wanted, n_wanted, sweep):
    """For each row i with ``wanted[i]``, in order: the weight of its ties to continuing
    people.

    The same products and the same order as scipy's ``csr_matvec`` (``W @ continuing``), so
    the sums are bit-identical. ``sweep``: compute every row (streams the matrix) rather than
    the wanted ones only.
    """
    out = np.empty(n_wanted)
    r = 0
    for i in range(len(indptr) - 1):
        if sweep or wanted[i]:
            total = 0.0
            for k in range(indptr[i], indptr[i + 1]):
                total += weights[k] * continuing[indices[k]]
            if wanted[i]:
                out[r] = total
                r += 1
    return out


def disengaged_share(disengaged: np.ndarray, voters: np.ndarray, n_voters: int) -> float:
    """Share of the ``n_voters`` voters who are disengaged (0 without voters): the figure the
    collapse watch reads every day, kept series row or not."""
    if not n_voters:
        return 0.0
    return float(np.count_nonzero(disengaged & voters)) / n_voters


class Census:
    """What today's metrics read, gathered once: the crew's state, the ties, the intended
    votes, the voters, the mission, the running counts and the petition.

    The shared intermediate figures (the voters' belief moments, the cross-side ties, the
    living's mean trust and grief) are computed on first use and kept, so each is computed
    once a day whichever metrics ask for it. Every figure uses the same floating-point
    operations in the same order as the plain numpy expression in its comment (the model's
    outputs are bit-reproducible).

    Args:
        state: The crew's state arrays.
        network: The social network.
        intention: The vote each slot would cast today (Vote values).
        voters: Mask of the living of voting age.
        mission_continue: The mission is to continue to Tau Ceti.
        counts: Running counts since day 0 (``deaths``, ``breaches``, ``births``).
        held_referendums: Referendums held since day 0 (the recorded one excluded).
        signatures: Today's petition signatures.
        backlog: The maintenance backlog (days of ship-wide work).
    """

    def __init__(
        self,
        state: CrewState,
        network: SocialNetwork,
        intention: np.ndarray,
        voters: np.ndarray,
        mission_continue: bool,
        counts: dict[str, int],
        held_referendums: int,
        signatures: int,
        backlog: float = 0.0,
    ) -> None:
        self.backlog = backlog
        self.state = state
        self.network = network
        self.intention = intention
        self.voters = voters
        self.mission_continue = mission_continue
        self.counts = counts
        self.held_referendums = held_referendums
        self.signatures = signatures

    @classmethod
    def of(cls, model: CrewModel) -> Census:
        """Today's census of a model."""
        return cls(
            model.state,
            model.network,
            model.intention,
            model.voters(),
            model.mission == Vote.CONTINUE,
            model.counts,
            len(model.held_referendums),
            model._signatures,  # the petition count the model keeps
            model.disengagement.backlog,
        )

    @cached_property
    def alive(self) -> np.ndarray:
        """Mask of the living."""
        return self.state.alive

    @cached_property
    def n_alive(self) -> int:
        """How many are alive."""
        return int(np.count_nonzero(self.alive))

    @cached_property
    def n_voters(self) -> int:
        """How many are voters."""
        return int(np.count_nonzero(self.voters))

    @cached_property
    def continuing(self) -> np.ndarray:
        """Mask of those who would vote to continue."""
        return self.intention == Vote.CONTINUE

    @cached_property
    def support(self) -> float:
        """Share of the voters who would vote to continue (NaN without voters)."""
        if not self.n_voters:
            return float("nan")
        return float(np.count_nonzero(self.continuing & self.voters)) / self.n_voters

    @cached_property
    def belief_moments(self) -> tuple[float, float, float]:
        """The voters' mean belief, its variance and bimodality (NaN without voters)."""
        n = self.n_voters
        if not n:
            return float("nan"), float("nan"), float("nan")
        belief = self.state.belief[self.voters]
        # belief.mean(), belief.var() and bimodality(belief) share their deviations
        mean = np.add.reduce(belief) / n
        d = belief - mean
        d2 = d * d
        m2 = np.add.reduce(d2) / n
        return float(mean), float(m2), _bimodality_from_deviations(n, d, d2, m2)

    @cached_property
    def cross_ties(self) -> float:
        """Share of the ties' weight between those who would continue and those who would
        divert."""
        network = self.network
        total = network.total_weight()
        if not total:
            return 0.0
        # 2 * (W @ (cont & alive))[alive & ~cont].sum() / total, over the needed rows only
        W = network.adjacency
        alive, cont = self.alive, self.continuing
        wanted = alive & ~cont
        side = _cross_side_weights(
            W.indptr,
            W.indices,
            W.data,
            (cont & alive).astype(float),
            wanted,
            np.count_nonzero(wanted),
            W.nnz > FULL_SWEEP_ENTRIES,
        )
        return float(2.0 * np.add.reduce(side) / total)

    @cached_property
    def recorded_voters_share(self) -> float:
        """Share of the voters who voted in the recorded referendum (NaN without voters)."""
        n = self.n_voters
        if not n:
            return float("nan")
        return float(np.count_nonzero(self.state.voted_recorded & self.voters)) / n

    @cached_property
    def mean_trust(self) -> float:
        """The living's mean trust in the leadership (0 if nobody lives)."""
        n = self.n_alive
        return float(np.add.reduce(self.state.trust[self.alive]) / n) if n else 0.0

    @cached_property
    def mean_grief(self) -> float:
        """The living's mean grief (0 if nobody lives)."""
        n = self.n_alive
        return float(np.add.reduce(self.state.grief[self.alive]) / n) if n else 0.0

    @cached_property
    def faith(self) -> float:
        """The voters' mean agreement 1 - |belief - mission| of their own belief with the
        mission the ship is on (NaN without voters)."""
        n = self.n_voters
        if not n:
            return float("nan")
        mission = 1.0 if self.mission_continue else 0.0
        agreement = 1.0 - np.abs(self.state.belief[self.voters] - mission)
        return float(np.add.reduce(agreement) / n)

    @cached_property
    def disengaged_share(self) -> float:
        """Share of the voters who are disengaged (0 without voters)."""
        return disengaged_share(self.state.disengaged, self.voters, self.n_voters)

    @property
    def cohesion(self) -> float:
        """The cohesion index (module doc); 0 without voters."""
        if not self.n_voters:
            return 0.0
        return cohesion_index(self.mean_trust, self.faith, self.mean_grief)


# --- the UI's chart panels, in page order ---------------------------------------------------
SUPPORT_PANEL = "Support for continuing (%)"
COHESION_PANEL = "Cohesion"
MOOD_PANEL = "Trust and grief"
PETITION_PANEL = "Vote-change requests and petition"

register_panel(
    SUPPORT_PANEL,
    title="Support for continuing (C/D pins: referendums)",
    y_name="% of voters",
    y_range=(0, 100),
    decimals=1,
    levels=(Level("50%", 50.0),),
    marks=("referendums",),
    png_name="support",
)
register_panel(
    COHESION_PANEL,
    title="Cohesion and the disengaged (collapse: disengaged above the level for days)",
    y_name="cohesion; share of voters (0 to 1)",
    y_range=(0, 1),
    levels=(Level("collapse level", "collapse_level"),),
    marks=("collapse",),
    png_name="cohesion",
)
register_panel(
    MOOD_PANEL,
    title="Trust and grief (crew means)",
    y_name="mean (0 to 1)",
    y_range=(0, 1),
    png_name="trust_grief",
)
register_panel(
    PETITION_PANEL,
    title="Standing vote-change requests and petition",
    y_name="voters",
    y_range=(0, None),
    decimals=0,
    png_name="requests",
)

# --- the built-in metrics, in series order --------------------------------------------------
register_metric(
    "alive",
    dtype="int",
    unit="people",
    label="alive",
    description="People alive aboard.",
    compute=lambda c: c.n_alive,
    outcome="final_alive",
)
register_metric(
    "voters",
    dtype="int",
    unit="people",
    label="voters",
    description="The living of voting age.",
    compute=lambda c: c.n_voters,
)
register_metric(
    "support_continue",
    dtype="float",
    unit="share 0-1",
    label="support",
    description="Share of the voters who would vote to continue to Tau Ceti today.",
    compute=lambda c: c.support,
    panel=SUPPORT_PANEL,
    outcome="final_support",
    colour="#2166ac",  # ui.colours.CONTINUE
    scale=100.0,
)
register_metric(
    "mean_belief",
    dtype="float",
    unit="belief 0-1",
    label="mean belief",
    description="The voters' mean belief that the mission should continue.",
    compute=lambda c: c.belief_moments[0],
)
register_metric(
    "belief_variance",
    dtype="float",
    unit="belief squared",
    label="belief variance",
    description="Variance of the voters' beliefs (population variance).",
    compute=lambda c: c.belief_moments[1],
)
register_metric(
    "bimodality",
    dtype="float",
    unit="1",
    label="bimodality",
    description="Sarle's bimodality coefficient of the voters' beliefs; above 5/9 suggests "
    "two camps.",
    compute=lambda c: c.belief_moments[2],
)
register_metric(
    "cross_ties",
    dtype="float",
    unit="share 0-1",
    label="cross-camp ties",
    description="Share of the ties' weight joining someone who would continue to someone "
    "who would divert.",
    compute=lambda c: c.cross_ties,
)
register_metric(
    "mean_trust",
    dtype="float",
    unit="trust 0-1",
    label="mean trust",
    description="The living's mean trust in the leadership.",
    compute=lambda c: c.mean_trust,
    panel=MOOD_PANEL,
    outcome="final_trust",
    colour="#5e3c99",
)
register_metric(
    "mean_grief",
    dtype="float",
    unit="grief 0-1",
    label="mean grief",
    description="The living's mean grief.",
    compute=lambda c: c.mean_grief,
    panel=MOOD_PANEL,
    colour="#d01c8b",
)
register_metric(
    "faith",
    dtype="float",
    unit="agreement 0-1",
    label="faith",
    description="The voters' mean agreement 1 - |belief - mission| of their own belief with "
    "the mission the ship is on.",
    compute=lambda c: c.faith,
)
register_metric(
    "cohesion",
    dtype="float",
    unit="index 0-1",
    label="cohesion",
    description="Geometric mean of trust, faith in the mission and 1 - grief (module doc).",
    compute=lambda c: c.cohesion,
    panel=COHESION_PANEL,
    outcome="final_cohesion",
    colour="#1b7837",
)
register_metric(
    "disengaged_share",
    dtype="float",
    unit="share 0-1",
    label="disengaged",
    description="Share of the voters who have withdrawn from work and ties "
    "(model/disengagement.py); above collapse_level for collapse_days days is a collapse.",
    compute=lambda c: c.disengaged_share,
    panel=COHESION_PANEL,
    outcome="final_disengaged",
    colour="#b35806",
    dashed=True,
)
register_metric(
    "maintenance_backlog",
    dtype="float",
    unit="days of work",
    label="maintenance backlog",
    description="Ship-wide routine work left undone because the disengaged stopped working.",
    compute=lambda c: c.backlog,
    outcome="final_backlog",
)
register_metric(
    "vote_change_requests",
    dtype="int",
    unit="people",
    label="standing requests",
    description="The living who asked to change their vote since the last referendum.",
    compute=lambda c: int(np.count_nonzero(c.state.requested & c.alive)),
    panel=PETITION_PANEL,
    colour="#762a83",
)
register_metric(
    "petition_signatures",
    dtype="int",
    unit="people",
    label="petition signatures",
    description="Signatures on the petition for a new referendum today.",
    compute=lambda c: c.signatures,
    panel=PETITION_PANEL,
    colour="#4d4d4d",
    dashed=True,
)
register_metric(
    "deaths",
    dtype="int",
    unit="people since day 0",
    label="deaths",
    description="Deaths since day 0, every cause.",
    compute=lambda c: c.counts["deaths"],
    outcome="deaths",
)
register_metric(
    "breaches",
    dtype="int",
    unit="breaches since day 0",
    label="breaches",
    description="Hull breaches since day 0.",
    compute=lambda c: c.counts["breaches"],
    outcome="breaches",
)
register_metric(
    "births",
    dtype="int",
    unit="people since day 0",
    label="births",
    description="Births since day 0.",
    compute=lambda c: c.counts["births"],
    outcome="births",
)
register_metric(
    "referendums",
    dtype="int",
    unit="referendums since day 0",
    label="referendums held",
    description="Referendums held since day 0 (the recorded one before day 0 excluded).",
    compute=lambda c: c.held_referendums,
    outcome="referendums_held",
)
register_metric(
    "mission_continue",
    dtype="bool",
    unit="yes/no",
    label="mission continues",
    description="The mission is to continue to Tau Ceti (false once diverted).",
    compute=lambda c: c.mission_continue,
)
register_metric(
    "recorded_voters_share",
    dtype="float",
    unit="share 0-1",
    label="voted in the recorded referendum",
    description="Share of the voters who voted in the recorded referendum before day 0: it "
    "falls as those born aboard since come of age and the start's crew die (NaN without "
    "voters).",
    compute=lambda c: c.recorded_voters_share,
    outcome="final_recorded_voters_share",
)


def measure(model: CrewModel) -> dict[str, Any]:
    """Today's value of every declared metric, in declaration order.

    Cheap: a few passes over the arrays and one pass over the ties, shared by the metrics
    through one :class:`Census`.
    """
    census = Census.of(model)
    return {m.name: m.python_type(m.compute(census)) for m in metrics()}


class TodayReporter:
    """Model reporter of one column of today's metrics (``model.today[name]``); picklable."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, model: CrewModel) -> float:
        return model.today[self.name]


class DailyRecorder(mesa.DataCollector):
    """The daily series as a Mesa DataCollector that appends ``model.today`` directly.

    Mesa's ``collect`` calls each reporter and deep-copies its value, 17 times a day; the
    metrics are already plain Python scalars in ``model.today``, so this appends them as they
    are (about 10x cheaper) and builds no frame until asked. Everything else is Mesa's:
    ``model_vars``, ``get_model_vars_dataframe()``, tables. Unlike lambda reporters, the
    recorder pickles with its model.

    Args:
        columns: Names of the metrics recorded, in order (keys of ``model.today``); by
            default every declared metric.
    """

    def __init__(self, columns: tuple[str, ...] | None = None) -> None:
        if columns is None:
            columns = series_columns()
        super().__init__(model_reporters={name: TodayReporter(name) for name in columns})
        self._columns = [(name, self.model_vars[name]) for name in columns]

    def collect(self, model: CrewModel) -> None:
        """Record today's metrics (one value per column)."""
        self._collection_steps.append(model.time)
        today = model.today
        for name, values in self._columns:
            values.append(today[name])


class CollapseWatch:
    """Detects a sustained spell of mass disengagement (the ship's collapse).

    The ship is in collapse on a day its disengaged share of voters exceeds ``level``; a spell
    of ``days`` such days in a row is a collapse, recorded once, on the day it completes.
    """

    def __init__(self, level: float, days: int) -> None:
        self.level, self.days = level, days
        self.spell = 0
        self.collapse_day: int | None = None

    def update(self, day: int, disengaged_share: float) -> bool:
        """Feed today's disengaged share; True on the day a collapse is first confirmed."""
        self.spell = self.spell + 1 if disengaged_share > self.level else 0
        if self.collapse_day is None and self.spell >= self.days:
            self.collapse_day = day
            return True
        return False
