"""The Sweeps page over a real (tiny) sweep folder, and over a folder that is not one."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import ipyvuetify as v
import numpy as np
import pandas as pd
import pytest
import solara

from model.analysis import load_results
from model.sweeps.spec import parse_experiment
from model.sweeps.sweep import run_sweep
from ui.calibration_view import marginals_figure, predictive_figure, read_calibration
from ui.sweeps_page import (
    SweepsPage,
    curve_figure,
    folder_from_query,
    folder_query,
    outcome_label,
    outcomes,
    sweep_folders,
    uncertainty_line,
)

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
    assert {"not_a_sweep", "tiny"} <= set(sweep_folders(results))
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


# --- a calibration folder ----------------------------------------------------------------------
STORY = Path(__file__).resolve().parents[2] / "experiments" / "story_calibration.toml"


@pytest.fixture(scope="module")
def calibration(results):
    """A fake calibration folder in the format `python -m model calibrate` writes: two
    particles (weights 0.9 and 0.1), the summary with its checks, the predictive draws."""
    folder = results / "story-abc"
    folder.mkdir()
    names = ["grief_effect", "request_grief_boost", "displacement_grief", "belief_spread"]
    names += ["request_probability"]
    particles = pd.DataFrame(
        {
            n: [lo, hi]
            for n, lo, hi in zip(
                names, [0.1, 2.0, 0.1, 0.2, 0.3], [0.5, 20.0, 0.5, 0.4, 0.9], strict=True
            )
        }
    )
    particles["weight"] = [0.9, 0.1]
    particles["generation"] = 4
    particles.to_parquet(folder / "posterior.parquet", index=False)
    rng = np.random.default_rng(0)
    pd.DataFrame(
        {
            **{n: particles[n].iloc[0] for n in names},
            "requests_day_2": rng.normal(20, 5, 30),
            "support_day_2": rng.normal(0.51, 0.01, 30),
            "referendums_at_horizon": np.zeros(30),
            "collapsed": np.zeros(30),
        }
    ).to_parquet(folder / "predictive.parquet", index=False)

    def check(observed, median, lo, hi, p, held):
        return {
            "held_out": held,
            "observed": observed,
            "predictive_median": median,
            "predictive_90": [lo, hi],
            "p_value": p,
            "passes": p >= 0.05,
            "draws": 30,
            "source": "story",
        }

    summary = {
        "name": "story_calibration",
        "parameters": {
            n: {"median": float(particles[n].iloc[0]), "ci95": [0.1, 0.5], "width_ratio": 0.42}
            for n in names
        },
        "effective_sample_size": 1.22,
        "generations": 5,
        "simulations": 3302,
        "epsilon_schedule": [3.6, 2.4],
        "observed": {"requests_day_2": 47.0, "support_day_2": 0.508},
        "predictive_checks": {
            "requests_day_2": check(47.0, 20.0, 12.0, 28.0, 0.03, False),
            "support_day_2": check(0.508, 0.51, 0.49, 0.53, 0.7, False),
            "referendums_at_horizon": check(0.0, 0.0, 0.0, 0.0, 1.0, True),
            "collapsed": check(1.0, 0.0, 0.0, 0.0, 0.0, True),
        },
        "calibration_file": STORY.read_text(),
    }
    (folder / "summary.json").write_text(json.dumps(summary))
    return folder


def markdown_text(rc) -> str:
    """The HTML the page's Markdown rendered (ui.markdown: one HTML element each)."""
    return " ".join(w.unsafe_innerHTML for w in rc.find(solara.widgets.HTML).widgets)


def test_markdown_loads_no_script_and_escapes_raw_html(results, calibration, monkeypatch):
    """Solara's Markdown widget fetches KaTeX from /_solara/cdn/ on every mount, which
    solara-assets does not ship (offline: a script error); the page's Markdown is plain HTML."""
    from ui.markdown import to_html

    monkeypatch.setenv("CREW_RESULTS", str(results))
    _, rc = solara.render(SweepsPage(tab_id=uuid.uuid4().hex), handle_error=False)
    folder = rc.find(v.TextField, label="Result folder")
    folder.widget.v_model = str(calibration)
    folder.widget.fire_event("focusout")
    templates = [
        str(getattr(w.template, "template", w.template)) for w in rc.find(v.VuetifyTemplate).widgets
    ]
    assert not any("katex" in t or "solara-markdown" in t for t in templates)
    assert "<table>" in markdown_text(rc)
    assert to_html("a <script>x</script>") == "<p>a &lt;script&gt;x&lt;/script&gt;</p>\n"


def test_the_sweeps_page_shows_a_calibration_folder(results, calibration, monkeypatch):
    monkeypatch.setenv("CREW_RESULTS", str(results))
    assert "story-abc" in sweep_folders(results)
    _, rc = solara.render(SweepsPage(tab_id=uuid.uuid4().hex), handle_error=False)
    folder = rc.find(v.TextField, label="Result folder")
    folder.widget.v_model = str(calibration)
    folder.widget.fire_event("focusout")
    shown = texts(rc) + markdown_text(rc)
    assert "story_calibration: 2 particles" in shown
    titles = [str(w.children) for w in rc.find(v.CardTitle).widgets]
    assert any("marginals" in t for t in titles)
    assert any("posterior predictive" in t for t in titles)
    assert "Held-out checks" in shown
    html = " ".join(shown.split())
    cells = "".join(f"<td>{c}</td> " for c in ["referendums_at_horizon", 0, 0, "0 to 0", 1])
    assert cells + "<td>passes</td>" in html
    cells = "".join(f"<td>{c}</td> " for c in ["collapsed", 1, 0, "0 to 0", 0])
    assert cells + "<td><strong>fails</strong></td>" in html
    rc.close()


