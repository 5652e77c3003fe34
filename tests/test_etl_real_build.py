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
    "un_desa_ims2024_bilateral_stock.csv": 1.5,  # women and men per pair, plus their sum
}
STOCK_2024 = "un_desa_ims2024_bilateral_stock.csv"
KNOMAD_2021 = "knomad_bilateral_remittances_2021.csv"


def summed_rows(filename: str) -> int:
    """Rows of the totals a build sums from a matrix file: one per country (and sex) and year it names."""
    with (DEFAULT_RAW_DIR / filename).open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    if filename == STOCK_2024:
        places = {(r["year"], r["destination_iso3"]) for r in rows}
        places |= {(r["year"], r["origin_iso3"]) for r in rows if r["origin_iso3"] != "OOO"}
        return SEXES * len(places)
    return len({(r["year"], r[end]) for r in rows for end in ("sending_iso3", "receiving_iso3")})


def rows_from(step) -> int:
    """Rows a step writes: the raw rows times what each becomes, or, for totals summed from a matrix, the
    countries and years the matrix names."""
    if step.table.name in ("migrant_stock_totals", "remittance_totals") and step.raw.filename in (STOCK_2024,
                                                                                                 KNOMAD_2021):
        return summed_rows(step.raw.filename)
    return int(raw_rows(step.raw.filename) * ROWS_PER_RAW_ROW.get(step.raw.filename, 1))


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


def totals(con, edition: str, year: int, iso3: str, column: str = "immigrants", sex: str = "total"):
    return one(con, f"SELECT {column} FROM migrant_stock_totals WHERE edition = ? AND year = ? AND iso3 = ? "
                    "AND sex = ?", edition, year, iso3, sex)


@pytest.mark.parametrize("edition, year, iso3, immigrants", [
    ("ims2020", 2020, "RUS", 11_636_911), ("ims2020", 2020, "TUR", 6_052_652),
    # The 2024 edition revised 2020: Russia 11,636,911 -> 7,297,611, Kazakhstan 3,732,073 -> 1,990,268.
    ("ims2024", 2020, "RUS", 7_297_611), ("ims2020", 2020, "KAZ", 3_732_073), ("ims2024", 2020, "KAZ", 1_990_268),
    ("ims2024", 2020, "TUR", 6_580_295), ("ims2024", 2024, "RUS", 7_605_774),
])
def test_un_desa_immigrant_stock(con, edition, year, iso3, immigrants):
    assert totals(con, edition, year, iso3) == immigrants


def test_the_world_in_2024_is_the_uns_published_figure(con):
    assert one(con, "SELECT sum(immigrants) FROM migrant_stock_totals WHERE edition = 'ims2024' AND year = 2024 "
                    "AND sex = 'total'") == 304_021_813
    assert one(con, "SELECT sum(persons) FROM migrant_stock WHERE edition = 'ims2024' AND year = 2024 "
                    "AND sex = 'total'") == 304_021_813
    # 2020 in both editions: 280.6 million, revised to 275.3 million
    assert [round(one(con, "SELECT sum(immigrants) FROM migrant_stock_totals WHERE edition = ? AND year = 2020 "
                           "AND sex = 'total'", edition) / 1e5) / 10 for edition in ("ims2020", "ims2024")] == [
        280.6, 275.3]


@pytest.mark.parametrize("edition, year, origin, destination, persons", [
    ("ims2024", 2024, "KAZ", "RUS", 1_321_004), ("ims2024", 2024, "UZB", "KAZ", 744_161),
    ("ims2024", 2020, "KAZ", "RUS", 1_635_008), ("ims2020", 2020, "KAZ", "RUS", 2_558_907),
    ("ims2024", 2020, "RUS", "KAZ", 579_845), ("ims2020", 2020, "RUS", "KAZ", 2_476_018),
    ("ims2024", 2020, "UZB", "KAZ", 689_957), ("ims2020", 2020, "UZB", "KAZ", 296_511),
])
def test_corridors_as_each_edition_gives_them(con, edition, year, origin, destination, persons):
    assert one(con, "SELECT persons FROM migrant_stock WHERE edition = ? AND year = ? AND origin_iso3 = ? "
                    "AND destination_iso3 = ? AND sex = 'total'", edition, year, origin, destination) == persons


@pytest.mark.parametrize("iso3", ["UZB", "KGZ", "HUN", "TKM"])
def test_the_states_the_un_did_not_revise_read_the_same_in_both_editions(con, iso3):
    assert totals(con, "ims2020", 2020, iso3) == totals(con, "ims2024", 2020, iso3)


def test_the_sexes_add_up_to_the_un_total(con):
    for edition, total in (("ims2020", 11_636_911), ("ims2024", 7_297_611)):
        assert totals(con, edition, 2020, "RUS", sex="female") + totals(con, edition, 2020, "RUS", sex="male") == total


