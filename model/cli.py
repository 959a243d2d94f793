"""Command-line interface: ``python -m model COMMAND ...``.

Every model parameter is an option of ``run`` (``--n-crew 500``), generated from the one
declaration in :mod:`model.parameters`. Bad input gives one line on stderr and exit code 2.
Other commands (sweeps, thresholds, plots, benchmarks) register themselves through
:data:`COMMAND_MODULES`: each module has ``register(subparsers)`` adding its sub-command
with ``set_defaults(handler=...)``.
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import json
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from model import event_kinds
from model.parameters import declarations, valid_text
from model.validation import WHOLE, InvalidValue

#: Modules that add sub-commands (each defines ``register(subparsers)``).
COMMAND_MODULES: tuple[str, ...] = (
    "model.cli",
    "model.sweeps.cli",
    "model.calibration",
    "model.discovery",
)

EXIT_USAGE = 2


class UsageError(Exception):
    """Bad input from the user: reported in one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, no usage dump
        if message.startswith("unrecognized arguments"):
            message += _suggestion(message, self)
        raise UsageError(f"{self.prog}: {message} (see --help)")


def _suggestion(message: str, parser: argparse.ArgumentParser) -> str:
    """'; did you mean --n-crew?' for a mistyped option, from every sub-command's options."""
    known = set(parser._option_string_actions)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                known.update(sub._option_string_actions)
    for token in message.split(":", 1)[1].split():
        if token.startswith("--"):
            close = difflib.get_close_matches(token.split("=")[0], sorted(known), n=1)
            if close:
                return f"; did you mean {close[0]}?"
    return ""


def _printable(text: str) -> str:
    """One line whatever the user typed: control characters are shown escaped."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def parameter_options(parser: argparse.ArgumentParser) -> None:
    """Add one option per model parameter, with its unit, range and default in the help."""
    group = parser.add_argument_group("model parameters")
    for d in declarations():
        flag = "--" + d["name"].replace("_", "-")
        kind = d["type"]
        help_text = f"{d['description']} [{d['unit']}; {valid_text(d)}; default {d['default']!r}]"
        if kind is bool:
            group.add_argument(
                flag,
                dest=d["name"],
                type=_boolean,
                metavar="BOOL",
                default=argparse.SUPPRESS,
                help=help_text,
            )
        else:
            metavar = "TEXT" if kind is str else "N" if kind is int else "X"
            group.add_argument(
                flag,
                dest=d["name"],
                type=_number(kind),
                metavar=metavar,
                default=argparse.SUPPRESS,
                help=help_text,
            )


def parameters_from(args: argparse.Namespace) -> dict[str, Any]:
    """The model parameters given on the command line (others keep their defaults)."""
    names = {d["name"] for d in declarations()}
    return {k: v for k, v in vars(args).items() if k in names}


def _number(kind: type):
    def convert(text: str):
        if kind is str:
            return text
        try:
            return int(text) if kind is int else float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {kind.__name__}, got {text!r}") from None

    convert.__name__ = kind.__name__
    return convert


def _boolean(text: str) -> bool:
    lowered = text.lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise argparse.ArgumentTypeError(f"expected true or false, got {text!r}")


# --- run ------------------------------------------------------------------------------------
def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``run`` command."""
    run = subparsers.add_parser(
        "run",
        help="run one scenario and write its outputs",
        description="Run the model for some days and write series.parquet, events.parquet "
        "and summary.json to --out.",
    )
    run.add_argument("--days", type=int, default=365, help="days to simulate [default 365]")
    run.add_argument("--seed", type=int, default=None, help="root seed, >= 0 [default 1]")
    run.add_argument(
        "--resume",
        type=Path,
        default=None,
        metavar="CHECKPOINT",
        help="continue a run saved with --save (its parameters and seed come from the file)",
    )
    run.add_argument(
        "--save",
        type=Path,
        default=None,
        metavar="CHECKPOINT",
        help="save the run at the end, to continue it later with --resume",
    )
    run.add_argument(
        "--out",
        type=Path,
        default=None,
        help="output folder (created); omit to only print the summary",
    )
    run.add_argument(
        "--breach-at-start",
        type=int,
        default=None,
        metavar="DEATHS",
        help="a hull breach killing DEATHS people on day 0 (the story: 3); the same as "
        "--do 0:breach:deaths=DEATHS",
    )
    run.add_argument(
        "--do",
        action="append",
        default=[],
        metavar="DAY:KIND[:KEY=VALUE,...]",
        help="an intervention on a day, as a link's do= gives it (repeat for more): "
        "0:breach:deaths=3, 12:message:tone=candid, 30:mitigate, 40:referendum. Kinds: "
        + ", ".join(k.name for k in event_kinds.registered()),
    )
    run.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show a progress bar [default: when stderr is a terminal]",
    )
    parameter_options(run)
    run.set_defaults(handler=run_command)
    params = subparsers.add_parser("params", help="list the model's parameters")
    params.add_argument(
        "--markdown", action="store_true", help="print the parameter table of docs/ODD.md"
    )
    params.add_argument(
        "--write-odd", action="store_true", help="rewrite the parameter table in docs/ODD.md"
    )
    params.set_defaults(handler=params_command)


