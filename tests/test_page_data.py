"""The Data and sources page: every table with its source, the coverage matrix, browsing with filters, downloads."""
from __future__ import annotations

import io

import duckdb
import pyarrow.parquet as pq
import pytest
from streamlit.testing.v1 import AppTest

from app import cached
from app import uploads as submissions
from app.store import submissions as submissions_store
from app.export import read_csv_export
from app.queries import common, figures
from app.queries import data as catalog
from tests.conftest import PROJECT_ROOT, run_page

GOOD = (PROJECT_ROOT / "tests" / "fixtures" / "submissions" / "good_bom_crlf.csv").read_bytes()


TABLES_IN_BUILD = 21  # 13 loaded from data/raw, 2 derived by the build (country_years, coverage_years), 6 catalogue tables


def open_page(params: dict | None = None, language: str = "en") -> AppTest:
    at = run_page("data", {"lang": language, **(params or {})}, timeout=60)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def coverage_html(at: AppTest) -> str:
    return at.get("html")[0].proto.body


def test_every_table_is_listed_with_its_row_count_and_columns(app_env, built_db):
    at = open_page()
    labels = [e.label for e in at.expander]
    with duckdb.connect(str(built_db), read_only=True) as con:
        counts = dict(con.execute("SELECT table_name, row_count FROM sources").fetchall())
    assert len(counts) == TABLES_IN_BUILD
    for table, count in counts.items():
        assert any(label.startswith(f"**{table}** — ") and label.endswith(f"({count:,} rows)") for label in labels), table
    # The data dictionary of each table is shown: one per table, one of them reported_figures' 17 columns.
    sizes = sorted(len(frame.value) for frame in at.dataframe[:TABLES_IN_BUILD])
    assert 17 in sizes


def test_coverage_matrix_has_every_state_and_data_set_with_gaps(app_env):
    body = coverage_html(open_page())
    for name in ("Azerbaijan", "Kazakhstan", "Kyrgyzstan", "Türkiye", "Uzbekistan", "Hungary (observer)",
                 "Turkmenistan (observer)"):
        assert f"<th>{name}</th>" in body
    for label in ("Migrant stock", "Stock totals", "Flows", "Remittances bilateral", "Remittance totals",
                  "WDI indicators", "Refugees (UNHCR)", "Stranded figures", "Labour figures", "Submitted figures",
                  "Measure statuses"):
        assert f"<th>{label}" in body
    assert body.count("<tr>") == 1 + 7
    # the latest edition of the stocks, 1990-2024 (five-year steps, then four), and the flows of 1990-2020
    assert body.count('class="held">1990–2024<') == 2 * 7 + 2  # and UNHCR's years for Hungary and Türkiye
    assert body.count('class="held">1990–2020<') == 7
    # Nothing submitted yet: the whole column is gaps; Turkmenistan has no stranded figures in the build.
    assert body.count('class="gap"') == 7 + 1 + 1  # + Hungary's labour figures
    # The edition and its publisher's release, and, as a separate fact, when the database loaded it.
    assert "International Migrant Stock 2024 · released January 2025" in body
    assert "Bilateral Remittance Matrix 2021 · released December 2022" in body
    assert "Refugee Data Finder, copy of March 2025 · as published by 9 March 2025" in body
    assert "loaded into the database" in body
    assert "updated" not in body


def test_coverage_shows_a_submission_at_once(app_env):
    known = set(cached.run_uncached(common.countries)["iso3"])
    preview = submissions.check(GOOD, "kz.csv", known, cached.run_uncached(figures.all_figures))
    submissions.confirm(preview, GOOD, "aydin")
    at = open_page()
    assert coverage_html(at).count('class="gap"') == 5 + 1 + 1  # KAZ and TUR now hold submitted figures
    history = at.dataframe[-1].value
    assert list(history["file_name"]) == ["kz.csv"]


def test_coverage_year_ranges_show_gaps():
    assert catalog.year_ranges([1990, 1995, 2000, 2005, 2010, 2015, 2020], 5) == "1990–2020"
    assert catalog.year_ranges([2018, 2019, 2020, 2021, 2024]) == "2018–2021, 2024"
    assert catalog.year_ranges([1990, 2000], 5) == "1990, 2000"
    assert catalog.year_ranges([2017]) == "2017"


