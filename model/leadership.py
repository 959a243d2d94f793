r"""The captain: messages, memorials, and the crew's trust in the leadership.

What the captain does is the active strategy's effects (:mod:`model.strategies`); nothing here
asks which strategy is active. A message of tone *k* (a speaking strategy's name) reaches every
living listener with trust :math:`T_i` and belief :math:`x_i`:

.. math::

    x_i \mathrel{+}= m_k T_i (y_k - x_i), \qquad T_i \mathrel{+}= c_k (1 - T_i)

with :math:`m_k` the tone's belief pull (``message_effect`` for reassure and candid, 0 for a
memorial), :math:`y_k` its target (the mission *M*, 1 continue and 0 divert, or the captain's
private belief :math:`p_c`) and :math:`c_k` its trust gain (``candour_trust_gain`` for candour).
A tone with a grief framing (the memorial) sets the framing φ that turns grief into commitment
(see :mod:`model.grief`); φ halves every ``framing_half_life`` days.

Trust erodes when deaths contradict what the leadership says. A death that hits person *i*
with impact :math:`a_i` multiplies their trust by :math:`1 - e\,r\,a_i` with *e* the
``trust_erosion`` and *r* the erosion factor of the last message if it came within
``contradiction_window`` days (1 after a reassurance, ``acknowledged_erosion`` after a memorial
or a candid message), else the active strategy's standing factor (``acknowledged_erosion`` for
strategies that answer every death or speak candidly, ``silence_erosion`` otherwise). Trust
relaxes toward each person's start value at ``trust_recovery`` a day while reinforcement work
is visible and at ``trust_recovery_baseline`` otherwise.

Trust can rise as well as fall. A public shock (a breach) of size *a*, the mean trust-loss
impact aboard, that the captain meets with a message or memorial within ``rally_window`` days
is a positive trust event of size :math:`g\,a` (*g* ``rally_gain``): the rally round the flag
(Mueller 1970). Trust events are asymmetric (Slovic 1993): a negative event of size *a* takes
:math:`a\,T_i` (the erosion above), a positive one gives :math:`s_i\,a/k\,(1 - T_i)` with *k*
``trust_gain_asymmetry`` and :math:`s_i` the person's ``susceptibility``. A rally lifts trust
above where the shock left it; recovery then relaxes it back toward the start value, so a rally
fades. Susceptibility also scales a message's belief pull and trust gain:
:math:`x_i \mathrel{+}= m_k s_i T_i (y_k - x_i)`, :math:`T_i \mathrel{+}= c_k s_i (1 - T_i)`.

Credibility (behavioural integrity, Simons 2002): what a message says (the tone's
``public_stance``: the mission *M* for a reassurance or a memorial, her private belief for
candour) may differ from what she believes, by :math:`g = |M - p_c|`. Those who see the gap
when she speaks — everyone tied to her, and a share ``integrity_visibility`` of the rest —
first take a negative trust event of size ``integrity_loss`` × *g*, so a message against her
own vote costs her credibility with those who know her, and they heed it less.

When the strategy speaks: every ``routine_interval`` days if it has one, the day after the
deaths it answers (breaches, or any death), or as ``captain_schedule`` says.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from model import strategies
from model.crew import Role
from model.parameters import Parameters, parse_schedule
from model.validation import Options

if TYPE_CHECKING:
    from model.crew import CrewState

#: The event log: ``log(kind, detail, **fields)`` (:meth:`model.crew_model.CrewModel.log`).
Log = Callable[..., Any]
#: A message's tone: a speaking strategy's name.
TONE = Options(strategies.TONES)


class Leadership:
    """The captain's strategy and the trust dynamics it drives.

    Its methods take what they use (the crew's state arrays, who hears the captain, the
    mission, the day, the event log), never the whole model.
    """

    def __init__(self, p: Parameters) -> None:
        self.private_belief = p.captain_private_belief
        self.framing_decay = 0.5 ** (1.0 / p.framing_half_life)
        self.framing = 0.0
        self.last_tone: str | None = None
        self.last_message_day = -(10**9)
        self.pending_response = False  # answer the latest deaths tomorrow
        self.shock = 0.0  # size of the public shocks not yet met by a message
        self.shock_day = -(10**9)
        self.adopt(p)

    def adopt(self, p: Parameters) -> None:
        """Follow ``p.captain_strategy`` from now on (the strategy's effects, schedule and
        routine), keeping what has been said and felt so far."""
        self.p = p
        self.strategy = p.captain_strategy
        self.effects = strategies.get(self.strategy).resolved(p)
        self.schedule = (
            dict(parse_schedule(p.captain_schedule)) if self.effects.follows_schedule else {}
        )
        self.interval = (
            int(getattr(p, self.effects.routine_interval))
            if self.effects.routine_interval
            else None
        )
        self._tones: dict[str, strategies.Strategy] = {}  # resolved effects by tone

    # --- the day's leadership -----------------------------------------------------------
    def daily(
        self,
        day: int,
        state: CrewState,
        listeners: np.ndarray,
        mission_value: float,
        log: Log,
        close: np.ndarray | None = None,
    ) -> str | None:
        """Routine messages, scheduled messages, and answers to yesterday's deaths; returns
        the tone the captain spoke in today (None: she said nothing). ``close``: the slots
        tied to the captain, who know her private belief (:meth:`deliver`)."""
        own = self.effects
        tone = None
        if own.follows_schedule:
            tone = self.schedule.get(day)
        elif own.speaks and (
            self.pending_response or (self.interval is not None and day % self.interval == 0)
        ):
            tone = own.name
        self.pending_response = False
        if day - self.shock_day > self.p.rally_window:
            self.shock = 0.0  # a shock not met in time raises no rally
        if tone is not None:
            self.speak(tone, "strategy", day, state, listeners, mission_value, log, close)
        self.framing *= self.framing_decay
        return tone

    def respond_to_deaths(self, public: bool) -> None:
        """Note deaths the strategy answers tomorrow (any death, or public ones: breaches)."""
        answers = self.effects.answers
        if answers == "any" or (answers == "public" and public):
            self.pending_response = True

    def succeed(
        self, state: CrewState, ages: np.ndarray, voting_age: float, log: Log
    ) -> int | None:
        """Captain succession (docs/ODD.md §7.6b): the most senior (oldest) living officer,
        else the oldest working crew member, else the oldest adult, else anyone, takes
        command. She keeps her own belief as her private belief, and every crew member's
        trust in the leadership starts again at ``succession_trust``. Returns the new
        captain's slot (None: nobody is alive)."""
        for pool in (
            state.alive & (state.role == Role.OFFICER),
            state.alive & (state.role == Role.CREW),
            state.alive & (ages >= voting_age),
            state.alive,
        ):
            if pool.any():
                new = int(np.flatnonzero(pool)[np.argmax(ages[pool])])
                state.role[new] = Role.CAPTAIN
                self.private_belief = float(state.belief[new])
                state.trust[state.alive] = self.p.succession_trust
                log(
                    "succession",
                    f"crew member {new} takes command (aged {ages[new]:.0f}, privately "
                    f"{'for continuing' if state.belief[new] >= 0.5 else 'for diverting'})",
                    slot=new,
                )
                return new
        return None

    def public_stance(self, mission_value: float) -> float | None:
        """The belief the crew hears from the captain in conversation, or None (her own)."""
        stance = self.effects.public_stance
        if stance is None:
            return None
        return self.private_belief if stance == "private" else mission_value

    # --- messages -----------------------------------------------------------------------
    def tone_effects(self, tone: str) -> strategies.Strategy:
        """The effects of a message of this tone (a speaking strategy's name)."""
        if tone not in strategies.TONES:
            TONE.require("tone", tone)
        message = self._tones.get(tone)
        if message is None:
            message = self._tones[tone] = strategies.get(tone).resolved(self.p)
        return message

    def speak(
        self,
        tone: str,
        source: str,
        day: int,
        state: CrewState,
        listeners: np.ndarray,
        mission_value: float,
        log: Log,
        close: np.ndarray | None = None,
    ) -> None:
        """The captain speaks in ``tone`` (her strategy's daily message, or an intervention:
        ``source``): the message reaches the listeners and is logged."""
        self.deliver(tone, day, state, listeners, mission_value, close)
        kind = self.tone_effects(tone).message_kind
        log(kind, f"captain: {tone} ({source})", cause=source)

    def deliver(
        self,
        tone: str,
        day: int,
        state: CrewState,
        listen: np.ndarray,
        mission_value: float,
        close: np.ndarray | None = None,
    ) -> None:
        """Apply a message of this tone to every listener (mask ``listen``). Those who see
        it differ from her private belief (``close``, the slots tied to her, and a share
        ``integrity_visibility`` of the rest) first lose trust (:meth:`lose_credibility`), so
        they also heed it less."""
        message = self.tone_effects(tone)
        self.lose_credibility(state, listen, close, self.stance_gap(message, mission_value))
        if message.grief_framing is not None:
            self.framing = message.grief_framing
        if message.belief_target is not None:
            position = mission_value if message.belief_target == "mission" else self.private_belief
            x, t = state.belief[listen], state.trust[listen]
            s = state.susceptibility[listen]
            state.belief[listen] = x + message.belief_pull * t * s * (position - x)
            if message.trust_gain:
                state.trust[listen] = t + message.trust_gain * s * (1.0 - t)
        elif message.trust_gain:
            t = state.trust[listen]
            s = state.susceptibility[listen]
            state.trust[listen] = t + message.trust_gain * s * (1.0 - t)
        self.last_tone = tone
        self.last_message_day = day
        self.rally(day, state, listen)

    def stance_gap(self, message: strategies.Strategy, mission_value: float) -> float:
        """How far what a message of these effects says (its ``public_stance``) lies from
        her private belief: |M − p_c| for the mission, 0 for her own belief or no stance."""
        if message.public_stance != "mission":
            return 0.0
        return abs(mission_value - self.private_belief)

    def lose_credibility(
        self, state: CrewState, listen: np.ndarray, close: np.ndarray | None, gap: float
    ) -> None:
        """Those who see her words differ from her belief by ``gap`` lose trust: a negative
        event of size ``integrity_loss`` × gap for her ties, × ``integrity_visibility`` for
        the rest of the listeners (behavioural integrity, Simons 2002)."""
        size = self.p.integrity_loss * gap
        visibility = self.p.integrity_visibility
        if size <= 0.0 or (visibility <= 0.0 and (close is None or len(close) == 0)):
            return
        seen = np.full(state.size, visibility)
        if close is not None:
            seen[close] = 1.0
        state.trust[listen] = lose_trust(state.trust[listen], size * seen[listen])

    # --- trust --------------------------------------------------------------------------
    def response_factor(self, day: int) -> float:
        """How a death bears on trust given what the leadership has said (see module doc)."""
        recent = day - self.last_message_day <= self.p.contradiction_window
        if recent and self.last_tone is not None:
            return self.tone_effects(self.last_tone).erosion_after_message
        return self.effects.standing_erosion

    def erode_trust(
        self, day: int, state: CrewState, impact: np.ndarray, public: bool = False
    ) -> None:
        """Deaths erode the trust of those they hit; public ones are a shock a message can
        meet (:meth:`rally`)."""
        factor = self.p.trust_erosion * self.response_factor(day)
        if factor > 0:
            state.trust[:] = lose_trust(state.trust, factor * impact)
        if public:
            living = state.alive & (impact > 0)
            size = float(impact[living].mean()) if living.any() else 0.0
            if day - self.shock_day > self.p.rally_window:
                self.shock = 0.0
            self.shock = 1.0 - (1.0 - self.shock) * (1.0 - size)
            self.shock_day = day

    def rally(self, day: int, state: CrewState, listen: np.ndarray) -> None:
        """A message that meets a recent public shock raises the listeners' trust: a positive
        event of size ``trust_erosion`` × ``rally_gain`` × the shock (once per shock)."""
        if self.shock <= 0.0 or day - self.shock_day > self.p.rally_window:
            return
        size = self.p.trust_erosion * self.p.rally_gain * self.shock
        self.shock = 0.0
        if size > 0.0:
            state.trust[listen] = gain_trust(
                state.trust[listen],
                size,
                self.p.trust_gain_asymmetry,
                state.susceptibility[listen],
            )

    def recover_trust(self, state: CrewState, mitigating: bool) -> None:
        """Trust relaxes toward its start value, faster while mitigation is visible."""
        rate = self.p.trust_recovery if mitigating else self.p.trust_recovery_baseline
        state.trust += rate * (state.trust_baseline - state.trust)


def lose_trust(trust: np.ndarray, size: np.ndarray | float) -> np.ndarray:
    """Trust after a negative event of this size (per person): it takes ``size`` × trust."""
    return trust * (1.0 - np.minimum(size, 1.0))


def gain_trust(
    trust: np.ndarray,
    size: float,
    asymmetry: float,
    susceptibility: np.ndarray | float = 1.0,
) -> np.ndarray:
    """Trust after a positive event of this size: it gives susceptibility × size/asymmetry ×
    (1 − trust), at most the whole gap to full trust (Slovic 1993's asymmetry: a gain of the
    size of a loss moves trust ``asymmetry`` times less)."""
    share = np.minimum(susceptibility * size / asymmetry, 1.0)
    return trust + share * (1.0 - trust)
