r"""Find where the probability of an outcome crosses 50% along one parameter.

The search fits a logistic curve :math:`P(x) = \mathrm{expit}(\beta (t - \theta))` to binary
outcomes, with :math:`t` the parameter scaled to [0, 1] over the search range, by maximum
likelihood, and bounds :math:`\theta` by its profile likelihood: the 95% confidence
interval is the set of :math:`\theta` with :math:`2(\ell_{max} - \ell_p(\theta)) \le 3.84`
(:math:`\chi^2_1`). It starts with a coarse uniform batch over the range, then places each
new batch of replicated runs inside the current interval (widened a little), where a run is
most informative about the crossing, and stops when the interval is narrower than the
requested width or the run budget is spent. A uniform grid spends most of its runs far from
the boundary, where outcomes are nearly certain and tell little about it; see
:func:`grid_search` and the tests for the comparison at equal accuracy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import expit, log_expit

#: chi-square(1) 95% quantile.
CHI2_95 = 3.841458820694124
#: Slopes tried in the profile (per unit of the scaled range), log-spaced.
_SLOPES = np.geomspace(0.5, 2000.0, 160)

#: ``evaluate(xs, seeds) -> outcomes``: run the scenario at each value with each seed.
Evaluate = Callable[[np.ndarray, list[int]], np.ndarray]


@dataclass
class ThresholdResult:
    """The crossing estimate, its 95% confidence interval and the runs behind it."""

    parameter: str
    low: float
    high: float
    estimate: float
    ci_low: float
    ci_high: float
    slope: float
    increasing: bool
    converged: bool
    message: str
    runs: pd.DataFrame = field(repr=False)
    #: whether the fitted probability crosses 50% inside the range (else no estimate holds)
    crosses: bool = True

    @property
    def n_runs(self) -> int:
        return len(self.runs)

    @property
    def width(self) -> float:
        return self.ci_high - self.ci_low

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (without the runs)."""
        return {
            "parameter": self.parameter,
            "low": self.low,
            "high": self.high,
            "estimate": self.estimate,
            "ci95": [self.ci_low, self.ci_high],
            "slope_per_unit": self.slope,
            "increasing": self.increasing,
            "converged": self.converged,
            "crosses": self.crosses,
            "runs": self.n_runs,
            "message": self.message,
        }


@dataclass
class LogisticFit:
    """Maximum-likelihood logistic fit in scaled units, with the profile interval of theta."""

    theta: float
    beta: float
    ci: tuple[float, float]
    crosses: bool


def fit_logistic(t: np.ndarray, y: np.ndarray) -> LogisticFit:
    """Fit ``P = expit(beta (t - theta))`` and the profile-likelihood 95% interval of theta.

    Parameters
    ----------
    t
        Parameter values scaled to [0, 1].
    y
        Outcomes (0 or 1).
    """
    t = np.asarray(t, dtype=float)
    y = np.asarray(y, dtype=float)
    # Runs at the same value are one binomial observation: (value, successes, trials).
    values, inverse = np.unique(t, return_inverse=True)
    wins = np.bincount(inverse, weights=y, minlength=len(values))
    trials = np.bincount(inverse, minlength=len(values)).astype(float)
    data = (values, wins, trials - wins)
    # Coarse profile over the whole range, then a fine one around the interval.
    thetas = np.linspace(-0.05, 1.05, 111)
    profile, slopes = _best_profile(data, thetas, _SLOPES[::2])
    top = profile.max()
    near = thetas[2.0 * (top - profile) <= CHI2_95 + 2.0]
    step = thetas[1] - thetas[0]
    thetas = np.linspace(near.min() - 2 * step, near.max() + 2 * step, 241)
    profile, slopes = _best_profile(data, thetas, _SLOPES)
    top = float(profile.max())
    i = int(np.argmax(profile))
    lo, hi = _interval_edges(thetas, 2.0 * (top - profile) <= CHI2_95, profile, top)
    theta = _vertex(thetas, profile, i)
    flat = _flat_loglik(y)
    # A crossing inside the range and a fit clearly better than "no dependence on x".
    crosses = bool(2.0 * (top - flat) > CHI2_95 and 0.0 <= theta <= 1.0)
    return LogisticFit(theta=theta, beta=float(slopes[i]), ci=(lo, hi), crosses=crosses)


