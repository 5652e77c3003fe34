"""Bad raw files: each is named by file, line, column and reason, the build exits non-zero, nothing changes.

Every case spoils one file of a tiny raw folder whose database is already
published, runs `python -m etl build` (its `main`), and checks the problem the
build raised, the exit code, what it printed, and that the published database
is byte for byte the one before (the link's target and the file's sha256).
"""
from __future__ import annotations

import copy
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

import etl.__main__ as etl_main
from etl.build import build
from etl.validate import ValidationFailed
from tests.conftest import PROJECT_ROOT
from tests.fixtures.etl import tiny_raw
from tests.fixtures.etl.site import Site, leftovers, published_state
from tests.fixtures.etl.tiny_raw import real_header, rewrite

COUNTRIES = "country_reference.csv"
STOCK = "un_desa_ims2020_bilateral_stock_ots.csv"
TOTALS = "un_desa_ims2020_country_totals.csv"
FLOWS = "abel_cohen_flows_da_pb_closed_ots.csv"
REMITTANCE_TOTALS = "wb_remittances_2017_country_totals.csv"
STRANDED = "covid19_stranded_repatriation_figures_2020.csv"
LABOUR = "labour_migration_figures.csv"
MEETINGS = "meetings.csv"
MEASURES = "measures.csv"
STATUS = "measure_status.csv"
STOCK_2024 = "un_desa_ims2024_bilateral_stock.csv"
KNOMAD_2021 = "knomad_bilateral_remittances_2021.csv"
WDI_2023 = "wdi_wpp_indicators_1990_2023.csv"
DISPLACED = "unhcr_forcibly_displaced_1990_2024.csv"
UNITS = "statistical_units.csv"

NOT_CHANGED = "Build failed; the published database was not changed."


def changed(rows: list[dict], index: int, **values) -> list[dict]:
    """A copy of `rows` with row `index` (0 = line 2 of the file) changed."""
    rows = copy.deepcopy(rows)
    rows[index].update(values)
    return rows


def without_column(raw: Path, filename: str, rows: list[dict], column: str) -> None:
    rewrite(raw, filename, rows, [c for c in real_header(filename) if c != column])


def renamed_column(raw: Path, filename: str, rows: list[dict], old: str, new: str) -> None:
    columns = [new if c == old else c for c in real_header(filename)]
    rewrite(raw, filename, [{(new if k == old else k): v for k, v in row.items()} for row in rows], columns)


def encoded(raw: Path, filename: str, encoding: str, rows: list[dict]) -> None:
    text = tiny_raw.csv_text(real_header(filename), rows)
    (raw / filename).write_bytes(text.encode(encoding, errors="replace"))


def first_non_ascii(path: Path) -> tuple[int, int]:
    content = path.read_bytes()
    offset = next(i for i, byte in enumerate(content) if byte >= 0x80)
    return offset, content[offset]


@dataclass(frozen=True)
class Case:
    id: str
    spoil: Callable[[Path], None]
    file: str
    line: int | None
    column: str | None
    reason: str | Callable[[Path], str]  # exact text, or computed from the spoiled raw folder


