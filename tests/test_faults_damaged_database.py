"""A database file damaged in ways the start-up check cannot see at a glance.

`tests/test_database_unavailable.py` covers a missing file and one that is not
a database at all. A real build file can also be cut short (a copy interrupted,
a full disk) or have a damaged block in the middle: DuckDB then opens it and
answers some tables, and fails only when a page reads the damaged part. The
reader must still get the sentence that says the database is damaged and how
to rebuild it, not "this view could not be drawn".
"""
from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import PAGES, PROJECT_ROOT, app_reading

DAMAGED_TABLE = "migration_flows"

PAGE_READING_FLOWS = """
import streamlit as st
from app import cached, ui


def flows_by_period(cur):
    return cur.execute("SELECT period_start, sum(persons) AS persons FROM migration_flows GROUP BY 1").df()


def page():
    st.title("Flows")
    st.dataframe(cached.load(flows_by_period))


ui.run_page(st.navigation([st.Page(page, title="Flows")]))
"""


def truncate(source: Path, target: Path, table: str) -> Path:
    """The build file cut short where `table` is lost (a copy interrupted); the first tables survive."""
    data = source.read_bytes()
    for fraction in (0.5, 0.4, 0.3, 0.2, 0.1):
        target.write_bytes(data[: int(len(data) * fraction)])
        if not readable(target, table):
            return target
    pytest.fail(f"{table} still reads from a tenth of the file; the test needs another way to spoil it")


def damage_block_of(source: Path, target: Path, table: str) -> Path:
    """A copy of the build with garbage in a data block of `table` (its checksum no longer matches)."""
    data = bytearray(source.read_bytes())
    block_size = 262_144
    first_block = 3 * 4096  # DuckDB's file header and its two database headers
    for block in range((len(data) - first_block) // block_size):
        candidate = bytearray(data)
        start = first_block + block * block_size + 8  # after the block's checksum
        candidate[start:start + 4096] = bytes(b ^ 0xFF for b in candidate[start:start + 4096])
        target.write_bytes(candidate)
        if readable(target, "countries") and not readable(target, table):
            return target
    pytest.fail(f"no block of {table} could be damaged alone; the test needs another way to spoil it")


def readable(path: Path, table: str) -> bool:
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            con.execute(f"SELECT * FROM {table}").fetchall()
        return True
    except duckdb.Error:
        return False


def outdated(source: Path, target: Path) -> Path:
    """A build as an earlier version of the ETL made it: without the derived table added since."""
    target.write_bytes(source.read_bytes())
    with duckdb.connect(str(target)) as con:
        con.execute("DROP TABLE country_years")
        con.execute("CHECKPOINT")
    return target


@pytest.fixture(params=["truncated", "damaged-block"])
def damaged_db_env(request, built_db, tmp_path, monkeypatch):
    source = Path(os.path.realpath(built_db))
    target = tmp_path / "current.duckdb"
    if request.param == "truncated":
        truncate(source, target, DAMAGED_TABLE)
    else:
        damage_block_of(source, target, DAMAGED_TABLE)
    assert not readable(target, DAMAGED_TABLE)
    with app_reading(target, tmp_path, monkeypatch):
        yield request.param


def assert_says_database_is_damaged(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    messages = " ".join(e.value for e in at.error)
    assert "cannot be read" in messages and "make rebuild" in messages, messages
    assert "could not be drawn" not in messages


def test_a_page_reading_the_damaged_part_says_the_database_is_damaged(damaged_db_env):
    at = AppTest.from_string(PAGE_READING_FLOWS, default_timeout=60)
    at.run()
    assert_says_database_is_damaged(at)


def every_page():
    """Each page of the navigation through dashboard.py, with no exception: (page, its run, its error text)."""
    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=60)
    for page in PAGES:
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, (page, [e.value for e in at.exception])
        yield page, at, " ".join(e.value for e in at.error)


def test_damage_found_at_start_is_reported_on_every_page(damaged_db_env):
    """A file cut short is recognised when it is opened; a damaged block only when it is read."""
    for page, at, messages in every_page():
        assert "could not be drawn" not in messages, (page, messages)
        if damaged_db_env == "truncated":
            assert_says_database_is_damaged(at)


def test_a_build_by_an_earlier_version_asks_for_a_rebuild_on_every_page(built_db, tmp_path, monkeypatch):
    target = outdated(Path(os.path.realpath(built_db)), tmp_path / "current.duckdb")
    with app_reading(target, tmp_path, monkeypatch):
        for page, _at, messages in every_page():
            assert "earlier version" in messages and "country_years" in messages, (page, messages)
            assert "make rebuild" in messages, (page, messages)
