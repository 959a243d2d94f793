"""Which ranking of the captain's strategies survives the assumed strategy effects.

    python experiments/strategy_robustness.py experiments/strategy_robustness.toml \
        --out results/strategy_robustness [--workers N]

The strategies' effects (model/strategies.py) are numbers held by model parameters whose
values are assumptions. This draws a global sample (SALib: a Saltelli design or a Latin
hypercube) of those assumptions over their ranges, runs every strategy on every sample and
seed with the same seed (common random numbers: two strategies meet the same breaches and the
same crew), and records each run's collapse and lowest cohesion. It reports:

* for each strategy, the share of runs that collapse and the mean lowest cohesion over the
  sampled assumptions, and its mean rank (1: least collapse) across samples;
* for each pair of strategies A, B, the probability over the sampled assumptions that A's
  ships collapse less often than B's (collapse share over the seeds of a sample), that they
  tie, and that B's collapse less often, with bootstrap intervals (a Saltelli block of
  samples is resampled whole, since its samples share coordinates);
* which assumptions decide each pair: the Spearman rank correlation of the difference of
  collapse shares with each assumption across samples, and (Saltelli design) its Sobol total
  index.

Runs go through the sweep runner (model/sweeps/): each finished chunk of runs is written to
``OUT/parts/`` as Parquet, and the same command resumes a killed run. Writes ``runs.parquet``,
``strategies.csv``, ``pairwise.csv`` (every ordered pair), ``deciders.csv``, ``sobol.csv``
(Saltelli), ``summary.md`` and ``strategy_robustness.png`` to ``OUT``; prints the Markdown.
"""

from __future__ import annotations

import argparse
import itertools
import math
import sys
import tomllib
import warnings
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from model import strategies as strategy_registry
from model.parameters import Parameters, describe
from model.sweeps.runner import RunTask, run_seeds
from model.sweeps.spec import Experiment, SpecError, Varied

TOP_KEYS = (
    "name",
    "description",
    "horizon_days",
    "seeds",
    "root_seed",
    "n_crew",
    "strategies",
    "regime",
    "assumptions",
    "held",
    "sampler",
    "analysis",
)
SAMPLERS = ("saltelli", "latin")
NUMERIC = (int, float)


class ConfigError(SpecError):
    """A bad robustness file: the message names the key and what was expected."""


@dataclass(frozen=True)
class Config:
    """A parsed robustness experiment."""

    name: str
    horizon_days: int
    seeds: int
    root_seed: int
    n_crew: int
    strategies: tuple[str, ...]
    regime: dict[str, Any]
    assumptions: tuple[Varied, ...]
    reasons: dict[str, str]
    held: dict[str, str]
    sampler: str
    samples: int
    bootstrap: int = 2000
    confidence: float = 0.95
    description: str = ""
    source: str = field(default="", repr=False)

    @property
    def names(self) -> list[str]:
        return [v.name for v in self.assumptions]

    def experiment(self) -> Experiment:
        """The sweep-runner view of this file (fixed regime, varied assumptions)."""
        return Experiment(
            name=self.name,
            horizon_days=self.horizon_days,
            replicates=self.seeds,
            root_seed=self.root_seed,
            fixed={**self.regime, "n_crew": self.n_crew},
            vary=self.assumptions,
            method=self.sampler,
            samples=self.samples,
            description=self.description,
            series=False,
            source=self.source,
        )


# --- the file -------------------------------------------------------------------------------
def load_config(path: str | Path) -> Config:
    """Read and check a robustness file; raises ConfigError (one line) if it is wrong."""
    path = Path(path)
    try:
        text = path.read_text()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the file ({exc.strerror})") from None
    return parse_config(text, str(path), path.stem)


