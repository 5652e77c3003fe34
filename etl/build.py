"""Build the database: validate every raw file, load the tables, and publish atomically.

Each build is written to a new file under `builds/` beside the published path;
only when every check has passed is the published path (a symlink) switched to
it with `os.replace`. A failed or killed build therefore never touches the
database a running dashboard reads: DuckDB keeps serving a file it has open,
and the app reopens when the symlink points somewhere new.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from etl.bulk_read import read_raw_file
from etl.catalog import CATALOG_TABLES, EDITIONS, TABLE_EDITIONS, catalog_frames, editions_frame
from etl.derived import derived_tables
from etl.schema import Step, Table, split_reference
from etl.sources import all_steps
from etl.validate import (MAX_PROBLEMS_REPORTED, Problem, ValidationFailed, duplicate_keys, line_number,
                          read_raw_csv, validate_raw)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_RAW_DIR = PROJECT_ROOT / "data" / "raw"
DEFAULT_DB_PATH = PROJECT_ROOT / "data" / "current.duckdb"
BUILDS_KEPT = 3  # older builds are deleted; a reader may still be on the previous one
TEST_PAUSE_ENV = "OTS_ETL_TEST_PAUSE"  # test-only, see _pause_for_tests
TEST_HOLD_ENV = "OTS_ETL_TEST_HOLD_AFTER"  # test-only, see _hold_for_tests


@dataclass
class BuildResult:
    run_id: str
    database: Path
    row_counts: dict[str, int]
    seconds: float
    files: dict[str, dict] = field(default_factory=dict)


def builds_dir(db_path: Path) -> Path:
    return db_path.parent / "builds"


def runs_log(db_path: Path) -> Path:
    return db_path.parent / "etl_runs.jsonl"


def sha256(path: Path) -> str:
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def _load_step(step: Step, raw_dir: Path, known_countries: set[str], known_values: dict[str, set],
               check_key: bool, typed: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(typed raw frame, table frame) of one step, or ValidationFailed naming every problem.

    With `check_key=False` a clean file's key is left to the check after loading (_check_keys_after_load).
    `typed` is the file as the previous step read it, when two steps read the same file (a matrix and the
    totals summed from it): it is read and checked once.
    """
    path = raw_dir / step.raw.filename
    if typed is None:
        if not path.is_file():
            raise ValidationFailed([Problem(step.raw.filename, None, None,
                                            f"the file is missing from {raw_dir.name}/")])
        typed = read_raw_file(path, step.raw, known_countries, known_values, check_key=check_key)
    problems = [Problem(step.raw.filename, line_number(index), column, reason)
                for check in step.extra_checks for index, column, reason in check(typed)]
    if problems and not check_key and step.raw.key:
        # The key would have been checked after loading, which a failed file never reaches: say it now too.
        problems += duplicate_keys(typed, step.raw, step.raw.filename)
    if problems:
        raise ValidationFailed(sorted(problems, key=lambda p: (p.row or 0, p.column or "")))
    try:
        return typed, step.transform(typed)
    except Exception as error:  # noqa: BLE001 - a transform failing on valid input is reported, not a traceback
        raise ValidationFailed([Problem(step.raw.filename, None, None,
                                        f"could not be turned into table {step.table.name} "
                                        f"({type(error).__name__}: {error})")]) from None


def _keys_seen_elsewhere(step: Step, typed: pd.DataFrame, seen: dict[tuple, tuple[str, int]]) -> list[Problem]:
    """Rows whose key a file loaded earlier into the same table already holds; records this file's keys."""
    key = list(step.raw.key)
    problems = []
    lines = typed.index.map(line_number)
    for line, values in zip(lines, typed[key].itertuples(index=False, name=None)):
        if values in seen and seen[values][0] != step.raw.filename:
            other_file, other_line = seen[values]
            shown = ", ".join(f"{k}={v}" for k, v in zip(key, values))
            problems.append(Problem(step.raw.filename, line, ", ".join(key),
                                    f"duplicate key ({shown}): {other_file}, line {other_line} has it already"))
        else:
            seen.setdefault(values, (step.raw.filename, line))
    return problems


def _insert(con: duckdb.DuckDBPyConnection, table: Table, frame: pd.DataFrame, filename: str) -> None:
    try:
        incoming = pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowException, TypeError, ValueError):
        incoming = frame  # DuckDB reads the frame itself, more slowly
    con.register("incoming", incoming)
    try:
        con.execute(f"INSERT INTO {table.name} SELECT {', '.join(table.column_names)} FROM incoming")
    except duckdb.Error as error:
        # The raw checks catch nearly all of this earlier with a line number; what reaches here is a rule
        # of the table that no single raw column shows.
        raise ValidationFailed([Problem(filename, None, None,
                                        f"breaks a rule of table {table.name}: {error}")]) from None
    finally:
        con.unregister("incoming")


