"""One browser tab's ship: the settings it was built from, the model, and safe verbs on it.

Nothing here imports Solara: the session is plain Python so that it can be tested directly and
shared by the Play thread and button clicks (a lock serialises them). Every verb returns an
error message (``str``) instead of raising, so the page shows a message, never a traceback.
"""

from __future__ import annotations

import functools
import re
import tempfile
import threading
from dataclasses import dataclass, field
from numbers import Real
from pathlib import Path
from typing import Any

import numpy as np

from model import CrewModel, Parameters, ReferendumResult, event_kinds
from model import timeline as timelines
from model.validation import Interval
from ui import budget as budgets

#: The parameters the control panel exposes, in display order.
CONTROLLED = (
    "n_crew",
    "captain_strategy",
    "initial_trust",
    "impact_rate",
    "penetration_probability",
    "mitigation_efficacy",
    "mitigate_after_breach",
    "petition_threshold",
    "grief_effect",
    "influence_rate",
)
#: Largest crew the page accepts (beyond it a step no longer renders in half a second).
MAX_UI_CREW = 20_000
DEFAULT_SEED = 1
#: Settings that act on the running ship at once (the rest apply at the next Reset): the
#: parameters that kinds of intervention set (model/event_kinds.py).
IMMEDIATE = tuple(
    parameter for kind in event_kinds.registered() for parameter in (kind.parameters or {}).values()
)
#: The page's label of each setting, used in every message instead of the parameter's name.
LABELS = {
    "n_crew": "Crew size",
    "seed": "Seed",
    "captain_strategy": "Captain's strategy",
    "initial_trust": "Trust in the captain at day 0",
    "impact_rate": "Hull impacts a year",
    "penetration_probability": "Share of impacts that breach",
    "mitigation_efficacy": "Mitigation: risk removed by a reinforcement",
    "mitigate_after_breach": "Reinforce the hull after every breach",
    "petition_threshold": "Petition threshold",
    "grief_effect": "Grief strength",
    "influence_rate": "Influence strength",
}
#: Crew sizes tried when looking for the smallest ship the settings can build.
CREW_PROBE = 400
#: Spawn key of the page's own random stream (where a "random" breach strikes), apart from
#: the model's streams (children 0 to 4 of the seed): both twins get the same place.
PLACE_STREAM = 1000


def setting_kind(name: str) -> tuple[event_kinds.EventKind, event_kinds.Argument]:
    """The kind of intervention (:mod:`model.event_kinds`) that sets parameter ``name`` on a
    running ship, and its argument that carries the value."""
    for kind in event_kinds.registered():
        for argument, parameter in (kind.parameters or {}).items():
            if parameter == name:
                return kind, kind.argument(argument)
    raise ValueError(f"{name} cannot act mid-run")


def default_settings() -> dict[str, Any]:
    """The controlled parameters at their declared defaults, plus the seed."""
    defaults = Parameters()
    return {**{name: getattr(defaults, name) for name in CONTROLLED}, "seed": DEFAULT_SEED}


def page_message(text: str) -> str:
    """A model message in the page's words: ``n_crew=10`` becomes ``Crew size 10``."""
    for name, label in LABELS.items():
        text = re.sub(rf"\b{name}=", f"{label} ", text)
    return text


