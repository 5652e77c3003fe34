"""The fast reader (DuckDB) and the detailed checks (pandas + pandera) agree.

`etl.bulk_read.read_clean` may only accept what `etl.validate.validate_raw`
accepts, and must return the same typed frame; whatever it is unsure of it
declines (None), and the detailed checks decide and word the problems.
"""
from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pandas as pd
import pytest

from etl.build import DEFAULT_RAW_DIR
from etl.bulk_read import read_clean, read_raw_file
from etl.sources import all_steps, countries, measures, migrant_stock
from etl.validate import ValidationFailed, read_raw_csv, validate_raw
from tests.fixtures.etl import tiny_raw
from tests.fixtures.etl.tiny_raw import KNOWN_COUNTRIES, real_header, rewrite, write_tiny_raw

STOCK = migrant_stock.RAW
STEPS = {step.raw.filename: step for step in all_steps()}  # a file read for two tables: once


def detailed(path: Path, raw, known=KNOWN_COUNTRIES, known_values=None) -> pd.DataFrame:
    return validate_raw(read_raw_csv(path), raw, known, known_values=known_values)


@pytest.fixture(scope="module")
def real_known():
    reference = read_raw_csv(DEFAULT_RAW_DIR / countries.RAW.filename)
    units = read_raw_csv(DEFAULT_RAW_DIR / countries.UNITS_RAW.filename)
    return set(reference["iso3"]) | set(units["iso3"]), {
        "meetings(meeting_id)": set(read_raw_csv(DEFAULT_RAW_DIR / "meetings.csv")["meeting_id"]),
        "measures(measure_id)": set(read_raw_csv(DEFAULT_RAW_DIR / "measures.csv")["measure_id"]),
    }


@pytest.mark.parametrize("filename", sorted(STEPS))
def test_both_readers_give_the_same_frame_for_every_real_file(filename, real_known):
    known, known_values = real_known
    raw = STEPS[filename].raw
    fast = read_clean(DEFAULT_RAW_DIR / filename, raw, known, known_values)
    assert fast is not None, f"{filename} is clean and must take the fast way"
    pd.testing.assert_frame_equal(fast, detailed(DEFAULT_RAW_DIR / filename, raw, known, known_values),
                                  check_exact=True)


@pytest.fixture
def raw(tmp_path) -> Path:
    return write_tiny_raw(tmp_path / "raw")


def stock_with(raw: Path, index: int, **values) -> Path:
    rows = copy.deepcopy(tiny_raw.STOCK)
    rows[index].update(values)
    return rewrite(raw, STOCK.filename, rows)


@pytest.mark.parametrize("values", [
    {"migrant_stock_total": "1200.0"}, {"migrant_stock_total": "1.2e3"}, {"migrant_stock_total": " 1200 "},
    {"origin_name": "  Uzbekistan\u00a0"}, {"destination_iso3": " RUS"},
], ids=["decimal-point", "exponent", "padded-number", "padded-name", "padded-code"])
def test_unusual_but_valid_forms_go_the_detailed_way_and_read_the_same(raw, values):
    path = stock_with(raw, 1, **values)
    assert read_clean(path, STOCK, KNOWN_COUNTRIES) is None
    typed = read_raw_file(path, STOCK, KNOWN_COUNTRIES)
    pd.testing.assert_frame_equal(typed, detailed(path, STOCK))
    assert typed.loc[1, ["origin_name", "destination_iso3", "migrant_stock_total"]].tolist() == [
        "Uzbekistan", "RUS", 1200]


