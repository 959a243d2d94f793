"""The voyage study (experiments/voyage.toml, experiments/voyage_figure.py) on a tiny ship whose
voyage lasts weeks: the table counts what the runs record, the figure's curves rise to the
table's shares, and a folder that is not a voyage sweep gets one line, not a traceback."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from experiment_scripts import load_script

from model.analysis import load_results
from model.sweeps.spec import parse_experiment
from model.sweeps.sweep import run_sweep

REPO = Path(__file__).resolve().parents[1]

vf = load_script("voyage_figure")

# A ship 0.2 years from Tau Ceti under a breach every few days (at penetration 1) or none: some
# voyages divert (and then run to the horizon, HD 85512 being 90 years away), others arrive.
TINY = """
name = "tiny_voyage"
horizon_days = 120
replicates = 3
root_seed = 1
[fixed]
start_ages = "stationary"
n_crew = 300
referendum_margin = 5
voyage_years = 0.2
impact_rate = 60.0
[vary]
captain_strategy = ["silent", "reassure"]
penetration_probability = [0.0, 1.0]
[outputs]
series = false
"""


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    folder = tmp_path_factory.mktemp("voyage")
    report = run_sweep(parse_experiment(TINY), folder / "results", workers=0, progress=False)
    assert report.complete
    return folder / "results"


def test_the_table_counts_what_the_runs_record(tiny):
    runs, _ = load_results(tiny)
    table = vf.voyage_table(runs)
    assert len(table) == 4 and (table["voyages"] == 3).all()
    quiet = table[table["breaches_a_year"] == 0]
    assert (quiet["ended: arrival"] == 3).all() and (quiet["diverted %"] == 0).all()
    for _, row in table.iterrows():
        cell = runs[
            (runs.captain_strategy == row["strategy"])
            & np.isclose(runs.impact_rate * runs.penetration_probability, row["breaches_a_year"])
        ]
        assert row["diverted %"] == pytest.approx(100 * cell["diversion_day"].notna().mean())
        assert row["ended: arrival"] + row["ended: extinction"] + row["ended: horizon"] == 3
        if row["ended: arrival"]:  # arrival at 0.2 years: day 73, unless diverted before
            assert (cell.loc[cell.ended == "arrival", "end_day"] == 73).all()
    assert table["diverted %"].max() > 0  # the breaches divert some voyages


def test_another_varied_parameter_splits_the_cells(tiny):
    runs, _ = load_results(tiny)
    varied = ["captain_strategy", "penetration_probability", "replicate"]
    table = vf.voyage_table(runs, varied)
    assert len(table) == 12 and (table["voyages"] == 1).all()
    assert sorted(table["replicate"].unique()) == [0, 1, 2]
    labels = [line.get_label() for line in vf.voyage_figure(runs, 120, varied).axes[0].lines]
    assert len(labels) == 12 and any(label.endswith("replicate 2") for label in labels)
    title = vf.voyage_figure(runs, 120, varied).legends[0].get_title().get_text()
    assert title == "1 voyage a line"


def test_the_figure_rises_to_the_tables_shares(tiny):
    runs, manifest = load_results(tiny)
    table = vf.voyage_table(runs)
    figure = vf.voyage_figure(runs, manifest["horizon_days"])
    panels = {ax.get_title(): ax for ax in figure.axes}
    diverted = panels["diverted by year"]
    finals = sorted(line.get_ydata()[-1] for line in diverted.get_lines())
    assert finals == pytest.approx(sorted(table["diverted %"]))
    assert all(line.get_xdata()[-1] == pytest.approx(120 / 365) for line in diverted.get_lines())


def test_the_script_writes_the_figure_and_refuses_other_folders(tiny, tmp_path, capsys):
    out = tmp_path / "voyage.png"
    assert vf.main([str(tiny), "--out", str(out)]) == 0
    assert out.stat().st_size > 10_000 and "diverted %" in capsys.readouterr().out
    assert vf.main([str(tmp_path / "nothing")]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "voyage_figure:" in error


def test_the_shipped_voyage_study_is_the_issues_design():
    """Every strategy, the story's breach rate up to 100 times it, at least 100 voyages a cell,
    a horizon past the longest voyage (200 years, or a late diversion's 90 more), the
    stationary crew."""
    study = parse_experiment((REPO / "experiments" / "voyage.toml").read_text())
    assert study.replicates >= 100
    assert study.horizon_days >= 290 * 365
    points = study.points()
    strategies = {p["captain_strategy"] for p in points}
    assert strategies == {"silent", "reassure", "memorial", "candid"}
    rates = sorted({0.235 * p["penetration_probability"] for p in points})
    assert rates[0] == pytest.approx(0.00235) and rates[-1] == pytest.approx(0.235)
    assert study.fixed["start_ages"] == "stationary"
