r"""Per-day metrics, the cohesion index, and the morale-collapse event.

Cohesion is the geometric mean of three parts, each in [0, 1]:

.. math::

    C = \left(\bar T \cdot \bar F \cdot (1 - \bar G)\right)^{1/3}

with :math:`\bar T` the mean trust in the leadership, :math:`\bar F` the voters' mean faith
in the current mission (belief while the mission is to continue, 1 - belief once diverted)
and :math:`\bar G` the mean grief. The geometric mean lets any one part's failure sink the
ship's cohesion, as the story has it ("if I lose faith, everyone does"). A morale collapse is
cohesion below ``collapse_level`` for ``collapse_days`` days in a row; it is recorded once,
on the day the spell completes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numba
import numpy as np

from model.crew import Vote

if TYPE_CHECKING:
    from model.crew_model import CrewModel

#: Columns of the per-day series, in order (besides ``day``).
SERIES_COLUMNS = (
    "alive",
    "voters",
    "support_continue",
    "mean_belief",
    "belief_variance",
    "bimodality",
    "cross_ties",
    "mean_trust",
    "mean_grief",
    "cohesion",
    "vote_change_requests",
    "petition_signatures",
    "deaths",
    "breaches",
    "births",
    "referendums",
    "mission_continue",
)


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


def measure(model: CrewModel, voters: np.ndarray, signatures: int) -> dict[str, float]:
    """Today's metrics. Cheap: a few passes over the arrays and one pass over the ties.

    Every figure is computed with the same floating-point operations in the same order as the
    plain numpy expressions in the comments (the model's outputs are bit-reproducible).
    """
    state = model.state
    alive = state.alive
    n_alive = int(np.count_nonzero(alive))
    n_voters = int(np.count_nonzero(voters))
    belief = state.belief[voters]
    cont = model.intention == Vote.CONTINUE
    if n_voters:
        support = float(np.count_nonzero(cont & voters)) / n_voters
        # belief.mean(), belief.var() and bimodality(belief) share their deviations
        mean = np.add.reduce(belief) / n_voters
        d = belief - mean
        d2 = d * d
        m2 = np.add.reduce(d2) / n_voters
        mean_belief, variance = float(mean), float(m2)
        bimodal = _bimodality_from_deviations(n_voters, d, d2, m2)
    else:
        support = mean_belief = variance = bimodal = float("nan")
    network = model.network
    W = network.adjacency
    total = network.total_weight()
    if total:
        # 2 * (W @ (cont & alive))[alive & ~cont].sum() / total, over the needed rows only
        continuing = (cont & alive).astype(float)
        wanted = alive & ~cont
        side = _cross_side_weights(
            W.indptr,
            W.indices,
            W.data,
            continuing,
            wanted,
            np.count_nonzero(wanted),
            W.nnz > FULL_SWEEP_ENTRIES,
        )
        cross = float(2.0 * np.add.reduce(side) / total)
    else:
        cross = 0.0
    trust = float(np.add.reduce(state.trust[alive]) / n_alive) if n_alive else 0.0
    grief = float(np.add.reduce(state.grief[alive]) / n_alive) if n_alive else 0.0
    mission_continue = model.mission == Vote.CONTINUE
    faith = mean_belief if mission_continue else 1.0 - mean_belief
    return {
        "alive": n_alive,
        "voters": n_voters,
        "support_continue": support,
        "mean_belief": mean_belief,
        "belief_variance": variance,
        "bimodality": bimodal,
        "cross_ties": cross,
        "mean_trust": trust,
        "mean_grief": grief,
        "cohesion": cohesion_index(trust, faith, grief) if n_voters else 0.0,
        "vote_change_requests": int(np.count_nonzero(state.requested & alive)),
        "petition_signatures": signatures,
        "deaths": model.counts["deaths"],
        "breaches": model.counts["breaches"],
        "births": model.counts["births"],
        "referendums": len(model.referendums) - 1,
        "mission_continue": bool(mission_continue),
    }


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
        columns: Names of the metrics recorded, in order (keys of ``model.today``).
    """

    def __init__(self, columns: tuple[str, ...] = SERIES_COLUMNS) -> None:
        super().__init__(model_reporters={name: TodayReporter(name) for name in columns})
        self._columns = [(name, self.model_vars[name]) for name in columns]

    def collect(self, model: CrewModel) -> None:
        """Record today's metrics (one value per column)."""
        self._collection_steps.append(model.time)
        today = model.today
        for name, values in self._columns:
            values.append(today[name])


class CollapseWatch:
    """Detects a sustained spell of critical cohesion (a morale collapse)."""

    def __init__(self, level: float, days: int) -> None:
        self.level, self.days = level, days
        self.spell = 0
        self.collapse_day: int | None = None

    def update(self, day: int, cohesion: float) -> bool:
        """Feed today's cohesion; True on the day a collapse is first confirmed."""
        self.spell = self.spell + 1 if cohesion < self.level else 0
        if self.collapse_day is None and self.spell >= self.days:
            self.collapse_day = day
            return True
        return False
