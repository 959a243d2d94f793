"""Effect cards: what an intervention did and, as days pass, what followed.

An :class:`Effect` is noted just before an intervention (day, support and cohesion then, and
how many events the log held); :func:`effect_summary` reads the model's events and series
afterwards, so every count on a card is a count of the model's own events. Plain Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

import numpy as np

from model import CrewModel
from ui.summaries import events as model_events

#: Days after an intervention a card follows.
FOLLOW_DAYS = 7


@dataclass(frozen=True)
class Effect:
    """An intervention as noted just before it acted."""

    kind: str  # "breach", "memorial" or "message"
    day: int
    first_event: int  # events in the log before it
    support_before: float
    cohesion_before: float
    detail: str = ""


def note(model: CrewModel, kind: str, detail: str = "") -> Effect:
    """Note the state just before an intervention of ``kind``."""
    return Effect(
        kind,
        model.day,
        len(model._events),
        float(model.today["support_continue"]),
        float(model.today["cohesion"]),
        detail,
    )


def effect_summary(effect: Effect, model: CrewModel) -> dict[str, Any]:
    """The numbers of an effect card, from the model's events and series.

    Keys: ``dead`` (deaths the breach caused, None for other kinds), ``where``, ``days``
    (days followed so far, at most :data:`FOLLOW_DAYS`), ``requests`` (new vote-change
    requests filed in those days), ``support_after`` and ``cohesion_after`` (at the end of
    the last day followed, or now if no day has passed).
    """
    events = model_events(model).iloc[effect.first_event :]
    dead = None
    where = ""
    if effect.kind == "breach":
        breaches = events[events["kind"] == "breach"]
        if len(breaches):
            first = breaches.index[0]
            after = events.loc[first:].iloc[1:]
            kinds = after["kind"].to_numpy()
            causes = after["cause"].astype(object).to_numpy()
            run = np.flatnonzero(~((kinds == "death") & (causes == "breach")))
            dead = int(run[0]) if len(run) else len(after)
            row = breaches.iloc[0]
            where = f"section {int(row['section'])}, compartment {int(row['compartment'])}"
    end = min(model.day, effect.day + FOLLOW_DAYS)
    days = end - effect.day
    requests_rows = events[
        (events["kind"] == "requests") & (events["day"] > effect.day) & (events["day"] <= end)
    ]
    requests = int(requests_rows["count"].fillna(0).sum())
    if days > 0:
        row = model.series().iloc[end]
        support, cohesion = float(row["support_continue"]), float(row["cohesion"])
    else:
        support, cohesion = float(model.today["support_continue"]), float(model.today["cohesion"])
    return {
        "dead": dead,
        "where": where,
        "days": days,
        "requests": requests,
        "support_after": support,
        "cohesion_after": cohesion,
    }


def effect_text(effect: Effect, model: CrewModel) -> str:
    """One line: 'breach day 209: 3 dead; next 7 days 33 requests; support 51.8 -> 47.6%...'."""
    s = effect_summary(effect, model)
    head = f"{effect.kind} day {effect.day}"
    if effect.detail:
        head += f" ({effect.detail})"
    parts = [head]
    if s["dead"] is not None:
        parts[0] += f": {s['dead']} dead in {s['where']}"
    if s["days"] == 0:
        follow = "the next 7 days are followed here as they pass"
    else:
        span = "next 7 days" if s["days"] == FOLLOW_DAYS else f"first {s['days']} of 7 days"
        follow = f"{span}: {s['requests']} new vote-change requests"
    parts.append(follow)
    parts.append(f"support {100 * effect.support_before:.1f} → {100 * s['support_after']:.1f}%")
    parts.append(f"cohesion {effect.cohesion_before:.2f} → {s['cohesion_after']:.2f}")
    return "; ".join(parts)


def cards_html(effects: list[Effect], model: CrewModel, shown: int = 4) -> str:
    """The newest ``shown`` effect cards, newest first."""
    rows = []
    for effect in list(reversed(effects))[:shown]:
        s = effect_summary(effect, model)
        data = (
            f'data-kind="{effect.kind}" data-day="{effect.day}" data-days="{s["days"]}" '
            f'data-requests="{s["requests"]}"'
            + (f' data-dead="{s["dead"]}"' if s["dead"] is not None else "")
        )
        text = escape(effect_text(effect, model))
        rows.append(
            f'<div class="effect-card effect-{effect.kind}" {data} style="border-left:4px solid '
            f'#444;padding:2px 8px;margin:4px 0;font-size:13px">{text}</div>'
        )
    return "".join(rows)


def breach_limit(model: CrewModel, section: int | None) -> tuple[int, str]:
    """How many a breach can kill now: everyone alive in ``section``, or with a random section
    the fewest alive in any inhabited section. Returns (limit, where)."""
    state = model.state
    counts = np.bincount(state.section[state.alive], minlength=model.layout.n_sections)
    if section is not None:
        return int(counts[section]), f"section {section}"
    inhabited = counts[counts > 0]
    return (int(inhabited.min()) if len(inhabited) else 0), "the smallest inhabited section"
