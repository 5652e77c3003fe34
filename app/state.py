"""The app's own store: what delegates and the Secretariat record in the dashboard.

Measure statuses recorded by editors, meetings they add and member-state
submissions live here, in a separate DuckDB file that the ETL build never
touches, so a rebuild cannot lose them. The read side merges them with the
build (see `app.cached`). One read-write connection per process; writes are
serialised by a lock and run in a transaction.
"""
from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

from app.db import PROJECT_ROOT

STATE_PATH_ENV = "OTS_STATE_PATH"

_lock = threading.RLock()
_connection: duckdb.DuckDBPyConnection | None = None
_connection_path: str | None = None
_schemas: list[str] = []  # DDL registered by the features that keep state here
_migrations: list = []  # functions(connection) bringing an older store up to date, run after the DDL
_version = 0


def state_path() -> Path:
    return Path(os.environ.get(STATE_PATH_ENV, PROJECT_ROOT / "data" / "state" / "app_state.duckdb"))


def register_schema(*ddl: str) -> None:
    """Declare tables a feature keeps here (CREATE TABLE IF NOT EXISTS ...); applied on first use."""
    with _lock:
        for statement in ddl:
            if statement not in _schemas:
                _schemas.append(statement)
                if _connection is not None:
                    _connection.execute(statement)


def register_migration(migration) -> None:
    """Declare a function(connection) that upgrades a store written by an older version; run after the DDL
    each time the store is opened, so it must do nothing once done."""
    with _lock:
        if migration not in _migrations:
            _migrations.append(migration)
            if _connection is not None:
                migration(_connection)


def _open() -> duckdb.DuckDBPyConnection:
    global _connection, _connection_path
    path = state_path()
    with _lock:
        if _connection is None or _connection_path != str(path):
            if _connection is not None:
                _connection.close()
            path.parent.mkdir(parents=True, exist_ok=True)
            _connection = duckdb.connect(str(path))
            _connection_path = str(path)
            for statement in _schemas:
                _connection.execute(statement)
            for migration in _migrations:
                migration(_connection)
        return _connection


def version() -> int:
    """Bumped by every write in this process; read-side caches include it in their key."""
    return _version


@contextmanager
def reading():
    cur = _open().cursor()
    try:
        yield cur
    finally:
        cur.close()


@contextmanager
def writing():
    """A cursor in a transaction, one writer at a time; committed if the block succeeds."""
    global _version
    with _lock:
        cur = _open().cursor()
        try:
            cur.execute("BEGIN TRANSACTION")
            yield cur
            cur.execute("COMMIT")
            _version += 1
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        finally:
            cur.close()


def frame(sql: str, params: dict | list | None = None) -> pd.DataFrame:
    with reading() as cur:
        return cur.execute(sql, params or []).df()


def close() -> None:
    global _connection, _connection_path, _version
    with _lock:
        if _connection is not None:
            _connection.close()
        _connection = None
        _connection_path = None
        _version += 1  # the store may be replaced before it is opened again: what was read from it is stale
