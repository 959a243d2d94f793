"""Sweep results on disk: atomic part files, resume, the final tables and the manifest.

Layout of a result folder::

    manifest.json       experiment, seeds, versions, git commit, times, counts
    runs.parquet        one row per run, in canonical order (when every run is recorded)
    series.parquet      run_id, day, the kept per-day metrics (when asked)
    parts/              what finished so far:
        runs-000000-000012-<sha>.parquet     a chunk's rows (run ids 0..12)
        series-000000-000012-<sha>.parquet   its series (when asked)

A part is serialised in memory, written to a temporary name, fsync'd, and renamed into
place (then the folder is fsync'd), so a part file either exists whole or not at all. Its
name carries its run-id range and the first 16 hex digits of the SHA-256 of its bytes; the
runs part records the run ids it holds, the experiment's digest, and the name of its series
part, which is written first. On resume every part is checked (checksum, readable, run ids,
experiment, its series part); a part that fails is moved to ``parts/rejected/`` and its runs
are done again, never read as data.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import uuid
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from model.metric_registry import metric, outcome_metrics, series_columns
from model.parameters import declarations
from model.sweeps.signals import SIGNAL_COLUMNS

PART_PATTERN = re.compile(r"^(runs|series)-(\d{6,})-(\d{6,})-([0-9a-f]{16})\.parquet$")
MANIFEST = "manifest.json"
RUNS = "runs.parquet"
SERIES = "series.parquet"
_TYPES = {int: pa.int64(), float: pa.float64(), bool: pa.bool_(), str: pa.string()}


def _metric_type(name: str) -> pa.DataType:
    """The Parquet type of a declared metric (from its ``dtype``)."""
    return _TYPES[metric(name).python_type]


def runs_schema(posterior: bool = False) -> pa.Schema:
    """The columns of ``runs.parquet``: ids, every parameter, seed, outcomes, timing; with
    ``posterior``, ``posterior_draw`` (the particle each run drew) after the seeds.

    The outcomes are the run's collapse, referendums, mission, the voyage's forced
    referendum, diversion and end, and lowest cohesion, then the last day's value of each
    metric declared with an ``outcome`` column.
    """
    fields = [
        ("run_id", pa.int64()),
        ("point", pa.int64()),
        ("replicate", pa.int64()),
    ]
    fields += [(d["name"], _TYPES[d["type"]]) for d in declarations()]
    fields += [
        ("seed", pa.int64()),
        ("spawn_key", pa.int64()),
        *([("posterior_draw", pa.int64())] if posterior else []),
        ("failed", pa.bool_()),
        ("error", pa.string()),
        ("collapsed", pa.bool_()),
        ("collapse_day", pa.int64()),
        ("first_referendum_day", pa.int64()),
        ("first_referendum_outcome", pa.string()),
        ("first_referendum_margin", pa.int64()),
        ("referendums", pa.string()),
        ("mission", pa.string()),
        ("forced_referendum_day", pa.int64()),
        ("diversion_day", pa.int64()),
        ("ended", pa.string()),
        ("end_day", pa.int64()),
        ("min_cohesion", pa.float64()),
        ("min_cohesion_day", pa.int64()),
    ]
    fields += [(m.outcome, _metric_type(m.name)) for m in outcome_metrics()]
    fields += [(c, pa.int64() if c == "ews_days" else pa.float64()) for c in SIGNAL_COLUMNS]
    fields += [("wall_seconds", pa.float64())]
    names = [f[0] for f in fields]
    assert len(names) == len(set(names)), "a parameter shares a name with an outcome column"
    return pa.schema(fields)


def series_schema(columns: tuple[str, ...] | None = None) -> pa.Schema:
    """The columns of ``series.parquet`` (by default every declared metric), each typed by
    its declaration."""
    if columns is None:
        columns = series_columns()
    ids = [("run_id", pa.int64()), ("day", pa.int64())]
    return pa.schema(ids + [(c, _metric_type(c)) for c in columns])


def rows_table(rows: list[dict[str, Any]], posterior: bool = False) -> pa.Table:
    """Rows (dicts; missing keys are null) as a table of :func:`runs_schema`."""
    schema = runs_schema(posterior)
    columns = {f.name: pa.array([_plain(r.get(f.name)) for r in rows], type=f.type) for f in schema}
    return pa.table(columns, schema=schema)


def series_table(series: pd.DataFrame, columns: tuple[str, ...]) -> pa.Table:
    """A series frame as a table of :func:`series_schema`."""
    schema = series_schema(columns)
    return pa.Table.from_pandas(series[schema.names], schema=schema, preserve_index=False)


def _plain(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # NaN -> null keeps dtypes stable
        return None
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    return value


# --- atomic files ----------------------------------------------------------------------------
def write_atomic(path: Path, data: bytes) -> None:
    """Write bytes to ``path`` so that it exists whole or not at all."""
    tmp = path.with_name(f".tmp-{os.getpid()}-{uuid.uuid4().hex}-{path.name}")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_folder(path.parent)


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def parquet_bytes(table: pa.Table, metadata: dict[str, str] | None = None) -> bytes:
    """A table serialised as Parquet (with optional key-value metadata)."""
    if metadata:
        existing = table.schema.metadata or {}
        table = table.replace_schema_metadata(
            {**existing, **{k.encode(): v.encode() for k, v in metadata.items()}}
        )
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue().to_pybytes()


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


# --- the part store --------------------------------------------------------------------------
class PartStore:
    """The ``parts/`` folder of a sweep: write parts atomically, find the valid ones."""

    def __init__(
        self,
        folder: Path,
        experiment_digest: str,
        series_columns: tuple[str, ...],
        posterior: bool = False,
    ):
        self.folder = Path(folder)
        self.posterior = posterior
        self.parts = self.folder / "parts"
        self.digest = experiment_digest
        self.series_columns = series_columns

    def write(
        self, rows: list[dict[str, Any]], series: pd.DataFrame | None, keep_series: bool
    ) -> Path:
        """Write one chunk's rows (and series) as parts; returns the runs part's path."""
        self.parts.mkdir(parents=True, exist_ok=True)
        run_ids = sorted(int(r["run_id"]) for r in rows)
        span = f"{run_ids[0]:06d}-{run_ids[-1]:06d}"
        series_name = ""
        if keep_series:
            table = (
                series_schema(self.series_columns).empty_table()
                if series is None
                else series_table(series, self.series_columns)
            )
            data = parquet_bytes(table)
            series_name = f"series-{span}-{_digest(data)}.parquet"
            write_atomic(self.parts / series_name, data)
        table = rows_table(sorted(rows, key=lambda r: r["run_id"]), self.posterior)
        data = parquet_bytes(
            table,
            {
                "crew.run_ids": json.dumps(run_ids),
                "crew.experiment": self.digest,
                "crew.series_part": series_name,
            },
        )
        path = self.parts / f"runs-{span}-{_digest(data)}.parquet"
        write_atomic(path, data)
        return path

    def scan(self, series_expected: bool) -> tuple[list[Path], list[str]]:
        """The valid runs parts, and a note for each rejected file (moved aside)."""
        if not self.parts.is_dir():
            return [], []
        valid: list[Path] = []
        referenced: set[str] = set()
        notes: list[str] = []
        for path in sorted(self.parts.iterdir()):
            if path.name.startswith(".tmp-"):
                path.unlink(missing_ok=True)  # an interrupted write
                continue
            match = PART_PATTERN.match(path.name)
            if not path.is_file() or match is None:
                continue
            if match.group(1) != "runs":
                continue
            problem = self._check(path, match, series_expected)
            if problem is None:
                valid.append(path)
                referenced.add(self._series_name(path))
            else:
                notes.append(f"{path.name}: {problem}; its runs will be done again")
                self._reject(path)
        for path in sorted(self.parts.glob("series-*.parquet")):
            if path.name not in referenced:  # written before its runs part, then killed
                self._reject(path)
        return valid, notes

    def _check(self, path: Path, match: re.Match, series_expected: bool) -> str | None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            return f"unreadable ({exc.strerror})"
        if _digest(data) != match.group(4):
            return "checksum mismatch (truncated or corrupted)"
        try:
            table = pq.read_table(io.BytesIO(data))
        except Exception as exc:  # noqa: BLE001 - any parse failure means a bad part
            return f"not a readable Parquet file ({exc})"
        meta = table.schema.metadata or {}
        if meta.get(b"crew.experiment", b"").decode() != self.digest:
            return "written by a different experiment"
        try:
            ids = json.loads(meta[b"crew.run_ids"])
        except (KeyError, ValueError):
            return "no run ids recorded"
        if sorted(table.column("run_id").to_pylist()) != ids:
            return "its rows do not match its run ids"
        if table.schema.remove_metadata() != runs_schema(self.posterior):
            return "unexpected columns"
        series_name = meta.get(b"crew.series_part", b"").decode()
        if series_expected:
            if not series_name:
                return "no series part"
            series = self.parts / series_name
            sm = PART_PATTERN.match(series_name)
            try:
                ok = sm is not None and _digest(series.read_bytes()) == sm.group(4)
            except OSError:
                ok = False
            if not ok:
                return f"its series part {series_name} is missing or corrupted"
        return None

    def _series_name(self, path: Path) -> str:
        meta = pq.read_schema(path).metadata or {}
        return meta.get(b"crew.series_part", b"").decode()

    def _reject(self, path: Path) -> None:
        rejected = self.parts / "rejected"
        rejected.mkdir(exist_ok=True)
        os.replace(path, rejected / f"{path.name}.{uuid.uuid4().hex[:8]}")

    def read_runs(self, paths: list[Path]) -> pa.Table:
        """The rows of the given runs parts, one per run id, in canonical order."""
        if not paths:
            return runs_schema(self.posterior).empty_table()
        table = pa.concat_tables(pq.read_table(p).replace_schema_metadata(None) for p in paths)
        return _canonical(table)

    def read_series(self, paths: list[Path]) -> pa.Table:
        """The series of the given runs parts, ordered by run id and day."""
        tables = [
            pq.read_table(self.parts / name).replace_schema_metadata(None)
            for name in (self._series_name(p) for p in paths)
            if name
        ]
        if not tables:
            return series_schema(self.series_columns).empty_table()
        table = pa.concat_tables(tables)
        frame = table.to_pandas()
        frame = frame.drop_duplicates(["run_id", "day"]).sort_values(["run_id", "day"])
        return pa.Table.from_pandas(frame, schema=table.schema, preserve_index=False)


def _canonical(table: pa.Table) -> pa.Table:
    frame = table.to_pandas(types_mapper=None)
    keep = ~frame["run_id"].duplicated()
    indices = frame.index[keep][frame.loc[keep, "run_id"].argsort(kind="stable")]
    return table.take(pa.array(indices.to_numpy()))


#: Measured sizes (zstd Parquet): a runs part's schema and metadata, a row of it, a series
#: part's overhead and one kept value; the estimate below is a floor, not a forecast.
RUNS_PART_BYTES = 28_000
RUN_ROW_BYTES = 100
SERIES_PART_BYTES = 12_000
SERIES_VALUE_BYTES = 8


def part_bytes(runs: int, series_values_per_run: int = 0) -> int:
    """About the smallest size of one chunk's parts on disk (its runs and series parts)."""
    size = RUNS_PART_BYTES + runs * RUN_ROW_BYTES
    if series_values_per_run:
        size += SERIES_PART_BYTES + runs * series_values_per_run * SERIES_VALUE_BYTES
    return size