def _table_editions(con: duckdb.DuckDBPyConnection, tables: dict[str, Table], steps: list[Step],
                    loaded: set[str]) -> pd.DataFrame:
    """Rows and years per table and edition: counted in tables with an edition column, and for a table without
    one (a data set with a single edition), all its rows under the edition its step declares."""
    parts = []
    for name in sorted(loaded):
        table = tables[name]
        columns = table.column_names
        first, last = (("year", "year") if "year" in columns else ("period_start", "period_end")
                       if "period_start" in columns else (None, None))
        years = f"min({first}), max({last})" if first else "NULL, NULL"
        if "edition" in columns:
            parts.append(con.execute(f"SELECT '{name}', edition, count(*), {years} FROM {name} "
                                     "GROUP BY edition ORDER BY edition").fetchall())
            continue
        editions = {step.edition.edition for step in steps if step.table.name == name and step.edition}
        if len(editions) == 1:
            [(rows, low, high)] = con.execute(f"SELECT count(*), {years} FROM {name}").fetchall()
            parts.append([(name, editions.pop(), rows, low, high)])
    return pd.DataFrame([row for part in parts for row in part], columns=TABLE_EDITIONS.column_names)


def _check_keys_after_load(con: duckdb.DuckDBPyConnection, table: Table, filenames: list[str],
                           steps: list[Step], raw_dir: Path, known_countries: set[str],
                           known_values: dict[str, set]) -> list[Problem]:
    """The primary key and references of a table loaded without them as constraints, checked in SQL."""
    source = " and ".join(filenames)
    problems = []
    if table.primary_key:
        key = ", ".join(table.primary_key)
        repeated = con.execute(f"SELECT {key}, count(*) FROM {table.name} GROUP BY {key} "
                               f"HAVING count(*) > 1 LIMIT {MAX_PROBLEMS_REPORTED}").fetchall()
        if repeated:
            # Most likely a row repeated in a raw file: the detailed checks name its line.
            for step in steps:
                try:
                    validate_raw(read_raw_csv(raw_dir / step.raw.filename), step.raw, known_countries,
                                 known_values=known_values)
                except ValidationFailed as failure:
                    problems.extend(failure.problems)
        if repeated and not problems:
            for row in repeated:
                shown = ", ".join(f"{k}={v}" for k, v in zip(table.primary_key, row))
                problems.append(Problem(source, None, key, f"duplicate key ({shown}) in table {table.name}: "
                                                           f"{row[-1]} rows have it"))
    for column, reference in table.references:
        target, target_column = split_reference(reference)
        for (value,) in con.execute(f"SELECT DISTINCT t.{column} FROM {table.name} t ANTI JOIN {target} r "
                                    f"ON t.{column} = r.{target_column} WHERE t.{column} IS NOT NULL "
                                    f"ORDER BY 1 LIMIT {MAX_PROBLEMS_REPORTED}").fetchall():
            problems.append(Problem(source, None, column, f"{value!r} is not in {reference}"))
    return problems


def _remove_stale_files(db_path: Path) -> None:
    """Delete what killed builds left (partial files, temporary links) and all but the newest builds.

    The published build is never deleted, however old, nor a partial file whose build is still running.
    """
    directory = builds_dir(db_path)
    for partial in directory.glob("*.partial"):
        pid = partial.stem.rsplit("-", 1)[-1].split(".")[0]
        if not pid.isdigit() or not _process_alive(int(pid)):
            partial.unlink(missing_ok=True)
            Path(str(partial) + ".wal").unlink(missing_ok=True)
    for wal in directory.glob("*.wal"):
        if not Path(str(wal)[: -len(".wal")]).exists():
            wal.unlink(missing_ok=True)
    for link in db_path.parent.glob(f".{db_path.name}.*.link"):
        pid = link.name.rsplit(".", 2)[-2]
        if not pid.isdigit() or not _process_alive(int(pid)):
            link.unlink(missing_ok=True)
    published = Path(os.path.realpath(db_path))
    builds = sorted(directory.glob("build-*.duckdb"))
    for old in builds[:-BUILDS_KEPT]:
        if old != published:
            old.unlink(missing_ok=True)
            Path(str(old) + ".wal").unlink(missing_ok=True)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _record_run(db_path: Path, record: dict) -> None:
    with runs_log(db_path).open("a", encoding="utf-8") as log:
        log.write(json.dumps(record, default=str) + "\n")


