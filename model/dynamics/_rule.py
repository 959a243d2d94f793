"""The one interface of every influence rule: the crew model's own rule and the canonical rules
of :mod:`model.dynamics` alike (the crew model steps whichever the ``influence`` parameter
names, through :meth:`InfluenceRule.update`)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar

import numpy as np
import scipy.sparse as sp

from model.dynamics._network import as_csr

__all__ = ["CompiledRule", "InfluenceRule"]


class InfluenceRule(ABC):
    """One canonical opinion-dynamics rule, stepped over a sparse weighted adjacency.

    Subclasses are built with validated keyword parameters and implement :meth:`step`, which
    performs one synchronous step (synchronous rules) or one sweep of N single-agent or pair
    updates (asynchronous rules, N = number of agents with at least one tie).

    Shared conventions
    ------------------
    * ``W[i, j]`` is the weight agent ``i`` gives to agent ``j``.
    * Agents whose row of ``W`` is all zero (isolated or dead) keep their opinion; for a
      symmetric ``W`` they are never anyone's neighbour either.
    * ``step`` may update ``x`` in place and always returns the new opinions.
    * Agents flagged by :meth:`freeze` (in the crew model: the captain and the dead) keep their
      opinion through :meth:`update`. A rule whose ``step`` honours the flag itself sets
      ``honours_frozen``; for the others :meth:`update` restores frozen agents after the step
      (exact for synchronous rules; in an asynchronous sweep others may meet a frozen agent's
      moved opinion before it is restored).
    * :meth:`crew_parameters` maps the crew model's parameters onto the rule's, so the model
      builds its rule from the registry by name (``CrewModel(influence="deffuant")``).
    """

    name: ClassVar[str]
    parameters: ClassVar[tuple[str, ...]]
    synchronous: ClassVar[bool]
    honours_frozen: ClassVar[bool] = False
    #: Agents that do not move (empty: nobody); set with :meth:`freeze`.
    frozen: np.ndarray = np.zeros(0, dtype=bool)

    @classmethod
    def crew_parameters(cls, p: Any) -> dict[str, Any]:
        """This rule's keyword parameters from the crew model's :class:`Parameters` ``p``
        (none by default: the rule's own defaults)."""
        return {}

    def freeze(self, mask: np.ndarray) -> None:
        """Hold the agents flagged in `mask` (boolean, one per agent) at their opinion."""
        self.frozen = mask

    def frozen_mask(self, n: int) -> np.ndarray:
        """The frozen flags for `n` agents (nobody if :meth:`freeze` gave another length)."""
        return self.frozen if len(self.frozen) == n else np.zeros(n, dtype=bool)

    def update(
        self,
        W: sp.csr_array,
        x: np.ndarray,
        anchors: np.ndarray,
        rng: np.random.Generator,
    ) -> np.ndarray:
        """One step (or sweep) in which frozen agents keep their opinion."""
        frozen = self.frozen_mask(len(x))
        if self.honours_frozen or not frozen.any():
            return self.step(W, x, anchors, rng)
        kept = x[frozen]
        x = self.step(W, x, anchors, rng)
        x[frozen] = kept
        return x

    @abstractmethod
    def step(
        self,
        W: sp.csr_array,
        x: np.ndarray,
        anchors: np.ndarray,
        rng: np.random.Generator,
    ) -> np.ndarray:
        """Advance the opinions `x` by one step (or one sweep) on the adjacency `W`.

        Parameters
        ----------
        W : scipy.sparse.csr_array
            N x N weighted adjacency (float64).
        x : numpy.ndarray
            Current opinions, length N.
        anchors : numpy.ndarray
            Anchor (initial) opinions u, length N; only Friedkin-Johnsen uses them.
        rng : numpy.random.Generator
            Source of randomness for stochastic rules.

        Returns
        -------
        numpy.ndarray
            The new opinions, length N.
        """

    def advance(
        self,
        W: sp.csr_array,
        x: np.ndarray,
        anchors: np.ndarray,
        rng: np.random.Generator,
        steps: int,
    ) -> np.ndarray:
        """Apply :meth:`step` `steps` times; asynchronous rules run all sweeps in one compiled
        call, with the same result as `steps` separate calls."""
        W = as_csr(W)
        for _ in range(steps):
            x = self.step(W, x, anchors, rng)
        return x

    def check_crew(self, n: int) -> None:
        """Raise ValueError if a per-agent parameter does not fit a network of `n` agents."""
        return None

    def check_opinions(self, x: np.ndarray) -> None:
        """Raise ValueError if `x` holds opinions this rule cannot take (e.g. non-binary)."""
        return None

    def run_until_consensus(
        self,
        W: sp.csr_array,
        x: np.ndarray,
        anchors: np.ndarray,
        rng: np.random.Generator,
        max_steps: int,
        atol: float = 0.0,
    ) -> tuple[np.ndarray, float | None]:
        """Step until all agents with a tie agree within `atol`, or `max_steps` steps.

        Returns
        -------
        (opinions, time)
            ``time`` is the number of steps (sweeps) taken to reach consensus, ``0.0`` if the
            opinions already agree, ``None`` if consensus was not reached within `max_steps`.
        """
        W = as_csr(W)
        connected = np.flatnonzero(np.diff(W.indptr) > 0)
        connected = connected[np.abs(W).sum(axis=1)[connected] > 0]

        def agree(values: np.ndarray) -> bool:
            if connected.size == 0:
                return True
            sub = values[connected]
            return bool(sub.max() - sub.min() <= atol)

        if agree(x):
            return x, 0.0
        for t in range(1, max_steps + 1):
            x = self.step(W, x, anchors, rng)
            if agree(x):
                return x, float(t)
        return x, None

    def __repr__(self) -> str:
        shown = ", ".join(f"{p}={getattr(self, p)!r}" for p in self.parameters)
        return f"{type(self).__name__}({shown})"


class CompiledRule(InfluenceRule):
    """A rule whose steps run inside one compiled call: subclasses implement :meth:`advance`,
    and a step is ``advance(..., steps=1)`` (same result as one step at a time)."""

    def step(
        self,
        W: sp.csr_array,
        x: np.ndarray,
        anchors: np.ndarray,
        rng: np.random.Generator,
    ) -> np.ndarray:
        """One step (or sweep): :meth:`advance` by one."""
        return self.advance(W, x, anchors, rng, 1)

    @abstractmethod
    def advance(
        self,
        W: sp.csr_array,
        x: np.ndarray,
        anchors: np.ndarray,
        rng: np.random.Generator,
        steps: int,
    ) -> np.ndarray:
        """Advance ``steps`` steps (sweeps) in one compiled call."""
