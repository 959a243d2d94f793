"""Hypothesis profiles: the same examples on every run by default, fresh ones on request.

``HYPOTHESIS_PROFILE=reproducible`` (the default) derandomizes every property test, so CI and
laptops draw the same examples and a failure is reproducible. ``HYPOTHESIS_PROFILE=explore``
draws fresh random examples on each run, ``EXPLORE_FACTOR`` times as many, and prints the
``@reproduce_failure`` blob of any failure it finds (see README.md, Tests).
"""

from __future__ import annotations

import os

from hypothesis import settings

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "reproducible")
EXPLORE_FACTOR = 5

settings.register_profile("reproducible", derandomize=True, database=None)
settings.register_profile(
    "explore",
    derandomize=False,
    database=None,
    max_examples=EXPLORE_FACTOR * settings.default.max_examples,
    print_blob=True,
)


def examples(n: int) -> int:
    """A test's example budget: ``n``, or ``EXPLORE_FACTOR`` times ``n`` when exploring."""
    return n * EXPLORE_FACTOR if PROFILE == "explore" else n
