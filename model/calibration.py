"""Calibration to the story by approximate Bayesian computation (ABC-SMC, pyabc).

A calibration file (``experiments/story_calibration.toml``) declares the priors over unknown
parameters, the scenario each simulation runs, the fitted summary statistics with their
observed values and scales, the distance, the population size and stopping rule, the root
seed and the held-out patterns (measured on posterior draws, never fitted).

Distance (``pnorm``)::

    d(s, s_obs) = ( sum_k |(s_k - s_obs_k) / scale_k|^p )^(1/p)

ABC-SMC (Toni et al. 2009; Klinger, Rickert & Hasenauer 2018, pyabc) accepts a particle when
``d <= epsilon_t``; epsilon falls generation by generation (median of the last population's
distances) until ``min_epsilon``, ``max_generations`` or ``max_simulations`` is reached.

Seeds: a simulation at parameters theta runs with the seed
``SeedSequence([root_seed, tag, *sha256(theta)])``, so the same theta always gives the same
statistics; the truth of ``--truth`` and the posterior-predictive draws use their own tags.
Which particles pyabc proposes is not reproducible across runs with several workers (its
worker processes reseed numpy), only each simulation is.

Outputs in ``--out DIR``: ``history.db`` (pyabc's SQLite history; a rerun resumes from it),
``posterior.parquet``, ``summary.json``, ``figures/``. A bad file raises :class:`SpecError`
naming the file and key.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from model.parameters import Parameters, describe, unknown_message
from model.sweeps.spec import SpecError, _check_value, _unknown

DISTRIBUTIONS = ("uniform", "log_uniform", "truncated_normal")
DISTANCES = ("pnorm", "adaptive_pnorm")
TOP_KEYS = ("name", "description", "root_seed", "scenario", "priors", "statistics")
TOP_KEYS += ("distance", "abc", "heldout")
ABC_KEYS = ("population_size", "min_epsilon", "max_generations", "max_simulations")
ABC_KEYS += ("predictive_draws",)

#: Statistics a simulation reports. Requests are breach minus a same-seed no-breach control.
STATISTICS: dict[str, str] = {
    "requests_day_1": "extra vote-change requests by the end of day 1",
    "requests_day_2": "extra vote-change requests by the end of day 2",
    "requests_at_horizon": "extra vote-change requests at the horizon",
    "share_by_day_2": "share of the horizon's extra requests filed by day 2",
    "support_day_2": "support for continuing on day 2 (breach run)",
    "support_at_horizon": "support for continuing at the horizon (breach run)",
    "trust_drop": "mean trust, control minus breach, at the horizon",
    "referendums_at_horizon": "referendums held by the horizon (breach run)",
    "collapsed": "1 if morale collapsed by the horizon (breach run), else 0",
    "share_toward_divert": "share of the extra requests from 'continue' voters",
}

#: Seed tags: simulations in the ABC, the truth of --truth, posterior-predictive draws.
TAG_ABC, TAG_TRUTH, TAG_PREDICTIVE = 0, 1, 2


@dataclass(frozen=True)
class Prior:
    """A prior over one parameter: uniform, log-uniform or truncated normal on [low, high]."""

    name: str
    distribution: str
    low: float
    high: float
    mean: float | None = None
    sd: float | None = None

    def scipy_args(self) -> tuple[str, tuple[float, ...]]:
        """scipy.stats name and arguments (as pyabc's ``RV`` takes them)."""
        if self.distribution == "uniform":
            return "uniform", (self.low, self.high - self.low)
        if self.distribution == "log_uniform":
            return "loguniform", (self.low, self.high)
        assert self.mean is not None and self.sd is not None
        a, b = (self.low - self.mean) / self.sd, (self.high - self.mean) / self.sd
        return "truncnorm", (a, b, self.mean, self.sd)

    def frozen(self):
        """The prior as a frozen scipy distribution."""
        import scipy.stats

        name, args = self.scipy_args()
        return getattr(scipy.stats, name)(*args)

    def interval(self, level: float = 0.95) -> tuple[float, float]:
        """Central prior interval."""
        lo, hi = self.frozen().ppf([(1 - level) / 2, (1 + level) / 2])
        return float(lo), float(hi)


@dataclass(frozen=True)
class Statistic:
    """A summary statistic with its observed value (fitted: with its distance scale)."""

    name: str
    observed: float
    scale: float = 1.0
    source: str = ""


@dataclass(frozen=True)
class Calibration:
    """A parsed, validated calibration file."""

    name: str
    root_seed: int
    horizon_days: int
    breach_deaths: int
    fixed: dict[str, Any]
    priors: tuple[Prior, ...]
    statistics: tuple[Statistic, ...]
    heldout: tuple[Statistic, ...] = ()
    distance: str = "pnorm"
    p: float = 2.0
    population_size: int = 100
    min_epsilon: float = 0.0
    max_generations: int = 5
    max_simulations: int = 10_000
    predictive_draws: int = 50
    description: str = ""
    source: str = field(default="", repr=False)

    @property
    def parameter_names(self) -> list[str]:
        return [p.name for p in self.priors]

    @property
    def observed(self) -> dict[str, float]:
        return {s.name: s.observed for s in self.statistics}

    def digest(self) -> str:
        """Fingerprint of what the calibration is (not of comments)."""
        payload = repr((self.root_seed, self.horizon_days, self.breach_deaths, self.fixed))
        payload += repr((self.priors, self.statistics, self.distance, self.p))
        payload += repr((self.population_size, self.min_epsilon))
        return hashlib.sha256(payload.encode()).hexdigest()[:16]


# --- parsing ---------------------------------------------------------------------------------
def load_calibration(path: str | Path) -> Calibration:
    """Read and validate a calibration file; :class:`SpecError` names the key that is wrong."""
    path = Path(path)
    try:
        text = path.read_text()
    except OSError as exc:
        raise SpecError(f"{path}: cannot read the calibration file ({exc.strerror})") from None
    return parse_calibration(text, label=str(path), default_name=path.stem)


def parse_calibration(text: str, label: str = "calibration", default_name: str = "") -> Calibration:
    """Parse and validate the TOML text of a calibration (see the module doc)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(f"{label}: not valid TOML: {exc}") from None

    def bad(key: str, expected: str, got: Any = None, show: bool = True) -> SpecError:
        return SpecError(
            f"{label}: {key}: expected {expected}" + (f", got {got!r}" if show else "")
        )

    def keys(table: dict[str, Any], where: str, allowed) -> None:
        for key in table:
            if key not in allowed:
                name = f"{where}.{key}" if where else key
                raise SpecError(f"{label}: {_unknown(name, allowed, 'key')}")

    def table(parent: dict[str, Any], key: str, where: str, required: bool = False) -> dict:
        if key not in parent:
            if required:
                raise bad(where, "this table (it is required)", show=False)
            return {}
        value = parent[key]
        if not isinstance(value, dict):
            raise bad(where, f"a table [{where}]", value)
        return value

    def number(where: str, value: Any, low: float | None = None, strict: bool = False) -> float:
        ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        if ok and low is not None:
            ok = value > low if strict else value >= low
        if not ok:
            limit = "" if low is None else f" {'>' if strict else '>='} {low:g}"
            raise bad(where, f"a number{limit}", value)
        return float(value)

    def whole(where: str, value: Any, low: int, high: int) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise bad(where, f"a whole number {low} to {high}", value)
        return int(value)

    keys(data, "", TOP_KEYS)
    if "root_seed" not in data:
        raise bad("root_seed", "this key (it is required)", show=False)
    root_seed = whole("root_seed", data["root_seed"], 0, 2**63 - 1)
    name = data.get("name", default_name) or "calibration"
    if not isinstance(name, str):
        raise bad("name", "text", name)
    description = data.get("description", "")
    if not isinstance(description, str):
        raise bad("description", "text", description)

    scenario = table(data, "scenario", "scenario", required=True)
    keys(scenario, "scenario", ("horizon_days", "breach_deaths", "fixed"))
    if "horizon_days" not in scenario:
        raise bad("scenario.horizon_days", "this key (it is required)", show=False)
    horizon = whole("scenario.horizon_days", scenario["horizon_days"], 2, 3650)
    breach = whole("scenario.breach_deaths", scenario.get("breach_deaths", 3), 0, 1000)
    fixed: dict[str, Any] = {}
    for key, value in table(scenario, "fixed", "scenario.fixed").items():
        _declared(label, f"scenario.fixed.{key}", key)
        fixed[key] = _check_value(label, f"scenario.fixed.{key}", key, value, {})

    priors_raw = table(data, "priors", "priors", required=True)
    if not priors_raw:
        raise bad("priors", "at least one prior", show=False)
    priors = []
    for key, value in priors_raw.items():
        where = f"priors.{key}"
        decl = _declared(label, where, key)
        if key in fixed:
            raise SpecError(f"{label}: {where}: a parameter is either fixed or has a prior")
        if decl["type"] is not float:
            raise bad(
                where, f"a real-valued parameter ({key} is {decl['type'].__name__})", show=False
            )
        if not isinstance(value, dict):
            raise bad(where, "a table with distribution, low, high", value)
        kind = value.get("distribution")
        if kind not in DISTRIBUTIONS:
            raise bad(f"{where}.distribution", "one of " + ", ".join(DISTRIBUTIONS), kind)
        allowed = ("distribution", "low", "high") + (
            ("mean", "sd") if kind == "truncated_normal" else ()
        )
        keys(value, where, allowed)
        for k in allowed[1:]:
            if k not in value:
                raise bad(f"{where}.{k}", f"this key (a {kind} prior needs it)", show=False)
        low = number(
            f"{where}.low",
            value["low"],
            0.0 if kind == "log_uniform" else None,
            strict=kind == "log_uniform",
        )
        high = number(f"{where}.high", value["high"])
        for end, v in (("low", low), ("high", high)):
            _check_value(label, f"{where}.{end}", key, v, decl)
        if not low < high:
            raise SpecError(
                f"{label}: {where}: expected low < high, got low={low!r}, high={high!r}"
            )
        mean = sd = None
        if kind == "truncated_normal":
            mean = number(f"{where}.mean", value["mean"])
            sd = number(f"{where}.sd", value["sd"], 0.0, strict=True)
        priors.append(Prior(key, kind, low, high, mean, sd))

    def statistics(key: str, fitted: bool) -> list[Statistic]:
        found = []
        for stat, value in table(data, key, key, required=fitted).items():
            where = f"{key}.{stat}"
            if stat not in STATISTICS:
                raise SpecError(f"{label}: {where}: {_unknown(stat, STATISTICS, 'statistic')}")
            if not isinstance(value, dict):
                raise bad(where, "a table with observed" + (", scale" if fitted else ""), value)
            allowed = ("observed", "scale", "source") if fitted else ("observed", "source")
            keys(value, where, allowed)
            if "observed" not in value:
                raise bad(f"{where}.observed", "this key (the story's value)", show=False)
            observed = number(f"{where}.observed", value["observed"])
            scale = number(f"{where}.scale", value.get("scale", 1.0), 0.0, strict=True)
            source = value.get("source", "")
            if not isinstance(source, str):
                raise bad(f"{where}.source", "text", source)
            found.append(Statistic(stat, observed, scale, source))
        return found

    fitted = statistics("statistics", True)
    if not fitted:
        raise bad("statistics", "at least one fitted statistic", show=False)
    heldout = statistics("heldout", False)
    both = {s.name for s in fitted} & {s.name for s in heldout}
    if both:
        raise SpecError(
            f"{label}: heldout.{sorted(both)[0]}: a statistic is fitted or held out, not both"
        )

    distance = table(data, "distance", "distance")
    keys(distance, "distance", ("kind", "p"))
    kind = distance.get("kind", "pnorm")
    if kind not in DISTANCES:
        raise bad("distance.kind", "one of " + ", ".join(DISTANCES), kind)
    p = number("distance.p", distance.get("p", 2), 1.0)

    abc = table(data, "abc", "abc")
    keys(abc, "abc", ABC_KEYS)
    calibration = Calibration(
        name=name,
        root_seed=root_seed,
        horizon_days=horizon,
        breach_deaths=breach,
        fixed=fixed,
        priors=tuple(priors),
        statistics=tuple(fitted),
        heldout=tuple(heldout),
        distance=kind,
        p=p,
        population_size=whole("abc.population_size", abc.get("population_size", 100), 10, 100_000),
        min_epsilon=number("abc.min_epsilon", abc.get("min_epsilon", 0.0), 0.0),
        max_generations=whole("abc.max_generations", abc.get("max_generations", 5), 1, 1000),
        max_simulations=whole("abc.max_simulations", abc.get("max_simulations", 10_000), 1, 10**9),
        predictive_draws=whole("abc.predictive_draws", abc.get("predictive_draws", 50), 2, 100_000),
        description=description,
        source=text,
    )
    midpoint = {p.name: (p.low + p.high) / 2 for p in calibration.priors}
    try:
        Parameters.from_mapping({**fixed, **midpoint})
    except ValueError as exc:
        raise SpecError(f"{label}: the scenario's parameters are invalid: {exc}") from None
    return calibration


def _declared(label: str, where: str, name: str) -> dict[str, Any]:
    try:
        return describe(name)
    except ValueError:
        known = list(Parameters.__dataclass_fields__)
        raise SpecError(f"{label}: {where}: {unknown_message(name, known)}") from None


def parse_truth(items: list[str], calibration: Calibration) -> dict[str, float]:
    """``NAME=VALUE`` items as a full parameter point; unnamed priors take their median."""
    truth = {p.name: float(p.frozen().median()) for p in calibration.priors}
    by_name = {p.name: p for p in calibration.priors}
    for item in items:
        name, sep, text = item.partition("=")
        if not sep:
            raise ValueError(f"--truth {item!r}: expected NAME=VALUE")
        if name not in by_name:
            raise ValueError(
                f"--truth {name}: {_unknown(name, list(by_name), 'parameter with a prior')}"
            )
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"--truth {name}={text!r}: expected a number") from None
        prior = by_name[name]
        if not prior.low <= value <= prior.high:
            raise ValueError(
                f"--truth {name}={value!r} is outside the prior [{prior.low:g}, {prior.high:g}]"
            )
        truth[name] = value
    return truth


# --- simulation ------------------------------------------------------------------------------
def simulation_seed(root_seed: int, tag: int, theta: dict[str, float]) -> int:
    """The seed of a simulation at ``theta``: a numpy SeedSequence of the root, tag and theta."""
    text = json.dumps({k: float(v) for k, v in sorted(theta.items())}, sort_keys=True)
    words = np.frombuffer(hashlib.sha256(text.encode()).digest()[:16], dtype=np.uint32)
    sequence = np.random.SeedSequence([root_seed, tag, *(int(w) for w in words)])
    return int(sequence.generate_state(2, dtype=np.uint64)[0] >> np.uint64(1))


def simulate_breach(
    calibration: Calibration, theta: dict[str, float], seed: int
) -> dict[str, float]:
    """Every statistic of :data:`STATISTICS` for one seed: the breach run against its control."""
    from model import CrewModel
    from model.crew import Vote

    params = {**calibration.fixed, **theta}
    control, breach = CrewModel(rng=seed, **params), CrewModel(rng=seed, **params)
    breach.breach(deaths=calibration.breach_deaths)
    extra: list[int] = []
    support: list[float] = []
    for _ in range(calibration.horizon_days):
        control.run(1)
        breach.run(1)
        extra.append(breach.today["vote_change_requests"] - control.today["vote_change_requests"])
        support.append(breach.today["support_continue"])

    def from_continue(model) -> int:
        s = model.state
        return int(np.count_nonzero(s.requested & s.alive & (s.recorded_vote == Vote.CONTINUE)))

    total = extra[-1]
    toward_divert = from_continue(breach) - from_continue(control)
    return {
        "requests_day_1": float(extra[0]),
        "requests_day_2": float(extra[1]),
        "requests_at_horizon": float(total),
        "share_by_day_2": float(extra[1] / total) if total > 0 else 0.0,
        "support_day_2": float(support[1]),
        "support_at_horizon": float(support[-1]),
        "trust_drop": float(control.today["mean_trust"] - breach.today["mean_trust"]),
        "referendums_at_horizon": float(len(breach.referendums) - 1),
        "collapsed": float(breach.collapse_day is not None),
        "share_toward_divert": float(toward_divert / total) if total > 0 else float("nan"),
    }


Simulate = Callable[[Calibration, dict[str, float], int], dict[str, float]]


class ABCModel:
    """pyabc's model: parameters in, the fitted statistics out (picklable for Dask)."""

    def __init__(self, calibration: Calibration, simulate: Simulate = simulate_breach) -> None:
        self.calibration = calibration
        self.simulate = simulate
        self.names = [s.name for s in calibration.statistics]

    def __call__(self, parameter) -> dict[str, float]:
        theta = {k: float(parameter[k]) for k in self.calibration.parameter_names}
        seed = simulation_seed(self.calibration.root_seed, TAG_ABC, theta)
        stats = self.simulate(self.calibration, theta, seed)
        return {k: stats[k] for k in self.names}


# --- the ABC-SMC run -------------------------------------------------------------------------
@dataclass
class Outcome:
    """What a calibration wrote, for the command line and tests."""

    out: Path
    summary: dict[str, Any]
    posterior: pd.DataFrame
    resumed: bool = False
    files: list[Path] = field(default_factory=list)


def _sampler(workers: int, dask: str | None):
    from pyabc.sampler import MulticoreEvalParallelSampler, SingleCoreSampler

    if dask is not None:
        from distributed import Client, LocalCluster
        from pyabc.sampler import DaskDistributedSampler

        if dask == "local":
            client = Client(LocalCluster(n_workers=max(workers, 1), threads_per_worker=1))
        else:
            try:
                client = Client(dask, timeout=10)
            except (OSError, TimeoutError, ValueError) as exc:
                raise ValueError(f"--dask {dask}: cannot reach the scheduler ({exc})") from None
        return DaskDistributedSampler(dask_client=client, batch_size=4)
    if workers <= 1:
        return SingleCoreSampler()
    return MulticoreEvalParallelSampler(n_procs=workers)


def _distance(calibration: Calibration):
    from pyabc import AdaptivePNormDistance, PNormDistance

    if calibration.distance == "adaptive_pnorm":
        return AdaptivePNormDistance(p=calibration.p)
    weights = {s.name: 1.0 / s.scale for s in calibration.statistics}
    return PNormDistance(p=calibration.p, fixed_weights=weights)


def _prior(calibration: Calibration):
    from pyabc import RV, Distribution

    return Distribution(
        **{p.name: RV(p.scipy_args()[0], *p.scipy_args()[1]) for p in calibration.priors}
    )


def calibrate(
    calibration: Calibration,
    out: str | Path,
    *,
    workers: int = 1,
    dask: str | None = None,
    truth: dict[str, float] | None = None,
    progress: bool = False,
    simulate: Simulate = simulate_breach,
    figures: bool = True,
) -> Outcome:
    """Run (or resume) ABC-SMC and write history.db, posterior.parquet, summary.json, figures/.

    Args:
        calibration: The parsed calibration file.
        out: Output folder (created).
        workers: Local processes (pyabc's multicore sampler); 1 runs in this process.
        dask: A Dask scheduler address, or "local"; replaces ``workers``' local processes.
        truth: Parameter values whose seeded simulation replaces the observed statistics.
        progress: Show a tqdm bar of generations with epsilon and acceptance rate.
        simulate: The simulator (the breach scenario; tests pass a cheap stand-in).
        figures: Draw the figures.
    """
    import logging

    import pyabc

    for name in ("ABC", "Sampler", "Epsilon", "Distance", "Acceptor", "Adaptation", "History"):
        logging.getLogger(f"ABC.{name}" if name != "ABC" else name).setLevel(logging.WARNING)
    logging.getLogger("pyabc").setLevel(logging.WARNING)

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    observed = calibration.observed
    truth_stats: dict[str, float] | None = None
    if truth is not None:
        seed = simulation_seed(calibration.root_seed, TAG_TRUTH, truth)
        truth_stats = simulate(calibration, truth, seed)
        observed = {k: float(truth_stats[k]) for k in observed}
    meta_path = out / "calibration.json"
    meta = {
        "name": calibration.name,
        "digest": calibration.digest(),
        "observed": observed,
        "truth": truth,
    }
    db_path = out / "history.db"
    db = f"sqlite:///{db_path.resolve()}"
    resumed = db_path.is_file() and meta_path.is_file()
    if db_path.is_file() and not meta_path.is_file():
        raise ValueError(f"{db_path} exists without calibration.json: use another --out")
    if resumed:
        stored = json.loads(meta_path.read_text())
        if {k: stored.get(k) for k in meta} != json.loads(json.dumps(meta)):
            raise ValueError(
                f"{out} holds a different calibration (file, truth or observed values differ): "
                "use another --out"
            )
    else:
        meta_path.write_text(json.dumps(meta, indent=2) + "\n")

    started = time.perf_counter()
    sampler = _sampler(workers, dask)
    abc = pyabc.ABCSMC(
        ABCModel(calibration, simulate),
        _prior(calibration),
        _distance(calibration),
        population_size=calibration.population_size,
        sampler=sampler,
    )
    if resumed:
        history = abc.load(db, 1)
    else:
        history = abc.new(db, observed, meta_info={"calibration": calibration.name})
    done = history.max_t + 1
    finished = _finished(calibration, history)
    if not finished:
        _run_generations(abc, calibration, history, done, progress)
    wall = time.perf_counter() - started
    client = getattr(sampler, "my_client", None) or getattr(sampler, "client", None)
    if client is not None:  # a Dask client: close it, and the local cluster we started
        cluster = getattr(client, "cluster", None) if dask == "local" else None
        client.close()
        if cluster is not None:
            cluster.close()
    return _report(
        calibration, out, history, observed, truth, truth_stats, resumed, wall, simulate, figures
    )


def _finished(calibration: Calibration, history) -> bool:
    if history.max_t < 0:
        return False
    populations = history.get_all_populations()
    populations = populations[populations.t >= 0]
    return bool(
        len(populations) >= calibration.max_generations
        or populations.epsilon.iloc[-1] <= calibration.min_epsilon
        or history.total_nr_simulations >= calibration.max_simulations
    )


def _run_generations(abc, calibration: Calibration, history, done: int, progress: bool) -> None:
    from tqdm import tqdm

    t = abc.initialize_components_before_run(
        minimum_epsilon=calibration.min_epsilon,
        max_nr_populations=calibration.max_generations - done,
        min_acceptance_rate=0.0,
        max_total_nr_simulations=calibration.max_simulations,
        max_walltime=None,
        min_eps_diff=0.0,
    )
    bar = tqdm(
        total=calibration.max_generations,
        initial=done,
        desc="ABC-SMC",
        unit="gen",
        disable=not progress,
    )
    with bar:
        while True:
            epsilon = float(abc.eps(t))
            bar.set_postfix_str(f"generation {t}, epsilon {epsilon:.3g}")
            result = abc.run_generation(t=t)
            if not result["successful"]:
                break
            bar.update(1)
            bar.set_postfix_str(
                f"generation {t}, epsilon {epsilon:.3g}, acceptance "
                f"{result['acceptance_rate']:.1%}, {history.total_nr_simulations} simulations"
            )
            if abc.check_terminate(t=t, acceptance_rate=result["acceptance_rate"]):
                break
            t += 1


# --- results ---------------------------------------------------------------------------------
def weighted_quantile(values: np.ndarray, weights: np.ndarray, q) -> np.ndarray:
    """Quantiles of a weighted sample (inverse of the weighted empirical CDF, midpoints)."""
    order = np.argsort(values)
    v, w = np.asarray(values, float)[order], np.asarray(weights, float)[order]
    cdf = (np.cumsum(w) - 0.5 * w) / w.sum()
    return np.interp(q, cdf, v)


def effective_sample_size(weights: np.ndarray) -> float:
    """Kish's effective sample size, (sum w)^2 / sum w^2."""
    w = np.asarray(weights, float)
    return float(w.sum() ** 2 / (w**2).sum())


def posterior_frame(history) -> pd.DataFrame:
    """The last generation's particles with their normalised weights."""
    frame, weights = history.get_distribution(m=0, t=history.max_t)
    frame = frame.reset_index(drop=True)
    frame["weight"] = np.asarray(weights, float) / np.sum(weights)
    frame["generation"] = int(history.max_t)
    return frame


def parameter_summary(calibration: Calibration, posterior: pd.DataFrame) -> dict[str, Any]:
    """Median, 95% and 90% credible intervals, and posterior-to-prior width per parameter.

    The width ratio compares the 95% credible interval with the prior's central 95% interval,
    on a log scale for a log-uniform prior (the scale it is flat on).
    """
    found = {}
    for prior in calibration.priors:
        q = weighted_quantile(
            posterior[prior.name].to_numpy(),
            posterior["weight"].to_numpy(),
            [0.025, 0.05, 0.5, 0.95, 0.975],
        )
        lo, hi = prior.interval(0.95)
        # widths on the scale the prior is flat on: log for a log-uniform prior
        scale = np.log if prior.distribution == "log_uniform" else (lambda v: v)
        ratio = (scale(q[4]) - scale(q[0])) / (scale(hi) - scale(lo))
        found[prior.name] = {
            "median": float(q[2]),
            "ci95": [float(q[0]), float(q[4])],
            "ci90": [float(q[1]), float(q[3])],
            "prior": prior.distribution,
            "prior_ci95": [lo, hi],
            "width_ratio": float(ratio),
            "width_scale": "log" if prior.distribution == "log_uniform" else "linear",
        }
    return found


def predictive_checks(
    calibration: Calibration,
    posterior: pd.DataFrame,
    observed: dict[str, float],
    simulate: Simulate,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Simulate posterior draws; p-values of the fitted and held-out statistics.

    The posterior predictive p-value of a statistic ``T`` with observed value ``t`` is
    ``min(1, 2 min(P(T_rep >= t), P(T_rep <= t)))`` over the draws (two-sided; ties count on
    both sides, so a pattern every draw reproduces exactly has p = 1).
    """
    rng = np.random.default_rng(np.random.SeedSequence([calibration.root_seed, TAG_PREDICTIVE]))
    weights = posterior["weight"].to_numpy()
    picks = rng.choice(len(posterior), size=calibration.predictive_draws, p=weights / weights.sum())
    rows = []
    for i, k in enumerate(picks):
        theta = {p: float(posterior[p].iloc[k]) for p in calibration.parameter_names}
        seed = simulation_seed(calibration.root_seed, TAG_PREDICTIVE, {**theta, "_draw": i})
        rows.append({**theta, **simulate(calibration, theta, seed)})
    draws = pd.DataFrame(rows)
    checks: dict[str, Any] = {}
    for stat, held in [(s, False) for s in calibration.statistics] + [
        (s, True) for s in calibration.heldout
    ]:
        value = observed.get(stat.name, stat.observed) if not held else stat.observed
        simulated = draws[stat.name].dropna().to_numpy() if stat.name in draws else np.array([])
        if len(simulated) == 0:
            checks[stat.name] = {"held_out": held, "observed": value, "p_value": None}
            continue
        upper, lower = np.mean(simulated >= value), np.mean(simulated <= value)
        p_value = float(min(1.0, 2 * min(upper, lower)))
        checks[stat.name] = {
            "held_out": held,
            "observed": value,
            "predictive_median": float(np.median(simulated)),
            "predictive_90": [
                float(np.quantile(simulated, 0.05)),
                float(np.quantile(simulated, 0.95)),
            ],
            "p_value": p_value,
            "passes": p_value >= 0.05,
            "draws": int(len(simulated)),
            "source": stat.source,
        }
    return draws, checks


def _report(
    calibration, out, history, observed, truth, truth_stats, resumed, wall, simulate, figures
) -> Outcome:
    from model.provenance import git_commit, versions

    posterior = posterior_frame(history)
    posterior.to_parquet(out / "posterior.parquet", index=False)
    populations = history.get_all_populations()
    populations = populations[populations.t >= 0]
    draws, checks = predictive_checks(calibration, posterior, observed, simulate)
    draws.to_parquet(out / "predictive.parquet", index=False)
    import pyabc

    summary = {
        "name": calibration.name,
        "parameters": parameter_summary(calibration, posterior),
        "effective_sample_size": effective_sample_size(posterior["weight"].to_numpy()),
        "population_size": calibration.population_size,
        "generations": int(len(populations)),
        "epsilon_schedule": [float(e) for e in populations.epsilon],
        "simulations": int(history.total_nr_simulations),
        "simulations_per_generation": [int(n) for n in populations.samples],
        "observed": observed,
        "truth": truth,
        "truth_statistics": truth_stats,
        "predictive_checks": checks,
        "distance": {
            "kind": calibration.distance,
            "p": calibration.p,
            "scales": {s.name: s.scale for s in calibration.statistics},
        },
        "stopping": {
            "min_epsilon": calibration.min_epsilon,
            "max_generations": calibration.max_generations,
            "max_simulations": calibration.max_simulations,
        },
        "root_seed": calibration.root_seed,
        "resumed": resumed,
        "wall_seconds_this_session": round(wall, 1),
        "versions": {**versions(), "pyabc": pyabc.__version__},
        "git_commit": git_commit(),
        "calibration_file": calibration.source,
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=2, default=_plain) + "\n")
    files = [out / "history.db", out / "posterior.parquet", out / "summary.json"]
    if figures:
        from model.calibration_figures import write_figures

        files += write_figures(
            calibration, out / "figures", posterior, populations, draws, observed
        )
    return Outcome(out, summary, posterior, resumed, files)


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    return str(value)


# --- command line ----------------------------------------------------------------------------
def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``calibrate`` command."""
    command = subparsers.add_parser(
        "calibrate",
        help="fit parameters to the story by ABC-SMC (pyabc)",
        description="Run ABC-SMC on a calibration file; writes history.db, posterior.parquet, "
        "summary.json and figures/ to --out. Rerunning the command resumes from history.db.",
    )
    command.add_argument("calibration", type=Path, help="calibration file (TOML)")
    command.add_argument("--out", type=Path, required=True, help="output folder (created)")
    command.add_argument(
        "--workers", type=int, default=1, metavar="N", help="local processes [default 1]"
    )
    command.add_argument(
        "--dask",
        default=None,
        metavar="ADDRESS",
        help="a Dask scheduler address (tcp://host:8786), or 'local'",
    )
    command.add_argument(
        "--truth",
        nargs="+",
        default=None,
        metavar="NAME=VALUE",
        help="replace the observed statistics by a seeded simulation at these values "
        "(unnamed parameters: their prior median)",
    )
    command.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show a progress bar [default: when stderr is a terminal]",
    )
    command.set_defaults(handler=calibrate_command)


def calibrate_command(args: argparse.Namespace) -> int:
    """Run a calibration and print its summary."""
    import sys

    from model.cli import writable_folder

    if args.workers < 0:
        raise ValueError(f"--workers={args.workers} is invalid: expected a whole number >= 0")
    calibration = load_calibration(args.calibration)
    truth = parse_truth(args.truth, calibration) if args.truth is not None else None
    writable_folder(args.out)
    progress = sys.stderr.isatty() if args.progress is None else args.progress
    outcome = calibrate(
        calibration,
        args.out,
        workers=args.workers,
        dask=args.dask,
        truth=truth,
        progress=progress,
    )
    print(summary_text(outcome.summary))
    print(f"wrote {', '.join(str(f) for f in outcome.files[:3])} and {args.out}/figures/")
    return 0


def summary_text(summary: dict[str, Any]) -> str:
    """A few lines: parameters, epsilon, simulations, checks."""
    lines = [
        f"{summary['name']}: {summary['generations']} generations, "
        f"{summary['simulations']} simulations, final epsilon "
        f"{summary['epsilon_schedule'][-1]:.3g}, ESS {summary['effective_sample_size']:.0f}"
        + (" (resumed)" if summary["resumed"] else "")
    ]
    for name, p in summary["parameters"].items():
        lines.append(
            f"  {name:22} median {p['median']:.4g}  95% [{p['ci95'][0]:.4g}, {p['ci95'][1]:.4g}]"
            f"  width/prior {p['width_ratio']:.2f}"
        )
    for name, c in summary["predictive_checks"].items():
        if c["p_value"] is None:
            continue
        kind = "held out" if c["held_out"] else "fitted"
        lines.append(
            f"  {kind:8} {name:24} observed {c['observed']:.4g}, predictive median "
            f"{c['predictive_median']:.4g}, p = {c['p_value']:.2f}"
            + ("" if c["passes"] else "  FAILS")
        )
    return "\n".join(lines)
