"""The connection to the app's own store: opening it, transactions, its version, and why it cannot be had.

Measure statuses recorded by editors, meetings they add and member-state
submissions live in a SQLite file (`data/state/app_state.sqlite3`) that the
ETL build never touches, so a rebuild cannot lose them; their tables are
declared in `app.store.tables` and created here on first use. The read side
merges them with the build (see `app.cached` and `app.store.views`).

Several processes may use one store at once (two dashboard processes, a
restart that overlaps the old one, an admin command, a test beside a running
dashboard): the file is in WAL mode, so readers never wait for the writer, and
each write is one short transaction (`BEGIN IMMEDIATE`) that waits its turn
behind writers of other processes for up to `WAIT_SECONDS`. Within a process,
writes are serialised by a lock. `version()` changes whenever any process
commits, so caches keyed on it see another process's edit at the next rerun.

A store that cannot be had within that time, or at all (a read-only folder, a
damaged file), raises `StoreUnavailable`: sentences for the reader, never a
traceback. A store kept by an earlier version of the dashboard in DuckDB
(`app_state.duckdb`) is copied here on first start (`app.store.migrate`).

Every other module reaches the store through this one: its connections, its error and how it keeps values
(`StoreUnavailable`, `sql_value`, `query`, from `app.store.common`).
"""
from __future__ import annotations

import errno
import os
import re
import sqlite3
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from app.db import PROJECT_ROOT
from app.i18n import N_
from app.store import migrate
from app.store.common import StoreUnavailable, query, sql_value
from app.store.tables import TABLES

STATE_PATH_ENV = "OTS_STATE_PATH"
STORE_FILE = "app_state.sqlite3"
WAIT_SECONDS = 5.0  # how long a write (or opening the store) waits for other processes before giving up
RETRY_AFTER_SECONDS = 5.0  # after a failure, how long readers go on without the store before trying again
READERS_KEPT = 4  # idle read connections kept per process

_lock = threading.RLock()        # the module's connections and counters (held briefly)
_write_lock = threading.RLock()  # one writer at a time in this process
_schemas: list[str] = [table.ddl() for table in TABLES]  # the store's tables (and any a test declares)
_path: str | None = None
_writer: sqlite3.Connection | None = None
_probe: sqlite3.Connection | None = None  # only asks `PRAGMA data_version`
_idle_readers: list[sqlite3.Connection] = []
_generation = 0  # bumped by every write and every close in this process
_failure: tuple[float, "StoreUnavailable"] | None = None  # the last failure to open the store, and when


def state_path() -> Path:
    """The store file. A path to an old DuckDB store (`….duckdb`) names the SQLite file beside it."""
    configured = Path(os.environ.get(STATE_PATH_ENV, PROJECT_ROOT / "data" / "state" / STORE_FILE))
    return configured.with_suffix(".sqlite3") if configured.suffix == ".duckdb" else configured


def legacy_path() -> Path:
    """Where an earlier version of the dashboard kept the store (DuckDB), migrated on first start."""
    return state_path().with_suffix(".duckdb")


def register_schema(*ddl: str) -> None:
    """Declare further tables (CREATE TABLE IF NOT EXISTS ...) beside those of `app.store.tables`: created now if
    the store is open, else when it is opened. The dashboard's own tables are all in `tables.TABLES`."""
    with _lock:
        new = [statement for statement in ddl if statement not in _schemas]
        _schemas.extend(new)
        is_open = _writer is not None
    if new and is_open:
        with writing() as con:
            for statement in new:
                con.execute(statement)


# --- opening -------------------------------------------------------------------------------------------

def _connect(path: Path) -> sqlite3.Connection:
    # isolation_level=None: transactions are begun and ended here, explicitly. check_same_thread=False:
    # Streamlit serves sessions from threads; each connection is still used by one thread at a time.
    con = sqlite3.connect(str(path), timeout=WAIT_SECONDS, isolation_level=None, check_same_thread=False)
    con.execute("PRAGMA synchronous = FULL")  # a committed edit survives a power cut, not only a crash
    return con


# What SQLite says when the store itself fails (as opposed to a mistake in a statement, which is a bug).
_STORE_FAILURES = ("locked", "busy", "readonly", "read-only", "full", "not a database", "malformed", "disk i/o",
                   "unable to open")


