"""Property-based fuzzing of experiment files: a valid sweep or one clear line naming the key.

Hypothesis writes TOML experiment files: valid ones (tiny crews, 1-3 day horizons, 1-2
replicates, grids and samples, series kept or not) and broken ones: unknown keys at the top and
as parameter names, wrong types, ``nan`` and ``inf``, negatives, huge values, empty [vary]
entries and tables, one-person crews, mortality and breaches that kill everyone, sections that
are not tables, missing keys, a parameter both fixed and varied, bad command-line options and
invalid TOML syntax. Each file is run through the Python API (``load_experiment`` +
``run_sweep``) or the CLI (``python -m model sweep``, in this process) and must end in a
complete sweep with sensible tables, or a :class:`SpecError` / exit code 2 whose one-line
message names a key that was broken — never another exception, never a traceback.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import math
import re
import time

import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import model.sweeps.results as results
import model.sweeps.sweep as sweep
from model.cli import main
from model.parameters import declarations
from model.sweeps.results import read_manifest
from model.sweeps.spec import TOP_KEYS, SpecError, load_experiment, parse_experiment
from model.sweeps.sweep import run_sweep
from tests.profiles import examples

EXAMPLES = 400

DECLS = {d["name"]: d for d in declarations()}
TINY_CREWS = [1, 2, 3, 5, 17, 60, 150, 250]
#: Parameters varied by the valid files, with valid values.
VARIED = {
    "impact_rate": st.floats(0.0, 50.0),
    "initial_trust": st.floats(0.0, 1.0),
    "penetration_probability": st.sampled_from([0.0, 0.5, 1.0]),
    "mortality_per_1000": st.sampled_from([0.0, 4.0, 1000.0]),
    "friends_per_person": st.integers(0, 10),
    "breach_deaths": st.sampled_from([0.0, 3.0, 1000.0]),
    "captain_strategy": st.sampled_from(DECLS["captain_strategy"]["valid"]),
    "influence": st.sampled_from(DECLS["influence"]["valid"]),
}
NUMERIC = [n for n, d in DECLS.items() if d["type"] in (int, float)]
FLOATS = [n for n, d in DECLS.items() if d["type"] is float]
ODD = st.one_of(
    st.text(max_size=6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.lists(st.integers(-3, 3), max_size=2),
    st.dictionaries(st.sampled_from(["a", "low"]), st.integers(0, 2), max_size=2),
)
HUGE = st.sampled_from([10**7, 10**12, 10**30, 1e300, 2**63])
SYNTAX = ["= =", "[[broken", 'name = "unterminated', "horizon_days = 1\nhorizon_days = 2", "x ="]
OPTIONS = [
    (["--chunk-size", "0"], "--chunk-size"),
    (["--workers", "-1"], "--workers"),
    (["--chunk-size", "x"], "--chunk-size"),
    (["--bogus"], "--bogus"),
]


# --- a small TOML writer (nan and inf included) ----------------------------------------------
def _string(text: str) -> str:
    """A TOML basic string: JSON escapes, plus DEL, which TOML also forbids raw."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _key(k: str) -> str:
    return k if re.fullmatch(r"[A-Za-z0-9_-]+", k) else _string(k)


def _value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        return repr(v) if math.isfinite(v) else ("inf" if v > 0 else "-inf")
    if isinstance(v, str):
        return _string(v)
    if isinstance(v, list):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    return "{ " + ", ".join(f"{_key(k)} = {_value(x)}" for k, x in v.items()) + " }"


def to_toml(doc: dict) -> str:
    """The document as TOML: scalars first, then one [table] per dict."""
    lines = [f"{_key(k)} = {_value(v)}" for k, v in doc.items() if not isinstance(v, dict)]
    for name, table in doc.items():
        if isinstance(table, dict):
            lines.append(f"[{_key(name)}]")
            lines += [f"{_key(k)} = {_value(v)}" for k, v in table.items()]
    return "\n".join(lines) + "\n"


