"""The "Sweep this" panel (issue 14, item 4), rendered without a browser: the run count and
one-line problems as the fields change, Start writing the experiment file, and a finished
sweep opening on the Sweeps page."""

from __future__ import annotations

import json

import ipyvuetify as v
import pytest
import solara

from model.sweeps.spec import load_experiment
from tests.ui.helpers import click
from ui import sweep_jobs as sj
from ui.store import TabState
from ui.sweep_panel import SweepPanel, default_axis


def texts(rc) -> str:
    return " ".join(str(w.children) for w in rc.find(v.Html).widgets)


def type_into(rc, label: str, text: str) -> None:
    field = rc.find(v.TextField, label=label)
    field.assert_single()
    field.widget.v_model = text
    field.widget.fire_event("focusout")


@pytest.fixture
def panel(tmp_path, monkeypatch):
    monkeypatch.setenv("CREW_RESULTS", str(tmp_path))
    tab = TabState()
    tab.session.built = {**tab.session.built, "n_crew": 60, "seed": 5}
    tab.session.timeline = [{"day": 1, "kind": "breach", "deaths": 2}]
    _, rc = solara.render(SweepPanel(tab, 0), handle_error=False)
    rc.tab = tab
    yield rc
    rc.close()


def test_default_axes_lie_within_the_declared_ranges():
    for name, decl in sj.sweepable().items():
        fields = default_axis(name)
        if sj.is_numeric(decl):
            lo, hi = decl["valid"]
            assert lo <= float(fields["low"]) < float(fields["high"]) <= hi, name
        else:
            assert fields["values"], name


def test_the_run_count_and_problems_follow_the_fields(panel):
    assert "40 runs" in texts(panel)  # four strategies x 10 replicates
    type_into(panel, "replicates", "2")
    assert "8 runs" in texts(panel)
    panel.find(v.Select, label="…and (optional)").widget.v_model = "impact_rate"
    assert "24 runs" in texts(panel)  # x 3 points
    type_into(panel, "from", "2000")
    assert "must lie within [0, 1000]" in texts(panel)
    start = panel.find(v.Btn, children=["Start sweep"])
    assert start.widget.disabled
    type_into(panel, "from", "0")
    assert not start.widget.disabled and "24 runs" in texts(panel)


def test_start_writes_the_experiment_around_the_ship_and_lists_the_job(
    panel, tmp_path, monkeypatch
):
    launched = []
    monkeypatch.setattr(
        sj, "_launch", lambda folder, job: launched.append(folder) or sj._write_job(folder, job)
    )
    type_into(panel, "replicates", "2")
    click(panel, "Start sweep")
    (folder,) = launched
    experiment = load_experiment(folder / sj.EXPERIMENT)
    assert experiment.root_seed == 5 and experiment.fixed["n_crew"] == 60
    assert experiment.varied_names == ["captain_strategy"] and experiment.n_runs == 8
    assert list(experiment.interventions) == [{"day": 1, "kind": "breach", "deaths": 2}]
    assert f"started: {folder.name}" in texts(panel)
    assert f"{folder.name}: failed, 0/8 runs" in texts(panel)  # no process: it is not running


def test_a_finished_sweep_opens_on_the_sweeps_page(tmp_path, monkeypatch):
    monkeypatch.setenv("CREW_RESULTS", str(tmp_path))
    folder = tmp_path / "ui-done"
    folder.mkdir()
    (folder / sj.JOB).write_text(json.dumps({"name": "done", "total": 4, "started": "x"}))
    (folder / "manifest.json").write_text(json.dumps({"status": "complete", "finished_runs": 4}))
    tab = TabState()
    _, rc = solara.render(SweepPanel(tab, 0), handle_error=False)
    assert "ui-done: complete, 4/4 runs" in texts(rc)
    click(rc, "Open on the Sweeps page")
    assert tab.sweeps_folder == str(tmp_path / "ui-done")
    rc.close()


def test_whole_numbers_read_as_on_the_rest_of_the_page(panel):
    """The replicates, horizon and points are read by ui.controls.whole_number, like every
    whole-number field of the page: commas allowed, other text a one-line problem."""
    type_into(panel, "horizon (days)", "1,000")
    type_into(panel, "replicates", "1,2")
    assert "48 runs" in texts(panel)  # four strategies x 12 replicates
    type_into(panel, "replicates", "two")
    assert "replicates: expected a whole number, got 'two'" in texts(panel)