def parse_config(text: str, label: str = "config", default_name: str = "") -> Config:
    """Parse and check the TOML text of a robustness experiment (see the TOML's comments)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{label}: not valid TOML: {exc}") from None

    def bad(key: str, expected: str, got: Any = ...) -> ConfigError:
        shown = "" if got is ... else f", got {got!r}"
        return ConfigError(f"{label}: {key}: expected {expected}{shown}")

    for key in data:
        if key not in TOP_KEYS:
            raise ConfigError(
                f"{label}: unknown key {key!r}; expected one of {', '.join(TOP_KEYS)}"
            )

    def whole(key: str, low: int, high: int, default: int | None = None) -> int:
        value = data.get(key, default)
        if value is None:
            raise bad(key, "this key (it is required)")
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise bad(key, f"a whole number {low} to {high}", value)
        return value

    def table(key: str) -> dict[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, dict):
            raise bad(key, f"a table [{key}]", value)
        return value

    horizon = whole("horizon_days", 1, 100_000)
    seeds = whole("seeds", 1, 10_000)
    root_seed = whole("root_seed", 0, 2**63 - 1)
    n_crew = whole("n_crew", 1, 1_000_000)
    name = data.get("name", default_name) or "strategy_robustness"
    description = data.get("description", "")
    if not isinstance(name, str) or not isinstance(description, str):
        raise bad("name/description", "text")

    names = data.get("strategies")
    if not isinstance(names, list) or len(names) < 2 or len(set(map(str, names))) != len(names):
        raise bad("strategies", "a list of at least two distinct strategy names", names)
    for strategy in names:
        if strategy not in strategy_registry.NAMES:
            known = ", ".join(strategy_registry.NAMES)
            raise bad("strategies", f"registered strategies ({known})", strategy)

    regime = dict(table("regime"))
    for key in ("captain_strategy", "n_crew"):
        if key in regime:
            where = "the strategies list" if key == "captain_strategy" else "the top-level n_crew"
            raise ConfigError(f"{label}: regime.{key}: set it in {where}, not in [regime]")
    fixed = {**regime, "n_crew": n_crew}
    try:
        Parameters.from_mapping(fixed)
    except ValueError as exc:
        raise ConfigError(f"{label}: [regime]: {exc}") from None

    assumptions, reasons = [], {}
    for key, value in table("assumptions").items():
        varied, reason = _assumption(label, key, value)
        if key in fixed:
            raise ConfigError(f"{label}: assumptions.{key}: already fixed in [regime]")
        assumptions.append(varied)
        reasons[key] = reason
    if not assumptions:
        raise bad("assumptions", "at least one assumption to vary")
    held = table("held")
    for key, reason in held.items():
        _numeric_declaration(label, f"held.{key}", key)
        if not isinstance(reason, str) or not reason.strip():
            raise bad(f"held.{key}", "the reason it is not varied (text)", reason)
        if key in reasons:
            raise ConfigError(f"{label}: held.{key}: a parameter is either varied or held")
    _check_coverage(label, names, set(reasons) | set(held) | set(fixed))

    sampler = table("sampler")
    method = sampler.get("method", "saltelli")
    if method not in SAMPLERS:
        raise bad("sampler.method", " or ".join(SAMPLERS), method)
    samples = sampler.get("samples")
    if not isinstance(samples, int) or isinstance(samples, bool) or not 1 <= samples <= 100_000:
        raise bad("sampler.samples", "a whole number 1 to 100000", samples)
    if method == "saltelli" and samples & (samples - 1):
        raise bad("sampler.samples", "a power of two for the Saltelli design", samples)
    analysis = table("analysis")
    boot = analysis.get("bootstrap", 2000)
    if not isinstance(boot, int) or isinstance(boot, bool) or not 10 <= boot <= 1_000_000:
        raise bad("analysis.bootstrap", "a whole number 10 to 1000000", boot)
    level = analysis.get("confidence", 0.95)
    if not isinstance(level, float) or not 0.5 <= level < 1:
        raise bad("analysis.confidence", "a number from 0.5 to below 1", level)
    return Config(
        name=name,
        horizon_days=horizon,
        seeds=seeds,
        root_seed=root_seed,
        n_crew=n_crew,
        strategies=tuple(names),
        regime=regime,
        assumptions=tuple(assumptions),
        reasons=reasons,
        held=dict(held),
        sampler=method,
        samples=samples,
        bootstrap=boot,
        confidence=level,
        description=description,
        source=text,
    )


def _numeric_declaration(label: str, where: str, name: str) -> dict[str, Any]:
    try:
        decl = describe(name)
    except ValueError as exc:
        raise ConfigError(f"{label}: {where}: {exc}") from None
    if decl["type"] not in NUMERIC or decl["optional"]:
        raise ConfigError(f"{label}: {where}: expected a numeric parameter, {name} is not")
    return decl


def _assumption(label: str, key: str, value: Any) -> tuple[Varied, str]:
    """One [assumptions] entry: "declared", or { low, high, log?, reason }."""
    where = f"assumptions.{key}"
    decl = _numeric_declaration(label, where, key)
    valid = decl["valid"]
    low, high = valid
    kind = decl["type"]
    if value == "declared":
        if not (valid.accepts(low) and valid.accepts(high)):
            raise ConfigError(
                f"{label}: {where}: the declared range {valid} is open at an end; give "
                "{ low, high, reason } inside it"
            )
        return Varied(name=key, low=float(low), high=float(high), kind=kind), "declared range"
    if not isinstance(value, dict):
        raise ConfigError(
            f'{label}: {where}: expected "declared" or {{ low, high, reason }}, got {value!r}'
        )
    for part in value:
        if part not in ("low", "high", "log", "reason"):
            raise ConfigError(
                f"{label}: {where}.{part}: unknown key; expected low, high, log, reason"
            )
    try:
        a, b = float(value["low"]), float(value["high"])
    except (KeyError, TypeError, ValueError):
        raise ConfigError(f"{label}: {where}: expected numbers low and high") from None
    if not (a < b and valid.inside([a, b]).all()):
        raise ConfigError(
            f"{label}: {where}: expected low < high within {valid} (the declared range), "
            f"got low={a}, high={b}"
        )
    log = value.get("log", False)
    if not isinstance(log, bool) or (log and a <= 0):
        raise ConfigError(f"{label}: {where}.log: expected true (with low > 0) or false")
    reason = value.get("reason")
    narrower = (a, b) != (float(low), float(high))
    if narrower and (not isinstance(reason, str) or not reason.strip()):
        raise ConfigError(f"{label}: {where}.reason: a range narrower than declared needs a reason")
    return Varied(name=key, low=a, high=b, log=log, kind=kind), reason or "declared range"


def named_parameters(names: list[str] | tuple[str, ...]) -> dict[str, list[str]]:
    """The model parameters the given strategies' effects name: parameter -> 'strategy.effect'."""
    declared = {f.name for f in fields(Parameters)}
    found: dict[str, list[str]] = {}
    for name in names:
        for effect, value in strategy_registry.get(name).effects().items():
            if isinstance(value, str) and value in declared:
                found.setdefault(value, []).append(f"{name}.{effect}")
    return found