def _previous_runs(db_path: Path) -> list[dict]:
    log = runs_log(db_path)
    if not log.exists():
        return []
    runs = []
    for line in log.read_text(encoding="utf-8").splitlines():
        try:
            runs.append(json.loads(line))
        except json.JSONDecodeError:
            continue  # a line cut short by a killed build; the others still count
    return runs


def _pause_for_tests(partial: Path) -> None:
    """Test-only: with OTS_ETL_TEST_PAUSE=<seconds>, wait with the new file written but not yet published.

    Lets a test kill a build at its last moment (tests/test_etl_atomic.py). Never set it otherwise.
    """
    seconds = os.environ.get(TEST_PAUSE_ENV)
    if seconds:
        print(f"{TEST_PAUSE_ENV}: {partial.name} written; publishing in {seconds} s", file=sys.stderr, flush=True)
        time.sleep(float(seconds))


def _hold_for_tests(table_name: str) -> None:
    """Test-only: with OTS_ETL_TEST_HOLD_AFTER=<table>, say so once that table is loaded and wait to be killed.

    Lets a test kill a build while it is loading (tests/test_faults_killed_build.py) at a point it knows,
    rather than after a guessed delay. Never set it otherwise.
    """
    if os.environ.get(TEST_HOLD_ENV) == table_name:
        print(f"{TEST_HOLD_ENV}: {table_name} loaded; holding", file=sys.stderr, flush=True)
        time.sleep(3600)


def publish(db_path: Path, build_file: Path) -> None:
    """Point the published path at a finished build, atomically."""
    link = db_path.with_name(f".{db_path.name}.{os.getpid()}.link")
    link.unlink(missing_ok=True)
    os.symlink(os.path.relpath(build_file, db_path.parent), link)
    os.replace(link, db_path)


