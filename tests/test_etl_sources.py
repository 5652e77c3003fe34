"""Each ETL module on a few rows: the real reader types the tiny file, the module's transform makes the table.

Expected values are written out in full; they come from tests/fixtures/etl/tiny_raw.py.
"""
from __future__ import annotations

import datetime as dt
import math

import duckdb
import pandas as pd
import pytest

from etl.bulk_read import read_raw_file
from etl.sources import (countries, country_indicators, country_indicators_2023, forcibly_displaced, measures,
                         migrant_stock, migrant_stock_2024, migrant_stock_totals, migration_flows, remittance_totals,
                         remittances_bilateral, remittances_bilateral_2021, reported_figures)
from tests.fixtures.etl.site import make_site
from tests.fixtures.etl.tiny_raw import KNOWN_COUNTRIES, write_tiny_raw

TOTALS_2024, MATRIX_2024 = migrant_stock_2024.STEPS  # the totals first: the file's rows can go before the matrix
KNOWN_VALUES = {"meetings(meeting_id)": {"M2020-05-07", "M2020-08-07"},
                "measures(measure_id)": {"M1-STAY", "M2-DATA"},
                "meeting_documents(document_id)": {"MCG-SUMMARY-2020-08-07"}}


@pytest.fixture(scope="module")
def raw(tmp_path_factory):
    return write_tiny_raw(tmp_path_factory.mktemp("raw"))


def table(raw, step) -> pd.DataFrame:
    typed = read_raw_file(raw / step.raw.filename, step.raw, KNOWN_COUNTRIES, KNOWN_VALUES)
    result = step.transform(typed)
    assert list(result.columns) == step.table.column_names
    return result


def rows(frame: pd.DataFrame, **where) -> list[dict]:
    mask = pd.Series(True, index=frame.index)
    for column, value in where.items():
        mask &= frame[column] == value
    return [{k: (None if not isinstance(v, str) and pd.isna(v) else v) for k, v in row.items()}
            for row in frame[mask].to_dict("records")]


# --- countries -------------------------------------------------------------------------------------------

def test_countries_use_turkiye_and_keep_the_natural_earth_names(raw):
    [turkey] = rows(table(raw, countries.STEPS[0]), iso3="TUR")
    assert (turkey["name_en"], turkey["name_ru"], turkey["name_tr"]) == ("Türkiye", "Турция", "Türkiye")
    assert turkey["ots_status"] == "member"
    assert (turkey["label_lat"], turkey["label_lon"]) == (39.0, 34.5)


def test_countries_without_russian_or_turkish_names_get_the_english_one(raw):
    [channel_islands] = rows(table(raw, countries.STEPS[0]), iso3="CHI")
    assert channel_islands["name_ru"] == channel_islands["name_tr"] == "Channel Islands"
    assert channel_islands["ots_status"] is None


def test_countries_label_point_falls_back_to_the_centre_then_the_capital(raw):
    [channel_islands] = rows(table(raw, countries.STEPS[0]), iso3="CHI")
    # No Natural Earth point; the rough centre has a latitude only, so the longitude is the capital's.
    assert (channel_islands["label_lat"], channel_islands["label_lon"]) == (49.4, -2.1)


def test_countries_keep_members_and_observers(raw):
    result = table(raw, countries.STEPS[0])
    assert sorted(result.loc[result["ots_status"] == "member", "iso3"]) == ["KAZ", "KGZ", "TUR", "UZB"]
    assert list(result.loc[result["ots_status"] == "observer", "iso3"]) == ["HUN"]
    assert len(result) == 8
    assert set(result["kind"]) == {"place"}


def test_codes_for_people_without_a_place_are_named_but_not_placed(raw):
    [unknown] = rows(table(raw, countries.STEPS[1]), iso3="OOO")
    assert (unknown["kind"], unknown["name_en"], unknown["name_ru"], unknown["name_tr"]) == (
        "unknown", "Other or unknown", "Другие или неизвестные", "Diğer veya bilinmeyen")
    assert unknown["label_lat"] is None and unknown["region"] is None and unknown["ots_status"] is None


