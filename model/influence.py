"""Social influence: how beliefs move along ties each day.

An influence rule is an :class:`~model.dynamics.InfluenceRule`: ``step(W, x, anchors, rng)`` is
one synchronous day (or one sweep) over the weighted adjacency ``W`` (CSR; rows and columns of
the dead are zero, and a person with no live tie keeps their belief), ``freeze(mask)`` holds the
captain and the dead, and ``update`` steps with them held. The model's own rule,
:class:`~model.dynamics.bounded_confidence.BoundedConfidence`, is registered beside the
canonical rules in :mod:`model.dynamics.registry`; the model builds the rule its ``influence``
parameter names (``CrewModel(influence="deffuant")``) with
:func:`~model.dynamics.registry.make_crew_rule`.
"""

from __future__ import annotations

from model.dynamics._rule import InfluenceRule
from model.dynamics.bounded_confidence import BoundedConfidence
from model.dynamics.registry import RULES, make_crew_rule

__all__ = ["RULES", "BoundedConfidence", "InfluenceRule", "make_crew_rule"]
