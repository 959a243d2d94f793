"""The daily sub-models take what they use (state arrays, network, masks, day, stream, event
log), never the whole CrewModel (docs/ARCHITECTURE.md)."""

from __future__ import annotations

import inspect

import pytest

from model.disengagement import Disengagement
from model.events import breach_victims
from model.grief import Grief
from model.leadership import Leadership
from model.referendum import Petition, count_votes

DAILY = [
    Leadership.__init__,
    Leadership.daily,
    Leadership.speak,
    Leadership.deliver,
    Leadership.rally,
    Leadership.erode_trust,
    Leadership.recover_trust,
    Leadership.succeed,
    Grief.__init__,
    Grief.impacts,
    Grief.add,
    Grief.daily,
    Disengagement.daily,
    Disengagement.influence_ties,
    Petition.__init__,
    Petition.daily,
    Petition.signatures,
    Petition.due,
    count_votes,
    breach_victims,
]


@pytest.mark.parametrize("function", DAILY, ids=lambda f: f.__qualname__)
def test_a_daily_sub_model_does_not_take_the_model(function):
    hints = inspect.signature(function).parameters
    assert "model" not in hints
    assert not any("CrewModel" in str(p.annotation) for p in hints.values())