def output_bytes(to_run: int, chunks: int, total: int, series_values_per_run: int = 0) -> int:
    """About the least disk space a sweep still needs: the parts of the ``to_run`` runs still
    to do (in ``chunks`` chunks) and the final tables of all ``total`` runs."""
    parts = chunks * part_bytes(0, series_values_per_run) + to_run * (
        part_bytes(1, series_values_per_run) - part_bytes(0, series_values_per_run)
    )
    return parts + part_bytes(total, series_values_per_run)


def write_table(path: Path, table: pa.Table) -> None:
    """Write a final table atomically."""
    write_atomic(path, parquet_bytes(table))


# --- manifest --------------------------------------------------------------------------------
def read_manifest(folder: Path) -> dict[str, Any] | None:
    """The folder's manifest, or None if there is none."""
    path = Path(folder) / MANIFEST
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise ValueError(f"{path}: not a readable sweep manifest ({exc})") from None


def write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    """Write the manifest atomically."""
    text = json.dumps(manifest, indent=2, default=str) + "\n"
    write_atomic(Path(folder) / MANIFEST, text.encode())


def load_results(folder: str | Path) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The runs table and manifest of a finished (or partly finished) sweep.

    Reads ``runs.parquet``; when a sweep is not complete yet, the rows of its valid parts.

    Raises
    ------
    ValueError
        The folder is not a sweep result (no manifest, or nothing readable).
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"{folder} is not a folder")
    manifest = read_manifest(folder)
    if manifest is None or "experiment" not in manifest:
        raise ValueError(
            f"{folder} is not a sweep result: no {MANIFEST} from `python -m model sweep`"
        )
    if (folder / RUNS).is_file():
        runs = pq.read_table(folder / RUNS).to_pandas()
    else:
        store = PartStore(folder, manifest.get("experiment_digest", ""), ())
        paths = [
            p
            for p in sorted(store.parts.glob("runs-*.parquet"))
            if (m := PART_PATTERN.match(p.name)) and _digest(p.read_bytes()) == m.group(4)
        ]
        runs = store.read_runs(paths).to_pandas()
    return runs, manifest


def load_series(folder: str | Path) -> pd.DataFrame | None:
    """The kept per-day series of a sweep, or None if it kept none."""
    path = Path(folder) / SERIES
    return pq.read_table(path).to_pandas() if path.is_file() else None