# --- migrant stock -----------------------------------------------------------------------------------------

NO_FLAGS = {"basis_birthplace": None, "basis_citizenship": None, "refugees_added": None, "imputed": None}


def test_migrant_stock_melts_each_corridor_year_into_three_sexes(raw):
    result = table(raw, migrant_stock.STEPS[0])
    assert len(result) == 6 * 3
    assert rows(result, year=2020, origin_iso3="UZB", destination_iso3="RUS") == [
        {"edition": "ims2020", "year": 2020, "origin_iso3": "UZB", "destination_iso3": "RUS", "sex": sex,
         "persons": persons, **NO_FLAGS} for sex, persons in (("total", 1200), ("female", 500), ("male", 700))]


RUSSIA = {"basis_birthplace": True, "basis_citizenship": False, "refugees_added": True, "imputed": False}


def test_the_2024_edition_adds_the_sexes_and_keeps_the_data_types(raw):
    result = table(raw, MATRIX_2024)
    assert len(result) == 5 * 3
    assert rows(result, year=2024, origin_iso3="KAZ") == [
        {"edition": "ims2024", "year": 2024, "origin_iso3": "KAZ", "destination_iso3": "RUS", "sex": sex,
         "persons": persons, **RUSSIA} for sex, persons in (("total", 1321), ("female", 650), ("male", 671))]
    # the sum of both sexes first, then women, then men
    assert list(result["sex"]) == ["total"] * 5 + ["female"] * 5 + ["male"] * 5


def test_the_2024_edition_keeps_unknown_origins_and_calls_the_channel_islands_chi(raw):
    result = table(raw, MATRIX_2024)
    [unknown] = rows(result, origin_iso3="OOO", sex="total")
    assert unknown["persons"] == 220
    [channel] = rows(result, destination_iso3="DEU", sex="total")
    assert (channel["origin_iso3"], channel["persons"], channel["basis_citizenship"]) == ("CHI", 9, True)
    assert "XCX" not in set(result["origin_iso3"]) | set(result["destination_iso3"])


def test_the_2024_totals_are_summed_from_the_matrix(raw):
    result = table(raw, TOTALS_2024)
    [russia] = rows(result, year=2024, iso3="RUS", sex="total")
    # immigrants: every origin, "other or unknown" included; known origin: without it
    assert (russia["immigrants"], russia["immigrants_known_origin"], russia["emigrants"]) == (1321 + 220, 1321, 580)
    assert {k: russia[k] for k in RUSSIA} == RUSSIA
    [women] = rows(result, year=2024, iso3="RUS", sex="female")
    assert (women["immigrants"], women["emigrants"]) == (750, 300)
    # Kazakhstan is only an origin in 2020 here: its immigrants are not counted, which is not zero
    [kazakhstan] = rows(result, year=2020, iso3="KAZ", sex="total")
    assert (kazakhstan["immigrants"], kazakhstan["emigrants"]) == (None, 1635)
    # OOO is never a country with totals
    assert "OOO" not in set(result["iso3"])


def test_migrant_stock_totals_have_three_sexes_and_known_origin_only_for_both(raw):
    result = table(raw, migrant_stock_totals.STEPS[0])
    assert len(result) == 2 * 3
    assert rows(result, iso3="RUS") == [
        {"edition": "ims2020", "year": 2020, "iso3": "RUS", "sex": "total", "immigrants": 11636911,
         "emigrants": 10756697, "immigrants_known_origin": 11636911, **NO_FLAGS},
        {"edition": "ims2020", "year": 2020, "iso3": "RUS", "sex": "female", "immigrants": 5803443,
         "emigrants": 5466697, "immigrants_known_origin": None, **NO_FLAGS},
        {"edition": "ims2020", "year": 2020, "iso3": "RUS", "sex": "male", "immigrants": 5833468,
         "emigrants": 5290000, "immigrants_known_origin": None, **NO_FLAGS},
    ]


# --- flows ------------------------------------------------------------------------------------------------

