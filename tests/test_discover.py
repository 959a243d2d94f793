"""Scenario discovery with PRIM (model/discovery.py) over a sweep result folder."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from model.cli import main
from model.discovery import discover, outcome_column, table
from model.sweeps.results import RUNS, rows_table, write_manifest, write_table


def _sweep_folder(folder, n: int = 400, seed: int = 3):
    """A sweep result whose collapses lie where impact_rate > 20 under silence or reassurance."""
    rng = np.random.default_rng(seed)
    strategies = np.array(["silent", "reassure", "memorial", "candid"])
    strategy = strategies[rng.integers(0, 4, n)]
    impact_rate = rng.uniform(0, 40, n)
    region = (impact_rate > 20) & np.isin(strategy, ["silent", "reassure"])
    collapsed = np.where(region, rng.random(n) < 0.95, rng.random(n) < 0.03)
    rows = [
        {
            "run_id": i,
            "point": i,
            "replicate": 0,
            "captain_strategy": str(strategy[i]),
            "impact_rate": float(impact_rate[i]),
            "failed": False,
            "collapsed": bool(collapsed[i]),
        }
        for i in range(n)
    ]
    folder.mkdir(parents=True, exist_ok=True)
    write_table(folder / RUNS, rows_table(rows))
    write_manifest(
        folder,
        {"experiment": "name = 'synthetic'", "varied": ["captain_strategy", "impact_rate"]},
    )
    return pd.DataFrame(rows)


def test_prim_finds_the_region_where_collapse_lives(tmp_path):
    runs = _sweep_folder(tmp_path / "sweep")
    found = discover(runs, ["captain_strategy", "impact_rate"], "collapse", boxes=1)
    box = found[0]
    low, high = box.limits["impact_rate"]
    assert 17 <= low <= 23 and high >= 39
    assert box.limits["captain_strategy"] == {"silent", "reassure"}
    assert box.density >= 0.8 and box.coverage > 0.85  # the default --density
    frame = table(found)
    assert list(frame.columns) == ["box", "limits", "coverage", "density", "mass", "runs"]


def test_no_collapse_gives_no_box(tmp_path):
    runs = _sweep_folder(tmp_path / "sweep")
    runs["collapsed"] = False
    assert discover(runs, ["captain_strategy", "impact_rate"]) == []


def test_the_command_prints_the_table_and_writes_the_figure(tmp_path, capsys):
    _sweep_folder(tmp_path / "sweep")
    assert main(["discover", str(tmp_path / "sweep"), "--outcome", "collapse"]) == 0
    out = capsys.readouterr().out
    assert "coverage" in out and "density" in out and "impact_rate" in out
    assert (tmp_path / "sweep" / "figures" / "discovery.png").stat().st_size > 1000
    csv = pd.read_csv(tmp_path / "sweep" / "figures" / "discovery.csv")
    assert len(csv) >= 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["discover", "{tmp}/missing"], "is not a folder"),
        (["discover", "{tmp}/sweep", "--outcome", "mutiny"], "'mutiny' is not a yes/no outcome"),
        (["discover", "{tmp}/sweep", "--density", "2"], "--density=2.0 is invalid"),
    ],
)
def test_bad_input_is_one_line(tmp_path, capsys, argv, message):
    _sweep_folder(tmp_path / "sweep")
    assert main([a.format(tmp=tmp_path) for a in argv]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and "\n" not in err


def test_outcome_must_be_a_yes_no_column():
    runs = pd.DataFrame({"collapsed": [True, False], "final_trust": [0.1, 0.2]})
    assert outcome_column(runs, "collapse").tolist() == [True, False]
    with pytest.raises(ValueError, match="final_trust"):
        outcome_column(runs, "final_trust")


def test_parameters_drawn_from_a_posterior_are_searched_too(tmp_path, capsys):
    """A sweep with ``[uncertainty]``: each run drew grief_effect; collapse lives at high
    grief_effect whatever the swept strategy, so PRIM must find a box on the drawn parameter."""
    rng = np.random.default_rng(5)
    n = 400
    strategy = np.array(["silent", "candid"])[rng.integers(0, 2, n)]
    grief_effect = rng.uniform(0.05, 1.0, n)
    collapsed = np.where(grief_effect > 0.6, rng.random(n) < 0.95, rng.random(n) < 0.03)
    rows = [
        {
            "run_id": i,
            "point": i % 2,
            "replicate": i // 2,
            "posterior_draw": int(rng.integers(0, 150)),
            "captain_strategy": str(strategy[i]),
            "grief_effect": float(grief_effect[i]),
            "failed": False,
            "collapsed": bool(collapsed[i]),
        }
        for i in range(n)
    ]
    folder = tmp_path / "sweep"
    folder.mkdir()
    write_table(folder / RUNS, rows_table(rows, posterior=True))
    write_manifest(
        folder,
        {
            "experiment": "name = 'synthetic'",
            "varied": ["captain_strategy"],
            "uncertainty": {"drawn": ["grief_effect"], "overridden_by_the_sweep": []},
        },
    )
    assert main(["discover", str(folder), "--boxes", "1"]) == 0
    out = capsys.readouterr().out
    assert "varied: captain_strategy, grief_effect" in out
    box = pd.read_csv(folder / "figures" / "discovery.csv").iloc[0]
    assert "grief_effect" in box.limits and "captain_strategy" not in box.limits
    assert box.density >= 0.8