def _is_store_failure(error: BaseException) -> bool:
    return isinstance(error, OSError) or any(word in str(error).lower() for word in _STORE_FAILURES)


def _sentence_for(error: BaseException, path: Path, writing: bool) -> StoreUnavailable:
    """A failure of SQLite or the file system as sentences for the reader."""
    text = str(error).lower()
    code = getattr(error, "errno", None)
    nothing_saved = (N_("Nothing was saved."), {})
    if "locked" in text or "busy" in text:
        first = (N_("The dashboard's store is busy with another process and did not answer within {seconds} "
                    "seconds."), {"seconds": f"{WAIT_SECONDS:g}"})
        return StoreUnavailable(first, nothing_saved, (N_("Try again in a moment."), {})) if writing else \
            StoreUnavailable(first)
    if "readonly" in text or "read-only" in text or code in (errno.EACCES, errno.EPERM, errno.EROFS):
        first = (N_("The dashboard's store {file} cannot be written: the file or its folder is read-only."),
                 {"file": path.name})
    elif "full" in text or code in (errno.ENOSPC, errno.EDQUOT):
        first = (N_("The dashboard's store {file} cannot be written: the disk is full."), {"file": path.name})
    elif code in (errno.ENOTDIR, errno.EEXIST, errno.ENOENT, errno.EISDIR):
        first = (N_("The dashboard's store {file} cannot be opened: its folder {folder} cannot be made or is not a "
                    "folder."), {"file": path.name, "folder": str(path.parent.name)})
    elif "not a database" in text or "malformed" in text:
        first = (N_("The dashboard's store {file} is damaged and cannot be read."), {"file": path.name})
    else:
        first = (N_("The dashboard's store {file} cannot be used ({error})."),
                 {"file": path.name, "error": type(error).__name__})
    admin = (N_("Ask the administrator to check it (see “Backups” in the README)."), {})
    return StoreUnavailable(first, nothing_saved, admin) if writing else StoreUnavailable(first, admin)


def write_failure(error: OSError, path: Path) -> StoreUnavailable:
    """A failure to write a file kept beside the store (a submitted file) as sentences for the reader."""
    return _sentence_for(error, path, writing=True)


_TABLE_NAME = re.compile(r"CREATE TABLE IF NOT EXISTS (\w+)", re.IGNORECASE)


def _needs_preparing(con: sqlite3.Connection) -> bool:
    """Whether a table is missing or an old store waits to be moved: only then is the write lock taken."""
    declared = {match.group(1) for statement in _schemas for match in _TABLE_NAME.finditer(statement)}
    held = {name for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()}
    return bool(declared - held) or legacy_path().is_file()


def _prepare(path: Path) -> tuple[sqlite3.Connection, sqlite3.Connection]:
    """Create or migrate the store at `path`; returns (writer, probe) connections."""
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = _connect(path)
    try:
        # Opening an existing store takes no write lock, so a process starting during another's write does not
        # wait for it.
        if writer.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal" and \
                writer.execute("PRAGMA journal_mode = WAL").fetchone()[0].lower() != "wal":
            raise sqlite3.OperationalError("the store could not be put in WAL mode")
        if _needs_preparing(writer):
            writer.execute("BEGIN IMMEDIATE")
            try:
                for statement in _schemas:
                    writer.execute(statement)
                migrated = migrate.migrate_if_needed(writer, legacy_path())
                writer.execute("COMMIT")
            except BaseException:
                writer.execute("ROLLBACK")
                raise
            if migrated:
                migrate.keep_aside(legacy_path())
        probe = _connect(path)
    except BaseException:
        writer.close()
        raise
    return writer, probe


def _open_locked() -> Path:
    """Open the store at the configured path if not open yet; call with `_lock` held."""
    global _path, _writer, _probe, _failure
    path = state_path()
    if _path == str(path) and _writer is not None:
        return path
    _close_locked()
    if _failure is not None and _failure[1].path == str(path) \
            and time.monotonic() - _failure[0] < RETRY_AFTER_SECONDS:
        raise _failure[1]  # tried a moment ago: pages go on without the store rather than wait again
    try:
        _writer, _probe = _prepare(path)
    except StoreUnavailable as problem:
        problem.path = str(path)
        _failure = (time.monotonic(), problem)
        raise
    except (sqlite3.Error, OSError) as error:
        problem = _sentence_for(error, path, writing=False)
        problem.path = str(path)
        _failure = (time.monotonic(), problem)
        raise problem from error
    _failure = None
    _path = str(path)
    return path