def _check_coverage(label: str, names: list[str], covered: set[str]) -> None:
    for parameter, users in named_parameters(names).items():
        if parameter not in covered:
            raise ConfigError(
                f"{label}: assumptions: {parameter} (named by {', '.join(users)}) is neither "
                "varied in [assumptions] nor held in [held] with a reason"
            )


# --- the design and the runs ---------------------------------------------------------------
def problem_of(config: Config) -> dict[str, Any]:
    """SALib's problem: the assumptions on the unit hypercube (mapped to ranges afterwards)."""
    return {
        "num_vars": len(config.names),
        "names": config.names,
        "bounds": [[0.0, 1.0]] * len(config.names),
    }


def design(config: Config) -> tuple[np.ndarray, np.ndarray]:
    """The unit-cube sample (rows) and each row's block (resampled whole by the bootstrap)."""
    from SALib.sample import latin
    from SALib.sample import sobol as saltelli

    problem = problem_of(config)
    if config.sampler == "saltelli":
        X = saltelli.sample(problem, config.samples, calc_second_order=False, seed=config.root_seed)
        blocks = np.arange(len(X)) // (len(config.names) + 2)  # A, AB_1..AB_D, B of one row
    else:
        X = latin.sample(problem, config.samples, seed=config.root_seed)
        blocks = np.arange(len(X))
    return np.asarray(X, dtype=float), blocks


def sample_values(config: Config, X: np.ndarray) -> list[dict[str, Any]]:
    """The assumptions' values of each sample."""
    return [
        {
            v.name: v.from_unit(min(float(u), 1 - 1e-12))
            for v, u in zip(config.assumptions, row, strict=True)
        }
        for row in X
    ]