CASES = [
    Case("missing-column", lambda raw: without_column(raw, STOCK, tiny_raw.STOCK, "migrant_stock_female"),
         STOCK, 1, "migrant_stock_female", "required column is missing from the header"),
    Case("renamed-column", lambda raw: renamed_column(raw, STOCK, tiny_raw.STOCK, "migrant_stock_male", "stock_male"),
         STOCK, 1, "migrant_stock_male", "required column is missing from the header"),
    Case("text-in-number", lambda raw: rewrite(raw, STOCK, changed(tiny_raw.STOCK, 1, migrant_stock_total="n/a")),
         STOCK, 3, "migrant_stock_total", "expected a whole number, found 'n/a'"),
    Case("negative-count", lambda raw: rewrite(raw, FLOWS, changed(tiny_raw.FLOWS, 0, flow_total=-5)),
         FLOWS, 2, "flow_total", "must not be negative (minimum 0) (value -5)"),
    Case("unknown-iso3", lambda raw: rewrite(raw, STOCK, changed(tiny_raw.STOCK, 2, origin_iso3="XYZ")),
         STOCK, 4, "origin_iso3", "unknown ISO3 country code (value 'XYZ')"),
    Case("duplicate-key", lambda raw: rewrite(raw, STOCK, changed(tiny_raw.STOCK, 1, year=2015)),
         STOCK, 3, "year, origin_iso3, destination_iso3",
         "duplicate key (year=2015, origin_iso3=UZB, destination_iso3=RUS): this row repeats line 2"),
    Case("not-utf8-cp1251", lambda raw: encoded(raw, COUNTRIES, "cp1251", tiny_raw.COUNTRIES),
         COUNTRIES, 2, "name_ru",
         lambda raw: "the file is not UTF-8 (byte 0x{1:02x} at offset {0}); save it as 'CSV UTF-8'".format(
             *first_non_ascii(raw / COUNTRIES))),
    Case("not-utf8-latin1",
         lambda raw: encoded(raw, MEETINGS, "latin-1", changed(tiny_raw.MEETINGS, 1, title="Türkiye meeting")),
         MEETINGS, 2, "title_tr",  # the first letter Latin-1 writes differently: "ö" of the Turkish title
         lambda raw: "the file is not UTF-8 (byte 0x{1:02x} at offset {0}); save it as 'CSV UTF-8'".format(
             *first_non_ascii(raw / MEETINGS))),
    Case("empty-file", lambda raw: (raw / STOCK).write_bytes(b""),
         STOCK, 1, None, "the file is empty: line 1 should hold the column names"),
    Case("header-only", lambda raw: rewrite(raw, STOCK, []),
         STOCK, 2, None, "the file has a header but no data rows"),
    Case("fraction-in-whole-number", lambda raw: rewrite(raw, STOCK, changed(tiny_raw.STOCK, 0,
                                                                             migrant_stock_total="1000.5")),
         STOCK, 2, "migrant_stock_total", "expected a whole number, found '1000.5'"),
    Case("flow-period-ends-before-start", lambda raw: rewrite(raw, FLOWS, changed(tiny_raw.FLOWS, 1, period_end=2014)),
         FLOWS, 3, "period_end", "the period ends before or when it starts"),
    Case("figure-period-ends-before-start",
         lambda raw: rewrite(raw, LABOUR, changed(tiny_raw.LABOUR, 0, period_start="2021-10-01")),
         LABOUR, 2, "period_end", "the period ends before it starts"),
    Case("measure-names-unknown-meeting",
         lambda raw: rewrite(raw, MEASURES, changed(tiny_raw.MEASURES, 1, meeting_id="M2099-01-01")),
         MEASURES, 3, "meeting_id", "unknown meeting_id: not in table meetings (value 'M2099-01-01')"),
    Case("status-names-unknown-measure",
         lambda raw: rewrite(raw, STATUS, changed(tiny_raw.STATUS, 2, measure_id="M9-NONE")),
         STATUS, 4, "measure_id", "unknown measure_id: not in table measures (value 'M9-NONE')"),
    Case("record-id-in-both-figure-files",
         lambda raw: rewrite(raw, LABOUR, changed(tiny_raw.LABOUR, 0, record_id="GLB-01")),
         LABOUR, 2, "record_id",
         f"duplicate key (record_id=GLB-01): {STRANDED}, line 2 has it already"),
    Case("year-too-large-for-the-table", lambda raw: rewrite(raw, TOTALS, changed(tiny_raw.STOCK_TOTALS, 0,
                                                                                   year=20200)),
         TOTALS, 2, "year", "must be at most 2100 (value 20200)"),
    Case("latitude-out-of-range", lambda raw: rewrite(raw, COUNTRIES, changed(tiny_raw.COUNTRIES, 0,
                                                                               ne_label_lat="148.96")),
         COUNTRIES, 2, "ne_label_lat", "must be at most 90 (value 148.96)"),
    Case("malformed-country-code", lambda raw: rewrite(raw, COUNTRIES, changed(tiny_raw.COUNTRIES, 0, iso3="KZ1")),
         COUNTRIES, 2, "iso3", "must be three capital letters (ISO 3166 alpha-3) (value 'KZ1')"),
    Case("required-cell-empty", lambda raw: rewrite(raw, FLOWS, changed(tiny_raw.FLOWS, 1, destination_iso3="")),
         FLOWS, 3, "destination_iso3", "a value is required here but the cell is empty"),
    Case("status-not-allowed", lambda raw: rewrite(raw, STATUS, changed(tiny_raw.STATUS, 0, status="done")),
         STATUS, 2, "status",
         "must be one of: agreed, in progress, implemented, requested, not recorded, not applicable (value 'done')"),
    Case("date-in-another-format", lambda raw: rewrite(raw, MEETINGS, changed(tiny_raw.MEETINGS, 0,
                                                                               meeting_date="07/05/2020")),
         MEETINGS, 2, "meeting_date", "expected a date as YYYY-MM-DD, found '07/05/2020'"),
    Case("surplus-field", lambda raw: (raw / STOCK).write_text(
        (raw / STOCK).read_text(encoding="utf-8").replace("UZB,Uzbekistan,RUS,Russia,1200,700,500",
                                                          "UZB,Uzbekistan,RUS,Russia,1,200,700,500"),
        encoding="utf-8"),
         STOCK, 3, None, "the line has 9 fields but the header has 8 (a comma inside a value that is not in quotes?)"),
    # --- the current editions: the same refusals, file by file
    Case("2024-missing-column", lambda raw: without_column(raw, STOCK_2024, tiny_raw.STOCK_2024, "imputed"),
         STOCK_2024, 1, "imputed", "required column is missing from the header"),
    Case("2024-text-in-number",
         lambda raw: rewrite(raw, STOCK_2024, changed(tiny_raw.STOCK_2024, 2, persons="about 650")),
         STOCK_2024, 4, "persons", "expected a whole number, found 'about 650'"),
    Case("2024-negative-count", lambda raw: rewrite(raw, STOCK_2024, changed(tiny_raw.STOCK_2024, 3, persons=-671)),
         STOCK_2024, 5, "persons", "must not be negative (minimum 0) (value -671)"),
    Case("2024-unknown-code", lambda raw: rewrite(raw, STOCK_2024, changed(tiny_raw.STOCK_2024, 4, origin_iso3="XXX")),
         STOCK_2024, 6, "origin_iso3", "unknown ISO3 country code (value 'XXX')"),
    Case("2024-duplicate-key", lambda raw: rewrite(raw, STOCK_2024, tiny_raw.STOCK_2024 + tiny_raw.STOCK_2024[2:3]),
         STOCK_2024, 12, "year, destination_iso3, origin_iso3, sex",
         "duplicate key (year=2024, destination_iso3=RUS, origin_iso3=KAZ, sex=female): this row repeats line 4"),
    Case("2024-not-utf8", lambda raw: encoded(raw, STOCK_2024, "latin-1", changed(tiny_raw.STOCK_2024, 1,
                                                                                  sex="männlich")),
         STOCK_2024, 3, "sex",
         lambda raw: "the file is not UTF-8 (byte 0x{1:02x} at offset {0}); save it as 'CSV UTF-8'".format(
             *first_non_ascii(raw / STOCK_2024))),
    Case("2024-empty-file", lambda raw: (raw / STOCK_2024).write_bytes(b""),
         STOCK_2024, 1, None, "the file is empty: line 1 should hold the column names"),
    Case("2024-flag-not-0-or-1", lambda raw: rewrite(raw, STOCK_2024, changed(tiny_raw.STOCK_2024, 0,
                                                                              refugees_added=2)),
         STOCK_2024, 2, "refugees_added", "must be one of: 0, 1 (value '2')"),
    Case("2024-flags-differ-within-a-destination",
         lambda raw: rewrite(raw, STOCK_2024, changed(tiny_raw.STOCK_2024, 5, basis_citizenship=1)),
         STOCK_2024, 7, "basis_birthplace",
         "the data-type flags differ from line 4, the same destination and year"),
    Case("2024-pair-without-one-sex", lambda raw: rewrite(raw, STOCK_2024, tiny_raw.STOCK_2024[:-1]),
         STOCK_2024, 10, "sex", "the pair has no 'male' row for this year, so its total cannot be made"),
    Case("2024-unknown-origin-as-destination",
         lambda raw: rewrite(raw, STOCK_2024, changed(changed(tiny_raw.STOCK_2024, 6, destination_iso3="OOO"), 7,
                                                      destination_iso3="OOO")),
         STOCK_2024, 8, "destination_iso3", "OOO ('other or unknown') is an origin, not a destination"),
    Case("displaced-missing-column", lambda raw: without_column(raw, DISPLACED, tiny_raw.DISPLACED, "persons"),
         DISPLACED, 1, "persons", "required column is missing from the header"),
    Case("displaced-text-in-number", lambda raw: rewrite(raw, DISPLACED, changed(tiny_raw.DISPLACED, 1,
                                                                                 persons="110 (est.)")),
         DISPLACED, 3, "persons", "expected a whole number, found '110 (est.)'"),
    Case("displaced-negative-count", lambda raw: rewrite(raw, DISPLACED, changed(tiny_raw.DISPLACED, 2, persons=-40)),
         DISPLACED, 4, "persons", "must not be negative (minimum 0) (value -40)"),
    Case("displaced-unknown-code", lambda raw: rewrite(raw, DISPLACED, changed(tiny_raw.DISPLACED, 0,
                                                                               asylum_iso3="TRK")),
         DISPLACED, 2, "asylum_iso3", "unknown ISO3 country code (value 'TRK')"),
    Case("displaced-unknown-type", lambda raw: rewrite(raw, DISPLACED, changed(tiny_raw.DISPLACED, 0,
                                                                               population_type="migrant")),
         DISPLACED, 2, "population_type", "must be one of: refugee, asylum, idp, idp return, refugee return, "
                                          "stateless, other (value 'migrant')"),
    Case("displaced-duplicate-key", lambda raw: rewrite(raw, DISPLACED, changed(tiny_raw.DISPLACED, 1, year=2023)),
         DISPLACED, 3, "year, asylum_iso3, origin_iso3, population_type",
         "duplicate key (year=2023, asylum_iso3=TUR, origin_iso3=UZB, population_type=refugee): "
         "this row repeats line 2"),
    Case("displaced-empty-file", lambda raw: (raw / DISPLACED).write_bytes(b""),
         DISPLACED, 1, None, "the file is empty: line 1 should hold the column names"),
    Case("knomad-negative", lambda raw: rewrite(raw, KNOMAD_2021, changed(tiny_raw.REMITTANCES_2021, 2,
                                                                          usd_million=-30.5)),
         KNOMAD_2021, 4, "usd_million", "must not be negative (minimum 0) (value -30.5)"),
    Case("knomad-unknown-code", lambda raw: rewrite(raw, KNOMAD_2021, changed(tiny_raw.REMITTANCES_2021, 0,
                                                                              receiving_iso3="KYR")),
         KNOMAD_2021, 2, "receiving_iso3", "unknown ISO3 country code (value 'KYR')"),
    Case("knomad-duplicate-key", lambda raw: rewrite(raw, KNOMAD_2021, changed(tiny_raw.REMITTANCES_2021, 1,
                                                                               receiving_iso3="KGZ")),
         KNOMAD_2021, 3, "year, sending_iso3, receiving_iso3",
         "duplicate key (year=2021, sending_iso3=RUS, receiving_iso3=KGZ): this row repeats line 2"),
    Case("wdi-2023-text-in-number", lambda raw: rewrite(raw, WDI_2023, changed(tiny_raw.INDICATORS_2023, 0,
                                                                               gdp_usd="n/a")),
         WDI_2023, 2, "gdp_usd", "expected a number, found 'n/a'"),
    Case("wdi-2023-negative-population", lambda raw: rewrite(raw, WDI_2023, changed(tiny_raw.INDICATORS_2023, 1,
                                                                                    population=-5)),
         WDI_2023, 3, "population", "must not be negative (minimum 0) (value -5)"),
    Case("wdi-2023-missing-column", lambda raw: without_column(raw, WDI_2023, tiny_raw.INDICATORS_2023,
                                                               "net_migration"),
         WDI_2023, 1, "net_migration", "required column is missing from the header"),
    Case("units-not-utf8", lambda raw: encoded(raw, UNITS, "cp1251", tiny_raw.UNITS),
         UNITS, 2, "name_ru",
         lambda raw: "the file is not UTF-8 (byte 0x{1:02x} at offset {0}); save it as 'CSV UTF-8'".format(
             *first_non_ascii(raw / UNITS))),
    Case("units-kind-not-allowed", lambda raw: rewrite(raw, UNITS, changed(tiny_raw.UNITS, 0, kind="country")),
         UNITS, 2, "kind", "must be one of: unknown, stateless, group (value 'country')"),
    Case("units-code-also-a-country", lambda raw: rewrite(raw, UNITS, changed(tiny_raw.UNITS, 0, iso3="KAZ")),
         UNITS, 2, "iso3", f"duplicate key (iso3=KAZ): {COUNTRIES}, line 2 has it already"),
]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input_is_named_and_changes_nothing(case: Case, site: Site, monkeypatch, capsys):
    before = published_state(site.db)
    case.spoil(site.raw)
    raised: list[ValidationFailed] = []

    def build_and_keep_failure(*args, **kwargs):
        try:
            return build(*args, **kwargs)
        except ValidationFailed as failure:
            raised.append(failure)
            raise

    monkeypatch.setattr(etl_main, "build", build_and_keep_failure)
    code = etl_main.main(["build", "--raw", str(site.raw), "--db", str(site.db)])
    printed = capsys.readouterr()

    assert code == 1
    [failure] = raised
    problem = failure.problems[0]
    reason = case.reason(site.raw) if callable(case.reason) else case.reason
    assert (problem.file, problem.row, problem.column, problem.reason) == (case.file, case.line, case.column, reason)
    assert NOT_CHANGED in printed.err
    assert str(problem) in printed.err
    assert printed.out == ""
    assert published_state(site.db) == before
    assert leftovers(site) == []


