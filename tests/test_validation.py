"""The validation vocabulary (model/validation.py): intervals, options, and one error text."""

from __future__ import annotations

import pickle
from numbers import Integral, Real

import numpy as np
import pytest

from model import Parameters, event_kinds, timeline
from model.cli import main
from model.dynamics import make_rule
from model.sweeps.spec import SpecError, parse_experiment
from model.validation import (
    UNIT,
    WHOLE,
    Flag,
    Interval,
    InvalidValue,
    Options,
    Text,
    invalid,
    unknown,
)
from ui.session import check_settings, default_settings


@pytest.mark.parametrize(
    ("closed", "low_in", "high_in", "notation"),
    [
        ("both", True, True, "[0, 1]"),
        ("left", True, False, "[0, 1)"),
        ("right", False, True, "(0, 1]"),
        ("neither", False, False, "(0, 1)"),
    ],
)
def test_each_end_is_closed_or_open_as_declared(closed, low_in, high_in, notation):
    interval = Interval(Real, 0, 1, closed=closed)
    assert interval.accepts(0) is low_in and interval.accepts(0.0) is low_in
    assert interval.accepts(1) is high_in and interval.accepts(1.0) is high_in
    assert interval.accepts(0.5) and interval.accepts(1e-300)
    assert not interval.accepts(-1e-300) and not interval.accepts(1.0000001)
    assert str(interval) == notation
    assert interval.expected == f"a number in {notation}"


def test_an_absent_end_is_unbounded_and_reads_as_a_comparison():
    positive = Interval(Real, 0, None, closed="neither")
    assert str(positive) == "(0, ∞)" and positive.expected == "a number > 0"
    assert positive.accepts(1e300) and not positive.accepts(0)
    assert str(WHOLE) == "[0, ∞)" and WHOLE.expected == "a whole number >= 0"
    assert WHOLE.accepts(10**400)  # exact for integers beyond any float
    below = Interval(Real, None, 3650, closed="right")
    assert below.expected == "a number <= 3650" and below.accepts(-1e300)
    assert Interval(Real).expected == "a number" and Interval(Real).accepts(-5)
    assert tuple(positive) == (0, float("inf"))  # unpacks to its ends, for sliders
    low, high = Interval(Real, 0, 3650, closed="right")
    assert (low, high) == (0, 3650)


def test_whole_numbers_and_real_numbers_differ_and_bools_are_neither():
    whole = Interval(Integral, 1, 10)
    assert whole.accepts(3) and whole.accepts(np.int64(3))
    assert not whole.accepts(3.0) and not whole.accepts(2.5) and not whole.accepts(True)
    assert whole.expected == "a whole number in [1, 10]"
    real = Interval(Real, 0, 10)
    assert real.accepts(3) and real.accepts(2.5) and real.accepts(np.float64(2.5))
    assert not real.accepts(True) and not real.accepts(False) and not real.accepts("2")
    for odd in (float("nan"), float("inf"), -float("inf")):
        assert not Interval(Real).accepts(odd)


def test_a_bad_declaration_is_refused():
    with pytest.raises(ValueError, match="closed='open' is invalid: expected one of both"):
        Interval(Real, 0, 1, closed="open")
    with pytest.raises(ValueError, match="low=2 is invalid: expected at most high=1"):
        Interval(Real, 2, 1)
    with pytest.raises(ValueError, match="type=<class 'int'> is invalid"):
        Interval(int, 0, 1)


def test_options_follow_a_live_sequence():
    names = ["silent", "reassure"]
    options = Options(names)
    assert options.accepts("silent") and not options.accepts("shout") and not options.accepts(1)
    assert options.expected == "one of silent, reassure"
    names.append("candid")  # a registry that grows: the options grow with it
    assert options.accepts("candid") and list(options) == names and options[0] == "silent"
    assert "candid" in options and len(options) == 3


def test_flag_and_text():
    assert Flag().accepts(True) and Flag().accepts(0) and not Flag().accepts("yes")
    assert not Flag().accepts(2) and Flag().expected == "true or false"
    assert Text().accepts("") and not Text().accepts(3) and str(Text()) == "any text"


def test_the_one_error_text():
    assert invalid("mu", 2, "a number in [0, 1]") == "mu=2 is invalid: expected a number in [0, 1]"
    with pytest.raises(InvalidValue) as caught:
        UNIT.require("turnout", 1.5)
    assert str(caught.value) == "turnout=1.5 is invalid: expected a number in [0, 1]"
    assert isinstance(caught.value, ValueError)
    assert str(caught.value.renamed("fixed.turnout")).startswith("fixed.turnout=1.5 is invalid")
    again = pickle.loads(pickle.dumps(caught.value))  # crosses to and from sweep workers
    assert str(again) == str(caught.value) and again.expected == caught.value.expected
    assert UNIT.problem("turnout", 0.5) is None and UNIT.require("turnout", 0.5) == 0.5


def test_an_open_range_of_a_parameter_admits_what_is_above_its_end():
    assert Parameters(grief_half_life=0.001).grief_half_life == 0.001  # was refused below 0.1
    with pytest.raises(ValueError, match=r"^grief_half_life=0 is invalid: .* in \(0, 3650\]$"):
        Parameters(grief_half_life=0)
    assert Parameters(n_crew=300.0).n_crew == 300  # a whole-valued float for a whole number


def test_the_same_bad_value_gives_the_same_text_everywhere(capsys):
    """penetration_probability = 1.5 from the Python API, a verb's check, a timeline entry, an
    experiment file, the CLI and the page; a rule's own [0, 1] parameter in the same words."""
    text = "penetration_probability=1.5 is invalid: expected a number in [0, 1]"
    with pytest.raises(ValueError) as api:
        Parameters(penetration_probability=1.5)
    assert str(api.value) == text

    check = event_kinds.get("breach_rate").argument("penetration_probability").check
    assert check.problem("penetration_probability", 1.5) == text
    with pytest.raises(ValueError) as entry:
        timeline.check({"day": 1, "kind": "breach_rate", "penetration_probability": 1.5})
    assert str(entry.value) == text

    toml = (
        "horizon_days = 5\nreplicates = 1\nroot_seed = 1\n[fixed]\npenetration_probability = 1.5\n"
    )
    with pytest.raises(SpecError) as spec:
        parse_experiment(toml, label="exp.toml")
    assert str(spec.value) == f"exp.toml: fixed.{text}"

    assert main(["run", "--penetration-probability", "1.5"]) == 2
    assert text in capsys.readouterr().err

    page = check_settings({**default_settings(), "penetration_probability": 1.5})
    assert page is not None and page.endswith("1.5 is invalid: expected a number in [0, 1]")

    with pytest.raises(ValueError) as rule:
        make_rule("bounded_confidence", mu=1.5)
    assert str(rule.value) == "mu=1.5 is invalid: expected a number in [0, 1]"


def test_an_unknown_name_gets_the_nearest_known_one():
    assert unknown("parameter", "n_crw", ["n_crew", "turnout"]) == (
        "unknown parameter 'n_crw'; did you mean 'n_crew'?"
    )
    assert (
        unknown("key", "vary.n_crw", ["n_crew"])
        == "unknown key 'vary.n_crw'; did you mean 'vary.n_crew'?"
    )
    assert unknown("rule", "zzz", ["degroot"]) == "unknown rule 'zzz'"
    with pytest.raises(ValueError, match="^unknown parameter 'n_crw'; did you mean 'n_crew'[?]$"):
        Parameters.from_mapping({"n_crw": 5})