def run_command(args: argparse.Namespace) -> int:
    """Run one scenario; write its outputs."""
    from model import CrewModel
    from model.provenance import run_record
    from model.timeline import apply as apply_entry
    from model.timeline import entry_text

    for option, value in (("--days", args.days), ("--seed", args.seed)):
        if value is not None and (problem := WHOLE.problem(option, value)):
            raise UsageError(problem)
    if args.out is not None:
        writable_folder(args.out)
    params = parameters_from(args)
    started = time.perf_counter()
    if args.resume is not None:
        given = ["--seed"] * (args.seed is not None) + [f"--{k.replace('_', '-')}" for k in params]
        if given:
            raise UsageError(
                f"{given[0]} cannot be given with --resume: the checkpoint holds the seed "
                "and parameters"
            )
        model = CrewModel.load(args.resume)  # a bad file: CheckpointError, one line
    else:
        args.seed = 1 if args.seed is None else args.seed
        model = CrewModel(rng=args.seed, **params)
    timeline = interventions(args, model.day)
    progress = sys.stderr.isatty() if args.progress is None else args.progress
    end = model.day + args.days
    if timeline:
        with _days_bar(args.days, progress) as advance:
            for entry in timeline:
                advance(model, entry["day"])
                try:
                    apply_entry(model, entry)
                except ValueError as error:
                    raise UsageError(f"--do={entry_text(entry)!r}: {error}") from None
            advance(model, end)
    else:
        model.run(args.days, progress=progress)
    summary = {
        **run_record(model, args.seed),
        **model.summary(),
        "wall_seconds": round(time.perf_counter() - started, 3),
    }
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        model.series().to_parquet(args.out / "series.parquet", index=False)
        model.events().to_parquet(args.out / "events.parquet", index=False)
        (args.out / "summary.json").write_text(json.dumps(summary, indent=2, default=str))
    _print_summary(model, args.out)
    if args.save is not None:
        try:
            print(f"saved the run to {model.save(args.save)}")
        except OSError as exc:
            raise UsageError(f"--save={args.save} cannot be written: {exc.strerror}") from None
    return 0


def interventions(args: argparse.Namespace, start: int) -> list[dict]:
    """The run's timeline from ``--breach-at-start`` and ``--do``, in day order (the given
    order within a day); UsageError naming a bad one."""
    from model.timeline import parse_entry

    timeline = []
    if args.breach_at_start is not None:
        timeline.append({"day": start, "kind": "breach", "deaths": args.breach_at_start})
    for text in args.do:
        try:
            entry = parse_entry(text)
        except InvalidValue as error:  # names the part: "--do='...': day='x' is invalid: ..."
            raise UsageError(f"--do={text!r}: {error}") from None
        except ValueError as error:
            raise UsageError(f"--do={text!r} is invalid: {error}") from None
        if not start <= entry["day"] <= start + args.days:
            raise UsageError(
                f"--do={text!r} is invalid: its day is outside this run (days {start} to "
                f"{start + args.days})"
            )
        timeline.append(entry)
    return sorted(timeline, key=lambda e: e["day"])


@contextmanager
def _days_bar(days: int, shown: bool):
    """``advance(model, day)``: run ``model`` to ``day``, moving one progress bar of
    ``days`` days."""
    from tqdm import tqdm

    with tqdm(total=days, desc="days", unit="day", disable=not shown) as bar:

        def advance(model, day: int) -> None:
            before = model.day
            model.run(max(0, day - model.day))
            bar.update(model.day - before)

        yield advance


def writable_folder(folder: Path) -> None:
    """Create ``folder`` if needed and check that files can be written in it."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".write-test"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise UsageError(f"--out={folder} is not a writable folder: {exc.strerror}") from None


def _print_summary(model, out: Path | None) -> None:
    t = model.today
    first, held = model.referendums[0], model.held_referendums
    lines = [
        f"day {model.day}: {t['alive']} alive, {t['deaths']} deaths ({t['breaches']} breaches),"
        f" {t['births']} births",
        f"support for continuing {t['support_continue']:.1%} (recorded referendum: "
        f"{first.continue_votes}-{first.divert_votes}, margin {first.margin:+d})",
        f"cohesion {t['cohesion']:.3f}, trust {t['mean_trust']:.3f}, grief "
        f"{t['mean_grief']:.3f}, vote-change requests {t['vote_change_requests']}",
        f"referendums held: {len(held)}"
        + (
            f"; last on day {held[-1].day}: {held[-1].outcome} by {abs(held[-1].margin)}"
            if held
            else ""
        ),
        "morale collapse: "
        + (f"day {model.collapse_day}" if model.collapse_day is not None else "none"),
    ]
    if out is not None:
        lines.append(f"wrote {out}/series.parquet, events.parquet, summary.json")
    print("\n".join(lines))


# --- params ---------------------------------------------------------------------------------
def params_command(args: argparse.Namespace) -> int:
    """List the parameters (or print docs/ODD.md's table)."""
    from model.parameters import markdown_table

    if args.write_odd:
        from model.docs import ODD_PATH, write_odd_table

        write_odd_table()
        print(f"wrote the parameter table of {ODD_PATH.name}")
        return 0
    if args.markdown:
        print(markdown_table())
        return 0
    for d in declarations():
        print(f"{d['name']:28} {d['default']!r:>22}  {d['unit']:18} {valid_text(d)}")
    return 0


# --- entry point ----------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m model",
        description="Crew cohesion model: social cohesion and referendums aboard a "
        "generation ship.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    subparsers.required = True
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    try:
        args = build_parser().parse_args(argv)
        return int(args.handler(args) or 0)
    except (UsageError, ValueError) as exc:
        print(f"error: {_printable(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head`: stop quietly
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keep the interpreter's flush quiet
        return 0