def test_a_renamed_column_also_names_the_unexpected_one(site: Site):
    renamed_column(site.raw, STOCK, tiny_raw.STOCK, "migrant_stock_male", "stock_male")
    with pytest.raises(ValidationFailed) as failure:
        build(site.raw, site.db)
    assert [(p.file, p.row, p.column, p.reason) for p in failure.value.problems] == [
        (STOCK, 1, "migrant_stock_male", "required column is missing from the header"),
        (STOCK, 1, None, "unexpected column(s) 'stock_male': was a column renamed?"),
    ]


def test_problems_in_several_files_are_reported_together(site: Site):
    rewrite(site.raw, FLOWS, changed(tiny_raw.FLOWS, 0, flow_total=-5))
    rewrite(site.raw, STOCK, changed(tiny_raw.STOCK, 2, origin_iso3="XYZ"))
    rewrite(site.raw, MEASURES, changed(tiny_raw.MEASURES, 1, meeting_id="M2099-01-01"))
    with pytest.raises(ValidationFailed) as failure:
        build(site.raw, site.db)
    assert [(p.file, p.row, p.column) for p in failure.value.problems] == [
        (STOCK, 4, "origin_iso3"), (FLOWS, 2, "flow_total"), (MEASURES, 3, "meeting_id")]


