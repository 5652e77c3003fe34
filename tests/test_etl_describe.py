"""`python -m etl describe` prints every table and every column of the database, with its source."""
from __future__ import annotations

import os
import re
import subprocess
import sys

import duckdb
import pytest

import etl.__main__ as etl_main
from tests.conftest import PROJECT_ROOT


@pytest.fixture(scope="module")
def database_columns(built_db) -> dict[str, list[str]]:
    """Every table of the real build and its columns, as DuckDB lists them."""
    with duckdb.connect(os.path.realpath(built_db), read_only=True) as con:
        rows = con.execute("SELECT table_name, column_name FROM information_schema.columns "
                           "ORDER BY table_name, ordinal_position").fetchall()
    tables: dict[str, list[str]] = {}
    for table, column in rows:
        tables.setdefault(table, []).append(column)
    return tables


def describe(capsys, *args) -> str:
    assert etl_main.main(["describe", *args]) == 0
    return capsys.readouterr().out


def sections(text: str, heading: re.Pattern) -> dict[str, str]:
    parts = heading.split(text)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def test_text_lists_every_table_and_every_column(capsys, database_columns):
    text = describe(capsys)
    described = sections(text, re.compile(r"^(\w+): ", re.MULTILINE))
    assert set(described) == set(database_columns)
    for table, columns in database_columns.items():
        listed = re.findall(r"^  [* ] (\w+) +[A-Z][A-Z0-9]+ ", described[table], re.MULTILINE)
        assert listed == columns, table
        assert "  source: " in described[table]


def test_markdown_lists_every_table_and_every_column_with_source_and_type(capsys, database_columns):
    text = describe(capsys, "--format", "markdown")
    described = sections(text, re.compile(r"^## `(\w+)`$", re.MULTILINE))
    assert set(described) == set(database_columns)
    for table, columns in database_columns.items():
        assert re.findall(r"^\| `(\w+)` \|", described[table], re.MULTILINE) == columns, table
        assert "*Source:* " in described[table]


def test_the_world_matrix_keys_are_described_as_checked_by_the_build(capsys):
    text = describe(capsys, "--format", "markdown")
    assert ("Primary key: edition, year, origin_iso3, destination_iso3, sex (checked by the build after loading, "
            "not a DuckDB constraint)") in text
    assert "Primary key: iso3\n" in text


def test_describe_needs_no_database(tmp_path):
    done = subprocess.run([sys.executable, "-m", "etl", "describe"], cwd=tmp_path, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("countries: ")


def test_the_dictionary_lists_every_edition_with_its_release_and_the_latest(capsys):
    text = describe(capsys)
    assert "ims2024     latest    International Migrant Stock 2024" in text
    assert "ims2020     previous  International Migrant Stock 2020" in text
    assert "released not shown; as published by 2025-02-07" in text  # the WDI copy without a release date
    markdown = describe(capsys, "--format", "markdown")
    assert "| un_desa_ims | `ims2024` | International Migrant Stock 2024 | 2025-01 | migrant_stock_totals, " \
           "migrant_stock | latest |" in markdown