# --- documents -------------------------------------------------------------------------------
@st.composite
def valid_documents(draw) -> dict:
    """A small, valid experiment (its runs may still fail, e.g. a crew too small to vote)."""
    fixed = {"n_crew": draw(st.sampled_from(TINY_CREWS))}
    if draw(st.booleans()):
        fixed["referendum_margin"] = draw(st.sampled_from([-1, 0, 1, 2]))
    if draw(st.booleans()):
        fixed["burn_in_days"] = draw(st.sampled_from([0, 3, 30]))
    names = draw(st.lists(st.sampled_from(sorted(VARIED)), max_size=2, unique=True))
    vary: dict = {}
    for name in names:
        kind = DECLS[name]["type"]
        if kind in (int, float) and draw(st.booleans()):
            low, high = sorted(draw(st.lists(VARIED[name], min_size=2, max_size=2, unique=True)))
            vary[name] = {"low": low, "high": high, "num": draw(st.integers(2, 3))}
        else:
            vary[name] = draw(st.lists(VARIED[name], min_size=1, max_size=3, unique=True))
    doc: dict = {
        "horizon_days": draw(st.integers(1, 3)),
        "replicates": draw(st.integers(1, 2)),
        "root_seed": draw(st.integers(0, 2**64)),
    }
    if draw(st.booleans()):
        doc["name"] = draw(st.text(max_size=10))
    if draw(st.integers(0, 3)) == 0:
        doc["breach_at_start"] = draw(st.sampled_from([0, 2, 1000]))  # 1000: everyone dies
    doc["fixed"] = fixed
    doc["vary"] = vary
    if vary and draw(st.integers(0, 3)) == 0:
        method = draw(st.sampled_from(["latin_hypercube", "sobol"]))
        doc["sampling"] = {"method": method, "samples": draw(st.sampled_from([1, 2, 4]))}
        for table in vary.values():
            if isinstance(table, dict):
                del table["num"]
    if draw(st.booleans()):
        columns = draw(st.lists(st.sampled_from(["cohesion", "alive", "mean_trust"]), min_size=1))
        doc["outputs"] = {
            "series": draw(st.booleans()),
            "series_every": draw(st.integers(1, 3)),
            "series_columns": sorted(set(columns)),
        }
    return doc


def _table(doc: dict, name: str) -> dict:
    """The table ``name`` of ``doc`` (made if missing; a scratch one if broken already)."""
    table = doc.setdefault(name, {})
    return table if isinstance(table, dict) else {}


