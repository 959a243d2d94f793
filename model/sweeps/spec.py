"""Declared experiments: a TOML file naming the parameters held fixed and those varied.

An experiment file looks like::

    name = "collapse_threshold"
    description = "Captain's strategy x breach rate"
    horizon_days = 365          # days each run lasts
    replicates = 10             # runs (seeds) per parameter point
    root_seed = 20240601        # numpy SeedSequence root; one child per run
    breach_at_start = 3         # optional: the story's breach on day 0 (deaths)

    [fixed]                     # any model parameter, held at one value
    penetration_probability = 1.0

    [vary]                      # a list of values, or a range table
    captain_strategy = ["silent", "reassure", "memorial", "candid"]
    impact_rate = { low = 0.0, high = 24.0, num = 7 }      # num points (grid), log = true|false

    [sampling]                  # optional; default a full grid
    method = "grid"             # or "latin_hypercube", "sobol" (then `samples` points)
    samples = 64

    [[interventions]]           # optional, repeated: the timeline (see model.timeline)
    day = 0                     # applied after this many days, before the next step
    kind = "breach"             # breach, message, memorial, mitigate, referendum, strategy,
    deaths = 3                  # breach_rate; then the kind's own arguments

    [outputs]                   # optional
    series = true               # keep per-day series (downsampled)
    series_every = 7            # keep every 7th day (and the last)
    series_columns = ["cohesion", "support_continue"]

    [uncertainty]               # optional: carry parameter uncertainty into every run
    posterior = "../results/story-abc"   # a `python -m model calibrate` output folder,
                                         # relative to this file, or absolute

With ``[uncertainty]``, each run draws its calibrated parameters from the folder's weighted
posterior (``posterior.parquet``), seeded by the run's own seed; ``runs.parquet`` records the
drawn values (in the parameters' columns) and ``posterior_draw`` (see
:mod:`model.sweeps.uncertainty`). A parameter in ``[fixed]`` or ``[vary]`` keeps the file's
value: the sweep wins over the posterior.

Every parameter name and value is checked against :mod:`model.parameters`; a bad file raises
:class:`SpecError` naming the file, the key and what was expected.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import tomllib
from dataclasses import dataclass, field
from numbers import Integral, Real
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from model import metric_registry, timeline
from model.parameters import Parameters, describe, unknown_message
from model.validation import Constraint, Interval, InvalidValue, Options, unknown

if TYPE_CHECKING:
    from model.sweeps.uncertainty import Posterior

SAMPLING_METHODS = ("grid", "latin_hypercube", "sobol")
SAMPLING = Options(SAMPLING_METHODS)
#: Points of a grid range (``num``).
GRID_POINTS = Interval(Integral, 2, 100_000)
#: A share strictly between none and all (``signals_window``).
SHARE = Interval(Real, 0, 1, closed="neither")
TOP_KEYS = (
    "name",
    "description",
    "horizon_days",
    "replicates",
    "root_seed",
    "breach_at_start",
    "fixed",
    "vary",
    "sampling",
    "outputs",
    "sensitivity",
    "threshold",
    "interventions",
    "uncertainty",
)
OUTPUT_KEYS = ("series", "series_every", "series_columns", "signals_window")
SENSITIVITY_KEYS = ("method", "outcome", "trajectories", "num_levels", "samples")
SENSITIVITY_METHODS = ("morris", "sobol")


class SpecError(ValueError):
    """A bad experiment file: the message names the key and what was expected."""


@dataclass(frozen=True)
class Varied:
    """One varied parameter: explicit values, or a numeric range ``[low, high]``."""

    name: str
    values: tuple[Any, ...] | None = None  # explicit values (grid) / categories (sampling)
    low: float | None = None
    high: float | None = None
    num: int | None = None
    log: bool = False
    kind: type = float

    @property
    def is_range(self) -> bool:
        return self.values is None

    def grid(self) -> list[Any]:
        """The values this parameter takes on a grid."""
        if self.values is not None:
            return list(self.values)
        assert self.low is not None and self.high is not None and self.num is not None
        if self.log:
            raw = np.geomspace(self.low, self.high, self.num)
        else:
            raw = np.linspace(self.low, self.high, self.num)
        return [self.cast(u) for u in raw]

    def from_unit(self, u: float) -> Any:
        """Map a sample in [0, 1) to a value (categories: equal shares; ranges: linear/log)."""
        if self.values is not None:
            return self.values[min(int(u * len(self.values)), len(self.values) - 1)]
        assert self.low is not None and self.high is not None
        if self.log:
            x = math.exp(math.log(self.low) + u * (math.log(self.high) - math.log(self.low)))
        else:
            x = self.low + u * (self.high - self.low)
        return self.cast(x)

    def cast(self, x: Any) -> Any:
        if self.kind is int:
            return int(round(float(x)))
        if self.kind is float:
            return float(x)
        return x


@dataclass(frozen=True)
class Experiment:
    """A parsed, validated experiment."""

    name: str
    horizon_days: int
    replicates: int
    root_seed: int
    fixed: dict[str, Any]
    vary: tuple[Varied, ...]
    method: str = "grid"
    samples: int | None = None
    breach_at_start: int | None = None
    description: str = ""
    series: bool = False
    series_every: int = 1
    series_columns: tuple[str, ...] = field(default_factory=metric_registry.series_columns)
    signals_window: float = 0.5
    sensitivity: dict[str, Any] = field(default_factory=dict)
    source: str = ""  # the file's text, kept for the manifest
    interventions: tuple[dict[str, Any], ...] = ()  # the timeline, applied in every run
    posterior: Posterior | None = None  # [uncertainty] posterior, loaded and checked

    @property
    def overridden(self) -> list[str]:
        """Posterior parameters the file sets itself (fixed or varied): the file wins."""
        if self.posterior is None:
            return []
        own = set(self.fixed) | set(self.varied_names)
        return [n for n in self.posterior.names if n in own]

    @property
    def varied_names(self) -> list[str]:
        return [v.name for v in self.vary]

    def points(self) -> list[dict[str, Any]]:
        """The parameter points, in canonical order (fixed values merged in).

        Raises
        ------
        SpecError
            A grid sweep with a range that gives no ``num``.
        """
        if not self.vary:
            return [dict(self.fixed)]
        if self.method == "grid":
            for v in self.vary:
                if v.is_range and v.num is None:
                    raise SpecError(
                        f"{self.name}: vary.{v.name}.num: expected the number of grid values "
                        "(a range needs num on a grid; or sample it with [sampling] method)"
                    )
            combos = itertools.product(*(v.grid() for v in self.vary))
            varied = [dict(zip(self.varied_names, c, strict=True)) for c in combos]
        else:
            varied = [
                {v.name: v.from_unit(float(u)) for v, u in zip(self.vary, row, strict=True)}
                for row in unit_samples(self.method, len(self.vary), self.samples, self.root_seed)
            ]
        return [{**self.fixed, **p} for p in varied]

    @property
    def n_runs(self) -> int:
        return len(self.points()) * self.replicates

    def digest(self) -> str:
        """A fingerprint of what the runs are (not of comments or formatting)."""
        payload = {
            "fixed": self.fixed,
            "vary": [repr(v) for v in self.vary],
            "method": self.method,
            "samples": self.samples,
            "replicates": self.replicates,
            "root_seed": self.root_seed,
            "horizon_days": self.horizon_days,
            "breach_at_start": self.breach_at_start,
            "series": [self.series, self.series_every, list(self.series_columns)],
            "signals_window": self.signals_window,
        }
        if self.interventions:  # absent otherwise: older experiments keep their digests
            payload["interventions"] = list(self.interventions)
        if self.posterior is not None:  # only then: older result folders keep their digest
            payload["posterior"] = self.posterior.digest()
        text = json.dumps(payload, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def unit_samples(method: str, dims: int, n: int | None, seed: int) -> np.ndarray:
    """``n`` points in the unit hypercube by Latin-hypercube or (scrambled) Sobol sampling."""
    from scipy.stats import qmc

    assert n is not None
    if method == "latin_hypercube":
        sampler = qmc.LatinHypercube(d=dims, rng=np.random.default_rng(seed))
    else:
        sampler = qmc.Sobol(d=dims, scramble=True, rng=np.random.default_rng(seed))
    return sampler.random(n)


# --- parsing --------------------------------------------------------------------------------
def load_experiment(path: str | Path) -> Experiment:
    """Read and validate an experiment file.

    Raises
    ------
    SpecError
        The file is missing, is not TOML, or a key is wrong; the message names the key.
    """
    path = Path(path)
    try:
        text = path.read_text()
    except OSError as exc:
        raise SpecError(f"{path}: cannot read the experiment file ({exc.strerror})") from None
    return parse_experiment(text, label=str(path), default_name=path.stem, base=path.parent)


def parse_experiment(
    text: str, label: str = "experiment", default_name: str = "", base: Path | None = None
) -> Experiment:
    """Parse and validate the TOML text of an experiment (see the module doc).

    ``base`` is the folder a relative ``[uncertainty] posterior`` path starts from (the
    file's folder; default the working directory).
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(f"{label}: not valid TOML: {exc}") from None

    def bad(key: str, expected: str, got: Any = None, show: bool = True) -> SpecError:
        shown = f", got {got!r}" if show else ""
        return SpecError(f"{label}: {key}: expected {expected}{shown}")

    for key in data:
        if key not in TOP_KEYS:
            raise SpecError(f"{label}: {_unknown(key, TOP_KEYS, 'key')}")
    for key in ("horizon_days", "replicates", "root_seed"):
        if key not in data:
            raise bad(key, "this key (it is required)", show=False)

    def whole(key: str, value: Any, low: int, high: int | None = None) -> int:
        closed = "both" if high is not None else "left"
        return int(_held(label, key, value, Interval(Integral, low, high, closed=closed)))

    horizon = whole("horizon_days", data["horizon_days"], 1, 365_000)
    replicates = whole("replicates", data["replicates"], 1, 1_000_000)
    root_seed = whole("root_seed", data["root_seed"], 0)
    breach = data.get("breach_at_start")
    if breach is not None:
        breach = whole("breach_at_start", breach, 0, 1000)
    name = data.get("name", default_name)
    if not isinstance(name, str):
        raise bad("name", "text", name)
    description = data.get("description", "")
    if not isinstance(description, str):
        raise bad("description", "text", description)

    fixed_raw = _table(data, "fixed", bad)
    fixed: dict[str, Any] = {}
    for key, value in fixed_raw.items():
        decl = _declaration(label, f"fixed.{key}", key)
        fixed[key] = _check_value(label, f"fixed.{key}", key, value, decl)

    vary_raw = _table(data, "vary", bad)
    sampling = _table(data, "sampling", bad)
    for key in sampling:
        if key not in ("method", "samples"):
            raise SpecError(f"{label}: {_unknown('sampling.' + key, ('method', 'samples'), 'key')}")
    method = _held(label, "sampling.method", sampling.get("method", "grid"), SAMPLING)
    samples = sampling.get("samples")
    if method != "grid":
        if samples is None:
            raise bad("sampling.samples", f"a whole number >= 1 (method {method})", show=False)
        samples = whole("sampling.samples", samples, 1, 10_000_000)
    elif samples is not None:
        raise bad("sampling.samples", "no samples with method 'grid' (use num in [vary])", samples)

    vary: list[Varied] = []
    for key, value in vary_raw.items():
        where = f"vary.{key}"
        decl = _declaration(label, where, key)
        if key in fixed:
            raise SpecError(f"{label}: {where}: a parameter is either fixed or varied, not both")
        vary.append(_parse_varied(label, where, key, value, decl, method))

    outputs = _table(data, "outputs", bad)
    for key in outputs:
        if key not in OUTPUT_KEYS:
            raise SpecError(f"{label}: {_unknown('outputs.' + key, OUTPUT_KEYS, 'key')}")
    series = outputs.get("series", False)
    if not isinstance(series, bool):
        raise bad("outputs.series", "true or false", series)
    every = whole("outputs.series_every", outputs.get("series_every", 1), 1, 100_000)
    declared = metric_registry.series_columns()
    columns = outputs.get("series_columns", list(declared))
    if not isinstance(columns, list) or not columns:
        raise bad("outputs.series_columns", "a list of series column names", columns)
    for column in columns:
        if column not in declared:
            unknown = _unknown(str(column), declared, "column")
            raise SpecError(f"{label}: outputs.series_columns: {unknown}")
    window = _held(label, "outputs.signals_window", outputs.get("signals_window", 0.5), SHARE)

    sensitivity = _table(data, "sensitivity", bad)
    for key in sensitivity:
        if key not in SENSITIVITY_KEYS:
            raise SpecError(f"{label}: {_unknown('sensitivity.' + key, SENSITIVITY_KEYS, 'key')}")
    if sensitivity.get("method", "morris") not in SENSITIVITY_METHODS:
        raise bad("sensitivity.method", " or ".join(SENSITIVITY_METHODS), sensitivity.get("method"))
    for key in ("trajectories", "num_levels", "samples"):
        if key in sensitivity:
            whole(f"sensitivity.{key}", sensitivity[key], 1, 1_000_000)

    raw_timeline = data.get("interventions", [])
    if not isinstance(raw_timeline, list):
        raise bad("interventions", "[[interventions]] tables", raw_timeline)
    interventions = []
    for i, entry in enumerate(raw_timeline):
        try:
            interventions.append(timeline.check(entry))
        except ValueError as exc:
            raise SpecError(f"{label}: interventions[{i}]: {exc}") from None
        if interventions[-1]["day"] > horizon:
            raise bad(
                f"interventions[{i}].day", f"a day up to horizon_days ({horizon})", entry["day"]
            )
    uncertainty = _table(data, "uncertainty", bad)
    for key in uncertainty:
        if key != "posterior":
            raise SpecError(f"{label}: {_unknown('uncertainty.' + key, ('posterior',), 'key')}")
    posterior = None
    if "uncertainty" in data:
        if "posterior" not in uncertainty:
            raise bad("uncertainty.posterior", "a calibration folder (it is required)", show=False)
        from model.sweeps.uncertainty import load_posterior

        posterior = load_posterior(uncertainty["posterior"], label, base)

    experiment = Experiment(
        name=name or "experiment",
        horizon_days=horizon,
        replicates=replicates,
        root_seed=root_seed,
        fixed=fixed,
        vary=tuple(vary),
        method=method,
        samples=samples,
        breach_at_start=breach,
        description=description,
        series=series,
        series_every=every,
        series_columns=tuple(columns),
        signals_window=float(window),
        sensitivity=dict(sensitivity),
        source=text,
        interventions=tuple(interventions),
        posterior=posterior,
    )
    _check_points(label, experiment)
    if posterior is not None:
        from model.sweeps.uncertainty import check_particles

        first = (
            experiment.points()[0]
            if experiment.method != "grid"
            or all(not v.is_range or v.num is not None for v in experiment.vary)
            else dict(experiment.fixed)
        )
        check_particles(posterior, first, label)
    return experiment


def _table(data: dict[str, Any], key: str, bad) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise bad(key, f"a table [{key}]", value)
    return value


def _unknown(name: str, known, what: str) -> str:
    return unknown(what, name, known)


def _declaration(label: str, where: str, name: str) -> dict[str, Any]:
    try:
        return describe(name)
    except ValueError:
        known = [d for d in Parameters.__dataclass_fields__]
        raise SpecError(f"{label}: {where}: {unknown_message(name, known)}") from None


def _held(label: str, key: str, value: Any, constraint: Constraint) -> Any:
    """``value`` if ``constraint`` accepts it; SpecError ``label: key=value is invalid: ...``."""
    try:
        return constraint.require(key, value)
    except InvalidValue as exc:
        raise SpecError(f"{label}: {exc}") from None


def _check_value(label: str, where: str, name: str, value: Any, decl: dict[str, Any]) -> Any:
    """A parameter's value, held to its declaration (the same text as ``Parameters``, with
    the key as the file names it: ``vary.grief_half_life.low=0 is invalid: ...``)."""
    try:
        return getattr(Parameters(**{name: value}), name)
    except InvalidValue as exc:
        raise SpecError(f"{label}: {exc.renamed(where)}") from None
    except ValueError as exc:  # a conflict with another parameter's default
        message = str(exc)
        message = message.split(" is invalid", 1)[-1] if " is invalid" in message else message
        raise SpecError(f"{label}: {where}={value!r} is invalid{message}") from None


def _parse_varied(
    label: str, where: str, name: str, value: Any, decl: dict[str, Any], method: str
) -> Varied:
    kind = decl["type"]
    if isinstance(value, list):
        if not value:
            raise SpecError(f"{label}: {where}: expected a non-empty list of values, got []")
        checked = tuple(_check_value(label, where, name, v, decl) for v in value)
        if len(set(checked)) != len(checked):
            raise SpecError(f"{label}: {where}: expected distinct values, got {value!r}")
        return Varied(name=name, values=checked, kind=kind)
    expected = "a list of values, or a range table { low = A, high = B" + (
        ", num = N }" if method == "grid" else " }"
    )
    if not isinstance(value, dict):
        raise SpecError(f"{label}: {where}: expected {expected}, got {value!r}")
    if kind not in (int, float):
        raise SpecError(
            f"{label}: {where}: a range needs a numeric parameter; give a list of values "
            f"for this {kind.__name__} parameter"
        )
    allowed = ("low", "high", "num", "log") if method == "grid" else ("low", "high", "log")
    for key in value:
        if key not in allowed:
            raise SpecError(f"{label}: {_unknown(f'{where}.{key}', allowed, 'key')}")
    for key in ("low", "high"):
        if key not in value:
            raise SpecError(f"{label}: {where}.{key}: expected this key in {expected}")
    low = _check_value(label, f"{where}.low", name, value["low"], decl)
    high = _check_value(label, f"{where}.high", name, value["high"], decl)
    if not low < high:
        raise SpecError(f"{label}: {where}: expected low < high, got low={low!r}, high={high!r}")
    log = value.get("log", False)
    if not isinstance(log, bool):
        raise SpecError(f"{label}: {where}.log: expected true or false, got {log!r}")
    if log and low <= 0:
        raise SpecError(f"{label}: {where}: expected low > 0 with log = true, got low={low!r}")
    num = value.get("num")
    if num is not None:
        num = _held(label, f"{where}.num", num, GRID_POINTS)
    return Varied(name=name, low=float(low), high=float(high), num=num, log=log, kind=kind)


def _check_points(label: str, experiment: Experiment) -> None:
    """Every point must be a valid parameter set (catches combinations, e.g. a schedule)."""
    if not experiment.vary or experiment.method != "grid":
        count = (experiment.samples or 1) if experiment.vary else 1
    else:  # counted before the points are made: a huge grid is refused, not built
        count = math.prod(len(v.values) if v.values else v.num or 2 for v in experiment.vary)
    if count * experiment.replicates > 10_000_000:
        runs = count * experiment.replicates
        raise SpecError(f"{label}: the experiment has too many runs ({runs:,}; at most 10,000,000)")
    if any(v.is_range and v.num is None for v in experiment.vary) and experiment.method == "grid":
        # No grid without num (only a sensitivity analysis can use this file): check the ends.
        ends = [
            {**experiment.fixed, v.name: b}
            for v in experiment.vary
            if v.is_range
            for b in (v.cast(v.low), v.cast(v.high))
        ]
        points = ends or [dict(experiment.fixed)]
    else:
        points = experiment.points()
    for point in points:
        try:
            Parameters.from_mapping(point)
        except ValueError as exc:
            raise SpecError(f"{label}: the point {point} is invalid: {exc}") from None
