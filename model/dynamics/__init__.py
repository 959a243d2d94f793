"""Canonical opinion-dynamics rules on a sparse engine.

Each rule is a small class with ``step(W, x, anchors, rng)`` for the crew model's engine;
:func:`run_rule` runs the same classes on a networkx graph. See ``docs/DYNAMICS.md``.
"""

from model.dynamics._rule import InfluenceRule
from model.dynamics.clusters import count_clusters, opinion_clusters
from model.dynamics.deffuant import Deffuant
from model.dynamics.degroot import DeGroot
from model.dynamics.friedkin_johnsen import FriedkinJohnsen
from model.dynamics.hegselmann_krause import HegselmannKrause
from model.dynamics.registry import RULES, make_rule
from model.dynamics.run import consensus_time, network_matrix, run_rule, run_until_consensus
from model.dynamics.threshold import Threshold
from model.dynamics.voter import Voter

__all__ = [
    "RULES",
    "DeGroot",
    "Deffuant",
    "FriedkinJohnsen",
    "HegselmannKrause",
    "InfluenceRule",
    "Threshold",
    "Voter",
    "consensus_time",
    "count_clusters",
    "make_rule",
    "network_matrix",
    "opinion_clusters",
    "run_rule",
    "run_until_consensus",
]
