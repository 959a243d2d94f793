"""The page's colour scale: continue (blue) to divert (orange), with 0.5 a pale neutral."""

from __future__ import annotations

import math

CONTINUE = "#2166ac"
DIVERT = "#d6604d"
NEUTRAL = "#f7f7f7"
MISSING = "#d9d9d9"


def _mix(a: str, b: str, t: float) -> str:
    ca = [int(a[i : i + 2], 16) for i in (1, 3, 5)]
    cb = [int(b[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(ca, cb, strict=True))


def divert_colour(share: float) -> str:
    """Colour for a share of voters for diversion (0 = all continue, 1 = all divert)."""
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return MISSING
    share = min(max(float(share), 0.0), 1.0)
    if share < 0.5:
        return _mix(CONTINUE, NEUTRAL, share / 0.5)
    return _mix(NEUTRAL, DIVERT, (share - 0.5) / 0.5)


def belief_colour(belief: float) -> str:
    """Colour for a belief (support for continuing): 1 blue, 0 orange."""
    if belief is None or (isinstance(belief, float) and math.isnan(belief)):
        return MISSING
    return divert_colour(1.0 - float(belief))
