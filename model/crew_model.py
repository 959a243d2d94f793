"""The crew cohesion model: composes the ship, the crew and the sub-models into one day.

>>> from model import CrewModel
>>> model = CrewModel(rng=1)
>>> model.breach(deaths=3)          # the story's hull breach
>>> model.run(7)
>>> model.series()[["day", "support_continue", "vote_change_requests"]].tail(1)
"""

from __future__ import annotations

import os
from numbers import Integral
from pathlib import Path
from typing import Any

import mesa
import networkx as nx
import numpy as np
import pandas as pd

from model import checkpoint
from model.crew import CrewMember, Role, Vote
from model.demography import MONTH_DAYS, Demography, initial_partners
from model.disengagement import Disengagement
from model.events import Breaches, breach_victims
from model.grief import Grief
from model.influence import make_crew_rule
from model.invariants import check_invariants
from model.leadership import Leadership
from model.metrics import CollapseWatch, DailyRecorder, disengaged_share, measure
from model.network import SocialNetwork, TieKind
from model.parameters import TONES, Parameters
from model.referendum import (
    Petition,
    ReferendumResult,
    count_votes,
    describe_referendum,
    intentions,
)
from model.ship import ADULT_AGES, build_ship
from model.start import draw_traits, initial_state, recorded_referendum, settle_beliefs
from model.streams import Streams
from model.validation import WHOLE, Interval
from model.voyage import Voyage
from model.who_moved import Ledger

#: Newborns' ties join the network at the monthly registry update (they are infants: their
#: kin's grief is found by household, and nobody's belief depends on an infant's). Couples,
#: newcomers to work and retirements are registered the same day.
REGISTRY_INTERVAL_DAYS = MONTH_DAYS


def seed_sequence(rng: Any) -> np.random.SeedSequence:
    """The run's SeedSequence from an integer seed, a SeedSequence or None (fresh entropy)."""
    if isinstance(rng, np.random.SeedSequence):
        return rng
    if rng is None or (
        isinstance(rng, int | np.integer) and not isinstance(rng, bool) and rng >= 0
    ):
        return np.random.SeedSequence(rng)
    raise ValueError(
        f"rng={rng!r} is invalid: expected a whole-number seed >= 0, a "
        "numpy.random.SeedSequence, or None"
    )


def mesa_arguments(
    rng: Any, seed: Any, scenario: Any, params: dict[str, Any]
) -> tuple[Any, dict[str, Any]]:
    """The seed and the parameters, from Mesa's other ways of passing them.

    Mesa's ``Model`` also takes ``seed=`` (its older name of ``rng``) and ``scenario=`` (a
    ``mesa.experimental.scenarios.Scenario`` holding an ``rng`` and parameters); the Reset of
    Mesa's SolaraViz passes a scenario beside the inputs. A scenario's parameters join
    ``params`` and its ``rng`` is the seed when ``rng`` is not given; a seed or a parameter
    given twice must agree or raises ValueError.
    """
    if seed is not None:
        if rng is not None:
            raise ValueError(
                f"rng={rng!r} and seed={seed!r}: seed is Mesa's older name of rng; give one"
            )
        rng = seed
    if scenario is None:
        return rng, params
    given = dict(scenario)
    scenario_rng = given.pop("rng", None)
    twice = sorted(set(given) & set(params))
    if twice:
        raise ValueError(f"{twice[0]} is given both as a keyword and in the scenario: give it once")
    if scenario_rng is not None:
        if rng is not None and rng != scenario_rng:
            raise ValueError(f"rng={rng!r} differs from the scenario's rng={scenario_rng!r}")
        rng = scenario_rng
    return rng, {**params, **given}