def _mutate(draw, doc: dict, kind: str) -> set[str]:
    """Break ``doc`` in one way; the key names a clear error may give."""
    fixed, vary = _table(doc, "fixed"), _table(doc, "vary")
    if kind == "unknown top key":
        key = draw(st.sampled_from(["nmae", "horizon", "replicate", "seed", "output", "vary_"]))
        doc[key] = 1
        return {key}
    if kind == "unknown parameter":
        name = draw(st.sampled_from(["n_crw", "impact", "trust", "Captain_strategy", "x"]))
        (fixed if draw(st.booleans()) else vary)[name] = [1, 2]
        return {name}
    if kind == "wrong type":
        where = draw(
            st.sampled_from(
                ["horizon_days", "replicates", "root_seed", "breach_at_start", "name", "fixed"]
                + ["outputs.series", "outputs.series_every", "outputs.signals_window"]
                + ["outputs.series_columns", "sampling.method", "sampling.samples"]
            )
        )
        value = draw(ODD)
        if where == "fixed":
            where = draw(st.sampled_from(sorted(DECLS)))
            fixed[where] = value
        elif "." in where:
            table, key = where.split(".")
            _table(doc, table)[key] = value
            where = key
        else:
            doc[where] = value
        return {where}
    if kind == "not finite":
        name = draw(st.sampled_from(FLOATS))
        bad = draw(st.sampled_from([math.nan, math.inf, -math.inf]))
        if draw(st.booleans()):
            fixed[name] = bad
        else:
            vary[name] = draw(st.sampled_from([[bad], {"low": 0.0, "high": bad, "num": 2}]))
        return {name}
    if kind in ("negative", "huge"):
        value = draw(st.sampled_from([-1, -(10**9), -1e-9]) if kind == "negative" else HUGE)
        where = draw(st.sampled_from(["horizon_days", "replicates", "root_seed", "param"]))
        if where == "param":
            where = draw(st.sampled_from(NUMERIC))
            fixed[where] = value
        else:
            doc[where] = value
        return {where}
    if kind == "huge grid":
        vary["impact_rate"] = {
            "low": 0.0,
            "high": 1.0,
            "num": draw(st.sampled_from([10**5, 10**6])),
        }
        vary["initial_trust"] = {"low": 0.0, "high": 1.0, "num": 10**5}
        fixed.pop("impact_rate", None)
        fixed.pop("initial_trust", None)
        doc.pop("sampling", None)
        return {"num", "too many runs", "impact_rate", "initial_trust"}
    if kind == "empty vary entry":
        name = draw(st.sampled_from(sorted(VARIED)))
        fixed.pop(name, None)
        vary[name] = draw(st.sampled_from([[], {}, {"low": 1.0}]))
        return {name}
    if kind == "missing key":
        key = draw(st.sampled_from(["horizon_days", "replicates", "root_seed"]))
        doc.pop(key, None)
        return {key}
    if kind == "not a table":
        key = draw(st.sampled_from(["fixed", "vary", "outputs", "sampling"]))
        doc[key] = draw(st.one_of(st.integers(), st.text(max_size=4), st.lists(st.booleans())))
        return {key}
    if kind == "fixed and varied":
        name = draw(st.sampled_from(sorted(VARIED)))
        vary[name] = [draw(VARIED[name])]
        fixed[name] = draw(VARIED[name])
        return {name}
    raise AssertionError(kind)


MUTATIONS = [
    "unknown top key",
    "unknown parameter",
    "wrong type",
    "not finite",
    "negative",
    "huge",
    "huge grid",
    "empty vary entry",
    "missing key",
    "not a table",
    "fixed and varied",
]


@st.composite
def experiment_files(draw) -> tuple[str, set[str], list[str]]:
    """TOML text, the keys an error may name (empty: none was broken), the mutations."""
    doc = draw(valid_documents())
    if draw(st.booleans()):
        doc["vary"] = {}  # an empty [vary] table: one point
    kinds = draw(
        st.lists(st.sampled_from([*MUTATIONS, "syntax", "syntax"]), min_size=1, max_size=2)
    )
    if draw(st.integers(0, 2)) == 0:
        kinds = []  # a third of the files stay valid
    names: set[str] = set()
    for kind in kinds:
        if kind != "syntax":
            names |= _mutate(draw, doc, kind)
    text = to_toml(doc)
    if "syntax" in kinds:
        if draw(st.booleans()):
            cut = draw(st.integers(0, len(text)))
            text = text[:cut] + draw(st.sampled_from(SYNTAX)) + text[cut:]
        else:
            text = text[: draw(st.integers(0, len(text)))]  # truncated
        names |= {"not valid TOML", *TOP_KEYS}  # a cut can drop a required key or a table
    return text, names, kinds


def _too_big(experiment) -> bool:
    """Valid but needlessly slow for a unit test (the fuzzing is about inputs, not speed)."""
    points = experiment.points()
    crew = max(p.get("n_crew", DECLS["n_crew"]["default"]) for p in points)
    burn = max(p.get("burn_in_days", DECLS["burn_in_days"]["default"]) for p in points)
    days = experiment.horizon_days + burn
    return experiment.n_runs > 16 or crew > 300 or days > 200


