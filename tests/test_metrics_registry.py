"""The metric registry: a metric declared once reaches the series, a sweep's Parquet files and
its outcome columns; one count of referendums held; a day is measured once."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import model.crew_model
from model import CrewModel
from model.cli import _print_summary
from model.metric_registry import (
    metric,
    metrics,
    outcome_metrics,
    register_metric,
    series_columns,
    unregister_metric,
)
from model.sweeps.results import series_schema
from model.sweeps.runner import outcomes
from model.sweeps.spec import parse_experiment
from model.sweeps.sweep import run_sweep

#: A throwaway metric: the living in deep grief (above this level).
DEEP_GRIEF = 0.05

TINY = """
name = "tiny"
horizon_days = 6
replicates = 2
root_seed = 4
breach_at_start = 5
[fixed]
n_crew = 200
[outputs]
series = true
"""


def deep_grief(census) -> int:
    return int(np.count_nonzero(census.state.grief[census.alive] > DEEP_GRIEF))


@pytest.fixture
def grieving():
    """The throwaway metric ``grieving`` (an int), declared for one test."""
    declared = register_metric(
        "grieving",
        dtype="int",
        unit="people",
        label="in deep grief",
        description=f"The living whose grief is above {DEEP_GRIEF}.",
        compute=deep_grief,
        panel="Trust and grief",
        outcome="final_grieving",
    )
    yield declared
    unregister_metric("grieving")


def test_a_metric_declared_once_reaches_the_series_the_sweep_parquet_and_the_outcomes(
    grieving, tmp_path
):
    crew = CrewModel(rng=5, n_crew=300)
    crew.breach(deaths=5)
    crew.run(4)
    series = crew.series()
    assert list(series.columns)[-1] == "grieving"
    assert series["grieving"].dtype == np.int64
    alive = crew.state.alive
    assert series["grieving"].iloc[-1] == np.count_nonzero(crew.state.grief[alive] > DEEP_GRIEF)
    assert series["grieving"].iloc[-1] > 0, "the breach left people in deep grief"

    report = run_sweep(parse_experiment(TINY), tmp_path, workers=0)
    assert report.complete and report.failed == 0
    kept = pq.read_table(tmp_path / "series.parquet")
    assert kept.schema.field("grieving").type == pa.int64()
    runs = pq.read_table(tmp_path / "runs.parquet")
    assert runs.num_rows == 2
    assert runs.schema.field("final_grieving").type == pa.int64()
    frame, last = runs.to_pandas(), kept.to_pandas().groupby("run_id").tail(1)
    assert frame["final_grieving"].tolist() == last["grieving"].tolist()
    assert (frame["final_grieving"] > 0).all()


def test_a_removed_metric_leaves_no_column(grieving):
    unregister_metric("grieving")
    try:
        assert "grieving" not in CrewModel(rng=1, n_crew=200).series().columns
        assert "final_grieving" not in {m.outcome for m in outcome_metrics()}
    finally:
        register_metric(**{k: getattr(grieving, k) for k in grieving.__dataclass_fields__})


def test_series_and_parquet_types_come_from_the_declarations():
    crew = CrewModel(rng=1, n_crew=200).run(3)
    series = crew.series()
    schema = series_schema()
    assert series_columns() == tuple(series.columns[1:])
    expected = {"int": np.int64, "float": np.float64, "bool": np.bool_}
    parquet = {"int": pa.int64(), "float": pa.float64(), "bool": pa.bool_()}
    for m in metrics():
        assert series[m.name].dtype == expected[m.dtype], m.name
        assert schema.field(m.name).type == parquet[m.dtype], m.name
    assert metric("alive").dtype == "int" and schema.field("alive").type == pa.int64()
    assert schema.field("mission_continue").type == pa.bool_()


def test_a_declaration_is_checked(grieving):
    def declare(name: str, dtype: str = "int", **more) -> None:
        register_metric(name, dtype=dtype, unit="", label="", description="", **more)

    with pytest.raises(ValueError, match="'grieving' is invalid: already declared"):
        declare("grieving", compute=deep_grief)
    with pytest.raises(ValueError, match="dtype='str' is invalid"):
        declare("label", "str", compute=deep_grief)
    with pytest.raises(ValueError, match="outcome='deaths' is invalid"):
        declare("dead", compute=deep_grief, outcome="deaths")
    with pytest.raises(ValueError, match="compute=3 is invalid"):
        declare("three", compute=3)
    with pytest.raises(ValueError, match="name='day' is invalid"):
        declare("day", compute=len)
    assert "label" not in series_columns() and "dead" not in series_columns()


def test_held_referendums_is_the_one_count(capsys):
    crew = CrewModel(rng=2, n_crew=300)
    crew.run(2)
    crew.call_referendum()
    crew.run(2)
    crew.call_referendum()
    assert [r.trigger for r in crew.held_referendums] == ["captain", "captain"]
    assert crew.today["referendums"] == len(crew.held_referendums) == 2
    assert outcomes(crew, crew.series())["referendums_held"] == 2
    _print_summary(crew, None)
    assert "referendums held: 2; last on day 4" in capsys.readouterr().out


def test_a_day_is_measured_once_at_collection(monkeypatch):
    """Breaches, the captain's messages and referendums in the middle of a day measure
    nothing; reading ``today`` after an intervention between steps measures once."""
    calls, interventions = [], []
    measure, refresh = model.crew_model.measure, CrewModel._refresh_today
    monkeypatch.setattr(model.crew_model, "measure", lambda m: calls.append(m.day) or measure(m))
    monkeypatch.setattr(
        CrewModel, "_refresh_today", lambda m: interventions.append(m.day) or refresh(m)
    )
    crew = CrewModel(
        rng=3,
        n_crew=300,
        captain_strategy="reassure",
        impact_rate=120.0,
        penetration_probability=0.5,
    )
    crew.run(60)
    assert len(set(interventions)) > 5, "the scenario has interventions within days"
    assert calls == list(range(61)), "one measure a day, at collection"

    del calls[:]
    crew.breach(deaths=2)
    assert calls == []
    assert crew.today["deaths"] == crew.counts["deaths"]
    assert crew.today["alive"] == np.count_nonzero(crew.state.alive)
    assert calls == [60], "measured once, when read"