def test_browse_filters_by_country_and_year_and_pages(app_env, built_db):
    at = open_page({"table": "migration_flows", "countries": "UZB,KAZ", "year_from": "2000", "year_to": "2010"})
    with duckdb.connect(str(built_db), read_only=True) as con:
        expected = con.execute("""
            SELECT count(*) FROM migration_flows
            WHERE (origin_iso3 IN ('UZB', 'KAZ') OR destination_iso3 IN ('UZB', 'KAZ'))
              AND period_end BETWEEN 2000 AND 2010""").fetchall()[0][0]
    assert expected > 100
    assert f"Rows 1–25 of {expected:,}" in [c.value for c in at.caption]
    shown = at.dataframe[TABLES_IN_BUILD].value  # after the data dictionaries
    assert len(shown) == 25
    assert shown["period_end"].between(2000, 2010).all()
    assert (shown["origin_iso3"].isin(["UZB", "KAZ"]) | shown["destination_iso3"].isin(["UZB", "KAZ"])).all()
    labels = [b.label for b in at.get("download_button")]
    assert f"Download CSV ({expected:,} rows)" in labels and "Download Parquet" in labels

    at.number_input[0].set_value(2).run()
    assert f"Rows 26–50 of {expected:,}" in [c.value for c in at.caption]


def test_groups_expand_to_their_members(app_env):
    at = open_page({"table": "remittance_totals", "countries": "OTS"})
    assert "Rows 1–10 of 10" in [c.value for c in at.caption]  # five members, two editions each


def test_filters_that_match_nothing_say_so(app_env):
    at = open_page({"table": "submitted_figures"})
    assert any("No rows of submitted_figures match these filters" in i.value for i in at.info)


def test_downloads_hold_the_whole_filtered_table(app_env):
    filters = (("UZB",), 2000, 2010)
    rows = cached.run_uncached(catalog.browse, "migration_flows", *filters)
    assert len(rows) == cached.run_uncached(catalog.browse_count, "migration_flows", *filters)
    parquet = pq.read_table(io.BytesIO(cached.run_uncached(catalog.browse_parquet, "migration_flows", *filters,
                                                           provenance="migration_flows | Source: test")))
    assert parquet.num_rows == len(rows)
    assert str(parquet.schema.field("persons").type) == "int64"  # types kept, unlike CSV
    assert parquet.schema.metadata[b"ots.provenance"] == b"migration_flows | Source: test"


def test_csv_download_neutralises_formula_cells(app_env):
    from app.export import ChartMeta, csv_bytes
    frame = cached.run_uncached(catalog.browse, "reported_figures", (), None, None, 3, 0)
    frame.loc[0, "description"] = "=HYPERLINK(\"http://example.com\")"
    data = read_csv_export(csv_bytes(frame, ChartMeta("reported_figures", "test")))
    assert data.loc[0, "description"].startswith("'=")


def test_browsing_refuses_a_table_that_is_not_in_the_database(app_env):
    with pytest.raises(KeyError):
        cached.run_uncached(catalog.browse, "sources; DROP TABLE countries")


def test_etl_runs_list_each_file_with_its_checksum(app_env, built_db):
    at = open_page()
    with duckdb.connect(str(built_db), read_only=True) as con:
        files = dict(con.execute("SELECT file, sha256 FROM etl_run_files").fetchall())
    run_files = next(f.value for f in at.dataframe if "sha256" in f.value.columns)
    assert dict(zip(run_files["file"], run_files["sha256"])) == files


def test_submitted_data_withdrawn_leaves_the_coverage(app_env):
    known = set(cached.run_uncached(common.countries)["iso3"])
    preview = submissions.check(GOOD, "kz.csv", known, cached.run_uncached(figures.all_figures))
    submission_id = submissions.confirm(preview, GOOD, "aydin")
    submissions_store.withdraw(submission_id, "aydin", "test")
    assert coverage_html(open_page()).count('class="gap"') == 7 + 1 + 1


@pytest.mark.parametrize("language", ["ru", "tr"])
def test_page_opens_in_every_language(app_env, language):
    at = open_page(language=language)
    assert at.get("html") and len(at.tabs) == 5