def _check_tables(out, experiment) -> None:
    """A finished sweep's tables make sense."""
    runs = pd.read_parquet(out / "runs.parquet")
    assert runs["run_id"].tolist() == list(range(experiment.n_runs))
    failed = runs["failed"]
    assert runs.loc[failed, "error"].map(lambda e: isinstance(e, str) and e != "").all()
    good = runs[~failed]
    assert (good["final_alive"] == good["n_crew"] - good["deaths"] + good["births"]).all()
    for column in ("min_cohesion", "final_cohesion", "final_support", "final_trust"):
        values = good[column].dropna()
        assert values.between(0.0, 1.0).all(), column
    everyone_dead = good["final_alive"] == 0
    assert good.loc[everyone_dead, "final_support"].isna().all()
    manifest = read_manifest(out)
    assert manifest["status"] == "complete" and manifest["failed_runs"] == int(failed.sum())
    if experiment.series:
        series = pd.read_parquet(out / "series.parquet")
        assert set(series["run_id"]) == set(good["run_id"])
    if experiment.series and len(good):
        last = series.groupby("run_id")["day"].max()
        assert (last <= experiment.horizon_days).all()
        # extinction (no voter left, so no final support) ends a run early; the rest run on
        ended = good.loc[good["final_support"].isna(), "run_id"]
        assert (last.drop(ended, errors="ignore") == experiment.horizon_days).all()
    event("complete sweep, some runs failed" if failed.any() else "complete sweep")
    if len(good) and everyone_dead.all():
        event("complete sweep, everyone dead")


@pytest.fixture(scope="module")
def quick_manifest():
    """Versions and commit looked up once, and no fsync: the fuzzing is about the inputs."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sweep, "versions", functools.cache(sweep.versions))
        patch.setattr(sweep, "git_commit", functools.cache(sweep.git_commit))
        patch.setattr(results.os, "fsync", lambda fd: None)
        yield


@settings(max_examples=examples(EXAMPLES), deadline=None, suppress_health_check=list(HealthCheck))
@given(
    case=experiment_files(),
    via_cli=st.booleans(),
    option=st.sampled_from([None] * 8 + OPTIONS),
)
def test_experiment_file_gives_a_sweep_or_one_clear_line(
    case, via_cli, option, tmp_path_factory, quick_manifest
):
    text, names, kinds = case
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / "fuzz.toml"
    path.write_text(text, encoding="utf-8")
    out = folder / "out"
    try:
        experiment = load_experiment(path)
    except SpecError as exc:
        message = str(exc)
        experiment = None
    else:
        message = None
        if _too_big(experiment):  # checked: a valid file was accepted; running it is too slow
            event("valid, too big to run here")
            return
    if via_cli:
        args = ["sweep", str(path), "--out", str(out), "--workers", "0", "--no-progress"]
        args += option[0] if option else []
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = main(args)
        err_text = err.getvalue()
        assert "Traceback" not in err_text
        if code == 2:
            lines = err_text.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("error: "), err_text
            line = lines[0].removeprefix("error: ")
            if option is not None and option[1] in line:  # a bad option is found first
                event("clear error (CLI option)")
                return
            assert message is not None, f"a valid file was refused: {line}"
            message = line
        else:
            assert code == 0 and experiment is not None and option is None, (code, err_text)
    elif experiment is not None:
        run_sweep(experiment, out, workers=0)
    if experiment is None or (via_cli and code == 2):
        assert "\n" not in message and message.split(": ", 1)[0].endswith("fuzz.toml"), message
        assert names, f"a valid file was refused: {message}"
        assert any(name in message for name in names), (message, names, kinds)
        event("clear error (syntax)" if "not valid TOML" in message else "clear error (key)")
        return
    _check_tables(out, experiment)


def test_a_huge_grid_is_refused_before_it_is_built():
    # Regression: two ranges of 100,000 values each were expanded into 10^10 points (hours of
    # work and all the memory) before the run count was checked.
    text = to_toml(
        {
            "horizon_days": 1,
            "replicates": 1,
            "root_seed": 0,
            "vary": {
                "impact_rate": {"low": 0.0, "high": 1.0, "num": 100_000},
                "initial_trust": {"low": 0.0, "high": 1.0, "num": 100_000},
            },
        }
    )
    started = time.perf_counter()
    with pytest.raises(SpecError, match=r"too many runs \(10,000,000,000; at most 10,000,000\)"):
        parse_experiment(text, label="huge.toml")
    assert time.perf_counter() - started < 1.0
