"""Read-only access to the published database, safe for Streamlit's threads and for rebuilds.

The published path is a symlink to the current build (see `etl.build`). We
resolve it on every query and keep one read-only connection per build file, so
a new build is picked up without a restart while queries already running on the
previous build finish there. A DuckDB connection is not thread-safe: every query
gets its own `.cursor()`.
"""
from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from pathlib import Path

import duckdb

from app.i18n import N_

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DB_PATH_ENV = "OTS_DB_PATH"
CONNECTIONS_KEPT = 2  # the current build and the one before it, for queries still running


class DatabaseUnavailable(Exception):
    """The database is missing or unreadable: sentences for the user, each an English template and its values.

    `str()` gives the English (for logs); `sentences_in(translate)` the reader's language, where it is shown.
    """

    def __init__(self, *sentences: tuple[str, dict]):
        self.sentences = sentences
        super().__init__(" ".join(template.format(**values) for template, values in sentences))

    def sentences_in(self, translate) -> str:
        return " ".join(translate(template).format(**values) for template, values in self.sentences)


def database_path() -> Path:
    return Path(os.environ.get(DB_PATH_ENV, PROJECT_ROOT / "data" / "current.duckdb"))


REBUILD_HINT = (N_("Build it with `make database` (or `python -m etl build`), then reload this page."), {})
# `make database` builds only when no database exists; a damaged or outdated one needs a rebuild.
REPLACE_HINT = (N_("Rebuild it with `make rebuild` (or `python -m etl build`), then reload this page."), {})

_lock = threading.Lock()
_connections: dict[str, duckdb.DuckDBPyConnection] = {}  # newest last
# Cursors open per build file, and connections no longer kept but still in use: closing a connection
# makes its cursors fail ("Connection already closed"), so an old one is closed when its last query ends.
_cursors_open: dict[str, int] = {}
_retired: dict[str, duckdb.DuckDBPyConnection] = {}


def current_build_file() -> Path:
    path = database_path()
    real = Path(os.path.realpath(path))
    if not real.is_file():
        if path.is_symlink():  # published once, then its file was deleted or moved: not "never built"
            raise DatabaseUnavailable(
                (N_("The published database {file} is missing: {link} points to a file that was deleted or moved."),
                 {"file": real.name, "link": path.name}), REPLACE_HINT)
        raise DatabaseUnavailable((N_("The database has not been built yet."), {}), REBUILD_HINT)
    return real


def build_id() -> str:
    """Names the build the dashboard is reading; caches are keyed on it."""
    real = current_build_file()
    return f"{real.name}:{real.stat().st_mtime_ns}"


def _damaged(real: Path, error: BaseException) -> DatabaseUnavailable:
    return DatabaseUnavailable((N_("The database file {file} cannot be read ({error}); it may be damaged."),
                                {"file": real.name, "error": type(error).__name__}), REPLACE_HINT)


class _Outdated(Exception):
    pass


def expected_tables() -> set[str]:
    """Every table a build of this version of the ETL holds (the queries may read any of them)."""
    from etl.catalog import CATALOG_TABLES
    from etl.derived import TABLES as DERIVED_TABLES
    from etl.sources import all_steps
    return ({step.table.name for step in all_steps()} | {t.name for t in DERIVED_TABLES}
            | {t.name for t in CATALOG_TABLES})


def _is_damage(real: Path, error: duckdb.Error) -> bool:
    """A read failure of the build file itself (cut short, or a block whose checksum fails)."""
    message = str(error)
    return ((isinstance(error, duckdb.IOException) and str(real) in message)
            or message.startswith("Corrupt database file"))


def _open_checked(real: Path) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect(str(real), read_only=True)
    try:
        connection.execute("SELECT count(*) FROM countries").fetchone()
        # A file cut short (an interrupted copy, a full disk) still opens and answers the first
        # tables; it is smaller than the blocks its header lists.
        expected = connection.execute("SELECT total_blocks * block_size FROM pragma_database_size()").fetchone()[0]
        if real.stat().st_size < expected:
            raise duckdb.IOException(f"{real.name} is {real.stat().st_size} bytes, its header lists {expected}")
        # A build made by an earlier version of the ETL lacks tables added since (queries would fail on them).
        held = {name for (name,) in connection.execute("SELECT table_name FROM information_schema.tables")
                .fetchall()}
        missing = sorted(expected_tables() - held)
        if missing:
            raise _Outdated(", ".join(missing))
    except BaseException:
        connection.close()
        raise
    return connection


def _connection_locked(real: Path) -> duckdb.DuckDBPyConnection:
    """The connection to a build file, opened if need be; call with `_lock` held."""
    key = str(real)
    connection = _connections.get(key) or _retired.pop(key, None)
    if connection is None:
        try:
            connection = _open_checked(real)
        except duckdb.Error as error:
            raise _damaged(real, error) from None
        except _Outdated as missing:
            raise DatabaseUnavailable(
                (N_("The database file {file} was built by an earlier version of the dashboard and lacks {missing}."),
                 {"file": real.name, "missing": str(missing)}), REPLACE_HINT) from None
    _connections[key] = connection
    while len(_connections) > CONNECTIONS_KEPT:
        oldest = next(iter(_connections))
        retiring = _connections.pop(oldest)
        if _cursors_open.get(oldest):
            _retired[oldest] = retiring
        else:
            retiring.close()
    return connection


def _connection(real: Path) -> duckdb.DuckDBPyConnection:
    with _lock:
        return _connection_locked(real)


def _release(key: str) -> None:
    with _lock:
        left = _cursors_open.pop(key, 0) - 1  # close_all() may have forgotten it meanwhile
        if left > 0:
            _cursors_open[key] = left
        elif key in _retired:
            _retired.pop(key).close()


def check_available() -> None:
    """Raise DatabaseUnavailable (with a sentence for the user) unless the current build can be read."""
    _connection(current_build_file())


def open_connections() -> int:
    """How many build files this process holds open (kept ones and old ones still finishing a query)."""
    with _lock:
        return len(_connections) + len(_retired)


@contextmanager
def cursor():
    """A cursor on the current build; closed when the block ends.

    A damaged part of the file found by a query in the block becomes DatabaseUnavailable (a
    sentence saying how to rebuild), not an error of the view that happened to read it.
    """
    real = current_build_file()
    key = str(real)
    with _lock:
        cur = _connection_locked(real).cursor()
        _cursors_open[key] = _cursors_open.get(key, 0) + 1
    try:
        yield cur
    except duckdb.Error as error:
        if _is_damage(real, error):
            raise _damaged(real, error) from error
        raise
    finally:
        cur.close()
        _release(key)


def close_all() -> None:
    """Forget every connection (tests, and after the database path changes)."""
    with _lock:
        for connections in (_connections, _retired):
            while connections:
                connections.popitem()[1].close()
        _cursors_open.clear()