def test_flows_keep_the_period_and_the_sexes_as_estimated(raw):
    result = table(raw, migration_flows.STEPS[0])
    assert len(result) == 2 * 3
    # Estimated separately: female + male (121 + 180) need not equal the total (300).
    assert rows(result, origin_iso3="UZB") == [
        {"period_start": 2015, "period_end": 2020, "origin_iso3": "UZB", "destination_iso3": "RUS", "sex": sex,
         "persons": persons} for sex, persons in (("total", 300), ("female", 121), ("male", 180))]


# --- remittances ------------------------------------------------------------------------------------------

def test_bilateral_remittances(raw):
    result = table(raw, remittances_bilateral.STEPS[0])
    assert rows(result) == [
        {"edition": "knomad2017", "year": 2017, "sending_iso3": "RUS", "receiving_iso3": "UZB",
         "usd_million": 2838.6877},
        {"edition": "knomad2017", "year": 2017, "sending_iso3": "RUS", "receiving_iso3": "KGZ",
         "usd_million": 1953.5},
    ]


def test_remittance_totals(raw):
    result = table(raw, remittance_totals.STEPS[0])
    assert rows(result, iso3="KGZ") == [
        {"edition": "knomad2017", "year": 2017, "iso3": "KGZ", "inflows_usd_million": 2486.1,
         "outflows_usd_million": 300.25}]


def test_the_2021_matrix_and_its_totals(raw):
    matrix = table(raw, remittances_bilateral_2021.STEPS[0])
    assert rows(matrix, receiving_iso3="KGZ", sending_iso3="RUS") == [
        {"edition": "knomad2021", "year": 2021, "sending_iso3": "RUS", "receiving_iso3": "KGZ",
         "usd_million": 2017.523691}]
    totals = table(raw, remittances_bilateral_2021.STEPS[1])
    [kyrgyzstan] = rows(totals, iso3="KGZ")
    assert kyrgyzstan["inflows_usd_million"] == pytest.approx(2017.523691 + 30.5)
    # In the matrix, but sending to no one: an estimate of zero, as the matrix's sums have it.
    assert kyrgyzstan["outflows_usd_million"] == 0.0
    [russia] = rows(totals, iso3="RUS")
    assert russia["outflows_usd_million"] == pytest.approx(2017.523691 + 9197.526465)


def test_indicators_round_refugees_and_keep_unreported_remittances_empty(raw):
    result = table(raw, country_indicators.STEPS[0])
    assert rows(result, iso3="KGZ") == [
        {"edition": "wdi2023", "iso3": "KGZ", "year": 2020, "remittances_received_usd": 2397000000.0,
         "remittances_paid_usd": None, "gdp_usd": 7736000000.0, "remittances_pct_gdp": 31.1, "population": None,
         "net_migration": None, "refugees_by_origin": 2438}]
    [turkey] = rows(result, iso3="TUR")
    assert turkey["remittances_received_usd"] is None and turkey["remittances_pct_gdp"] is None
    assert result["refugees_by_origin"].dtype == "Int64"


def test_the_2023_indicators_compute_the_share_on_their_own_vintage(raw):
    result = table(raw, country_indicators_2023.STEPS[0])
    [kyrgyzstan] = rows(result, iso3="KGZ")
    assert kyrgyzstan["remittances_pct_gdp"] == pytest.approx(100 * 2.85e9 / 13987627908.84)
    assert round(kyrgyzstan["remittances_pct_gdp"], 1) == 20.4
    assert (kyrgyzstan["edition"], kyrgyzstan["population"], kyrgyzstan["refugees_by_origin"]) == (
        "wdi2025", 7073523, None)
    [turkey] = rows(result, iso3="TUR")
    assert turkey["remittances_received_usd"] is None and turkey["remittances_pct_gdp"] is None
    assert turkey["net_migration"] == -100


def test_displaced_people_keep_their_type_and_mark_2024_provisional(raw):
    result = table(raw, forcibly_displaced.STEPS[0])
    assert [(r["year"], r["persons"], r["provisional"]) for r in rows(result, asylum_iso3="TUR")] == [
        (2023, 120, False), (2024, 110, True)]
    [unknown] = rows(result, origin_iso3="OOO")
    assert (unknown["asylum_iso3"], unknown["population_type"], unknown["edition"]) == ("DEU", "asylum", "unhcr2025")


