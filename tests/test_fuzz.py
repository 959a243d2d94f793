"""Property-based fuzzing: invalid and edge-case input ends in a valid run or a clear error.

Hypothesis throws generated parameter sets at the Python API and generated command lines at the
CLI (the sweeps' TOML files are fuzzed in tests/test_fuzz_experiments.py). Every case must end in
either a run that produces sensible outputs or a ValueError / exit code 2 whose one-line message
names what was wrong — never another exception, never a traceback.
"""

from __future__ import annotations

import re

import numpy as np
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from model import CrewModel
from model.cli import main
from model.parameters import declarations
from tests.profiles import examples

DECLS = {d["name"]: d for d in declarations()}
SMALL_CREWS = [1, 2, 3, 5, 17, 60, 150]
ODD_VALUES = st.one_of(
    st.none(),
    st.just(float("nan")),
    st.just(float("inf")),
    st.just(float("-inf")),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
    st.booleans(),
    st.lists(st.integers(), max_size=2),
)


def _edge_values(d: dict) -> st.SearchStrategy:
    """Values at and just beyond a parameter's edges, plus ordinary valid ones."""
    kind, valid = d["type"], d["valid"]
    if kind is bool:
        return st.booleans()
    if kind is str:
        return st.sampled_from(valid) if valid else st.text(max_size=12)
    low, high = valid
    step = 1 if kind is int else 1e-9
    edges = [low, high, low - step, high + step]
    if kind is int:
        inside = st.integers(min_value=int(low), max_value=int(min(high, low + 1000)))
    else:
        inside = st.floats(min_value=low, max_value=high)
    return st.one_of(st.sampled_from(edges), inside)


def _mostly(usual: st.SearchStrategy, odd: st.SearchStrategy) -> st.SearchStrategy:
    """The usual values three times in four, the odd ones otherwise."""
    return st.integers(0, 3).flatmap(lambda k: odd if k == 0 else usual)


def _parameter_sets() -> st.SearchStrategy:
    """A small valid crew by default, then up to 3 parameters set to edge or odd values."""
    names = [n for n in DECLS if n not in ("n_crew", "debug")]
    value = st.sampled_from(names).flatmap(
        lambda n: st.tuples(st.just(n), _mostly(_edge_values(DECLS[n]), ODD_VALUES))
    )
    odd_crew = ODD_VALUES.filter(
        lambda v: not (isinstance(v, int | float) and not isinstance(v, bool) and 1 <= v <= 10**6)
    )
    base = st.fixed_dictionaries(
        {"n_crew": _mostly(st.sampled_from(SMALL_CREWS), odd_crew)},
        optional={"referendum_margin": st.sampled_from([-1, 0, 1, 2])},  # else the share
    )
    return base.flatmap(lambda b: st.lists(value, max_size=3).map(lambda kv: {**b, **dict(kv)}))


def _slow(params: dict) -> bool:
    """Valid but needlessly slow combinations to keep out of a unit-test budget."""
    burn = params.get("burn_in_days", 0)
    return isinstance(burn, int | float) and not isinstance(burn, bool) and burn > 400


@settings(max_examples=examples(700), deadline=None, suppress_health_check=list(HealthCheck))
@given(
    params=_parameter_sets(),
    unknown=st.one_of(st.none(), st.text(min_size=1, max_size=10)),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_python_api_gives_a_run_or_a_clear_error(params, unknown, seed):
    if unknown is not None and unknown not in DECLS and unknown not in ("parameters", "rng"):
        params = {**params, unknown: 1}
    if _slow(params):
        params["burn_in_days"] = 10
    try:
        model = CrewModel(rng=seed, **params)
    except ValueError as exc:
        event("clear error")
        message = str(exc)
        assert "\n" not in message
        if message.startswith("unknown parameter "):
            assert unknown is not None and repr(unknown) in message
            return
        named = re.match(r"^(\w+)=", message)
        assert named and named.group(1) in params, (message, params)  # one the caller set
        return
    event("valid run")
    model.run(2)
    if model.state.alive.any():
        model.breach(deaths=1)
    model.run(1)
    series = model.series()
    if model.ended:  # arrival ends after the day is collected; extinction before
        event(f"run ended: {model.ended}")
        collected = model.day + (model.ended != "extinction")
        assert len(series) == collected and model.today["alive"] == model.state.alive.sum()
    else:
        assert len(series) == 4
        assert series.alive.iloc[-1] == model.state.alive.sum()
    nobody_alive = not model.state.alive.any()
    event("nobody left alive" if nobody_alive else "someone alive")
    for column in ("mean_trust", "mean_grief", "cohesion"):  # 0 when nobody is aboard, never NaN
        assert series[column].between(0.0, 1.0).all(), (column, series[column].tolist())
    voters = series.voters.to_numpy()
    for column in ("support_continue", "mean_belief"):  # undefined only without voters
        values = series[column].to_numpy()
        assert np.array_equal(np.isnan(values), voters == 0), (column, values, voters)
        assert np.all((values[voters > 0] >= 0.0) & (values[voters > 0] <= 1.0)), column
    assert np.all((model.state.belief >= 0) & (model.state.belief <= 1))


OPTIONS = [f"--{name.replace('_', '-')}" for name in DECLS if name != "n_crew"] + [
    "--days",
    "--seed",
    "--breach-at-start",
    "--bogus",
    "--n-crew",
]
TOKENS = st.one_of(
    st.sampled_from(["0.1", "1", "2", "7", "0.9", "silent", "memorial", "false"]),
    st.sampled_from(
        [
            "nan",
            "inf",
            "-inf",
            "-1",
            "0",
            "1",
            "0.5",
            "1e400",
            "true",
            "maybe",
            "",
            "3",
            "2.5",
            "-0",
            "99999999999999999999",
        ]
    ),
    st.text(max_size=6),
)


@settings(max_examples=examples(400), deadline=None, suppress_health_check=list(HealthCheck))
@given(argv=st.lists(st.tuples(st.sampled_from(OPTIONS), TOKENS), max_size=3))
def test_cli_gives_a_run_or_one_clear_line(argv, capsys, tmp_path):
    args = [
        "run",
        "--no-progress",
        "--days",
        "2",
        "--out",
        str(tmp_path / "out"),
        "--n-crew",
        "40",
        "--referendum-margin",
        "2",
    ]
    for option, token in argv:
        if option == "--n-crew" and token.strip().isdigit() and int(token) > 200:
            token = "50"  # valid but slow: keep the budget
        if option in ("--days", "--burn-in-days") and token.strip().isdigit() and int(token) > 50:
            token = "5"
        args += [option, token]
    code = main(args)
    event(f"exit {code}")
    captured = capsys.readouterr()
    assert code in (0, 2)
    assert "Traceback" not in captured.err
    if code == 2:
        assert len(captured.err.strip().splitlines()) == 1
        assert captured.err.startswith("error: ")
    else:
        assert (tmp_path / "out" / "summary.json").exists()
