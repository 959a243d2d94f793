"""Parameters: one declaration, validated in one place, with errors that name the value."""

import dataclasses
import re

import pytest

from model import CrewModel, Parameters
from model.parameters import declarations, describe, parse_schedule


def test_every_parameter_is_documented():
    for d in declarations():
        assert d["unit"], d["name"]
        assert d["description"], d["name"]
        assert d["source"], d["name"]
        assert d["group"], d["name"]


def test_defaults_are_valid_and_match_the_story():
    p = Parameters()
    assert p.n_crew == 3000
    assert p.referendum_margin is None  # unset: the share below applies
    assert p.referendum_margin_share == pytest.approx(49 / 2999)
    assert p.households_per_section == 42
    assert p.mortality_per_1000 * p.n_crew / 1000 == pytest.approx(12.0)
    assert p.breach_deaths == 3


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("n_crew", -5, "n_crew=-5 is invalid: expected a whole number in [1, 1000000]"),
        ("n_crew", 2.5, "n_crew=2.5 is invalid: expected a whole number in [1, 1000000]"),
        ("turnout", float("nan"), "turnout=nan is invalid: expected a number in [0, 1]"),
        ("initial_trust", 1.5, "initial_trust=1.5 is invalid: expected a number in [0, 1]"),
        (
            "captain_strategy",
            "shout",
            "captain_strategy='shout' is invalid: expected one of silent",
        ),
        ("debug", "yes", "debug='yes' is invalid"),
        ("impact_rate", float("inf"), "impact_rate=inf is invalid"),
        ("influence_rate", "0.1", "influence_rate='0.1' is invalid"),
    ],
)
def test_bad_values_name_the_parameter_value_and_range(name, value, expected):
    with pytest.raises(ValueError, match="^" + re.escape(expected)):
        CrewModel(rng=1, **{name: value})


def test_unknown_parameter_suggests_the_nearest_name():
    with pytest.raises(
        ValueError, match="unknown parameter 'captain_stratgy'; did you mean 'captain_strategy'"
    ):
        CrewModel(captain_stratgy="silent")


def test_whole_floats_become_ints():
    assert Parameters(n_crew=300.0).n_crew == 300
    assert isinstance(Parameters(n_crew=300.0).n_crew, int)


def test_scripted_schedule_is_parsed_and_checked():
    assert parse_schedule("30:memorial; 0:reassure") == [(0, "reassure"), (30, "memorial")]
    with pytest.raises(ValueError, match="captain_schedule='5:shout' is invalid at '5:shout'"):
        Parameters(captain_strategy="scripted", captain_schedule="5:shout")


def test_parameters_are_immutable_and_replace_validates():
    p = Parameters()
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.n_crew = 5  # type: ignore[misc]
    assert p.replace(n_crew=10).n_crew == 10
    with pytest.raises(ValueError, match="n_crew=0"):
        p.replace(n_crew=0)


def test_describe_unknown_name():
    assert describe("n_crew")["default"] == 3000
    with pytest.raises(ValueError, match="did you mean 'n_crew'"):
        describe("n_crw")
