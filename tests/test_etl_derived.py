"""The build's derived summary `country_years` agrees with the bilateral tables it summarises."""
from __future__ import annotations

import os

import duckdb
import pytest

from etl.derived import BILATERAL


@pytest.fixture(scope="module")
def con(built_db):
    with duckdb.connect(os.path.realpath(built_db), read_only=True) as connection:
        yield connection


@pytest.mark.parametrize("table", list(BILATERAL))
def test_country_years_counts_rows_with_the_country_at_either_end(con, table):
    one_end, other_end, first, last = BILATERAL[table]
    has_edition = "edition" in {c for (c,) in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = $table", {"table": table}).fetchall()}
    edition = "t.edition" if has_edition else \
        f"(SELECT edition FROM table_editions WHERE table_name = '{table}')"
    expected = con.execute(f"""
        SELECT {edition}, c.iso3, t.{first}, t.{last}, count(*) FROM {table} t
        JOIN countries c ON c.iso3 IN (t.{one_end}, t.{other_end})
        GROUP BY ALL ORDER BY ALL""").fetchall()
    derived = con.execute("""
        SELECT edition, iso3, first_year, last_year, rows FROM country_years WHERE dataset = $table
        ORDER BY ALL""", {"table": table}).fetchall()
    assert derived == expected
    assert len(derived) > 0


def test_country_years_tells_the_editions_apart(con):
    editions = dict(con.execute("""SELECT edition, count(DISTINCT iso3) FROM country_years
                                   WHERE dataset = 'migrant_stock' GROUP BY 1""").fetchall())
    # the 2020 copy holds pairs with an OTS state; the 2024 edition the whole world
    assert set(editions) == {"ims2020", "ims2024"} and editions["ims2024"] > editions["ims2020"]


def test_country_years_is_in_the_data_dictionary(con):
    assert con.execute("SELECT row_count FROM sources WHERE table_name = 'country_years'").fetchone()[0] == \
        con.execute("SELECT count(*) FROM country_years").fetchone()[0]


def test_coverage_years_holds_each_year_of_the_ots_states_in_every_data_set(con):
    from etl.derived import COVERAGE_DATASETS
    held = {dataset: count for dataset, count in con.execute(
        "SELECT dataset, count(*) FROM coverage_years GROUP BY 1").fetchall()}
    assert set(held) == set(COVERAGE_DATASETS)
    states = {code for (code,) in con.execute("SELECT DISTINCT iso3 FROM coverage_years").fetchall()}
    assert states == {code for (code,) in con.execute(
        "SELECT iso3 FROM countries WHERE ots_status IS NOT NULL").fetchall()}
    # the same years as the tables themselves: Kazakhstan's immigrants in each edition, its remittances, a topic
    for dataset, sql in (
            ("migrant_stock_totals",
             "SELECT edition, year FROM migrant_stock_totals WHERE iso3 = 'KAZ' AND sex = 'total'"),
            ("remittance_totals", "SELECT edition, year FROM remittance_totals WHERE iso3 = 'KAZ'"),
            ("labour", """SELECT NULL, year(coalesce(period_end, period_start, source_date)) FROM reported_figures
                          WHERE topic = 'labour' AND 'KAZ' IN (nationality_iso3, location_iso3)"""),
            ("migrant_stock", "SELECT edition, first_year FROM country_years WHERE dataset = 'migrant_stock' "
                              "AND iso3 = 'KAZ'")):
        expected = sorted(set(con.execute(sql).fetchall()), key=str)
        derived = sorted(con.execute("SELECT edition, year FROM coverage_years WHERE dataset = $d AND iso3 = 'KAZ'",
                                     {"d": dataset}).fetchall(), key=str)
        assert derived == expected, dataset
