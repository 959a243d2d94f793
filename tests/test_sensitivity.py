"""Sensitivity analysis: Morris and Sobol through SALib rank a parameter with a strong
effect above one with none; the table and the bar chart are written."""

from __future__ import annotations

import pandas as pd
import pytest

from model.cli import main
from model.sweeps.sensitivity import run_sensitivity
from model.sweeps.spec import SpecError, parse_experiment

# mitigation_days has no effect at all when no reinforcement is ever started.
TEXT = """
name = "screen"
horizon_days = 90
replicates = 1
root_seed = 2
[fixed]
n_crew = 300
penetration_probability = 1.0
mitigate_after_breach = false
captain_strategy = "silent"
[vary]
impact_rate = { low = 0.0, high = 40.0 }
mitigation_days = { low = 10, high = 300 }
[sensitivity]
method = "morris"
trajectories = 4
outcome = "min_cohesion"
samples = 8
"""


def test_morris_ranks_breach_rate_above_an_inert_parameter(tmp_path):
    report = run_sensitivity(parse_experiment(TEXT), tmp_path, workers=0)
    table = report.indices.set_index("parameter")
    assert report.n_runs == 4 * 3
    assert table.loc["mitigation_days", "mu_star"] == pytest.approx(0, abs=1e-12)
    assert table.loc["impact_rate", "mu_star"] > 0.02
    assert report.figure.stat().st_size > 5000
    assert pd.read_csv(report.table)["parameter"].tolist()[0] == "impact_rate"
    assert "mu_star" in report.table_text()


def test_sobol_indices_through_the_command_line(tmp_path, capsys):
    path = tmp_path / "screen.toml"
    path.write_text(TEXT)
    out = tmp_path / "sobol"
    code = main(
        ["sensitivity", str(path), "--method", "sobol", "--out", str(out), "--workers", "0"]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "sobol sensitivity of min_cohesion (32 runs)" in printed
    table = pd.read_csv(out / "sensitivity.csv").set_index("parameter")
    assert table.loc["impact_rate", "ST"] > 0.5
    assert abs(table.loc["mitigation_days", "ST"]) < 0.05
    assert (out / "sensitivity.png").exists()


def test_sobol_needs_a_power_of_two(tmp_path):
    text = TEXT.replace("samples = 8", "samples = 6")
    with pytest.raises(SpecError, match="power of two"):
        run_sensitivity(parse_experiment(text), tmp_path, method="sobol", workers=0)