# --- reported figures -------------------------------------------------------------------------------------

def test_reported_figures_split_the_unit_into_base_and_qualifier(raw):
    result = table(raw, reported_figures.STEPS[0])
    [at_least] = rows(result, record_id="GLB-01")
    assert (at_least["unit"], at_least["unit_base"], at_least["qualifier"]) == ("persons (at least)", "persons",
                                                                                 "at least")
    [exact] = rows(result, record_id="UZB-01")
    assert (exact["unit"], exact["unit_base"], exact["qualifier"]) == ("persons", "persons", None)


def test_reported_figures_carry_topic_group_and_dates(raw):
    stranded = table(raw, reported_figures.STEPS[0])
    labour = table(raw, reported_figures.STEPS[1])
    [glb] = rows(stranded, record_id="GLB-01")
    assert (glb["topic"], glb["indicator_group"]) == ("stranded", "stranded")
    assert (glb["period_start"], glb["period_end"], glb["source_date"]) == (
        dt.date(2020, 3, 1), dt.date(2020, 7, 13), dt.date(2020, 10, 9))
    assert glb["nationality_iso3"] is None and glb["location_iso3"] is None
    [uzb] = rows(stranded, record_id="UZB-01")
    assert (uzb["indicator_group"], uzb["period_start"], uzb["source_date"]) == ("repatriated", None, None)
    assert [(r["record_id"], r["topic"], r["indicator_group"], r["unit_base"], r["qualifier"])
            for r in rows(labour)] == [("LAB-01", "labour", "entries", "entries", None),
                                       ("LAB-02", "labour", "permits", "permits", "about")]


@pytest.mark.parametrize("indicator, group", [
    ("citizens_repatriated", "repatriated"), ("citizens_repatriated_by_air", "repatriated"),
    ("citizens_planned_evacuation", "repatriated"), ("citizens_registered_for_repatriation", "registered"),
    ("migrants_stranded", "stranded"), ("citizens_unable_to_return", "stranded"),
    ("citizens_waiting_for_repatriation", "stranded"), ("entries_for_work", "entries"),
    ("work_permits_issued", "permits"), ("labour_migrants_returned", "returned"),
    ("labour_migrants_abroad_stock", "workers"), ("foreign_workers_employed", "workers"),
    ("border_closures", "context"),
])
def test_indicators_are_grouped_so_only_like_counts_are_compared(indicator, group):
    assert reported_figures.indicator_group(indicator) == group


# --- meetings and measures --------------------------------------------------------------------------------

def test_meetings_measures_and_statuses(raw):
    documents = table(raw, measures.STEPS[0])
    assert rows(documents) == [{"document_id": "MCG-SUMMARY-2020-08-07", "language": "en",
                                "title": "Summary of 7 August 2020", "title_ru": "Сводка от 7 августа 2020 г.",
                                "title_tr": "7 Ağustos 2020 özeti", "paragraphs": 7}]
    meetings = table(raw, measures.STEPS[1])
    assert list(meetings["meeting_date"]) == [dt.date(2020, 5, 7), dt.date(2020, 8, 7)]
    assert list(meetings["organiser_tr"].fillna("")) == ["Türk Konseyi Sekreterliği", ""]
    agreed = table(raw, measures.STEPS[2])
    assert list(zip(agreed["measure_id"], agreed["meeting_id"], agreed["category_ru"])) == [
        ("M1-STAY", "M2020-05-07", "Пребывание и проживание"), ("M2-DATA", "M2020-08-07", "Данные")]
    statuses = table(raw, measures.STEPS[3])
    assert list(statuses["status"]) == ["agreed", "requested", "not recorded"]
    assert rows(statuses, country_iso3="HUN") == [
        {"measure_id": "M2-DATA", "country_iso3": "HUN", "status": "not recorded", "as_of": dt.date(2020, 8, 7),
         "evidence": "Observers are not named.", "evidence_ru": "Наблюдатели не названы.",
         "evidence_tr": "Gözlemciler sayılmıyor.", "evidence_document": "MCG-SUMMARY-2020-08-07",
         "evidence_paragraphs": "3, 7", "parties_document": "MCG-SUMMARY-2020-08-07", "parties_paragraphs": "3",
         "source": "Summary of 7 August 2020", "recorded_by": "Secretariat",
         "recorded_at": pd.Timestamp("2020-08-07 00:00:00")}]


