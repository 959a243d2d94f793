"""Snapshot test: the exact outputs of three scenarios, fixed before a refactor.

A refactor that means to change nothing keeps these hashes. A change that means to change the
model's behaviour updates them on purpose: ``python tests/test_golden.py --update`` rewrites
``tests/golden/hashes.json`` and the diff shows which scenarios moved.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from model import CrewModel

GOLDEN = Path(__file__).parent / "golden" / "hashes.json"
#: Monthly penetrating breaches: impact_rate x penetration_probability = 12 a year.
MONTHLY = {"impact_rate": 120.0, "penetration_probability": 0.1}
STRATEGIES = ("silent", "reassure", "memorial", "candid")


def frame_hash(frame: pd.DataFrame) -> str:
    """SHA-256 of a frame's column names, dtypes and values (floats to the bit)."""
    h = hashlib.sha256()
    for name in frame.columns:
        column = frame[name]
        h.update(f"{name}:{column.dtype}".encode())
        if isinstance(column.dtype, np.dtype) and column.dtype.kind in "biuf":
            h.update(np.ascontiguousarray(column.to_numpy()).tobytes())
        else:  # strings, objects and nullable integers: by value, not by memory address
            h.update("\x1f".join(map(repr, column.tolist())).encode())
    return h.hexdigest()


def outputs(model: CrewModel) -> dict[str, str]:
    return {"series": frame_hash(model.series()), "events": frame_hash(model.events())}


def default_year() -> CrewModel:
    return CrewModel(rng=1).run(365)


def breach_and_memorial() -> CrewModel:
    model = CrewModel(rng=2)
    model.breach(deaths=3)
    model.memorial()
    return model.run(60)


def monthly_breaches(strategy: str) -> CrewModel:
    return CrewModel(rng=3, captain_strategy=strategy, **MONTHLY).run(365)


SCENARIOS = {
    "default_year": default_year,
    "breach_and_memorial": breach_and_memorial,
    **{f"monthly_breaches_{s}": (lambda s=s: monthly_breaches(s)) for s in STRATEGIES},
}


@pytest.mark.parametrize("name", SCENARIOS)
def test_outputs_match_snapshot(name: str) -> None:
    expected = json.loads(GOLDEN.read_text())[name]
    assert outputs(SCENARIOS[name]()) == expected, (
        f"{name}: outputs differ from tests/golden/hashes.json. If the change is meant to "
        "change the model's behaviour, run `python tests/test_golden.py --update`."
    )


if __name__ == "__main__":
    if "--update" not in sys.argv:
        sys.exit("usage: python tests/test_golden.py --update")
    hashes = {name: outputs(build()) for name, build in SCENARIOS.items()}
    GOLDEN.write_text(json.dumps(hashes, indent=2) + "\n")
    print(f"wrote {GOLDEN}")