def test_calibration_marginals_follow_the_weights_over_the_prior_range(calibration):
    result, problem = read_calibration(calibration)
    assert problem is None
    figure = marginals_figure(result)
    axes = [ax for ax in figure.axes if ax.get_visible()]
    assert len(axes) == 5
    ax = axes[0]  # grief_effect: particles at 0.1 (weight 0.9) and 0.5 (0.1)
    heights = sorted(p.get_height() for p in ax.patches if p.get_height() > 0)
    assert len(heights) == 2 and heights[1] / heights[0] == pytest.approx(9.0)
    lo, hi = ax.get_xlim()
    assert lo <= 0.05 and hi >= 1.0  # the prior range (log-uniform 0.05 to 1), not the particles'
    assert ax.get_lines()  # the prior's density, from the calibration file in the summary
    predictive = [ax for ax in predictive_figure(result).axes if ax.get_visible()]
    assert len(predictive) == 4
    assert "p = 0.03" in predictive[0].get_xlabel()


def test_a_broken_calibration_folder_is_a_message(tmp_path):
    (tmp_path / "posterior.parquet").write_text("not parquet")
    (tmp_path / "summary.json").write_text("{}")
    result, problem = read_calibration(tmp_path)
    assert result is None and "is not a readable calibration folder" in problem
    assert "\n" not in problem


def test_a_sweep_that_drew_from_a_posterior_says_so():
    line = uncertainty_line(
        {"uncertainty": {"posterior": "../calib", "particles": 150, "drawn": ["grief_effect"]}}
    )
    assert "drew grief_effect from the calibration posterior" in line
    assert "include parameter uncertainty" in line
    assert uncertainty_line({"varied": []}) is None


def test_a_sweep_that_drew_from_the_calibration_shows_it(results, calibration, monkeypatch):
    text = TINY.replace('name = "tiny"', 'name = "tiny_uncertain"').replace(
        "replicates = 2", "replicates = 1"
    )
    text += f'[uncertainty]\nposterior = "{calibration}"\n'
    run_sweep(parse_experiment(text), results / "tiny_uncertain", workers=0)
    monkeypatch.setenv("CREW_RESULTS", str(results))
    _, rc = solara.render(SweepsPage(tab_id=uuid.uuid4().hex), handle_error=False)
    folder = rc.find(v.TextField, label="Result folder")
    folder.widget.v_model = str(results / "tiny_uncertain")
    folder.widget.fire_event("focusout")
    shown = texts(rc)
    assert "from the calibration posterior in" in shown
    assert "include parameter uncertainty" in shown
    summaries = [str(w.children) for w in rc.find(v.ExpansionPanelHeader).widgets]
    assert any("The calibration these runs drew from" in s for s in summaries)
    rc.close()


def test_a_link_names_a_folder_under_the_results_folder_and_only_such(tmp_path):
    """The Sweeps page's URL query (``folder=NAME``) round-trips a folder under the results
    folder; a link naming one outside it (``..``, an absolute path, a link leading out) is
    refused with one line, so a link cannot make the server read another folder."""
    root = tmp_path / "results"
    (root / "tiny").mkdir(parents=True)
    (tmp_path / "secret").mkdir()
    (root / "out").symlink_to(tmp_path / "secret")
    query = folder_query(str(root / "tiny"), root)
    assert query == "folder=tiny"
    assert folder_from_query(query, root) == (str(root / "tiny"), None)
    assert folder_from_query("folder=a%2Fb&x=1", root) == (str(root / "a" / "b"), None)
    assert folder_from_query(None, root) == (None, None)
    assert folder_from_query("x=1", root) == (None, None)
    for name in ("..%2Fsecret", str(tmp_path / "secret"), "out", ".", "tiny%2F..%2F.."):
        folder, problem = folder_from_query(f"folder={name}", root)
        assert folder is None and problem.startswith("link: the folder"), name
        assert "\n" not in problem and "not inside the results folder" in problem
    assert folder_query(str(tmp_path / "secret"), root) is None  # typed, never linked
    assert folder_query(str(root / "out"), root) is None


def test_the_sweeps_page_opens_the_linked_folder_and_refuses_one_outside(results, monkeypatch):
    monkeypatch.setenv("CREW_RESULTS", str(results))
    _, rc = solara.render(
        SweepsPage(tab_id=uuid.uuid4().hex, query="folder=tiny"), handle_error=False
    )
    assert rc.find(v.TextField, label="Result folder").widget.v_model == str(results / "tiny")
    assert "8 runs" in texts(rc)
    rc.close()
    _, rc = solara.render(
        SweepsPage(tab_id=uuid.uuid4().hex, query="folder=..%2F.."), handle_error=False
    )
    assert "is not inside the results folder" in texts(rc)
    assert "8 runs" not in texts(rc)
    rc.close()