@pytest.mark.parametrize("step, changes, column, reason", [
    (1, {"title_tr": ""}, "title_tr", "a value is required here but the cell is empty"),
    (1, {"organiser_ru": ""}, "organiser_ru", "given in English ('organiser') but not translated here"),
    (1, {"organiser": ""}, "organiser", "given in 'organiser_ru' but not in English"),
    (2, {"description_ru": ""}, "description_ru", "a value is required here but the cell is empty"),
    (3, {"evidence_tr": ""}, "evidence_tr", "not translated here"),
    (3, {"evidence_paragraphs": ""}, "evidence_paragraphs", "give both or neither"),
    (3, {"evidence_paragraphs": "4 and 5"}, "evidence_paragraphs", "paragraph numbers separated by ', '"),
    (3, {"evidence_document": "NO-SUCH-DOCUMENT"}, "evidence_document", "not in table meeting_documents"),
    (3, {"status": "no information"}, "status", "must be one of: agreed, in progress, implemented, requested"),
], ids=["meeting-title-untranslated", "organiser-untranslated", "translation-without-english", "description-untranslated",
        "evidence-untranslated", "document-without-paragraphs", "paragraphs-in-words", "unknown-document",
        "retired-status"])
def test_measure_files_refuse_untranslated_text_and_loose_citations(tmp_path, step, changes, column, reason):
    """Every text a reader sees comes in three languages, and every citation names a known document and its
    paragraphs; the build says which line and column is wrong."""
    from etl.build import _load_step
    from etl.validate import ValidationFailed
    from tests.fixtures.etl import tiny_raw

    rows_of = {1: tiny_raw.MEETINGS, 2: tiny_raw.MEASURES, 3: tiny_raw.STATUS}[step]
    folder = tiny_raw.write_tiny_raw(tmp_path / "raw")
    tiny_raw.rewrite(folder, measures.STEPS[step].raw.filename, [{**rows_of[0], **changes}, *rows_of[1:]])
    with pytest.raises(ValidationFailed) as failed:
        _load_step(measures.STEPS[step], folder, KNOWN_COUNTRIES, KNOWN_VALUES, check_key=True)
    assert any(p.row == 2 and p.column == column and reason in p.reason for p in failed.value.problems), \
        [str(p) for p in failed.value.problems]


# --- the tables in the database ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def tiny_db(tmp_path_factory):
    site = make_site(tmp_path_factory.mktemp("site"))
    with duckdb.connect(str(site.db), read_only=True) as con:
        yield con


def test_the_build_writes_exactly_the_transformed_rows(tiny_db):
    counts = dict(tiny_db.execute("SELECT table_name, row_count FROM sources").fetchall())
    assert {name: counts[name] for name in (
        "countries", "migrant_stock", "migrant_stock_totals", "migration_flows", "remittances_bilateral",
        "remittance_totals", "country_indicators", "reported_figures", "meeting_documents", "meetings", "measures",
        "measure_status", "forcibly_displaced", "editions",
    )} == {"countries": 9, "migrant_stock": 18 + 15, "migrant_stock_totals": 6 + 18, "migration_flows": 6,
           "remittances_bilateral": 2 + 3, "remittance_totals": 2 + 4, "country_indicators": 2 + 2,
           "reported_figures": 4, "meeting_documents": 1, "meetings": 2, "measures": 2, "measure_status": 3,
           "forcibly_displaced": 3, "editions": 8}
    assert tiny_db.execute("SELECT persons FROM migrant_stock WHERE year = 2015 AND origin_iso3 = 'KAZ' "
                           "AND sex = 'female'").fetchall() == [(1400,)]
    # The same pair and year in both editions, told apart by the edition column
    assert tiny_db.execute("SELECT edition, persons FROM migrant_stock WHERE year = 2020 AND origin_iso3 = 'KAZ' "
                           "AND destination_iso3 = 'RUS' AND sex = 'total' ORDER BY 1").fetchall() == [
        ("ims2020", 2400), ("ims2024", 1635)]


