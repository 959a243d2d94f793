"""Canonical opinion-dynamics rules on a sparse engine.

Each rule is a small class with ``step(W, x, anchors, rng)`` for the crew model's engine (the
crew model's own rule, ``bounded_confidence``, is registered beside them);
:func:`run_rule` runs the same classes on a networkx graph. See ``docs/DYNAMICS.md``.
"""

from model.dynamics._rule import InfluenceRule
from model.dynamics.bounded_confidence import BoundedConfidence
from model.dynamics.clusters import count_clusters, opinion_clusters
from model.dynamics.deffuant import Deffuant
from model.dynamics.degroot import DeGroot
from model.dynamics.friedkin_johnsen import FriedkinJohnsen
from model.dynamics.hegselmann_krause import HegselmannKrause
from model.dynamics.registry import RULES, make_crew_rule, make_rule, register
from model.dynamics.run import consensus_time, network_matrix, run_rule, run_until_consensus
from model.dynamics.threshold import Threshold
from model.dynamics.voter import Voter

__all__ = [
    "RULES",
    "BoundedConfidence",
    "DeGroot",
    "Deffuant",
    "FriedkinJohnsen",
    "HegselmannKrause",
    "InfluenceRule",
    "Threshold",
    "Voter",
    "consensus_time",
    "count_clusters",
    "make_crew_rule",
    "make_rule",
    "network_matrix",
    "opinion_clusters",
    "register",
    "run_rule",
    "run_until_consensus",
]