def test_every_bad_cell_of_a_file_is_reported_once(site: Site):
    rows = changed(changed(tiny_raw.STOCK, 0, migrant_stock_total="n/a"), 3, migrant_stock_male="-1")
    rewrite(site.raw, STOCK, rows)
    with pytest.raises(ValidationFailed) as failure:
        build(site.raw, site.db)
    assert [(p.row, p.column, p.reason) for p in failure.value.problems] == [
        (2, "migrant_stock_total", "expected a whole number, found 'n/a'"),
        (5, "migrant_stock_male", "must not be negative (minimum 0) (value -1)"),
    ]


def test_a_missing_file_is_named(site: Site):
    before = published_state(site.db)
    (site.raw / REMITTANCE_TOTALS).unlink()
    with pytest.raises(ValidationFailed) as failure:
        build(site.raw, site.db)
    assert [(p.file, p.row, p.column, p.reason) for p in failure.value.problems] == [
        (REMITTANCE_TOTALS, None, None, "the file is missing from raw/")]
    assert published_state(site.db) == before


def test_a_spreadsheet_saved_under_a_csv_name_is_refused(site: Site):
    (site.raw / STOCK).write_bytes(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + bytes(64))
    with pytest.raises(ValidationFailed) as failure:
        build(site.raw, site.db)
    assert [(p.file, p.reason) for p in failure.value.problems] == [
        (STOCK, "the file is binary, not a CSV text file (is it a spreadsheet or an archive?)")]