class CrewModel(mesa.Model):
    """Social cohesion aboard a generation ship of ``n_crew`` people, one step a day.

    Args:
        rng: Seed (int >= 0), ``numpy.random.SeedSequence`` or None. The same parameters and
            seed give identical series and events.
        parameters: A whole :class:`model.parameters.Parameters` (``params`` change it).
        seed: Mesa's older name of ``rng``.
        scenario: A Mesa ``Scenario``: its ``rng`` and parameters, as if given here (Mesa's
            SolaraViz passes one at Reset).
        series_every: Keep a row of the daily series every this many days (day 0, k, 2k, ...;
            default 1, every day), for long runs: the metrics are measured only on those days,
            everything else (the events, the collapse watch, the dynamics) stays daily and the
            run is the same. ``today`` is measured on demand on the other days.
        **params: Any parameter of :class:`model.parameters.Parameters` by name. Invalid
            values raise ValueError naming the parameter, the value and the valid range.

    The public verbs: :meth:`step`, :meth:`run`; interventions :meth:`breach`,
    :meth:`memorial`, :meth:`broadcast`, :meth:`mitigate`, :meth:`call_referendum`; outputs
    :meth:`series`, :meth:`events`, :meth:`snapshot`, :meth:`graph`, :attr:`referendums`.
    """

    #: Days between kept series rows (class default for checkpoints saved before it existed).
    series_every: int = 1

    def __init__(
        self,
        *,
        rng: Any = None,
        parameters: Parameters | None = None,
        seed: Any = None,
        scenario: Any = None,
        series_every: int = 1,
        **params: Any,
    ) -> None:
        Interval(Integral, 1, None, closed="left").require("series_every", series_every)
        self.series_every = int(series_every)
        rng, params = mesa_arguments(rng, seed, scenario, params)
        if parameters is None:
            p = Parameters.from_mapping(params)
        else:
            p = parameters.replace(**params) if params else parameters
        self.seed = seed_sequence(rng)
        ship_seed, belief_seed, run_seed, trait_seed = self.seed.spawn(4)
        super().__init__(rng=np.random.default_rng(run_seed))
        self.p: Parameters = p
        self.day = 0
        self.counts = {"deaths": 0, "breaches": 0, "births": 0}
        self._events: list[dict[str, Any]] = []
        self._signatures = 0  # petition signatures, counted daily
        self.referendums: list[ReferendumResult] = []
        self._today: dict[str, Any] | None = None
        #: requests and deaths (with the ties of the dead) for :func:`model.who_moved.who_moved`
        self.ledger = Ledger()

        self.layout = build_ship(p, np.random.default_rng(ship_seed))
        self.traits = np.random.default_rng(trait_seed)  # traits of everyone, at birth
        self.state = initial_state(self.layout, p, self.traits)
        weights = {
            TieKind.HOUSEHOLD: p.weight_household,
            TieKind.FRIEND: p.weight_friend,
            TieKind.NEIGHBOUR: p.weight_neighbour,
            TieKind.COWORKER: p.weight_coworker,
        }
        self.network = SocialNetwork(p.n_crew, *self.layout.ties, weights)
        self.crew: list[CrewMember] = list(
            CrewMember.create_agents(self, p.n_crew, slot=np.arange(p.n_crew))
        )
        self.captain = int(np.flatnonzero(self.state.role == Role.CAPTAIN)[0])
        self.influence = make_crew_rule(p)  # the rule the ``influence`` parameter names
        self._update_frozen()

        self.state.partner[:] = initial_partners(self.state.household, self.ages(), ADULT_AGES[0])
        self.breaches = Breaches(
            p.impact_rate * p.penetration_probability, p.mitigation_efficacy, p.mitigation_days
        )
        self.grief = Grief(p)
        self.leadership = Leadership(p)
        self.petition = Petition(p)
        # its own stream (a fifth child of the run's seed): withdrawing draws no number the
        # other sub-models would have drawn
        self.disengagement = Disengagement(p, np.random.default_rng(self.seed.spawn(1)[0]))
        # deaths, partners, births and working life: a sixth child, its own stream
        self.demography = Demography(
            p, np.random.default_rng(self.seed.spawn(1)[0]), self.state, self.network
        )
        # the other processes' streams, spawned after those (model.streams): hazards, where a
        # breach strikes, requests, turnout, influence, interventions
        self.streams = Streams(self.seed)
        self.collapse = CollapseWatch(p.collapse_level, p.collapse_days)

        settle_beliefs(self, np.random.default_rng(belief_seed))
        first = recorded_referendum(self)
        self.state.voted_recorded[:] = self.state.recorded_vote != Vote.NONE
        self.referendums.append(first)
        self.mission = Vote.CONTINUE if first.outcome == "continue" else Vote.DIVERT
        self.voyage = Voyage.start(p.voyage_years, p.diversion_years, self.mission == Vote.DIVERT)
        #: why the run ended ("arrival" or "extinction"), None while it goes on
        self.ended: str | None = None
        self.log("referendum", describe_referendum(first), day=first.day, count=first.margin)
        self.datacollector = DailyRecorder()
        self._collect()
        if p.debug:
            self.check_invariants()

    # --- the day ------------------------------------------------------------------------
    def step(self) -> None:
        """One day aboard, the ODD's process list (docs/ODD.md §3), one line a process. Once
        the run has ended (arrival, extinction) a step does nothing."""
        if self.ended:
            return
        self.day += 1
        self._hazards()
        if self._extinct():
            return
        self._demography()
        self.leadership.daily(
            self.day, self.state, self.listeners, self.mission_value, self.log, self.confidants
        )
        self._influence()
        self.grief.daily(self.state, self.frozen, self.leadership.framing, self.mission_value)
        self.leadership.recover_trust(self.state, self.breaches.mitigating)
        self._disengagement()
        self._petition()
        self._collect()
        if self.voyage.arrived(self.day):
            self._end("arrival", f"the ship arrives at {self.voyage.course}")
        if self.p.debug:
            self.check_invariants()

    def _extinct(self) -> bool:
        """Children alone cannot keep the ship, nor vote: with no adult left the run ends."""
        if self.voters().any():
            return False
        left = int(self.state.alive.sum())
        self._end(
            "extinction",
            "the last of the crew died: the ship is empty"
            if left == 0
            else f"the last adult died: {left} children cannot keep the ship",
        )
        return True

    def _end(self, why: str, detail: str) -> None:
        """The run ends today: an event, and no further steps (``ended``, ``running``)."""
        self.ended = why
        self.running = False
        self.log(why, detail, count=int(self.state.alive.sum()))
        self._refresh_today()  # ``today`` shows the end (the series' last row is the day before)

    def run(self, days: int, progress: bool = False) -> CrewModel:
        """Advance ``days`` days, or until the run ends (arrival, extinction); returns the
        model."""
        WHOLE.require("days", days)
        steps = range(int(days))
        if progress:
            from tqdm import tqdm

            steps = tqdm(steps, desc="days", unit="day")
        for _ in steps:
            if self.ended:
                break
            self.step()
        return self

    def _hazards(self) -> None:
        if self.breaches.finish_due(self.day):
            self.log(
                "mitigation",
                f"reinforcement completed: breach risk now {self.breaches.current_rate:.4f} a year",
            )
        premature, old = self.demography.deaths(self.state, self.day)
        if len(premature):
            self.kill(premature, cause="premature", blame=self.p.premature_blame)
        if len(old):
            self.kill(old, cause="old age", blame=0.0, grief_weight=self.p.old_age_grief)
        for _ in range(self.breaches.occurs(self.streams.hazards)):
            if self.state.alive.any():
                self.breach(source="hazard")

    def _demography(self) -> None:
        """Monthly: couples form households, children come of age, crew retire, and the
        registry takes the new ties; daily: the planned births."""
        state = self.state
        if self.day % REGISTRY_INTERVAL_DAYS == 0:
            ages = self.ages()
            self.demography.partnering(state, self.network, ages)
            self.demography.come_of_age(state, self.network, ages)
            self.demography.retire(state, ages, self.network)
            self.network.flush(state.size)
        households = self.demography.births(state, self.day)
        if len(households) == 0:
            return
        traits = draw_traits(self.p, len(households), self.traits)
        slots = self.demography.bear(state, self.network, households, self.day, traits)
        for slot, h in zip(slots, households, strict=True):
            self.crew.append(CrewMember(self, slot))
            self.log(
                "birth",
                f"born into household {h}",
                slot=int(slot),
                section=int(state.section[slot]),
            )
        self.counts["births"] += len(slots)
        self._update_frozen()

    def _influence(self) -> None:
        state = self.state
        private = state.belief[self.captain]
        stance = self.leadership.public_stance(self.mission_value)
        if stance is not None and state.alive[self.captain]:  # the crew hears her stance
            state.belief[self.captain] = stance
        before = state.belief.copy() if self.p.susceptibility_spread > 0 else None
        state.belief[:] = self.influence.update(
            self.disengagement.influence_ties(self.network, state.disengaged),
            state.belief,
            state.anchor,
            self.streams.influence,
        )
        if before is not None:  # each person moves by their susceptibility times the day's change
            s = state.susceptibility
            moved = np.clip(before + s * (state.belief - before), 0.0, 1.0)
            np.copyto(state.belief, moved, where=s != 1.0)  # s = 1: the rule's value, bit for bit
        state.belief[self.captain] = private

    def _disengagement(self) -> None:
        """Withdrawal and return; the hazards take tomorrow's multipliers from it."""
        withdrawal = self.disengagement
        if withdrawal.daily(self.state, self.voters(), self.mission_value):
            self.breaches.rate_multiplier = withdrawal.breach_multiplier
            self.breaches.slow(withdrawal.work_pace)
            self.demography.multiplier = withdrawal.mortality_multiplier

    def _petition(self) -> None:
        voters = self.voters()
        filed = self.petition.daily(self.state, voters, self.streams.petition)
        if len(filed):
            self.ledger.file_requests(self.day, filed, self.state.recorded_vote[filed])
            self.log("requests", f"{len(filed)} asked to change their vote", count=len(filed))
        self._signatures = self.petition.signatures(self.state, voters, self.mission)
        last = self.referendums[-1].day
        if self.petition.due(self.day, last, self._signatures, int(voters.sum()), self.log):
            self.petition.scheduled_day = None
            self._hold_referendum("petition")

    def _refresh_today(self) -> None:
        """After an intervention, ``today`` is measured again when next read: between steps
        it shows the live state (the series row already collected for the day stays the
        end-of-day record), and nothing is measured in the middle of a day."""
        self._today = None

    @property
    def today(self) -> dict[str, Any]:
        """Today's metrics (:func:`model.metrics.measure`), measured at collection, or on
        first read after an intervention between steps."""
        if self._today is None:
            self._today = measure(self)
        return self._today

    def _collect(self) -> None:
        """Today's series row (on the kept days, :attr:`series_every`) and the collapse watch
        (every day)."""
        if self.day % self.series_every == 0:
            self._today = measure(self)
            self.datacollector.collect(self)
            share = self._today["disengaged_share"]
        else:
            self._today = None  # measured if read
            voters = self.voters()
            share = disengaged_share(self.state.disengaged, voters, int(np.count_nonzero(voters)))
        if self.collapse.update(self.day, share):
            self.log(
                "collapse",
                f"the ship collapsed: more than {self.p.collapse_level:.0%} of the voters "
                f"disengaged for {self.p.collapse_days} days",
                count=self.p.collapse_days,
            )

    # --- deaths ---------------------------------------------------------------------------
    def kill(
        self,
        slots: np.ndarray,
        cause: str,
        public: bool = False,
        blame: float = 1.0,
        grief_weight: float = 1.0,
    ) -> None:
        """Deaths: grief and trust for those hit, then removal from the ship and network.

        ``blame`` scales the trust they cost the leadership: 0 for deaths of old age (grief
        without a loss of trust: nobody holds the leadership to account for old age,
        docs/ODD.md), ``premature_blame`` for premature deaths, 1 for a breach's.
        ``grief_weight`` scales the grief they bring (``old_age_grief`` for old age)."""
        slots = np.asarray(slots, dtype=np.int64)
        state = self.state
        slots = slots[state.alive[slots]]
        if len(slots) == 0:
            return
        grief, loss = self.grief.impacts(state, self.network, slots, public)
        if grief_weight != 1.0:
            grief = grief * grief_weight
        self.grief.add(state, grief)
        if blame > 0.0:
            self.leadership.erode_trust(self.day, state, blame * loss, public)
        state.alive[slots] = False
        self.ledger.record_deaths(self.day, slots, self.network)  # before their ties are cut
        self.network.remove(slots)
        for slot in slots:
            self.crew[slot].remove()
            self.log(
                "death",
                cause,
                slot=int(slot),
                section=int(state.section[slot]),
                compartment=int(state.compartment[slot]),
                cause=cause,
            )
        self.counts["deaths"] += len(slots)
        if not state.alive[self.captain]:
            self._succession()
        self.leadership.respond_to_deaths(public)
        self._update_frozen()

    def _succession(self) -> None:
        """Captain succession (docs/ODD.md §7.6b, :meth:`Leadership.succeed`)."""
        new = self.leadership.succeed(self.state, self.ages(), self.p.voting_age, self.log)
        if new is not None:
            self.captain = new

    # --- interventions --------------------------------------------------------------------
    def breach(
        self,
        deaths: int | None = 3,
        section: int | None = None,
        compartment: int | None = None,
        source: str = "intervention",
    ) -> dict:
        """A hull breach now: kills ``deaths`` people in one compartment and displaces its
        section's families. With ``deaths=None`` the toll is drawn (Poisson of
        ``breach_deaths``). Returns where it struck and who died."""
        if deaths is not None:
            WHOLE.require("deaths", deaths)
        L = self.layout
        if section is not None:
            Interval(Integral, 0, L.n_sections - 1).require("section", section)
        if compartment is not None:
            Interval(Integral, 0, L.n_compartments - 1).require("compartment", compartment)
        rng = self.streams.breach_place if source == "hazard" else self.streams.interventions
        state = self.state
        section, compartment, victims = breach_victims(
            state, L, self.p.breach_deaths, deaths, section, compartment, rng
        )
        home = state.alive & (state.section == section)
        displaced = int(len(np.unique(state.household[home])))
        self.counts["breaches"] += 1
        self.log(
            "breach",
            f"hull breach in section {section}, compartment {compartment}: "
            f"{len(victims)} dead, {displaced} families displaced",
            count=len(victims),
            section=section,
            compartment=compartment,
            cause=source,
        )
        displacement = np.where(home, self.p.displacement_grief, 0.0)
        self.grief.add(state, displacement)
        self.kill(victims, cause="breach", public=True)
        if self.p.mitigate_after_breach:
            self.mitigate(source="strategy")
        self._refresh_today()
        return {
            "day": self.day,
            "section": section,
            "compartment": compartment,
            "deaths": len(victims),
            "displaced_households": displaced,
        }

    def memorial(self) -> None:
        """Hold a memorial service now ('their deaths count for something')."""
        self.broadcast("memorial")

    def broadcast(self, tone: str, source: str = "intervention") -> None:
        """The captain speaks now, in one of the tones reassure, memorial or candid."""
        self.leadership.speak(
            tone,
            source,
            self.day,
            self.state,
            self.listeners,
            self.mission_value,
            self.log,
            self.confidants,
        )
        self._refresh_today()

    def mitigate(self, source: str = "intervention") -> bool:
        """Start reinforcing the sections; False if work is already under way."""
        started = self.breaches.start_mitigation(self.day)
        if started:
            self.log(
                "mitigation",
                f"reinforcement started ({source}), done on day "
                f"{self.day + self.p.mitigation_days}",
                cause=source,
            )
        return started

    def set_strategy(self, name: str) -> None:
        """The captain follows strategy ``name`` from now on (logged as a ``strategy`` event)."""
        self.p = self.p.replace(captain_strategy=name)
        self.leadership.adopt(self.p)
        self.log("strategy", f"captain's strategy now {name}", cause="intervention")

    def set_breach_rate(
        self, impact_rate: float | None = None, penetration_probability: float | None = None
    ) -> None:
        """Hull impacts a year and the share that breach, from now on (logged as ``hazard``)."""
        changes = {
            k: v
            for k, v in (
                ("impact_rate", impact_rate),
                ("penetration_probability", penetration_probability),
            )
            if v is not None
        }
        self.p = self.p.replace(**changes)
        self.leadership.p = self.p
        self.breaches.rate_per_year = self.p.impact_rate * self.p.penetration_probability
        self.log(
            "hazard",
            f"breach risk now {self.breaches.current_rate:.4f} a year "
            f"({self.p.impact_rate:g} impacts a year, {self.p.penetration_probability:g} breach)",
            cause="intervention",
        )

    def call_referendum(self) -> ReferendumResult:
        """Hold a referendum now; returns its result (also appended to ``referendums``)."""
        return self._hold_referendum("captain")

    def _hold_referendum(self, trigger: str) -> ReferendumResult:
        result = count_votes(
            self.state,
            self.voters(),
            self.mission,
            self.day,
            self.p.turnout,
            self.streams.turnout,
            trigger,
        )
        self.referendums.append(result)
        new_mission = Vote.CONTINUE if result.outcome == "continue" else Vote.DIVERT
        self.log("referendum", describe_referendum(result), count=result.margin, cause=trigger)
        if new_mission != self.mission:
            self.mission = new_mission
            self.voyage.turn(self.day, to_tau_ceti=new_mission == Vote.CONTINUE)
            self.log(
                "mission",
                f"mission changed: {result.outcome}; arrival at {self.voyage.course} in "
                f"{self.voyage.years_left(self.day):.0f} years",
            )
        self._signatures = 0
        self._refresh_today()
        return result

    # --- views ----------------------------------------------------------------------------
    def ages(self) -> np.ndarray:
        """Age in years of every slot today."""
        return (self.day - self.state.birth_day) / 365.0

    def voters(self) -> np.ndarray:
        """Mask of living crew of voting age."""
        return self.state.alive & (self.ages() >= self.p.voting_age)

    @property
    def intention(self) -> np.ndarray:
        """Vote each slot would cast today (Vote values)."""
        return intentions(self.state.belief)

    @property
    def held_referendums(self) -> list[ReferendumResult]:
        """The referendums held since day 0, oldest first (the recorded one before day 0 is
        not counted): ``len(model.held_referendums)`` is how many were held."""
        return self.referendums[1:]

    @property
    def mission_value(self) -> float:
        """1.0 while the mission is to continue to Tau Ceti, 0.0 once diverted."""
        return 1.0 if self.mission == Vote.CONTINUE else 0.0

    @property
    def listeners(self) -> np.ndarray:
        """Mask of who hears the captain: the living, except the captain."""
        return self.state.alive & ~self.frozen

    @property
    def collapse_day(self) -> int | None:
        """Day the ship collapsed (disengaged share above ``collapse_level`` for
        ``collapse_days`` days), or None."""
        return self.collapse.collapse_day

    @property
    def confidants(self) -> np.ndarray:
        """Slots tied to the captain (household, friends, co-workers, neighbours): those who
        know her private belief."""
        return self.network.ties_of(self.captain)[0]

    def _update_frozen(self) -> None:
        self.frozen = ~self.state.alive
        self.frozen[self.captain] = True
        self.influence.freeze(self.frozen)

    def log(self, kind: str, detail: str, day: int | None = None, **fields: Any) -> None:
        """Append to the event log."""
        self._events.append(
            {"day": self.day if day is None else day, "kind": kind, "detail": detail, **fields}
        )

    def series(self) -> pd.DataFrame:
        """Per-day metrics from day 0: one row a day, or every :attr:`series_every` days."""
        frame = self.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        frame.insert(0, "day", np.asarray(self.datacollector._collection_steps, dtype=np.int64))
        return frame

    def events(self) -> pd.DataFrame:
        """The event log: day, kind, detail, and count/section/compartment/slot/cause."""
        columns = ["day", "kind", "detail", "count", "section", "compartment", "slot", "cause"]
        # a copy first: the page reads the log while its Play thread steps (appends), and
        # pandas reads a list twice (its length, then its rows)
        frame = pd.DataFrame(list(self._events), columns=columns)
        for col in ("count", "section", "compartment", "slot"):
            frame[col] = frame[col].astype("Int64")
        return frame

    def snapshot(self) -> pd.DataFrame:
        """One row per person ever aboard, on demand (not collected every step)."""
        s = self.state
        return pd.DataFrame(
            {
                "slot": np.arange(s.size),
                "unique_id": [a.unique_id for a in self.crew],
                "alive": s.alive,
                "age": self.ages(),
                "household": s.household,
                "section": s.section,
                "compartment": s.compartment,
                "department": s.department,
                "role": s.role,
                "belief": s.belief,
                "intention": self.intention,
                "recorded_vote": s.recorded_vote,
                "trust": s.trust,
                "grief": s.grief,
                "requested": s.requested,
                "disengaged": s.disengaged,
            }
        )

    def graph(self) -> nx.Graph:
        """The living crew's social network as a networkx Graph (built on demand)."""
        return self.network.to_networkx(self.state.alive)

    def summary(self) -> dict[str, Any]:
        """Final metrics, referendums and collapse day, JSON-ready."""
        return {
            "day": self.day,
            "final": {
                k: (None if isinstance(v, float) and np.isnan(v) else v)
                for k, v in self.today.items()
            },
            "referendums": [r.to_dict() for r in self.referendums],
            "collapse_day": self.collapse_day,
            "mission": "continue" if self.mission == Vote.CONTINUE else "divert",
        }

    # --- checkpoints ----------------------------------------------------------------------
    def save(self, path: str | os.PathLike) -> Path:
        """Save the running model (state, network, random generators) to ``path``: a
        versioned ``.npz``-style zip of arrays and JSON (see :mod:`model.checkpoint`)."""
        return checkpoint.save(self, path)

    @classmethod
    def load(cls, path: str | os.PathLike) -> CrewModel:
        """Resume a model saved with :meth:`save`; it continues exactly as it would have.
        Loading runs no code from the file; a file that is not a checkpoint raises
        :class:`model.checkpoint.CheckpointError` (one line naming the file and the problem)."""
        return checkpoint.load(path)

    # --- invariants -----------------------------------------------------------------------
    def check_invariants(self) -> None:
        """Raise :class:`model.invariants.InvariantError` if an invariant does not hold."""
        check_invariants(self)


__all__ = ["CrewModel", "seed_sequence", "TONES"]