def test_the_editions_say_which_is_latest_and_what_came_before(tiny_db):
    editions = {row[0]: row[1:] for row in tiny_db.execute(
        "SELECT edition, dataset, is_latest, previous_edition, released FROM editions").fetchall()}
    assert editions["ims2024"] == ("un_desa_ims", True, "ims2020", "2025-01")
    assert editions["ims2020"] == ("un_desa_ims", False, None, "2021-01")
    assert editions["knomad2021"][1:3] == (True, "knomad2017")
    assert editions["wdi2025"][1:] == (True, "wdi2023", None)  # the copy does not show a release date
    assert editions["abel2022"][1:3] == (True, None)
    assert tiny_db.execute("SELECT based_on FROM editions WHERE edition = 'abel2022'").fetchone() == ("ims2020",)
    held = set(tiny_db.execute("SELECT table_name, edition, rows FROM table_editions").fetchall())
    assert {("migrant_stock", "ims2020", 18), ("migrant_stock", "ims2024", 15),
            ("migration_flows", "abel2022", 6), ("forcibly_displaced", "unhcr2025", 3)} <= held
    assert tiny_db.execute("SELECT name_en FROM countries WHERE iso3 = 'TUR'").fetchall() == [("Türkiye",)]


def test_the_tables_keep_the_declared_types(tiny_db):
    types = dict(tiny_db.execute("SELECT column_name, data_type FROM information_schema.columns "
                                 "WHERE table_name = 'migrant_stock'").fetchall())
    assert types == {"edition": "VARCHAR", "year": "SMALLINT", "origin_iso3": "VARCHAR",
                     "destination_iso3": "VARCHAR", "sex": "VARCHAR", "persons": "BIGINT",
                     "basis_birthplace": "BOOLEAN", "basis_citizenship": "BOOLEAN", "refugees_added": "BOOLEAN",
                     "imputed": "BOOLEAN"}


@pytest.mark.parametrize("row", [("ims2024", 2020, "UZB", "RUS", "total", -1),
                                 ("ims2024", 2020, "UZB", "RUS", "other", 5),
                                 ("ims2024", 2020, "UZB", None, "total", 5),
                                 (None, 2020, "UZB", "RUS", "total", 5)],
                         ids=["negative", "unknown-sex", "no-destination", "no-edition"])
def test_the_table_rules_refuse_what_the_schema_forbids(row):
    with duckdb.connect() as con:
        con.execute(countries.TABLE.ddl())
        con.execute(migrant_stock.TABLE.ddl())
        with pytest.raises(duckdb.ConstraintException):
            con.execute("INSERT INTO migrant_stock VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, NULL, NULL)", row)


def test_small_tables_declare_their_keys_as_constraints(tiny_db):
    constraints = {(table, kind) for table, kind in tiny_db.execute(
        "SELECT table_name, constraint_type FROM duckdb_constraints()").fetchall()}
    assert {("countries", "PRIMARY KEY"), ("measures", "FOREIGN KEY"), ("measure_status", "FOREIGN KEY"),
            ("reported_figures", "PRIMARY KEY"), ("migrant_stock_totals", "FOREIGN KEY")} <= constraints
    # The world-matrix tables are checked by the build instead (see etl.schema.Table.keys_as_constraints).
    assert ("migrant_stock", "PRIMARY KEY") not in constraints
    assert ("migrant_stock", "CHECK") in constraints


def test_nothing_is_nan_where_the_source_is_empty(tiny_db):
    value = tiny_db.execute("SELECT remittances_received_usd FROM country_indicators WHERE iso3 = 'TUR'").fetchone()
    assert value == (None,)
    assert not any(isinstance(v, float) and math.isnan(v) for (v,) in tiny_db.execute(
        "SELECT remittances_pct_gdp FROM country_indicators").fetchall())
