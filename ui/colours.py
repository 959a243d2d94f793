"""The page's colour scale: continue (blue) to divert (orange), with 0.5 a pale neutral.

Blue-orange is a colour-blind-safe diverging pair (it stays distinct under red-green colour
blindness), and both ends have a contrast of at least 4.5:1 on white, so they also serve as
text colours. Red is kept for one meaning only: morale collapse.
"""

from __future__ import annotations

import functools
import math

CONTINUE = "#2166ac"
DIVERT = "#b35806"
NEUTRAL = "#f7f7f7"
MISSING = "#d9d9d9"


def _mix(a: str, b: str, t: float) -> str:
    ca = [int(a[i : i + 2], 16) for i in (1, 3, 5)]
    cb = [int(b[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(ca, cb, strict=True))


@functools.lru_cache(maxsize=4096)
def divert_colour(share: float) -> str:
    """Colour for a share of voters for diversion (0 = all continue, 1 = all divert); kept
    per value, since the ship map asks for the same few shares in thousands of cells."""
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


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours '#rrggbb' or '#rgb' (1 to 21)."""

    def luminance(colour: str) -> float:
        if len(colour) == 4:  # '#rgb'
            colour = "#" + "".join(ch * 2 for ch in colour[1:])
        rgb = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)