def test_unknown_origins_are_kept_and_the_channel_islands_are_chi(con):
    unknown = one(con, "SELECT sum(persons) FROM migrant_stock WHERE edition = 'ims2024' AND year = 2024 "
                       "AND sex = 'total' AND origin_iso3 = 'OOO'")
    assert unknown > 0
    assert totals(con, "ims2024", 2024, "RUS") - totals(con, "ims2024", 2024, "RUS", "immigrants_known_origin") == \
        one(con, "SELECT persons FROM migrant_stock WHERE edition = 'ims2024' AND year = 2024 AND sex = 'total' "
                 "AND origin_iso3 = 'OOO' AND destination_iso3 = 'RUS'")
    assert one(con, "SELECT count(*) FROM migrant_stock WHERE 'XCX' IN (origin_iso3, destination_iso3)") == 0
    assert totals(con, "ims2024", 2024, "CHI") > 0
    assert one(con, "SELECT kind FROM countries WHERE iso3 = 'OOO'") == "unknown"


def test_the_data_types_of_the_2024_edition_travel_with_the_figures(con):
    flags = con.execute("SELECT basis_birthplace, basis_citizenship, refugees_added, imputed FROM "
                        "migrant_stock_totals WHERE edition = 'ims2024' AND year = 2024 AND iso3 = 'RUS' "
                        "AND sex = 'total'").fetchall()
    assert flags == [(True, False, True, False)]
    assert one(con, "SELECT count(*) FROM migrant_stock WHERE edition = 'ims2024' AND imputed AND sex <> 'total'") \
        == 784
    assert one(con, "SELECT count(*) FROM migrant_stock WHERE edition = 'ims2020' AND imputed IS NOT NULL") == 0


def test_kyrgyz_remittances_2023_are_2_85_billion_dollars(con):
    received, share = con.execute("SELECT remittances_received_usd, remittances_pct_gdp FROM country_indicators "
                                  "WHERE edition = 'wdi2025' AND iso3 = 'KGZ' AND year = 2023").fetchall()[0]
    assert round(received / 1e9, 2) == 2.85
    assert round(share, 1) == 20.4


def test_turkmenistan_remittances_are_not_reported_in_either_vintage(con):
    assert one(con, "SELECT count(*) FROM country_indicators WHERE iso3 = 'TKM' AND year >= 2005 "
                    "AND remittances_received_usd IS NOT NULL") == 0
    assert one(con, "SELECT count(*) FROM country_indicators WHERE iso3 = 'TKM' AND year >= 2005") > 0
    # The latest copy wrote 0 for "no figure"; those zeros were blanked (data/raw/SOURCES.md).
    assert one(con, "SELECT count(*) FROM country_indicators WHERE edition = 'wdi2025' "
                    "AND (remittances_received_usd = 0 OR remittances_paid_usd = 0)") == 0


def test_russia_to_kyrgyzstan_2021_is_2017_5_million_dollars(con):
    assert round(one(con, "SELECT usd_million FROM remittances_bilateral WHERE edition = 'knomad2021' "
                          "AND sending_iso3 = 'RUS' AND receiving_iso3 = 'KGZ'"), 1) == 2017.5


def test_turkiye_hosted_three_million_syrian_refugees(con):
    hosted = dict(con.execute("SELECT year, persons FROM forcibly_displaced WHERE asylum_iso3 = 'TUR' "
                              "AND origin_iso3 = 'SYR' AND population_type = 'refugee' AND year >= 2023").fetchall())
    assert hosted == {2023: 3_214_780, 2024: 3_112_683}
    assert con.execute("SELECT DISTINCT year, provisional FROM forcibly_displaced WHERE year >= 2023 "
                       "ORDER BY 1").fetchall() == [(2023, False), (2024, True)]


def test_each_edition_is_catalogued_once_with_the_latest_marked(con):
    latest = dict(con.execute("SELECT dataset, edition FROM editions WHERE is_latest").fetchall())
    assert latest == {"un_desa_ims": "ims2024", "knomad_bilateral": "knomad2021", "wdi": "wdi2025",
                      "unhcr": "unhcr2025", "abel_cohen_flows": "abel2022"}
    assert one(con, "SELECT count(*) FROM (SELECT DISTINCT edition FROM migrant_stock "
                    "UNION SELECT edition FROM country_indicators) WHERE edition NOT IN "
                    "(SELECT edition FROM editions)") == 0


def test_turkiye_is_named_as_the_organisation_names_it(con):
    assert con.execute("SELECT name_en, ots_status FROM countries WHERE iso3 = 'TUR'").fetchall() == [
        ("Türkiye", "member")]


def test_kyrgyz_remittances_2020_are_about_31_percent_of_gdp(con):
    share, received, gdp = con.execute(
        "SELECT remittances_pct_gdp, remittances_received_usd, gdp_usd FROM country_indicators "
        "WHERE edition = 'wdi2023' AND iso3 = 'KGZ' AND year = 2020").fetchall()[0]
    assert round(share, 1) == 31.1
    assert round(100 * received / gdp, 1) == 31.1


def test_each_table_holds_what_its_raw_files_imply(con):
    expected: dict[str, int] = {}
    for step in all_steps():
        expected[step.table.name] = expected.get(step.table.name, 0) + rows_from(step)
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
    steps: dict[str, list] = {}
    for step in all_steps():
        steps.setdefault(step.raw.filename, []).append(step)
    assert set(recorded) == set(steps)
    for filename, (sha, rows, table) in recorded.items():
        assert sha == hashlib.sha256((DEFAULT_RAW_DIR / filename).read_bytes()).hexdigest(), filename
        # a file that feeds two tables (a matrix and the totals summed from it) is read once, named once
        assert rows == sum(rows_from(step) for step in steps[filename]), filename
        assert table == ", ".join(step.table.name for step in steps[filename])
