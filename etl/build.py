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
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pandas as pd

from etl.catalog import CATALOG_TABLES, catalog_frames
from etl.schema import Step, Table
from etl.sources import all_steps
from etl.validate import Problem, ValidationFailed, line_number, read_raw_csv, validate_raw

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_RAW_DIR = PROJECT_ROOT / "data" / "raw"
DEFAULT_DB_PATH = PROJECT_ROOT / "data" / "current.duckdb"
BUILDS_KEPT = 3  # older builds are deleted; a reader may still be on the previous one


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
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _load_step(step: Step, raw_dir: Path, known_countries: set[str]) -> pd.DataFrame:
    path = raw_dir / step.raw.filename
    if not path.is_file():
        raise ValidationFailed([Problem(step.raw.filename, None, None, f"the file is missing from {raw_dir.name}/")])
    typed = validate_raw(read_raw_csv(path), step.raw, known_countries)
    problems = [Problem(step.raw.filename, line_number(index), column, reason)
                for check in step.extra_checks for index, column, reason in check(typed)]
    if problems:
        raise ValidationFailed(problems)
    return step.transform(typed)


def _insert(con: duckdb.DuckDBPyConnection, table: Table, frame: pd.DataFrame, filename: str) -> None:
    con.register("incoming", frame)
    try:
        con.execute(f"INSERT INTO {table.name} SELECT {', '.join(table.column_names)} FROM incoming")
    except duckdb.ConstraintException as error:
        # The raw checks catch most of this earlier with a line number; what reaches here
        # is a rule across files (for example a measure naming a meeting that does not exist).
        raise ValidationFailed([Problem(filename, None, None, f"breaks a rule of table {table.name}: {error}")]) from None
    finally:
        con.unregister("incoming")


def _remove_stale_files(directory: Path) -> None:
    """Delete partial files of builds that are no longer running, and all but the newest builds."""
    for partial in directory.glob("*.partial"):
        pid = partial.stem.rsplit("-", 1)[-1].split(".")[0]
        if not pid.isdigit() or not _process_alive(int(pid)):
            partial.unlink(missing_ok=True)
            Path(str(partial) + ".wal").unlink(missing_ok=True)
    builds = sorted(directory.glob("build-*.duckdb"))
    for old in builds[:-BUILDS_KEPT]:
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
    _remove_stale_files(directory)
    partial = directory / f"build-{run_id}-{os.getpid()}.duckdb.partial"
    final = directory / f"build-{run_id}.duckdb"

    files: dict[str, dict] = {}
    problems: list[Problem] = []
    con = duckdb.connect(str(partial))
    try:
        created: set[str] = set()
        known_countries: set[str] = set()
        for step in steps:
            path = raw_dir / step.raw.filename
            try:
                frame = _load_step(step, raw_dir, known_countries)
            except ValidationFailed as failure:
                problems.extend(failure.problems)
                if step.table.name == "countries":
                    break  # without countries every code elsewhere would be reported as unknown
                continue
            files[step.raw.filename] = {"sha256": sha256(path), "rows": len(frame), "table": step.table.name}
            if step.table.name not in created:
                con.execute(step.table.ddl())
                created.add(step.table.name)
            try:
                _insert(con, step.table, frame, step.raw.filename)
            except ValidationFailed as failure:
                problems.extend(failure.problems)
            if step.table.name == "countries":
                known_countries = set(frame["iso3"])
        if problems:
            raise ValidationFailed(problems)

        row_counts = {name: con.execute(f"SELECT count(*) FROM {name}").fetchone()[0] for name in sorted(created)}
        empty = [name for name, count in row_counts.items() if count == 0]
        if empty:
            raise ValidationFailed([Problem(name, None, None, "the table is empty after loading") for name in empty])

        finished = datetime.now(timezone.utc)
        this_run = {"run_id": run_id, "started_at": started.isoformat(), "finished_at": finished.isoformat(),
                    "status": "succeeded", "message": "", "files": files}
        tables = {step.table.name: step.table for step in steps}
        for catalog_table, frame in catalog_frames(list(tables.values()), _previous_runs(db_path) + [this_run],
                                                   row_counts):
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
    os.replace(partial, final)
    publish(db_path, final)
    _record_run(db_path, this_run)
    _remove_stale_files(directory)
    return BuildResult(run_id, final, row_counts, time.perf_counter() - clock, files)


__all__ = ["build", "BuildResult", "publish", "DEFAULT_DB_PATH", "DEFAULT_RAW_DIR", "CATALOG_TABLES"]
