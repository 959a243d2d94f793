"""The Sweeps page over a real (tiny) sweep folder, and over a folder that is not one."""

from __future__ import annotations

import uuid

import ipyvuetify as v
import pytest
import solara

from model.analysis import load_results
from model.sweeps.spec import parse_experiment
from model.sweeps.sweep import run_sweep
from ui.sweeps_page import SweepsPage, curve_figure, outcome_label, outcomes, sweep_folders

TINY = """
name = "tiny"
horizon_days = 20
replicates = 2
root_seed = 3
[fixed]
n_crew = 300
penetration_probability = 1.0
[vary]
captain_strategy = ["silent", "candid"]
impact_rate = { low = 0.0, high = 20.0, num = 2 }
"""


def texts(rc) -> str:
    return " ".join(str(w.children) for w in rc.find(v.Alert).widgets) + " ".join(
        str(w.children) for w in rc.find(v.Html).widgets
    )


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    root = tmp_path_factory.mktemp("results")
    run_sweep(parse_experiment(TINY), root / "tiny", workers=0)
    (root / "not_a_sweep").mkdir()
    (root / "not_a_sweep" / "manifest.json").write_text("{}")
    return root


def test_sweeps_page_draws_the_phase_diagram_and_curves(results, monkeypatch):
    monkeypatch.setenv("CREW_RESULTS", str(results))
    assert sweep_folders(results) == ["not_a_sweep", "tiny"]
    _, rc = solara.render(SweepsPage(tab_id=uuid.uuid4().hex), handle_error=False)
    folder = rc.find(v.TextField, label="Result folder")
    folder.widget.v_model = str(results / "tiny")
    folder.widget.fire_event("focusout")
    assert "8 runs" in texts(rc) or any(
        "8 runs" in str(w.children) for w in rc.find(v.Html).widgets
    )
    titles = [w.children for w in rc.find(v.CardTitle).widgets]
    assert any("phase diagram" in str(t) for t in titles)
    assert any("by Hull impacts a year" in str(t) for t in titles)
    rc.close()


def test_a_folder_that_is_not_a_sweep_is_a_message(results, monkeypatch):
    monkeypatch.setenv("CREW_RESULTS", str(results))
    _, rc = solara.render(SweepsPage(tab_id=uuid.uuid4().hex), handle_error=False)
    folder = rc.find(v.TextField, label="Result folder")
    folder.widget.v_model = str(results / "not_a_sweep")
    folder.widget.fire_event("focusout")
    assert "is not a readable sweep result folder" in texts(rc)
    rc.close()


def test_only_outcomes_are_offered_with_friendly_labels(results):
    runs, _ = load_results(results / "tiny")
    offered = outcomes(runs)
    assert offered[:2] == ["collapsed", "diverted"]
    assert {"final_support", "min_cohesion"} <= set(offered)
    assert not {"mitigate_after_breach", "debug", "failed", "seed"} & set(offered)
    assert outcome_label("collapsed") == "P(morale collapsed)"
    assert outcome_label("min_cohesion") == "mean lowest cohesion"


def test_strategies_are_categories_and_numbers_a_line(results):
    runs, _ = load_results(results / "tiny")
    fig = curve_figure(runs, "captain_strategy", "min_cohesion")
    ax = fig.axes[0]
    assert all(line.get_linestyle() == "None" for line in ax.lines)  # no line joins them
    assert [t.get_text() for t in ax.get_xticklabels()] == ["silent", "candid"]
    assert ax.get_xlabel() == "Captain's strategy"
    numeric = curve_figure(runs, "impact_rate", "collapsed").axes[0]
    assert any(line.get_linestyle() == "-" for line in numeric.lines)
    assert numeric.get_ylabel() == "P(morale collapsed)"