def place_stream(seed: int, index: int) -> np.random.Generator:
    """The page's stream for where the random breach that is intervention ``index`` of the
    timeline strikes: apart from the model's streams, and the same after a scenario is
    re-imported (it depends on the seed and the timeline so far only)."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(PLACE_STREAM, index)))


def _build(settings: dict[str, Any]) -> CrewModel:
    params = {k: v for k, v in settings.items() if k != "seed"}
    return CrewModel(rng=settings["seed"], **params)


@functools.lru_cache(maxsize=64)
def _smallest_crew(frozen: tuple[tuple[str, Any], ...]) -> int | None:
    settings = dict(frozen)
    for n in range(1, CREW_PROBE + 1):
        try:
            _build({**settings, "n_crew": n})
        except (ValueError, TypeError):
            continue
        return n
    return None


def smallest_crew(settings: dict[str, Any]) -> int | None:
    """The smallest crew a ship can be built with under the other ``settings`` (the recorded
    referendum and the captain's fixed vote need enough voters), or None if none up to
    :data:`CREW_PROBE` works or the other settings are invalid."""
    others = tuple(sorted((k, v) for k, v in settings.items() if k != "n_crew"))
    try:
        return _smallest_crew(others)
    except TypeError:  # an unhashable value typed somewhere
        return None


def check_settings(settings: dict[str, Any]) -> str | None:
    """None if a model can be built from ``settings``, else a one-line reason in the page's
    words, naming the control to change.

    Checks the declared ranges (via :class:`model.Parameters`), the seed, the UI's crew
    limit and the smallest crew the start allows; combinations only the model can judge are
    caught when the model is built.
    """
    seed = settings.get("seed")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        return f"Seed {seed} is invalid: type a whole number of 0 or more in Seed"
    n_crew = settings.get("n_crew")
    if not isinstance(n_crew, int) or isinstance(n_crew, bool):
        return f"Crew size {n_crew} is invalid: type a whole number in Crew size"
    if n_crew > MAX_UI_CREW:
        return f"Crew size {n_crew:,} is too large for the page: at most {MAX_UI_CREW:,}"
    try:
        Parameters.from_mapping({k: v for k, v in settings.items() if k != "seed"})
    except (ValueError, TypeError) as error:
        return page_message(str(error))
    smallest = smallest_crew(settings)
    if smallest is not None and n_crew < smallest:
        return (
            f"Crew size {n_crew:,} is too small to start from the story's recorded referendum "
            f"with these settings: raise Crew size to at least {smallest:,}"
        )
    return None


def build_message(settings: dict[str, Any], error: str) -> str:
    """Why a ship could not be built, in the page's words and naming a control on the page."""
    text = page_message(error)
    if any(f"{label} " in text for label in LABELS.values()):
        return text
    return (
        f"Crew size {settings.get('n_crew')!r} with these settings cannot reproduce the story's "
        f"start ({text}); change Crew size or Seed"
    )


@dataclass
class Session:
    """A tab's model and the settings it came from.

    Attributes:
        settings: The parameters and seed the current model was built with.
        model: The ship being watched (None until a build succeeds).
        error: The last failure as a one-line message, or None.
        last_result: The newest referendum called or forced during this session.
        cache: Per-model values that are costly and constant (network layouts).
        built: The settings the model was built with (``settings`` follows the changes that
            act at once; ``built`` with ``timeline`` rebuilds the ship).
        timeline: The interventions and mid-run changes made to ``model`` since it was built
            (:mod:`model.timeline` entries): with ``settings`` they rebuild the same ship.
        twin: Ship B, the counterfactual twin (None when the twin is off): a copy of ``model``
            made when the twin was switched on (day 0 after a Reset), following
            ``twin_strategy``; it advances with ``model`` and gets the same interventions.
        twin_strategy: The captain's strategy on ship B.
        twin_day: The day B branched off A.
        budget: The crew budget this session's ships are claimed from (None: the server's,
            :func:`ui.budget.server`); the session may lose its ships to it when idle
            (:meth:`release`).
        refused: The scenario (settings, timeline, day) the budget refused to a session with
            no ship (a link or an import); a Reset with the same settings, or :meth:`retry`,
            rebuilds that whole scenario, interventions and day included.
    """

    settings: dict[str, Any] = field(default_factory=default_settings)
    model: CrewModel | None = None
    error: str | None = None
    last_result: ReferendumResult | None = None
    cache: dict[str, Any] = field(default_factory=dict)
    timeline: list[dict[str, Any]] = field(default_factory=list)
    built: dict[str, Any] = field(default_factory=default_settings)
    twin: CrewModel | None = None
    twin_strategy: str | None = None
    twin_day: int = 0
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    changes: int = 0  # the change counter: the model changed this many times
    drawn: int = -1  # the newest change counter the page has finished drawing
    _drawing: threading.Condition = field(default_factory=threading.Condition, repr=False)
    budget: budgets.Budget | None = field(default=None, repr=False, compare=False)
    refused: tuple[dict[str, Any], list[dict[str, Any]], int] | None = None

    # --- the server's crew budget ---------------------------------------------------------
    def _budget(self) -> budgets.Budget:
        return self.budget if self.budget is not None else budgets.server()

    def crew_held(self) -> int:
        """Crew of this session's ships as the budget counts them (the built crew size, twice
        with the twin on; 0 without a ship)."""
        if self.model is None:
            return 0
        return int(self.built["n_crew"]) * (2 if self.twin is not None else 1)

    def touch(self) -> None:
        """The session was used now: its ship is not idle."""
        self._budget().touch(self)

    def release(self, message: str) -> bool:
        """Drop the ships to free memory (the budget calls this on an idle session): the
        settings stay, ``error`` becomes ``message`` and Reset builds the ship again. Returns
        False, dropping nothing, if the session is busy (a step holds its lock)."""
        if not self.lock.acquire(blocking=False):
            return False
        try:
            self.model, self.twin, self.last_result = None, None, None
            self.cache = {}
            self.error = message
        finally:
            self.lock.release()
        return True

    def next_version(self) -> int:
        """A new change number, unique even when two threads ask at once."""
        with self._drawing:
            self.changes += 1
            return self.changes

    def mark_drawn(self, version: int) -> None:
        """The page has drawn change ``version`` (called from an effect after rendering)."""
        with self._drawing:
            self.drawn = max(self.drawn, version)
            self._drawing.notify_all()

    def wait_drawn(self, version: int, timeout: float) -> bool:
        """Wait until the page has drawn change ``version``, at most ``timeout`` seconds.

        Play waits here before the next step, so it never changes the model faster than the
        page can draw it (a render still reading the model while the next step runs, or a
        render loop that never catches up, under load).
        """
        with self._drawing:
            return self._drawing.wait_for(lambda: self.drawn >= version, timeout)

    @classmethod
    def start(cls, settings: dict[str, Any] | None = None) -> Session:
        """A session with a model built from ``settings`` (defaults when None)."""
        session = cls()
        session.reset(settings or session.settings)
        return session

    # --- building -------------------------------------------------------------------------
    def reset(self, settings: dict[str, Any]) -> str | None:
        """Build a new model from ``settings``; on failure keep the old one and return why.

        A session whose scenario the budget refused (:attr:`refused`) rebuilds that scenario
        when ``settings`` are still its settings (the panel unchanged): Reset retries the link
        or import as a whole, not only its settings."""
        if self.model is None and self.refused is not None:
            refused, self.refused = self.refused, None
            if dict(settings) == refused[0]:
                return self.load(*refused)
        problem = check_settings(settings)
        held = self.crew_held()
        if problem is None:
            ships = 2 if self.twin_strategy is not None else 1
            problem = self._budget().claim(self, settings["n_crew"] * ships)
            if problem is None:
                try:
                    model = _build(settings)
                except (ValueError, TypeError) as error:
                    self._budget().set(self, held)
                    problem = build_message(settings, str(error))
        if problem is not None:
            self.error = problem
            if self.model is None and budgets.is_notice(problem):
                self.settings = dict(settings)  # the panel shows the ship asked for; Reset retries
            return problem
        with self.lock:
            self.model = model
            self.settings = dict(settings)
            self.error = None
            self.last_result = None
            self.cache = {}
            self.timeline = []
            self.built = dict(settings)
            if self.twin_strategy is not None:
                self.twin = None
                return self.set_twin(self.twin_strategy)
        return None

    def load(
        self, settings: dict[str, Any], timeline: list[dict[str, Any]], day: int
    ) -> str | None:
        """Build a ship from ``settings`` and replay ``timeline`` up to ``day`` (a scenario);
        on failure keep the old ship and return why."""
        self.refused = None
        old = (self.model, self.settings, self.timeline, self.built, self.twin, self.cache)
        error = self.reset(settings)
        if error is not None:
            if self.model is None and budgets.is_notice(error):  # Reset retries all of it
                self.refused = (dict(settings), [dict(e) for e in timeline], int(day))
            return error
        try:
            with self.lock:
                for entry in sorted(timeline, key=lambda e: e["day"]):
                    if entry["day"] > day:
                        break
                    self.model.run(entry["day"] - self.model.day)
                    if self.twin is not None:
                        self.twin.run(entry["day"] - self.twin.day)
                    self._apply(timelines.check(entry))
                self.model.run(day - self.model.day)
                if self.twin is not None:
                    self.twin.run(day - self.twin.day)
        except (ValueError, TypeError) as error:
            self.model, self.settings, self.timeline, self.built, self.twin, self.cache = old
            self._budget().set(self, self.crew_held())
            self.error = page_message(str(error))
            return f"the scenario could not be replayed: {self.error}"
        return None

    def retry(self) -> str | None:
        """Build the ship this session has not got (a refused scenario, else its settings)."""
        if self.refused is not None:
            return self.load(*self.refused)
        return self.reset(self.settings)

    # --- the twin -------------------------------------------------------------------------
    def set_twin(self, strategy: str | None) -> str | None:
        """Switch ship B on with the captain's ``strategy`` (None: off). B is a copy of A as
        it is now (saved and loaded through the model's checkpoint), then follows
        ``strategy``; with A's own strategy B stays identical to A."""
        if strategy is None:
            with self.lock:
                self.twin, self.twin_strategy = None, None
                self._budget().set(self, self.crew_held())
            return None
        if self.model is None:
            return self.error or "no model: press Reset"
        problem = self._budget().claim(self, 2 * int(self.built["n_crew"]))
        if problem is not None:
            return problem
        with self.lock, tempfile.TemporaryDirectory() as folder:
            path = self.model.save(Path(folder) / "ship-b")
            twin = CrewModel.load(path)
            if twin.p.captain_strategy != strategy:
                try:
                    twin.set_strategy(strategy)
                except (ValueError, TypeError) as error:
                    self._budget().set(self, self.crew_held())
                    return page_message(str(error))
            self.twin, self.twin_strategy, self.twin_day = twin, strategy, self.model.day
        return None

    def set_twin_strategy(self, strategy: str) -> str | None:
        """Ship B follows ``strategy`` from now on (acts at once, like A's)."""
        if self.twin is None:
            return self.set_twin(strategy)
        try:
            with self.lock:
                self.twin.set_strategy(strategy)
                self.twin_strategy = strategy
        except (ValueError, TypeError) as error:
            return page_message(str(error))
        return None

    # --- the verbs ------------------------------------------------------------------------
    def step(self, days: int = 1) -> str | None:
        """Advance ``days`` days."""
        return self._do(lambda m: self._both(lambda ship: ship.run(days)))

    def run_to(self, day: int) -> str | None:
        """Advance to day ``day`` (a message if the ship is already past it)."""
        if isinstance(day, bool) or not isinstance(day, int):
            return f"Run to day {day!r} is invalid: type a whole number of days"
        if self.model is not None and day < self.model.day:
            return f"the ship is already on day {self.model.day}: type a later day in Run to day"
        return self._do(lambda m: self._both(lambda ship: ship.run(day - ship.day)))

    def apply_now(self, name: str, value: Any) -> str | None:
        """Change a setting of :data:`IMMEDIATE` on the running ship (logged as an event)."""
        if name not in IMMEDIATE:
            raise ValueError(f"{name} cannot act mid-run")

        kind, argument = setting_kind(name)

        def change(m: CrewModel) -> None:
            number = isinstance(argument.check, Interval) and argument.check.type is Real
            given = float(value) if number else value
            self._apply({"day": m.day, "kind": kind.name, argument.name: given})
            self.settings = {**self.settings, name: value}

        error = self._do(change)
        return page_message(error) if error else None

    def breach(
        self, deaths: int = 3, section: int | None = None, compartment: int | None = None
    ) -> str | None:
        """A hull breach now (``section``/``compartment`` None: drawn at random from the
        page's own stream, so a twin is struck in the same place and the timeline records
        where)."""

        def strike(m: CrewModel) -> None:
            place = compartment
            if place is None:
                place = self._random_compartment(m, section)
            self._apply({"day": m.day, "kind": "breach", "deaths": deaths, "compartment": place})

        return self._do(strike)

    def intervene(self, kind: str, **arguments: Any) -> str | None:
        """The intervention ``kind`` (:mod:`model.event_kinds`) now, with these arguments, on
        A and B; a message if it fails or its verb did nothing (the kind's ``refusal``). A
        breach goes through :meth:`breach` (its random place is the page's)."""
        if kind == "breach":
            return self.breach(**arguments)
        try:
            declared = event_kinds.get(kind)
        except ValueError as error:
            return str(error)
        results: list[Any] = []
        error = self._do(
            lambda m: results.append(self._apply({"day": m.day, "kind": kind, **arguments}))
        )
        if error is not None or not results:
            return error
        if isinstance(results[0], ReferendumResult):
            self.last_result = results[0]
        if results[0] is False and declared.refusal:
            return declared.refusal
        return None

    def memorial(self) -> str | None:
        """Hold a memorial now."""
        return self.intervene("memorial")

    def broadcast(self, tone: str) -> str | None:
        """The captain speaks now in ``tone``."""
        return self.intervene("message", tone=tone)

    def mitigate(self) -> str | None:
        """Start reinforcing the hull (a message if work is already under way)."""
        return self.intervene("mitigate")

    def call_referendum(self) -> str | None:
        """Hold a referendum now; the result becomes :attr:`last_result`."""
        return self.intervene("referendum")

    def _apply(self, entry: dict[str, Any]) -> Any:
        """Apply intervention ``entry`` to A and (unless it is one ship's setting) to B, and
        record it; returns what A's verb returned."""
        kind = event_kinds.get(entry["kind"])
        result = kind.apply(self.model, entry)
        self.timeline.append(entry)
        if kind.parameters:
            changed = {p: entry[a] for a, p in kind.parameters.items() if a in entry}
            self.settings = {**self.settings, **changed}
        if self.twin is not None and not kind.own_ship:
            try:
                kind.apply(self.twin, entry)
            except (ValueError, TypeError) as error:
                raise ValueError(f"ship B: {error}") from None
        return result

    def _both(self, action) -> None:
        action(self.model)
        if self.twin is not None:
            action(self.twin)

    def _random_compartment(self, m: CrewModel, section: int | None) -> int:
        """An inhabited compartment of ship A (in ``section`` if given), uniformly at random."""
        state = m.state
        pool = state.compartment[state.alive]
        if section is not None:
            pool = pool[state.section[state.alive] == section]
        if len(pool) == 0:
            where = f"section {section}" if section is not None else "the ship"
            raise ValueError(f"no one lives in {where}: a breach there kills no one")
        places = place_stream(self.built["seed"], len(self.timeline))
        return int(places.choice(np.unique(pool)))

    def latest_referendum(self) -> ReferendumResult | None:
        """The newest referendum held during the run (called or forced), else None."""
        if self.model is None:
            return None
        held = self.model.held_referendums
        return held[-1] if held else None

    def _do(self, action) -> str | None:
        if self.model is None:
            return self.error or "no model: press Reset"
        self.touch()
        try:
            with self.lock:
                action(self.model)
        except (ValueError, TypeError) as error:
            self.error = str(error)
            return self.error
        self.error = None
        return None