def build(raw_dir: Path = DEFAULT_RAW_DIR, db_path: Path = DEFAULT_DB_PATH,
          steps: list[Step] | None = None) -> BuildResult:
    """Validate and load every raw file into a new database, then publish it. Raises ValidationFailed."""
    raw_dir, db_path = Path(raw_dir), Path(db_path)
    steps = steps if steps is not None else all_steps()
    started = datetime.now(timezone.utc)
    clock = time.perf_counter()
    run_id = started.strftime("%Y%m%dT%H%M%S%fZ")
    directory = builds_dir(db_path)
    directory.mkdir(parents=True, exist_ok=True)
    _remove_stale_files(db_path)
    partial = directory / f"build-{run_id}-{os.getpid()}.duckdb.partial"
    final = directory / f"build-{run_id}.duckdb"

    files: dict[str, dict] = {}
    problems: list[Problem] = []
    tables = {step.table.name: step.table for step in steps}
    editions = list({step.edition.edition: step.edition for step in steps if step.edition}.values())
    filenames: dict[str, list[str]] = {}
    # Files that feed one table with the same edition must not repeat each other's keys; files of different
    # editions hold the same keys by design (the same year and pair, as each edition estimates it).
    same_edition: dict[tuple[str, str | None], int] = {}
    for step in steps:
        filenames.setdefault(step.table.name, []).append(step.raw.filename)
        group = (step.table.name, step.edition.edition if step.edition else None)
        same_edition[group] = same_edition.get(group, 0) + 1
    referenced = {spec.references for step in steps for spec in step.raw.columns if spec.references}
    # One thread while loading keeps the rows in file order and lets DuckDB write whole compressed row
    # groups as it goes; two threads, keeping that order, left them all to the final CHECKPOINT (measured
    # on 6.5 million rows: 2.5x slower, and a file twice the size). The checks after loading use both.
    con = duckdb.connect(str(partial), config={"threads": 1})
    try:
        # The editions first (every edition column refers to them), then every table in build order, so a
        # reference always finds its table even when a file fails.
        con.execute(EDITIONS.ddl())
        _insert(con, EDITIONS, editions_frame(editions), "(editions)")
        for table in tables.values():
            con.execute(table.ddl())
        known_countries: set[str] = set()
        known_values: dict[str, set] = {}
        failed_tables: set[str] = set()
        loaded: set[str] = set()  # tables with rows in the new file
        keys_seen: dict[str, dict] = {}
        previous: tuple[Step | None, pd.DataFrame | None, bool] = (None, None, False)  # step, typed, failed
        for position, step in enumerate(steps):
            shared_next = position + 1 < len(steps) and steps[position + 1].raw is step.raw
            frame = None  # let the previous file's frames go before reading the next
            last_step, last_typed, last_failed = previous
            same_file = last_step is not None and last_step.raw is step.raw
            typed = last_typed if same_file else None
            previous = (None, None, False)
            path = raw_dir / step.raw.filename
            visible = {ref: values for ref, values in known_values.items()
                       if split_reference(ref)[0] not in failed_tables}
            try:
                if same_file and last_failed:
                    failed_tables.add(step.table.name)
                    continue  # its problems are reported once, with the step that read it
                # A table without key constraints has its key checked once, after loading; a file that will
                # not be loaded (the build has failed already) has it checked as it is read.
                # A file read for several tables has its key checked after loading if any of them does so.
                readers = [other for other in steps if other.raw is step.raw]
                typed, frame = _load_step(step, raw_dir, known_countries, visible,
                                          check_key=all(r.table.keys_as_constraints for r in readers)
                                          or bool(problems), typed=typed)
                edition = step.edition.edition if step.edition else None
                if same_edition[(step.table.name, edition)] > 1 and step.raw.key:
                    clashes = _keys_seen_elsewhere(step, typed,
                                                   keys_seen.setdefault((step.table.name, edition), {}))
                    if clashes:
                        raise ValidationFailed(clashes)
            except ValidationFailed as failure:
                problems.extend(failure.problems)
                failed_tables.add(step.table.name)
                previous = (step, None, True)
                if step.table.name == "countries":
                    break  # without countries every code elsewhere would be reported as unknown
                continue
            # Keep the file's rows only for a next step that reads the same file: at world scale they are
            # hundreds of MB, better let go before this step's table is written.
            previous = (step, typed if shared_next else None, False)
            typed = None
            if step.raw.filename in files:  # a second table from the same file
                files[step.raw.filename]["rows"] += len(frame)
                files[step.raw.filename]["table"] += f", {step.table.name}"
            else:
                files[step.raw.filename] = {"sha256": sha256(path), "rows": len(frame), "table": step.table.name}
            if step.table.name == "countries":
                known_countries |= set(frame["iso3"])
            for reference in referenced:
                table_name, column = split_reference(reference)
                if table_name == step.table.name:
                    known_values.setdefault(reference, set()).update(frame[column].dropna())
            if problems:
                continue  # this build will not be published: check the other files, load nothing more
            try:
                _insert(con, step.table, frame, step.raw.filename)
                loaded.add(step.table.name)
                _hold_for_tests(step.table.name)
            except ValidationFailed as failure:
                problems.extend(failure.problems)
                failed_tables.add(step.table.name)
        typed = frame = previous = None
        con.execute("RESET threads")
        for table in tables.values():
            if not table.keys_as_constraints and table.name in loaded:
                problems.extend(_check_keys_after_load(con, table, filenames[table.name],
                                                       [s for s in steps if s.table is table],
                                                       raw_dir, known_countries, known_values))
        if problems:
            raise ValidationFailed(problems)
        table_editions = _table_editions(con, tables, steps, loaded)
        for table, select in derived_tables(loaded, table_editions):  # summaries that keep pages fast at world scale
            con.execute(table.ddl())
            con.execute(f"INSERT INTO {table.name} {select}")
            tables[table.name] = table

        row_counts = {name: con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0] for name in sorted(tables)}
        row_counts[EDITIONS.name] = len(editions)
        empty = [name for name, count in row_counts.items() if count == 0]
        if empty:
            raise ValidationFailed([Problem(name, None, None, "the table is empty after loading") for name in empty])

        finished = datetime.now(timezone.utc)
        this_run = {"run_id": run_id, "started_at": started.isoformat(), "finished_at": finished.isoformat(),
                    "status": "succeeded", "message": "", "files": files}
        for catalog_table, frame in catalog_frames(list(tables.values()), _previous_runs(db_path) + [this_run],
                                                   row_counts, table_editions):
            con.execute(catalog_table.ddl())
            _insert(con, catalog_table, frame, "(catalog)")
        con.execute("CHECKPOINT")
    except BaseException as error:
        con.close()
        partial.unlink(missing_ok=True)
        Path(str(partial) + ".wal").unlink(missing_ok=True)
        message = str(error) if isinstance(error, ValidationFailed) else f"{type(error).__name__}: {error}"
        _record_run(db_path, {"run_id": run_id, "started_at": started.isoformat(),
                              "finished_at": datetime.now(timezone.utc).isoformat(), "status": "failed",
                              "message": message[:4000], "files": files})
        raise
    con.close()
    _pause_for_tests(partial)
    os.replace(partial, final)
    publish(db_path, final)
    _record_run(db_path, this_run)
    _remove_stale_files(db_path)
    return BuildResult(run_id, final, row_counts, time.perf_counter() - clock, files)


__all__ = ["build", "BuildResult", "publish", "DEFAULT_DB_PATH", "DEFAULT_RAW_DIR", "CATALOG_TABLES"]
