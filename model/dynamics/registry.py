"""The influence rules by name, and the one place a rule is built from keyword parameters.

The crew model's own rule (``bounded_confidence``) is registered beside the canonical rules;
the model builds whichever its ``influence`` parameter names with :func:`make_crew_rule`.
Adding a rule is one class (a subclass of :class:`InfluenceRule`) and one :func:`register`.
"""

from __future__ import annotations

from typing import Any

from model.dynamics._params import check_known
from model.dynamics._rule import InfluenceRule
from model.dynamics.bounded_confidence import BoundedConfidence
from model.dynamics.deffuant import Deffuant
from model.dynamics.degroot import DeGroot
from model.dynamics.friedkin_johnsen import FriedkinJohnsen
from model.dynamics.hegselmann_krause import HegselmannKrause
from model.dynamics.threshold import Threshold
from model.dynamics.voter import Voter
from model.validation import suggestion

__all__ = ["RULES", "make_crew_rule", "make_rule", "register"]

RULES: dict[str, type[InfluenceRule]] = {}


def register(cls: type[InfluenceRule]) -> type[InfluenceRule]:
    """Add (or replace) a rule under its ``name``; returns the class (usable as a decorator)."""
    if not (isinstance(cls, type) and issubclass(cls, InfluenceRule)):
        raise ValueError(f"{cls!r} is not an InfluenceRule subclass")
    RULES[cls.name] = cls
    return cls


for _cls in (
    BoundedConfidence,
    DeGroot,
    FriedkinJohnsen,
    Deffuant,
    HegselmannKrause,
    Voter,
    Threshold,
):
    register(_cls)


def make_rule(name: str, **params: object) -> InfluenceRule:
    """Build the rule called `name` from validated keyword parameters.

    Parameters
    ----------
    name : str
        One of ``"bounded_confidence"`` (the crew model's own), ``"degroot"``,
        ``"friedkin_johnsen"``, ``"deffuant"``, ``"hegselmann_krause"``, ``"voter"``,
        ``"threshold"``, or any rule added with :func:`register`.
    **params
        The rule's parameters (see each class).

    Raises
    ------
    ValueError
        For an unknown rule or parameter name (with the nearest valid name) or an invalid value
        (naming the parameter, the value received and the valid range).
    """
    if name not in RULES:
        hint = suggestion(str(name), RULES)
        raise ValueError(f"unknown rule {name!r}; valid rules: {', '.join(map(repr, RULES))}{hint}")
    cls = RULES[name]
    check_known(name, params, cls.parameters)
    return cls(**params)


def make_crew_rule(p: Any) -> InfluenceRule:
    """The rule the crew model's ``influence`` parameter names, built from the model's
    parameters ``p`` as the rule's :meth:`~InfluenceRule.crew_parameters` maps them."""
    name = p.influence
    if name not in RULES:
        return make_rule(name)  # the unknown-rule error
    return make_rule(name, **RULES[name].crew_parameters(p))