def plan(config: Config, X: np.ndarray) -> list[RunTask]:
    """Every strategy on every (sample, seed); seed r is the same for every sample and strategy."""
    seeds = run_seeds(config.root_seed, config.seeds)
    n_strategies = len(config.strategies)
    tasks = []
    for p, values in enumerate(sample_values(config, X)):
        for r, seed in enumerate(seeds):
            for s, strategy in enumerate(config.strategies):
                run_id = (p * config.seeds + r) * n_strategies + s
                params = {
                    **config.regime,
                    "n_crew": config.n_crew,
                    **values,
                    "captain_strategy": strategy,
                }
                tasks.append(RunTask(run_id, p, r, params, seed, r))
    return tasks


def run(config: Config, out: str | Path, workers: int = 2, progress: bool = True):
    """Run (or resume) every run into ``out``; the sweep report and the finished runs (or None)."""
    from model.sweeps.sweep import run_sweep

    X, _ = design(config)
    tasks = plan(config, X)
    report = run_sweep(
        config.experiment(),
        out,
        workers=workers,
        progress=progress,
        tasks=tasks,
        extra_manifest={
            "strategy_robustness": {
                "strategies": list(config.strategies),
                "sampler": config.sampler,
                "samples": len(X),
                "seeds": config.seeds,
                "reasons": config.reasons,
                "held": config.held,
            }
        },
    )
    runs = pd.read_parquet(Path(out) / "runs.parquet") if report.complete else None
    return report, runs


