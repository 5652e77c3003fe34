"""Moving a store kept by an earlier version of the dashboard (DuckDB, `app_state.duckdb`) into SQLite.

Runs once, when the SQLite store is first opened beside an old DuckDB file
(`app.store.connection._prepare`), inside the write transaction that creates the store, so
two processes starting at once cannot both copy it: the second waits, then
finds the copy recorded in `store_migrations` and does nothing. Every table is
copied with every row (a status this version names differently is renamed on the way,
see RENAMED_VALUES); identifiers are kept as they were, and a sequence
(the ids of recorded statuses) goes on from where DuckDB left it, so no id is
ever given twice. The old file is then renamed (`….duckdb.migrated-<UTC time>`),
never deleted.

Nothing here is shown to readers except through `StoreUnavailable`.
"""
from __future__ import annotations

import re
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from app.i18n import N_
from app.store.common import StoreUnavailable, sql_value
from app.store.tables import STORE_MIGRATIONS
from etl.schema import RETIRED_STATUSES

NAME = "duckdb-to-sqlite"

# DuckDB type (a word it contains, first match) -> the declared type of the SQLite column.
_SQLITE_TYPES = (("CHAR", "VARCHAR"), ("TEXT", "VARCHAR"), ("TIMESTAMP", "TIMESTAMP"), ("DATE", "DATE"),
                 ("INTERVAL", "VARCHAR"), ("INT", "INTEGER"), ("DOUBLE", "DOUBLE"), ("FLOAT", "DOUBLE"),
                 ("REAL", "DOUBLE"), ("DECIMAL", "DOUBLE"), ("NUMERIC", "DOUBLE"), ("BOOL", "INTEGER"))
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _sqlite_type(duckdb_type: str) -> str:
    upper = duckdb_type.upper()
    return next((mapped for word, mapped in _SQLITE_TYPES if word in upper), "VARCHAR")


def _sqlite_columns(con: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in con.execute(f"PRAGMA table_info({table})").fetchall()]


# Values a DuckDB store may hold that this version names differently: table -> column -> old -> new. The
# statuses' vocabulary changed with the SQLite store ("no information" became "not recorded"), and the new
# table's CHECK refuses the old word.
RENAMED_VALUES = {"measure_status_edits": {"status": RETIRED_STATUSES}}


def migrate_if_needed(con: sqlite3.Connection, legacy: Path) -> bool:
    """Copy the DuckDB store at `legacy` into the store open on `con` (inside its write transaction).

    True if there is an old file to put aside (copied now or by an earlier start); False if there is none.
    """
    con.execute(STORE_MIGRATIONS.ddl())
    if not legacy.is_file():
        return False
    if con.execute("SELECT 1 FROM store_migrations WHERE name = ?", [NAME]).fetchone():
        return True  # copied by another process that had not yet renamed the old file
    import duckdb
    try:
        old = duckdb.connect(str(legacy), read_only=True)
    except duckdb.Error as error:
        if "lock" in str(error).lower():
            raise StoreUnavailable(
                (N_("The dashboard's store is being moved to its new format, but the old store {file} is still "
                    "open in another process (an older dashboard?)."), {"file": legacy.name}),
                (N_("Stop that process, then reload this page."), {})) from None
        raise StoreUnavailable((N_("The old store {file} cannot be read ({error}), so it could not be moved to "
                                   "the new format."), {"file": legacy.name, "error": type(error).__name__})) from None
    tables = rows = 0
    try:
        names = [name for (name,) in old.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
            "AND table_type = 'BASE TABLE' ORDER BY table_name").fetchall() if _IDENTIFIER.fullmatch(name)]
        for table in names:
            described = old.execute(
                "SELECT column_name, data_type, column_default FROM information_schema.columns "
                "WHERE table_schema = 'main' AND table_name = ? ORDER BY ordinal_position", [table]).fetchall()
            columns = [name for name, _type, _default in described]
            existing = _sqlite_columns(con, table)
            if not existing:  # a table no feature of this version declares: kept all the same
                con.execute(f"CREATE TABLE {table} ({', '.join(f'{n} {_sqlite_type(t)}' for n, t, _ in described)})")
            else:
                for name, kind, _default in described:
                    if name not in existing:
                        con.execute(f"ALTER TABLE {table} ADD COLUMN {name} {_sqlite_type(kind)}")
            renamed = RENAMED_VALUES.get(table, {})
            copied = [tuple(sql_value(renamed.get(name, {}).get(value, value)) for name, value in zip(columns, row))
                      for row in old.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall()]
            con.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                            copied)
            held = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            if held != len(copied):
                raise StoreUnavailable((N_("The old store {file} could not be copied whole (table {table}: {old} "
                                           "rows, {new} copied); nothing was changed."),
                                        {"file": legacy.name, "table": table, "old": len(copied), "new": held}))
            _continue_sequences(old, con, table, described)
            tables, rows = tables + 1, rows + len(copied)
    finally:
        old.close()
    con.execute("INSERT INTO store_migrations VALUES (?, ?, ?, ?, ?)",
                [NAME, legacy.name, tables, rows, sql_value(datetime.now(timezone.utc).replace(tzinfo=None))])
    return True


def _continue_sequences(old, con: sqlite3.Connection, table: str, described: list[tuple]) -> None:
    """Make SQLite's next id follow DuckDB's sequence (which may be ahead of the largest id kept)."""
    for _name, _kind, default in described:
        found = re.fullmatch(r"nextval\('([^']+)'\)", str(default or ""))
        if not found:
            continue
        last = old.execute("SELECT last_value FROM duckdb_sequences() WHERE sequence_name = ?",
                           [found.group(1)]).fetchone()
        if not last or last[0] is None:
            continue
        if con.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").fetchone() is None:
            continue  # the table has no AUTOINCREMENT column here
        held = con.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", [table]).fetchone()
        if held is None:
            con.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", [table, int(last[0])])
        elif held[0] < last[0]:
            con.execute("UPDATE sqlite_sequence SET seq = ? WHERE name = ?", [int(last[0]), table])


def keep_aside(legacy: Path) -> Path | None:
    """Rename the old DuckDB file (and its write-ahead log) once copied; returns the new name."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    target = legacy.with_name(f"{legacy.name}.migrated-{stamp}")
    try:
        legacy.rename(target)
    except FileNotFoundError:
        return None  # another process put it aside first
    wal = legacy.with_name(legacy.name + ".wal")
    if wal.exists():
        wal.rename(target.with_name(target.name + ".wal"))
    return target
