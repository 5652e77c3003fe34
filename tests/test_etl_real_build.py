"""The real database, built from data/raw: figures the publishers state, and counts the raw files imply.

Uses the session's real build (`built_db` in conftest). Row counts and checksums
are computed here from the raw files themselves, never written down.
"""
from __future__ import annotations

import csv
import hashlib
import os

import duckdb
import pytest

from etl.build import DEFAULT_RAW_DIR
from etl.catalog import CATALOG_TABLES
from etl.derived import TABLES as DERIVED_TABLES
from etl.sources import all_steps

SEXES = 3  # total, female, male: one table row each per raw row
# Raw file -> rows it gives its table, per raw row.
ROWS_PER_RAW_ROW = {
    "un_desa_ims2020_bilateral_stock_ots.csv": SEXES,
    "un_desa_ims2020_country_totals.csv": SEXES,
    "abel_cohen_flows_da_pb_closed_ots.csv": SEXES,
}


@pytest.fixture(scope="module")
def con(built_db):
    with duckdb.connect(os.path.realpath(built_db), read_only=True) as connection:
        yield connection


def raw_rows(filename: str) -> int:
    with (DEFAULT_RAW_DIR / filename).open(encoding="utf-8-sig", newline="") as file:
        return sum(1 for _ in csv.DictReader(file))


def one(con, query: str, *params):
    [(value,)] = con.execute(query, list(params)).fetchall()
    return value


@pytest.mark.parametrize("iso3, immigrants", [("RUS", 11_636_911), ("TUR", 6_052_652)])
def test_un_desa_immigrant_stock_2020(con, iso3, immigrants):
    assert one(con, "SELECT immigrants FROM migrant_stock_totals WHERE year = 2020 AND iso3 = ? AND sex = 'total'",
               iso3) == immigrants


def test_the_sexes_add_up_to_the_un_total(con):
    assert one(con, """
        SELECT sum(immigrants) FILTER (sex = 'female') + sum(immigrants) FILTER (sex = 'male')
        FROM migrant_stock_totals WHERE year = 2020 AND iso3 = 'RUS'""") == 11_636_911


def test_turkiye_is_named_as_the_organisation_names_it(con):
    assert con.execute("SELECT name_en, ots_status FROM countries WHERE iso3 = 'TUR'").fetchall() == [
        ("Türkiye", "member")]


def test_kyrgyz_remittances_2020_are_about_31_percent_of_gdp(con):
    share, received, gdp = con.execute(
        "SELECT remittances_pct_gdp, remittances_received_usd, gdp_usd FROM country_indicators "
        "WHERE iso3 = 'KGZ' AND year = 2020").fetchall()[0]
    assert round(share, 1) == 31.1
    assert round(100 * received / gdp, 1) == 31.1


def test_each_table_holds_what_its_raw_files_imply(con):
    expected: dict[str, int] = {}
    for step in all_steps():
        rows = raw_rows(step.raw.filename) * ROWS_PER_RAW_ROW.get(step.raw.filename, 1)
        expected[step.table.name] = expected.get(step.table.name, 0) + rows
    actual = {name: one(con, f"SELECT count(*) FROM {name}") for name in expected}
    assert actual == expected
    catalogued = dict(con.execute("SELECT table_name, row_count FROM sources").fetchall())
    assert {name: catalogued[name] for name in expected} == expected


def test_every_country_code_in_every_table_is_in_countries(con):
    columns = con.execute("""
        SELECT table_name, column_name FROM information_schema.columns
        WHERE column_name LIKE '%iso3' AND table_name <> 'countries' ORDER BY ALL""").fetchall()
    assert len(columns) >= 10
    unknown = {}
    for table, column in columns:
        codes = [code for (code,) in con.execute(
            f"SELECT DISTINCT {column} FROM {table} WHERE {column} IS NOT NULL "
            f"AND {column} NOT IN (SELECT iso3 FROM countries)").fetchall()]
        if codes:
            unknown[f"{table}.{column}"] = codes
    assert unknown == {}


def test_every_reference_the_dictionary_declares_holds(con):
    rules = con.execute("SELECT table_name, column_name, rule FROM table_columns WHERE rule LIKE '%in %(%)'"
                        ).fetchall()
    assert ("measures", "meeting_id", "in meetings(meeting_id)") in rules
    for table, column, rule in rules:
        target = rule.rsplit("in ", 1)[1]
        target_table, target_column = target.rstrip(")").split("(")
        assert one(con, f"SELECT count(*) FROM {table} WHERE {column} IS NOT NULL AND {column} NOT IN "
                        f"(SELECT {target_column} FROM {target_table})") == 0, f"{table}.{column} {rule}"


def test_primary_keys_hold_in_every_table(con):
    for step in all_steps():
        key = ", ".join(step.table.primary_key)
        if key:
            assert one(con, f"SELECT count(*) FROM (SELECT {key} FROM {step.table.name} GROUP BY ALL "
                            "HAVING count(*) > 1)") == 0, step.table.name


def test_sources_and_the_dictionary_cover_every_table_and_column(con):
    tables = {name for (name,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert tables == ({step.table.name for step in all_steps()} | {t.name for t in CATALOG_TABLES}
                      | {t.name for t in DERIVED_TABLES})
    assert {name for (name,) in con.execute("SELECT table_name FROM sources").fetchall()} == tables
    described = set(con.execute("SELECT table_name, column_name FROM table_columns").fetchall())
    actual = set(con.execute("SELECT table_name, column_name FROM information_schema.columns").fetchall())
    assert described == actual
    assert one(con, "SELECT count(*) FROM sources WHERE publisher IS NULL OR dataset IS NULL") == 0


def test_the_run_is_recorded_with_each_raw_file_and_its_checksum(con):
    [(run_id, status, started, finished)] = con.execute(
        "SELECT run_id, status, started_at, finished_at FROM etl_runs").fetchall()
    assert status == "succeeded" and finished >= started
    recorded = {file: (sha, rows, table) for file, sha, rows, table in con.execute(
        "SELECT file, sha256, rows, table_name FROM etl_run_files WHERE run_id = ?", [run_id]).fetchall()}
    steps = {step.raw.filename: step for step in all_steps()}
    assert set(recorded) == set(steps)
    for filename, (sha, rows, table) in recorded.items():
        assert sha == hashlib.sha256((DEFAULT_RAW_DIR / filename).read_bytes()).hexdigest(), filename
        assert rows == raw_rows(filename) * ROWS_PER_RAW_ROW.get(filename, 1), filename
        assert table == steps[filename].table.name