def _best_profile(data, thetas: np.ndarray, slopes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The profile over thetas for the better of an increasing or a decreasing curve."""
    up, up_slopes = _profile(data, thetas, slopes)
    down, down_slopes = _profile(data, thetas, -slopes)
    return (up, up_slopes) if up.max() >= down.max() else (down, down_slopes)


def _profile(data, thetas: np.ndarray, slopes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Profile log-likelihood over thetas, maximised over slopes within the given range.

    The log-likelihood is concave in the slope for a fixed theta, so a start from the best
    of a coarse slope grid and a few Newton steps (kept inside the range) find the maximum.
    """
    values, wins, losses = data
    trials = wins + losses
    d = values[None, :] - thetas[:, None]  # [theta, value]
    coarse = slopes[:: max(len(slopes) // 12, 1)]
    ll = np.stack([_loglik(b * d, wins, losses) for b in coarse], axis=1)
    beta = coarse[ll.argmax(axis=1)]
    low, high = np.sort([slopes[0], slopes[-1]])
    for _ in range(25):
        p = expit(beta[:, None] * d)
        gradient = (d * (wins - trials * p)).sum(axis=1)
        curvature = (trials * d * d * p * (1 - p)).sum(axis=1)
        step = np.where(curvature > 1e-12, gradient / np.maximum(curvature, 1e-12), 0.0)
        new = np.clip(beta + step, low, high)
        if np.allclose(new, beta, rtol=1e-6, atol=1e-9):
            beta = new
            break
        beta = new
    return _loglik(beta[:, None] * d, wins, losses), beta


def _loglik(eta: np.ndarray, wins: np.ndarray, losses: np.ndarray) -> np.ndarray:
    return (wins * log_expit(eta) + losses * log_expit(-eta)).sum(axis=-1)


def _vertex(x: np.ndarray, f: np.ndarray, i: int) -> float:
    """Refine a grid maximum by the parabola through it and its neighbours."""
    if 0 < i < len(x) - 1:
        a, b, c = f[i - 1], f[i], f[i + 1]
        denominator = a - 2 * b + c
        if denominator < 0:
            shift = 0.5 * (a - c) / denominator
            return float(x[i] + np.clip(shift, -1, 1) * (x[1] - x[0]))
    return float(x[i])


def _flat_loglik(y: np.ndarray) -> float:
    p = float(np.clip(y.mean(), 1e-12, 1 - 1e-12))
    return float((y * np.log(p) + (1 - y) * np.log(1 - p)).sum())


def _interval_edges(
    thetas: np.ndarray, inside: np.ndarray, profile: np.ndarray, top: float
) -> tuple[float, float]:
    idx = np.flatnonzero(inside)
    first, last = idx[0], idx[-1]
    level = top - CHI2_95 / 2.0

    def edge(a: int, b: int) -> float:  # interpolate between an outside a and inside b
        pa, pb = profile[a], profile[b]
        if not np.isfinite(pa) or pb == pa:
            return float(thetas[b])
        w = (level - pa) / (pb - pa)
        return float(thetas[a] + w * (thetas[b] - thetas[a]))

    lo = edge(first - 1, first) if first > 0 else float(thetas[0])
    hi = edge(last + 1, last) if last < len(thetas) - 1 else float(thetas[-1])
    return lo, hi


# --- the search ------------------------------------------------------------------------------
def find_threshold(
    evaluate: Evaluate,
    low: float,
    high: float,
    *,
    parameter: str = "x",
    target_width: float | None = None,
    max_runs: int = 400,
    batch: int = 16,
    seed: int = 0,
    log: bool = False,
    integer: bool = False,
) -> ThresholdResult:
    """Adaptive search for the 50% crossing of a binary outcome's probability.

    Parameters
    ----------
    evaluate
        ``evaluate(xs, seeds)`` returns one 0/1 outcome per value (run with that seed).
    low, high
        Search range of the parameter.
    parameter
        Its name, for the report.
    target_width
        Stop when the 95% interval is narrower than this (parameter units); default 5% of
        the range.
    max_runs
        Run budget.
    batch
        Runs per round (run in parallel by ``evaluate``).
    seed
        Root seed: run seeds come from ``SeedSequence(seed)``, placement jitter from it too.
    log
        Search in log(parameter) (for rates spanning orders of magnitude).
    integer
        Round values to whole numbers.
    """
    if not high > low:
        raise ValueError(f"--low={low} and --high={high}: expected low < high")
    if log and low <= 0:
        raise ValueError(f"--low={low}: expected low > 0 with --log")
    scale = _Scale(low, high, log, integer)
    width_t = (target_width if target_width is not None else 0.05 * (high - low)) / (high - low)
    root = np.random.SeedSequence(seed)
    jitter = np.random.default_rng(root.spawn(1)[0])
    seeds = _SeedStream(root)
    t_all: list[np.ndarray] = []
    y_all: list[np.ndarray] = []
    rounds: list[np.ndarray] = []

    def run(t: np.ndarray) -> None:
        x = scale.to_x(t)
        t = scale.to_t(x)  # after rounding
        y = np.asarray(evaluate(x, seeds.take(len(x))), dtype=float)
        t_all.append(t)
        y_all.append(y)
        rounds.append(np.full(len(t), len(rounds)))

    first = max(batch, 8)
    run((np.arange(first) + 0.5) / first)
    fit = fit_logistic(np.concatenate(t_all), np.concatenate(y_all))
    message = ""
    while True:
        n = sum(len(t) for t in t_all)
        ts, ys = np.concatenate(t_all), np.concatenate(y_all)
        fit = fit_logistic(ts, ys)
        width = fit.ci[1] - fit.ci[0]
        if fit.crosses and width <= width_t:
            message = "converged"
            break
        if n >= max_runs:
            message = f"run budget of {max_runs} spent before the interval reached the target"
            break
        size = min(batch, max_runs - n)
        if fit.crosses:
            lo, hi = fit.ci
            pad = 0.25 * (hi - lo) + 0.5 / max(abs(fit.beta), 1e-9)
            lo, hi = max(lo - pad, 0.0), min(hi + pad, 1.0)
        else:  # no evident crossing yet: keep covering the whole range
            lo, hi = 0.0, 1.0
        offset = jitter.random()
        run(lo + (hi - lo) * (np.arange(size) + offset) / size)
    runs = pd.DataFrame(
        {
            parameter: scale.to_x(np.concatenate(t_all)),
            "outcome": np.concatenate(y_all).astype(bool),
            "round": np.concatenate(rounds),
            "seed": seeds.issued,
        }
    )
    converged = message == "converged"
    if not fit.crosses:
        message = (
            f"the outcome's probability shows no 50% crossing between {low:g} and {high:g} "
            f"({int(ys.sum())} of {len(ys)} runs had the outcome)"
        )
    return ThresholdResult(
        parameter=parameter,
        low=low,
        high=high,
        estimate=float(scale.to_x_float(fit.theta)),
        ci_low=float(scale.to_x_float(max(fit.ci[0], 0.0))),
        ci_high=float(scale.to_x_float(min(fit.ci[1], 1.0))),
        slope=float(fit.beta),
        increasing=fit.beta > 0,
        converged=converged and fit.crosses,
        message=message,
        runs=runs,
        crosses=fit.crosses,
    )


def grid_search(
    evaluate: Evaluate,
    low: float,
    high: float,
    *,
    points: int = 21,
    target_width: float,
    max_runs: int = 20_000,
    seed: int = 0,
) -> tuple[LogisticFit, int]:
    """The uniform-grid alternative: add one replicate at every grid point until the
    same 95% interval is narrower than ``target_width``; returns the fit and runs used."""
    grid_t = np.linspace(0.0, 1.0, points)
    seeds = _SeedStream(np.random.SeedSequence(seed))
    ts, ys = [], []
    width_t = target_width / (high - low)
    while True:
        x = low + grid_t * (high - low)
        ts.append(grid_t)
        ys.append(np.asarray(evaluate(x, seeds.take(points)), dtype=float))
        fit = fit_logistic(np.concatenate(ts), np.concatenate(ys))
        n = points * len(ts)
        if (fit.crosses and fit.ci[1] - fit.ci[0] <= width_t) or n >= max_runs:
            return fit, n


class _Scale:
    """Maps the parameter to [0, 1] (linearly or in logs) and back."""

    def __init__(self, low: float, high: float, log: bool, integer: bool) -> None:
        self.low, self.high, self.log, self.integer = low, high, log, integer
        self.a, self.b = (np.log(low), np.log(high)) if log else (low, high)

    def to_x_float(self, t: float) -> float:
        u = self.a + t * (self.b - self.a)
        return float(np.exp(u) if self.log else u)

    def to_x(self, t: np.ndarray) -> np.ndarray:
        x = np.array([self.to_x_float(float(v)) for v in np.clip(t, 0.0, 1.0)])
        return np.round(x) if self.integer else x

    def to_t(self, x: np.ndarray) -> np.ndarray:
        u = np.log(x) if self.log else x
        return (u - self.a) / (self.b - self.a)


class _SeedStream:
    """Run seeds: successive children of one SeedSequence, as 63-bit integers."""

    def __init__(self, root: np.random.SeedSequence) -> None:
        self.root = root
        self.issued: list[int] = []

    def take(self, n: int) -> list[int]:
        children = self.root.spawn(n)
        seeds = [int(c.generate_state(1, np.uint64)[0] >> np.uint64(1)) for c in children]
        self.issued.extend(seeds)
        return seeds


def synthetic_outcome(threshold: float, scale: float) -> Evaluate:
    """A known boundary: outcome 1 with probability expit((x - threshold) / scale)."""

    def evaluate(xs: np.ndarray, seeds: list[int]) -> np.ndarray:
        u = np.array([np.random.default_rng(s).random() for s in seeds])
        return (u < expit((np.asarray(xs) - threshold) / scale)).astype(int)

    return evaluate


# --- on the model ----------------------------------------------------------------------------
#: Binary outcomes of a run, by the name used on the command line.
OUTCOMES: dict[str, Callable[[dict[str, Any]], bool]] = {
    "collapse": lambda row: bool(row["collapsed"]),
    "divert": lambda row: row["mission"] == "divert",
    "referendum": lambda row: int(row["referendums_held"]) > 0,
}


class ModelOutcome:
    """``evaluate(xs, seeds)`` for the model: one run per value, on a kept backend.

    Parameters
    ----------
    parameter
        The varied model parameter.
    fixed
        Parameters held fixed.
    horizon_days
        Days each run lasts.
    outcome
        A key of :data:`OUTCOMES`.
    backend
        A backend from :func:`model.sweeps.runner.open_backend` (kept open by the caller).
    workers
        Used to size chunks.
    breach_at_start
        Optional breach on day 0 (deaths).
    posterior
        A calibration posterior (:func:`model.sweeps.uncertainty.load_posterior`): each run
        draws its calibrated parameters from it, seeded by its own seed, so the fitted curve
        is the outcome's probability averaged over the posterior and its interval carries
        parameter uncertainty as well as seed noise. The varied and fixed parameters win.
    """

    def __init__(
        self,
        parameter: str,
        fixed: dict[str, Any],
        horizon_days: int,
        outcome: str,
        backend,
        workers: int = 2,
        breach_at_start: int | None = None,
        posterior=None,
    ) -> None:
        from model.parameters import Parameters, describe
        from model.sweeps.runner import RunSettings

        if outcome not in OUTCOMES:
            raise ValueError(
                f"--outcome={outcome!r} is invalid: expected one of {', '.join(OUTCOMES)}"
            )
        kind = describe(parameter)["type"]
        if kind not in (int, float):
            raise ValueError(
                f"--vary={parameter}: expected a numeric parameter, not {kind.__name__}"
            )
        if parameter in fixed:
            raise ValueError(f"--fixed {parameter}: the varied parameter cannot also be fixed")
        Parameters.from_mapping(fixed)
        self.parameter, self.fixed, self.outcome = parameter, dict(fixed), outcome
        self.integer = kind is int
        self.settings = RunSettings(horizon_days=horizon_days, breach_at_start=breach_at_start)
        self.backend, self.workers = backend, max(workers, 1)
        self.posterior = posterior
        self.rows: list[dict[str, Any]] = []

    @property
    def overridden(self) -> list[str]:
        """Posterior parameters set here (varied or fixed): they keep this search's values."""
        if self.posterior is None:
            return []
        own = {self.parameter, *self.fixed}
        return [n for n in self.posterior.names if n in own]

    def uncertainty_note(self) -> str:
        """What the interval includes, in words."""
        if self.posterior is None:
            return "the interval includes seed noise only (every parameter held at one value)"
        drawn = [n for n in self.posterior.names if n not in self.overridden]
        return (
            "the interval includes seed noise and posterior parameter uncertainty: each run "
            f"drew {', '.join(drawn) or 'nothing'} from {self.posterior.folder} "
            f"({self.posterior.size} particles, effective sample size "
            f"{self.posterior.effective_sample_size:.0f})"
        )

    def drawn(self) -> pd.DataFrame:
        """Per run, in order: ``posterior_draw`` and the drawn parameters (empty without)."""
        if self.posterior is None:
            return pd.DataFrame(index=range(len(self.rows)))
        names = ["posterior_draw", *(n for n in self.posterior.names if n not in self.overridden)]
        return pd.DataFrame([{n: r.get(n) for n in names} for r in self.rows])

    def check(self, value: float) -> None:
        """Raise ValueError if the parameter cannot take ``value``."""
        from model.parameters import Parameters

        Parameters.from_mapping({**self.fixed, self.parameter: value})

    def __call__(self, xs: np.ndarray, seeds: list[int]) -> np.ndarray:
        from model.sweeps.runner import RunTask

        start = len(self.rows)
        tasks = [
            RunTask(
                run_id=start + i,
                point=start + i,
                replicate=0,
                params={**self.fixed, self.parameter: int(x) if self.integer else float(x)},
                seed=seed,
                spawn_key=start + i,
            )
            for i, (x, seed) in enumerate(zip(xs, seeds, strict=True))
        ]
        if self.posterior is not None:
            from model.sweeps.uncertainty import with_draws

            tasks = with_draws(tasks, self.posterior, {self.parameter, *self.fixed})
        size = max(1, -(-len(tasks) // self.workers))
        chunks = [tasks[i : i + size] for i in range(0, len(tasks), size)]
        rows: list[dict[str, Any]] = []
        for _, result in self.backend.map(chunks, self.settings):
            rows.extend(result.rows)
        rows.sort(key=lambda r: r["run_id"])
        for row in rows:
            if row["failed"]:
                raise ValueError(
                    f"a run at {self.parameter}={row[self.parameter]} failed: {row['error']}"
                )
        self.rows.extend(rows)
        judge = OUTCOMES[self.outcome]
        return np.array([judge(r) for r in rows], dtype=int)