def check_available() -> None:
    """Raise StoreUnavailable (sentences for the reader) unless the store can be opened now."""
    with _lock:
        _open_locked()


def version() -> tuple:
    """Changes whenever anything is committed to the store, by this process or another; caches are keyed on it.

    `(generation, data_version)`; the second is "unavailable" while the store cannot be opened (see `problem`).
    """
    with _lock:
        try:
            _open_locked()
            return _generation, _probe.execute("PRAGMA data_version").fetchone()[0]
        except StoreUnavailable:
            return _generation, "unavailable"
        except sqlite3.Error as error:
            _remember_failure(_sentence_for(error, state_path(), writing=False))
            return _generation, "unavailable"


def problem() -> StoreUnavailable | None:
    """Why the store could not be opened the last time it was tried (None if it could)."""
    with _lock:
        return _failure[1] if _failure is not None else None


def _remember_failure(problem_: StoreUnavailable) -> None:
    global _failure
    problem_.path = str(state_path())
    _failure = (time.monotonic(), problem_)
    _close_locked()


# --- reading and writing ---------------------------------------------------------------------------------

def _take_reader() -> sqlite3.Connection:
    with _lock:
        path = _open_locked()
        if _idle_readers:
            return _idle_readers.pop()
    return _connect(path)


def _give_back(con: sqlite3.Connection, path: str) -> None:
    with _lock:
        if _path == path and len(_idle_readers) < READERS_KEPT:
            _idle_readers.append(con)
            return
    con.close()


@contextmanager
def reading():
    """A connection on one consistent snapshot of the store, for the duration of the block."""
    con = _take_reader()
    path = str(state_path())
    try:
        con.execute("BEGIN")  # deferred: every statement of the block reads the same snapshot
    except sqlite3.Error as error:
        con.close()
        raise _sentence_for(error, Path(path), writing=False) from error
    try:
        yield con
    except sqlite3.Error as error:
        _end(con, "ROLLBACK")
        con.close()
        if _is_store_failure(error):
            raise _sentence_for(error, Path(path), writing=False) from error
        raise
    except BaseException:
        _end(con, "ROLLBACK")
        _give_back(con, path)
        raise
    else:
        _end(con, "COMMIT")
        _give_back(con, path)


def _end(con: sqlite3.Connection, statement: str) -> None:
    try:
        con.execute(statement)
    except sqlite3.Error:
        pass  # nothing was written in a read; the connection is reset when it is used again


@contextmanager
def writing():
    """A connection in a write transaction, one writer at a time across processes; committed if the block succeeds.

    Waits up to WAIT_SECONDS for other processes' writes; a store that cannot be written raises
    StoreUnavailable (and nothing of the block is kept). Errors raised by the block itself pass unchanged.
    """
    global _generation
    with _write_lock:
        with _lock:
            path = _open_locked()
            con = _writer
        try:
            con.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as error:
            raise _sentence_for(error, path, writing=True) from error
        try:
            yield con
            con.execute("COMMIT")
        except sqlite3.Error as error:
            _end(con, "ROLLBACK")
            if _is_store_failure(error):
                raise _sentence_for(error, path, writing=True) from error
            raise
        except BaseException:
            _end(con, "ROLLBACK")
            raise
        with _lock:
            _generation += 1


def frame(sql: str, params: dict | list | None = None) -> pd.DataFrame:
    with reading() as con:
        return query(con, sql, params or ())


@contextmanager
def empty_reading():
    """A connection on an empty store of the same tables, in memory: what the read side shows without the store."""
    con = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    try:
        for statement in _schemas:
            con.execute(statement)
        yield con
    finally:
        con.close()


def _close_locked(always: bool = False) -> None:
    global _writer, _probe, _path, _generation
    if _writer is None and not always:
        return  # nothing open: what was read is no staler than before
    for con in [_writer, _probe, *_idle_readers]:
        if con is not None:
            try:
                con.close()
            except sqlite3.Error:
                pass
    _idle_readers.clear()
    _writer = _probe = None
    _path = None
    _generation += 1  # the store may be replaced before it is opened again: what was read from it is stale


def close() -> None:
    """Close every connection (tests, backups being restored); the next use opens the store again."""
    global _failure
    with _write_lock, _lock:
        _close_locked(always=True)
        _failure = None
