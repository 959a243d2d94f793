r"""The captain: messages, memorials, and the crew's trust in the leadership.

Messages (tones) and their effect on a listener with trust :math:`T_i` and belief :math:`x_i`,
with *m* the ``message_effect`` and *M* the current mission (1 continue, 0 divert):

* ``reassure`` -- public conviction: :math:`x_i \mathrel{+}= m T_i (M - x_i)`.
* ``candid`` -- the captain admits her doubts: :math:`x_i \mathrel{+}= m T_i (p_c - x_i)` with
  :math:`p_c` her private belief, and honesty earns trust:
  :math:`T_i \mathrel{+}= c\,(1 - T_i)` (``candour_trust_gain``).
* ``memorial`` -- a service for the dead: resets the framing that turns grief into
  commitment (see :mod:`model.grief`).

Trust erodes when deaths contradict what the leadership says. A death that hits person *i*
with impact :math:`a_i` multiplies their trust by :math:`1 - e\,r\,a_i` with *e* the
``trust_erosion`` and *r* the response factor: 1 if the last message within
``contradiction_window`` days was a reassurance, ``acknowledged_erosion`` if it was a memorial
or a candid message (or the strategy answers every death with one), ``silence_erosion``
otherwise (no one answered). Trust relaxes toward each person's start value at
``trust_recovery`` a day while reinforcement work is visible and at
``trust_recovery_baseline`` otherwise.

Strategies: ``silent`` says nothing; ``reassure`` and ``candid`` speak every
``message_interval`` days and the day after a breach; ``memorial`` holds a memorial the day
after any death; ``scripted`` follows ``captain_schedule``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.parameters import TONES, parse_schedule

if TYPE_CHECKING:
    from model.crew_model import CrewModel


class Leadership:
    """The captain's strategy and the trust dynamics it drives."""

    def __init__(self, model: CrewModel) -> None:
        p = model.p
        self.strategy = p.captain_strategy
        self.private_belief = p.captain_private_belief
        self.schedule = (
            dict(parse_schedule(p.captain_schedule)) if self.strategy == "scripted" else {}
        )
        self.framing_decay = 0.5 ** (1.0 / p.framing_half_life)
        self.framing = 0.0
        self.last_tone: str | None = None
        self.last_message_day = -(10**9)
        self.pending_response = False  # answer the latest deaths tomorrow
        self.p = p

    # --- the day's leadership -----------------------------------------------------------
    def daily(self, model: CrewModel) -> None:
        """Routine messages, scheduled messages, and answers to yesterday's deaths."""
        day, p = model.day, self.p
        tone = None
        if self.strategy == "scripted":
            tone = self.schedule.get(day)
        elif self.strategy == "memorial" and self.pending_response:
            tone = "memorial"
        elif self.strategy in ("reassure", "candid") and (
            self.pending_response or day % p.message_interval == 0
        ):
            tone = self.strategy
        self.pending_response = False
        if tone is not None:
            model.broadcast(tone, source="strategy")
        self.framing *= self.framing_decay

    def respond_to_deaths(self, public: bool) -> None:
        """Note deaths the strategy answers tomorrow (memorials for any death, messages after
        breaches)."""
        if self.strategy == "memorial" or public:
            self.pending_response = True

    # --- messages -----------------------------------------------------------------------
    def deliver(self, model: CrewModel, tone: str) -> None:
        """Apply a message of this tone to every living listener."""
        if tone not in TONES:
            raise ValueError(f"tone={tone!r} is invalid: expected one of {', '.join(TONES)}")
        state, p = model.state, self.p
        listen = model.listeners
        if tone == "memorial":
            self.framing = p.memorial_framing
        else:
            position = model.mission_value if tone == "reassure" else self.private_belief
            x, t = state.belief[listen], state.trust[listen]
            state.belief[listen] = x + p.message_effect * t * (position - x)
            if tone == "candid":
                state.trust[listen] = t + p.candour_trust_gain * (1.0 - t)
        self.last_tone = tone
        self.last_message_day = model.day

    # --- trust --------------------------------------------------------------------------
    def response_factor(self, day: int) -> float:
        """How a death bears on trust given what the leadership has said (see module doc)."""
        recent = day - self.last_message_day <= self.p.contradiction_window
        if recent and self.last_tone == "reassure":
            return 1.0
        if (recent and self.last_tone in ("memorial", "candid")) or self.strategy in (
            "memorial",
            "candid",
        ):
            return self.p.acknowledged_erosion
        return self.p.silence_erosion

    def erode_trust(self, model: CrewModel, impact: np.ndarray) -> None:
        """Deaths erode the trust of those they hit."""
        factor = self.p.trust_erosion * self.response_factor(model.day)
        if factor > 0:
            model.state.trust *= 1.0 - factor * impact

    def recover_trust(self, model: CrewModel, mitigating: bool) -> None:
        """Trust relaxes toward its start value, faster while mitigation is visible."""
        rate = self.p.trust_recovery if mitigating else self.p.trust_recovery_baseline
        state = model.state
        state.trust += rate * (state.trust_baseline - state.trust)