@pytest.mark.parametrize("value, reason", [
    ("1_200", "expected a whole number, found '1_200'"),
    ("0x4b0", "expected a whole number, found '0x4b0'"),
    ("inf", "expected a whole number, found 'inf'"),
    ("nan", "expected a whole number, found 'nan'"),
    ("1.2e-3", "expected a whole number, found '1.2e-3'"),
    ("12,00", "expected a whole number, found '12,00'"),  # quoted, as a spreadsheet writes it
])
def test_numbers_duckdb_would_accept_are_refused_as_the_detailed_checks_refuse_them(raw, value, reason):
    path = stock_with(raw, 1, migrant_stock_total=value)
    assert read_clean(path, STOCK, KNOWN_COUNTRIES) is None
    with pytest.raises(ValidationFailed) as failure:
        read_raw_file(path, STOCK, KNOWN_COUNTRIES)
    [problem] = failure.value.problems
    assert (problem.row, problem.column, problem.reason) == (3, "migrant_stock_total", reason)


def test_a_fraction_is_never_rounded_into_a_whole_number(raw):
    path = stock_with(raw, 0, migrant_stock_total="1000.5")
    assert read_clean(path, STOCK, KNOWN_COUNTRIES) is None


def test_a_repeated_key_is_declined_unless_the_caller_checks_keys_itself(raw):
    path = stock_with(raw, 1, year=2015)
    assert read_clean(path, STOCK, KNOWN_COUNTRIES) is None
    assert len(read_clean(path, STOCK, KNOWN_COUNTRIES, check_key=False)) == 6


def test_bom_crlf_extra_columns_and_another_order_are_read(raw):
    columns = list(reversed(real_header(STOCK.filename))) + ["comment"]
    text = tiny_raw.csv_text(columns, [dict(row, comment="checked") for row in tiny_raw.STOCK])
    path = raw / STOCK.filename
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    fast = read_clean(path, STOCK, KNOWN_COUNTRIES)
    assert fast is not None
    assert list(fast.columns) == STOCK.column_names
    pd.testing.assert_frame_equal(fast, detailed(path, STOCK), check_exact=True)


def test_a_value_with_a_line_break_inside_quotes_is_read(raw):
    rows = copy.deepcopy(tiny_raw.MEASURES)
    rows[0]["description"] = "First line.\nSecond line, with a comma."
    path = rewrite(raw, "measures.csv", rows)
    known_values = {"meetings(meeting_id)": {"M2020-05-07", "M2020-08-07"}}
    fast = read_clean(path, measures.MEASURES_RAW, KNOWN_COUNTRIES, known_values)
    assert fast.loc[0, "description"] == "First line.\nSecond line, with a comma."
    pd.testing.assert_frame_equal(fast, detailed(path, measures.MEASURES_RAW, known_values=known_values))


def test_a_reference_is_checked_only_against_values_it_is_given(raw):
    rows = copy.deepcopy(tiny_raw.MEASURES)
    rows[1]["meeting_id"] = "M2099-01-01"
    path = rewrite(raw, "measures.csv", rows)
    assert read_clean(path, measures.MEASURES_RAW, KNOWN_COUNTRIES) is not None  # nothing to check against
    assert read_clean(path, measures.MEASURES_RAW, KNOWN_COUNTRIES,
                      {"meetings(meeting_id)": {"M2020-05-07", "M2020-08-07"}}) is None


@pytest.mark.parametrize("folder", ["plain", "with[brackets]", "with*star?"])
def test_any_folder_name_is_read_as_a_path_not_a_pattern(tmp_path, folder):
    target = tmp_path / folder
    target.mkdir()
    write_tiny_raw(tmp_path / "source")
    shutil.copy(tmp_path / "source" / STOCK.filename, target / STOCK.filename)
    # A sibling the pattern "with*star?" would also match: it must not be read.
    sibling = tmp_path / "withXstarY"
    sibling.mkdir()
    shutil.copy(tmp_path / "source" / STOCK.filename, sibling / STOCK.filename)
    assert len(read_clean(target / STOCK.filename, STOCK, KNOWN_COUNTRIES)) == 6


@pytest.mark.parametrize("content", [b"", b"\n\n", b"year,origin_iso3\n", "ÿ".encode("latin-1")])
def test_files_that_are_not_tables_are_declined(raw, content):
    path = raw / STOCK.filename
    path.write_bytes(content)
    assert read_clean(path, STOCK, KNOWN_COUNTRIES) is None