def test_the_command_line_exits_non_zero_and_says_why(site: Site):
    before = published_state(site.db)
    rewrite(site.raw, STOCK, changed(tiny_raw.STOCK, 2, origin_iso3="XYZ"))
    done = subprocess.run([sys.executable, "-m", "etl", "build", "--raw", str(site.raw), "--db", str(site.db)],
                          cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)})
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        NOT_CHANGED, "1 problem(s):",
        f"  - {STOCK}, line 4, column 'origin_iso3': unknown ISO3 country code (value 'XYZ')"]
    assert published_state(site.db) == before


def test_a_failed_build_is_recorded_in_the_run_log(site: Site):
    rewrite(site.raw, FLOWS, changed(tiny_raw.FLOWS, 0, flow_total=-5))
    with pytest.raises(ValidationFailed):
        build(site.raw, site.db)
    import json
    last = json.loads((site.db.parent / "etl_runs.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    assert last["status"] == "failed"
    assert f"{FLOWS}, line 2, column 'flow_total'" in last["message"]


def test_a_repeated_row_in_a_world_matrix_is_reported_with_the_other_problems(site: Site):
    # The stock table's key is checked after loading (see etl.schema.Table.keys_as_constraints); a problem
    # in a later file must not hide it.
    rewrite(site.raw, STOCK, changed(tiny_raw.STOCK, 1, year=2015))
    rewrite(site.raw, FLOWS, changed(tiny_raw.FLOWS, 0, flow_total=-5))
    with pytest.raises(ValidationFailed) as failure:
        build(site.raw, site.db)
    assert sorted((p.file, p.row, p.column) for p in failure.value.problems) == [
        (FLOWS, 2, "flow_total"), (STOCK, 3, "year, origin_iso3, destination_iso3")]


def test_a_repeated_row_in_a_file_read_after_a_failure_is_still_reported(site: Site):
    rewrite(site.raw, FLOWS, changed(tiny_raw.FLOWS, 0, flow_total=-5))
    rows = tiny_raw.REMITTANCES + [tiny_raw.REMITTANCES[0]]
    rewrite(site.raw, "wb_bilateral_remittances_2017_ots.csv", rows)
    with pytest.raises(ValidationFailed) as failure:
        build(site.raw, site.db)
    assert [(p.file, p.row, p.column, p.reason) for p in failure.value.problems] == [
        (FLOWS, 2, "flow_total", "must not be negative (minimum 0) (value -5)"),
        ("wb_bilateral_remittances_2017_ots.csv", 4, "year, sending_iso3, receiving_iso3",
         "duplicate key (year=2017, sending_iso3=RUS, receiving_iso3=UZB): this row repeats line 2")]
