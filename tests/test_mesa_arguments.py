"""CrewModel takes Mesa's ways of passing a seed and parameters: ``seed=`` (Mesa's older name
of ``rng``) and ``scenario=`` (a Mesa Scenario, which SolaraViz's Reset passes)."""

import pandas as pd
import pytest
from mesa.experimental.scenarios import Scenario

from model import CrewModel

CREW = 200


def _ran(model: CrewModel) -> CrewModel:
    model.breach(deaths=3)
    model.run(20)
    return model


def test_seed_is_the_same_as_rng():
    a = _ran(CrewModel(rng=5, n_crew=CREW))
    b = _ran(CrewModel(seed=5, n_crew=CREW))
    pd.testing.assert_frame_equal(a.series(), b.series())
    pd.testing.assert_frame_equal(a.events(), b.events())


def test_a_scenario_gives_its_seed_and_parameters():
    a = _ran(CrewModel(rng=5, n_crew=CREW, initial_trust=0.4))
    b = _ran(CrewModel(scenario=Scenario(rng=5, n_crew=CREW, initial_trust=0.4)))
    assert b.p == a.p
    pd.testing.assert_frame_equal(a.series(), b.series())


def test_solaraviz_reset_arguments_build_the_ship():
    """What Reset passes: the inputs and rng, beside an empty scenario (rng None)."""
    a = CrewModel(rng=5, n_crew=CREW)
    b = CrewModel(rng=5, n_crew=CREW, scenario=Scenario())
    assert b.p == a.p and b.seed.entropy == 5
    assert (b.state.belief == a.state.belief).all()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"rng": 1, "seed": 2}, "seed is Mesa's older name of rng"),
        ({"rng": 1, "scenario": Scenario(rng=2)}, "differs from the scenario's rng=2"),
        ({"n_crew": CREW, "scenario": Scenario(n_crew=300)}, "n_crew is given both"),
        ({"scenario": Scenario(crew=300)}, "unknown parameter 'crew'"),
    ],
)
def test_a_seed_or_parameter_given_twice_or_unknown_is_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        CrewModel(**kwargs)
