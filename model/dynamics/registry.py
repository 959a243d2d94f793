"""The rules by name, and the one place a rule is built from keyword parameters."""

from __future__ import annotations

import difflib

from model.dynamics._params import check_known
from model.dynamics._rule import InfluenceRule
from model.dynamics.deffuant import Deffuant
from model.dynamics.degroot import DeGroot
from model.dynamics.friedkin_johnsen import FriedkinJohnsen
from model.dynamics.hegselmann_krause import HegselmannKrause
from model.dynamics.threshold import Threshold
from model.dynamics.voter import Voter

__all__ = ["RULES", "make_rule"]

RULES: dict[str, type[InfluenceRule]] = {
    cls.name: cls
    for cls in (DeGroot, FriedkinJohnsen, Deffuant, HegselmannKrause, Voter, Threshold)
}


def make_rule(name: str, **params: object) -> InfluenceRule:
    """Build the rule called `name` from validated keyword parameters.

    Parameters
    ----------
    name : str
        One of ``"degroot"``, ``"friedkin_johnsen"``, ``"deffuant"``, ``"hegselmann_krause"``,
        ``"voter"``, ``"threshold"``.
    **params
        The rule's parameters (see each class).

    Raises
    ------
    ValueError
        For an unknown rule or parameter name (with the nearest valid name) or an invalid value
        (naming the parameter, the value received and the valid range).
    """
    if name not in RULES:
        close = difflib.get_close_matches(str(name), RULES, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ValueError(f"unknown rule {name!r}; valid rules: {', '.join(map(repr, RULES))}{hint}")
    cls = RULES[name]
    check_known(name, params, cls.parameters)
    return cls(**params)
