"""The command line: python -m model run ..."""

import json
import subprocess
import sys

import pandas as pd
import pytest

from model.cli import main


def test_run_writes_series_events_and_summary(tmp_path, capsys):
    out = tmp_path / "run"
    code = main(
        [
            "run",
            "--days",
            "20",
            "--seed",
            "3",
            "--out",
            str(out),
            "--n-crew",
            "600",
            "--referendum-margin",
            "9",
            "--breach-at-start",
            "3",
            "--no-progress",
        ]
    )
    assert code == 0
    series = pd.read_parquet(out / "series.parquet")
    events = pd.read_parquet(out / "events.parquet")
    summary = json.loads((out / "summary.json").read_text())
    assert series.day.tolist() == list(range(21))
    assert {"day", "kind", "detail"} <= set(events.columns)
    assert events.kind.eq("breach").sum() == 1
    assert summary["seed"] == 3 and summary["parameters"]["n_crew"] == 600
    assert summary["referendums"][0]["margin"] == 9
    assert summary["collapse_day"] is None
    assert "mesa" in summary["versions"] and summary["final"]["alive"] == series.alive.iloc[-1]
    printed = capsys.readouterr().out
    assert "day 20:" in printed and "morale collapse: none" in printed


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["run", "--n-crew", "-5"],
            "error: n_crew=-5 is invalid: expected a whole number in [1, 1000000]",
        ),
        (["run", "--n-crew", "abc"], "argument --n-crew: expected int, got 'abc'"),
        (["run", "--captain-strategy", "shout"], "captain_strategy='shout' is invalid"),
        (["run", "--bogus", "1"], "unrecognized arguments: --bogus 1"),
        (["run", "--days", "-1"], "--days=-1 is invalid"),
        (["run", "--debug", "maybe"], "expected true or false"),
        ([], "the following arguments are required: COMMAND"),
    ],
)
def test_bad_options_give_one_line_and_exit_2(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_unwritable_output_folder_is_refused_before_running(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert main(["run", "--out", str(blocker / "sub")]) == 2
    assert "is not a writable folder" in capsys.readouterr().err


def test_help_lists_every_parameter_with_unit_and_range():
    out = subprocess.run(
        [sys.executable, "-m", "model", "run", "--help"], capture_output=True, text=True, check=True
    ).stdout
    flat = " ".join(out.split())  # argparse wraps lines
    assert "--n-crew N Crew alive at day 0 [people; [1, 1000000]; default 3000]" in flat
    assert "--captain-strategy TEXT" in out and "--grief-half-life X" in out


def test_do_gives_the_run_a_timeline_replayed_as_experiments_and_links_replay_it(tmp_path):
    from model import CrewModel
    from model.timeline import replay

    out = tmp_path / "run"
    argv = ["run", "--days", "12", "--seed", "4", "--n-crew", "300", "--no-progress"]
    argv += ["--out", str(out), "--breach-at-start", "2"]
    argv += ["--do", "5:message:tone=candid", "--do", "3:breach:deaths=1,section=1"]
    argv += ["--do", "5:memorial", "--do", "9:referendum"]
    assert main(argv) == 0
    timeline = [
        {"day": 0, "kind": "breach", "deaths": 2},
        {"day": 3, "kind": "breach", "deaths": 1, "section": 1},
        {"day": 5, "kind": "message", "tone": "candid"},
        {"day": 5, "kind": "memorial"},
        {"day": 9, "kind": "referendum"},
    ]
    expected = replay(CrewModel(rng=4, n_crew=300), timeline, 12)
    pd.testing.assert_frame_equal(pd.read_parquet(out / "series.parquet"), expected.series())
    events = pd.read_parquet(out / "events.parquet")
    assert events.query("kind != 'referendum'")[["day", "kind"]].values.tolist() == (
        expected.events().query("kind != 'referendum'")[["day", "kind"]].values.tolist()
    )
    assert len(expected.held_referendums) == 1


@pytest.mark.parametrize(
    ("do", "message"),
    [
        ("2:party", "--do='2:party': kind='party' is invalid: expected one of breach,"),
        ("x:memorial", "--do='x:memorial': day='x' is invalid: expected a whole number >= 0"),
        ("2:breach:deaths", "--do='2:breach:deaths' is invalid: expected key=value"),
        ("2:breach:deaths=x", "--do='2:breach:deaths=x': deaths='x' is invalid: expected a whole"),
        ("9:memorial", "its day is outside this run (days 0 to 5)"),
        ("1:breach:deaths=2,section=99", "--do='1:breach:deaths=2,section=99': section=99"),
    ],
)
def test_a_bad_intervention_is_one_line(do, message, capsys):
    argv = ["run", "--days", "5", "--n-crew", "300", "--no-progress", "--do", do]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