# --- the analysis ---------------------------------------------------------------------------
def per_sample(
    runs: pd.DataFrame, strategies: tuple[str, ...], n_samples: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Collapse share and mean lowest cohesion over the seeds (rows: samples; columns:
    strategies)."""
    if runs["failed"].any():
        first = runs.loc[runs["failed"], "error"].iloc[0]
        raise ValueError(
            f"{int(runs['failed'].sum())} runs failed (first: {first}); see runs.parquet"
        )
    grouped = runs.groupby(["point", "captain_strategy"])
    collapse = (
        grouped["collapsed"]
        .mean()
        .unstack()
        .reindex(index=range(n_samples), columns=list(strategies))
    )
    cohesion = (
        grouped["min_cohesion"]
        .mean()
        .unstack()
        .reindex(index=range(n_samples), columns=list(strategies))
    )
    if collapse.isna().any().any():
        raise ValueError("some samples lack a strategy's runs; run the command again to resume")
    return collapse.astype(float), cohesion.astype(float)


def block_bootstrap(
    values: np.ndarray, blocks: np.ndarray, n: int, level: float, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval of the mean of each column of ``values`` (rows: samples), resampling
    whole blocks of rows with replacement."""
    values = np.asarray(values, dtype=float).reshape(len(blocks), -1)
    ids, inverse = np.unique(blocks, return_inverse=True)
    sums = np.zeros((len(ids), values.shape[1]))
    np.add.at(sums, inverse, values)
    counts = np.bincount(inverse).astype(float)
    rng = np.random.default_rng(seed)
    weights = rng.multinomial(len(ids), np.full(len(ids), 1 / len(ids)), size=n).astype(float)
    means = (weights @ sums) / (weights @ counts)[:, None]
    tail = (1 - level) / 2
    return np.quantile(means, tail, axis=0), np.quantile(means, 1 - tail, axis=0)


def pairwise(
    collapse: pd.DataFrame,
    blocks: np.ndarray,
    n_boot: int = 2000,
    level: float = 0.95,
    seed: int = 0,
    cohesion: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """For every ordered pair (A, B): the share of samples where A's collapse share is lower
    than B's, equal, and higher, with bootstrap intervals; with ``cohesion`` (mean lowest
    cohesion, same shape), also the share where A's lowest cohesion is higher than B's."""
    rows = []
    for a, b in itertools.permutations(collapse.columns, 2):
        diff = collapse[a].to_numpy() - collapse[b].to_numpy()
        outcomes = np.column_stack([diff < 0, diff == 0, diff > 0]).astype(float)
        if cohesion is not None:
            higher = cohesion[a].to_numpy() > cohesion[b].to_numpy()
            outcomes = np.column_stack([outcomes, higher.astype(float)])
        low, high = block_bootstrap(outcomes, blocks, n_boot, level, seed)
        p = outcomes.mean(axis=0)
        extra = {}
        if cohesion is not None:
            extra = {
                "p_cohesion_higher": p[3],
                "p_cohesion_higher_low": low[3],
                "p_cohesion_higher_high": high[3],
            }
        rows.append(
            {
                "A": a,
                "B": b,
                "p_less": p[0],
                "p_less_low": low[0],
                "p_less_high": high[0],
                "p_tie": p[1],
                "p_tie_low": low[1],
                "p_tie_high": high[1],
                "p_more": p[2],
                "p_more_low": low[2],
                "p_more_high": high[2],
                **extra,
                "samples": len(diff),
            }
        )
    return pd.DataFrame(rows)


def strategy_table(
    collapse: pd.DataFrame,
    cohesion: pd.DataFrame,
    blocks: np.ndarray,
    n_boot: int,
    level: float,
    seed: int,
) -> pd.DataFrame:
    """Each strategy's collapse share and lowest cohesion over the sample, and its mean rank."""
    c_low, c_high = block_bootstrap(collapse.to_numpy(), blocks, n_boot, level, seed)
    h_low, h_high = block_bootstrap(cohesion.to_numpy(), blocks, n_boot, level, seed)
    ranks = collapse.rank(axis=1, method="average")
    best = collapse.eq(collapse.min(axis=1), axis=0)
    return pd.DataFrame(
        {
            "strategy": collapse.columns,
            "collapsed": collapse.mean().to_numpy(),
            "collapsed_low": c_low,
            "collapsed_high": c_high,
            "min_cohesion": cohesion.mean().to_numpy(),
            "min_cohesion_low": h_low,
            "min_cohesion_high": h_high,
            "mean_rank": ranks.mean().to_numpy(),
            "least_collapse": best.mean().to_numpy(),
        }
    )


def unordered(collapse: pd.DataFrame) -> list[tuple[str, str]]:
    return list(itertools.combinations(collapse.columns, 2))


def deciders(collapse: pd.DataFrame, X: np.ndarray, names: list[str]) -> pd.DataFrame:
    """Spearman rank correlation, across samples, of each pair's difference of collapse
    shares (A - B; negative: A collapses less) with each assumption; NaN if it never varies."""
    from scipy.stats import spearmanr

    rows = []
    for a, b in unordered(collapse):
        diff = collapse[a].to_numpy() - collapse[b].to_numpy()
        for j, name in enumerate(names):
            rho, p = (math.nan, math.nan)
            if np.ptp(diff) > 0:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    rho, p = spearmanr(X[:, j], diff)
            rows.append(
                {"A": a, "B": b, "assumption": name, "rho": float(rho), "p_value": float(p)}
            )
    return pd.DataFrame(rows)


def sobol_indices(collapse: pd.DataFrame, config: Config) -> pd.DataFrame:
    """Sobol first-order and total indices of each pair's difference of collapse shares."""
    from SALib.analyze import sobol

    problem = problem_of(config)
    rows = []
    for a, b in unordered(collapse):
        diff = collapse[a].to_numpy() - collapse[b].to_numpy()
        if np.ptp(diff) == 0:
            result = {k: [math.nan] * len(config.names) for k in ("S1", "S1_conf", "ST", "ST_conf")}
        else:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                result = sobol.analyze(
                    problem, diff, calc_second_order=False, seed=config.root_seed
                )
        for j, name in enumerate(config.names):
            rows.append(
                {
                    "A": a,
                    "B": b,
                    "assumption": name,
                    **{k: float(result[k][j]) for k in ("S1", "S1_conf", "ST", "ST_conf")},
                }
            )
    return pd.DataFrame(rows)


# --- the report -----------------------------------------------------------------------------
def markdown(frame: pd.DataFrame) -> str:
    """A Markdown table of a frame (cells already formatted as text)."""
    lines = ["| " + " | ".join(map(str, frame.columns)) + " |", "|" + "---|" * frame.shape[1]]
    lines += ["| " + " | ".join(map(str, row)) + " |" for row in frame.itertuples(index=False)]
    return "\n".join(lines)


def _share(p: float, low: float, high: float) -> str:
    return f"{p:.0%} ({low:.0%}–{high:.0%})"


def report_text(
    config: Config,
    table: pd.DataFrame,
    pairs: pd.DataFrame,
    rho: pd.DataFrame,
    sobol: pd.DataFrame | None,
    n_samples: int,
) -> str:
    """The Markdown summary: strategies, pairs, and the assumptions that decide each pair."""
    level = f"{config.confidence:.0%}"
    head = (
        f"{config.name}: {n_samples} samples of {len(config.names)} assumptions "
        f"({config.sampler}), {config.seeds} seed(s) each, {config.n_crew} crew, "
        f"{config.horizon_days} days, regime "
        + ", ".join(f"{k}={v}" for k, v in config.regime.items())
    )
    strategies = markdown(
        pd.DataFrame(
            {
                "strategy": table.strategy,
                f"collapsed ({level} CI)": [
                    _share(*r)
                    for r in table[["collapsed", "collapsed_low", "collapsed_high"]].itertuples(
                        index=False
                    )
                ],
                "mean lowest cohesion": [
                    f"{m:.2f} ({lo:.2f}–{hi:.2f})"
                    for m, lo, hi in table[
                        ["min_cohesion", "min_cohesion_low", "min_cohesion_high"]
                    ].itertuples(index=False)
                ],
                "mean rank": table.mean_rank.map("{:.2f}".format),
                "least collapse (ties shared)": table.least_collapse.map("{:.0%}".format),
            }
        )
    )
    half = pairs.set_index(["A", "B"]).loc[unordered_pairs(config.strategies)].reset_index()
    top = rho.assign(size=rho.rho.abs()).sort_values("size", ascending=False)

    def decided_by(a: str, b: str) -> str:
        rows = top[top.A.eq(a) & top.B.eq(b) & top.rho.notna()].head(3)
        if rows.empty:
            return "— (never differ)"
        return ", ".join(
            f"{r.assumption} {r.rho:+.2f}{'*' if r.p_value < 0.01 else ''}"
            for r in rows.itertuples()
        )

    pair_table = markdown(
        pd.DataFrame(
            {
                "A": half.A,
                "B": half.B,
                "P(A less collapse)": [
                    _share(*r)
                    for r in half[["p_less", "p_less_low", "p_less_high"]].itertuples(index=False)
                ],
                "P(tie)": [
                    _share(*r)
                    for r in half[["p_tie", "p_tie_low", "p_tie_high"]].itertuples(index=False)
                ],
                "P(B less collapse)": [
                    _share(*r)
                    for r in half[["p_more", "p_more_low", "p_more_high"]].itertuples(index=False)
                ],
                "P(A higher lowest cohesion)": [
                    _share(*r)
                    for r in half[
                        ["p_cohesion_higher", "p_cohesion_higher_low", "p_cohesion_higher_high"]
                    ].itertuples(index=False)
                ],
                "decided by (Spearman ρ of A − B)": [
                    decided_by(a, b) for a, b in zip(half.A, half.B, strict=True)
                ],
            }
        )
    )
    parts = [
        head,
        "",
        strategies,
        "",
        pair_table,
        "",
        f"Intervals: {level} bootstrap ({config.bootstrap} resamples"
        + (", Saltelli blocks resampled whole)" if config.sampler == "saltelli" else ")")
        + ". ρ: rank correlation across samples of the pair's difference of collapse shares "
        "with the assumption (negative: a larger value favours A); * p < 0.01.",
    ]
    if sobol is not None:
        st_table = by_pair(sobol, "ST", config).reset_index()
        for name in config.names:
            st_table[name] = st_table[name].map(lambda v: "—" if not np.isfinite(v) else f"{v:.2f}")
        parts += [
            "",
            "Sobol total indices (ST) of each pair's difference of collapse shares:",
            "",
            markdown(st_table),
        ]
    return "\n".join(parts)


def by_pair(frame: pd.DataFrame, column: str, config: Config) -> pd.DataFrame:
    """One row a pair (in the strategies' order), one column an assumption (NaN kept)."""
    table = frame.set_index(["A", "B", "assumption"])[column].unstack()
    pairs = pd.MultiIndex.from_tuples(unordered_pairs(config.strategies), names=["A", "B"])
    return table.reindex(index=pairs, columns=config.names)


def unordered_pairs(names: tuple[str, ...]) -> list[tuple[str, str]]:
    return list(itertools.combinations(names, 2))


def figure(config: Config, pairs: pd.DataFrame, rho: pd.DataFrame) -> Figure:
    """Left: P(row strategy collapses less than column); right: ρ of each pair with each
    assumption."""
    names = list(config.strategies)
    matrix = pairs.pivot(index="A", columns="B", values="p_less").reindex(
        index=names, columns=names
    )
    fig = Figure(figsize=(13, 0.5 * max(len(names), 6) + 2.2))
    left, right = fig.subplots(1, 2, width_ratios=[1, 1.6])
    image = left.imshow(matrix.to_numpy(dtype=float), vmin=0, vmax=1, cmap="viridis")
    for (i, j), v in np.ndenumerate(matrix.to_numpy(dtype=float)):
        if np.isfinite(v):
            left.text(
                j,
                i,
                f"{v:.2f}",
                ha="center",
                va="center",
                color="w" if v < 0.6 else "k",
                fontsize=9,
            )
    left.set_xticks(range(len(names)), names, rotation=30)
    left.set_yticks(range(len(names)), names)
    left.set_xlabel("B")
    left.set_ylabel("A")
    left.set_title("P(A collapses less than B)\nover the sampled assumptions", fontsize=10)
    fig.colorbar(image, ax=left, shrink=0.8)
    grid = by_pair(rho, "rho", config)
    grid.index = [f"{a} − {b}" for a, b in grid.index]
    values = grid.to_numpy(dtype=float)
    image = right.imshow(values, vmin=-1, vmax=1, cmap="RdBu_r", aspect="auto")
    for (i, j), v in np.ndenumerate(values):
        if np.isfinite(v):
            right.text(j, i, f"{v:+.2f}", ha="center", va="center", fontsize=8)
    right.set_xticks(range(len(config.names)), config.names, rotation=40, ha="right")
    right.set_yticks(range(len(grid)), grid.index)
    right.set_title(
        "Which assumptions decide each pair: Spearman ρ of\n"
        "collapse share A − B with the assumption",
        fontsize=10,
    )
    fig.colorbar(image, ax=right, shrink=0.8)
    fig.tight_layout()
    return fig


@dataclass
class Analysis:
    """What the analysis wrote and found."""

    strategies: pd.DataFrame
    pairs: pd.DataFrame
    deciders: pd.DataFrame
    sobol: pd.DataFrame | None
    text: str
    figure: Path


def analyse(config: Config, runs: pd.DataFrame, out: str | Path) -> Analysis:
    """Tables, Markdown and figure from the finished runs, written to ``out``."""
    out = Path(out)
    X, blocks = design(config)
    collapse, cohesion = per_sample(runs, config.strategies, len(X))
    seed = config.root_seed
    table = strategy_table(collapse, cohesion, blocks, config.bootstrap, config.confidence, seed)
    pairs = pairwise(collapse, blocks, config.bootstrap, config.confidence, seed, cohesion)
    rho = deciders(collapse, X, config.names)
    sobol = sobol_indices(collapse, config) if config.sampler == "saltelli" else None
    text = report_text(config, table, pairs, rho, sobol, len(X))
    table.to_csv(out / "strategies.csv", index=False)
    pairs.to_csv(out / "pairwise.csv", index=False)
    rho.to_csv(out / "deciders.csv", index=False)
    if sobol is not None:
        sobol.to_csv(out / "sobol.csv", index=False)
    (out / "summary.md").write_text(text + "\n")
    path = out / "strategy_robustness.png"
    figure(config, pairs, rho).savefig(path, dpi=100)
    return Analysis(table, pairs, rho, sobol, text, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("config", help="the robustness TOML (experiments/strategy_robustness.toml)")
    parser.add_argument("--out", help="result folder (default results/NAME)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (0: this process)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    try:
        if args.workers < 0:
            raise ConfigError(f"--workers={args.workers} is invalid: expected 0 or more")
        config = load_config(args.config)
        out = Path(args.out or Path("results") / config.name)
        report, runs = run(config, out, args.workers, progress=not args.no_progress)
        if runs is None:
            raise ValueError(
                f"{out}: {report.total - report.skipped - report.ran} runs are missing; "
                "run the command again to resume"
            )
        result = analyse(config, runs, out)
    except (SpecError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(result.text)
    print(
        f"\n{report.ran} runs this time, {report.skipped} already done; wrote "
        f"{out}/summary.md, pairwise.csv, strategies.csv, deciders.csv and {result.figure.name}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
