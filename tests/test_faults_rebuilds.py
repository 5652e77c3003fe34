"""Builds published in quick succession while a query is still running on an older one.

The dashboard keeps a connection to the current build and the one before it
(`app.db`); older ones are closed. A query that holds its cursor while two newer
builds are published and read (a long download, a many-statement query during
a burst of rebuilds) must still finish on the build it started on, and the
connection it used must be closed once it is done, not leak.
"""
from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

from etl.build import publish

STOCK_ROWS = "SELECT count(*) FROM migrant_stock"


@pytest.fixture
def builds(built_db, tmp_path, monkeypatch):
    """publish_copy() publishes a copy of the real build as the next build at OTS_DB_PATH."""
    from app import db
    link = tmp_path / "current.duckdb"
    (tmp_path / "builds").mkdir()
    source = Path(os.path.realpath(built_db))
    published = []

    def publish_copy() -> Path:
        target = tmp_path / "builds" / f"build-{len(published):04d}.duckdb"
        shutil.copyfile(source, target)
        publish(link, target)
        published.append(target)
        return target

    monkeypatch.setenv("OTS_DB_PATH", str(link))
    db.close_all()
    publish_copy()
    yield publish_copy
    db.close_all()


def read_current_build() -> int:
    from app import db
    with db.cursor() as cur:
        return cur.execute(STOCK_ROWS).fetchone()[0]


def test_a_query_outlives_two_newer_builds(builds):
    from app import db
    with db.cursor() as held:
        expected = held.execute(STOCK_ROWS).fetchone()[0]
        for _ in range(2):
            builds()
            read_current_build()  # another session opens the newest build
        assert held.execute(STOCK_ROWS).fetchone()[0] == expected  # still answering on its own build
    assert read_current_build() == expected


def test_connections_of_old_builds_are_closed_once_their_queries_end(builds):
    from app import db
    with db.cursor():
        for _ in range(4):
            builds()
            read_current_build()
        assert db.open_connections() == db.CONNECTIONS_KEPT + 1  # the held one waits for its query
    assert db.open_connections() == db.CONNECTIONS_KEPT


def test_readers_during_a_burst_of_builds(builds):
    """Threads querying (each holding its cursor for a few statements) while builds follow each other."""
    errors, stop = [], threading.Event()

    def reader() -> None:
        from app import db
        while not stop.is_set():
            try:
                with db.cursor() as cur:
                    for _ in range(5):
                        cur.execute(STOCK_ROWS).fetchone()
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(f"{type(error).__name__}: {error}")

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        for _ in range(8):
            builds()
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    assert errors == []
