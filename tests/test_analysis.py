"""The reading and drawing API for the UI: results, varied parameters, figures, and the
plot command writing PNG files."""

from __future__ import annotations

import threading
from pathlib import Path

import pandas as pd
import pytest
from matplotlib.figure import Figure

from model.analysis import (
    early_warning_figure,
    load_results,
    load_series,
    phase_diagram_figure,
    probability_curve_figure,
    series_bands_figure,
    varied_parameters,
    wilson_interval,
)
from model.cli import main
from model.sweeps.spec import parse_experiment
from model.sweeps.sweep import run_sweep

TEXT = """
name = "tiny"
horizon_days = 150
replicates = 3
root_seed = 5
[fixed]
n_crew = 300
penetration_probability = 1.0
mitigate_after_breach = false
[vary]
captain_strategy = ["silent", "memorial"]
impact_rate = { low = 0.0, high = 40.0, num = 3 }
[outputs]
series = true
series_every = 1
"""


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("tiny")
    assert run_sweep(parse_experiment(TEXT), out, workers=0).complete
    return out


def test_load_results(folder):
    runs, manifest = load_results(folder)
    assert len(runs) == 18 and manifest["name"] == "tiny"
    assert varied_parameters(manifest) == ["captain_strategy", "impact_rate"]
    assert varied_parameters(runs) == ["captain_strategy", "impact_rate"]
    assert load_series(folder)["run_id"].nunique() == 18


def test_load_results_refuses_other_folders(tmp_path):
    with pytest.raises(ValueError, match="not a sweep result"):
        load_results(tmp_path)
    with pytest.raises(ValueError, match="not a folder"):
        load_results(tmp_path / "missing")


def test_figures_are_pyplot_free_figures(folder):
    runs, _ = load_results(folder)
    figures = [
        phase_diagram_figure(runs, "impact_rate", "captain_strategy"),
        probability_curve_figure(runs, "impact_rate"),
        series_bands_figure(load_series(folder), runs, group="captain_strategy"),
        early_warning_figure(runs, load_series(folder)),
    ]
    for fig in figures:
        assert isinstance(fig, Figure) and fig.axes
    heat = figures[0].axes[0].images[0].get_array()
    assert heat.shape == (2, 3)  # strategies x rates
    assert heat[:, 0].tolist() == [0.0, 0.0]  # no breaches, no collapse


def test_figures_from_many_threads(folder, tmp_path):
    runs, _ = load_results(folder)
    errors = []

    def draw(i: int) -> None:
        try:
            fig = probability_curve_figure(runs, "impact_rate", group="captain_strategy")
            fig.savefig(tmp_path / f"{i}.png")
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=draw, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(list(tmp_path.glob("*.png"))) == 4


def test_binned_phase_diagram_for_sampled_parameters():
    import numpy as np

    rng = np.random.default_rng(0)
    runs = pd.DataFrame({"a": rng.uniform(0, 1, 400), "b": rng.uniform(0, 1, 400), "failed": False})
    runs["collapsed"] = runs["a"] + runs["b"] > 1
    fig = phase_diagram_figure(runs, "a", "b")
    heat = fig.axes[0].images[0].get_array()
    assert heat.shape == (8, 8) and heat[0, 0] == 0 and heat[-1, -1] == 1


def test_wilson_interval():
    lo, hi = wilson_interval(pd.Series([0, 5, 10]), pd.Series([10, 10, 10]))
    assert lo[0] == 0 and hi[0] == pytest.approx(0.2775, abs=1e-3)
    assert lo[1] == pytest.approx(0.2366, abs=1e-3) and hi[2] == 1


def test_plot_command_writes_pngs(folder, tmp_path, capsys):
    assert main(["plot", str(folder), "--out", str(tmp_path)]) == 0
    names = {p.name for p in tmp_path.glob("*.png")}
    assert names == {
        "phase_diagram.png",
        "probability_curve.png",
        "series_bands.png",
        "early_warning.png",
    }
    assert all(p.stat().st_size > 5000 for p in tmp_path.glob("*.png"))
    assert main(["plot", str(tmp_path)]) == 2
    assert "not a sweep result" in capsys.readouterr().err
