"""Every bad upload in tests/fixtures/submissions/ gets its own row, column and reason, and changes nothing."""
from __future__ import annotations

from pathlib import Path

import pytest

from app import cached
from app import uploads as submissions
from app.store import submissions as submissions_store
from app.queries import common, figures

CORPUS = Path(__file__).resolve().parent / "fixtures" / "submissions"

# file, refused as a whole, then the one problem it must produce: row (header = 1), column, words of the reason
BAD_FILES = [
    ("empty.csv", True, None, None, "The file is empty"),
    ("header_only.csv", True, None, None, "has a header but no rows"),
    ("image_renamed.csv", True, None, None, "This is a PNG image, not a spreadsheet"),
    ("document_renamed.xlsx", True, None, None, "This is a PDF document, not a spreadsheet"),
    ("old_excel.xls", True, None, None, "old-format Excel (.xls)"),
    ("word_document.xlsx", True, None, None, "This is a Word document, not a spreadsheet"),
    ("wrong_encoding_cp1251.csv", True, 2, "description", "the file is not UTF-8 (byte 0xc3"),
    ("utf16.csv", True, None, None, "saved as UTF-16"),
    ("missing_column.csv", True, 1, "unit", "required column is missing from the header"),
    ("repeated_column.csv", True, 1, "value", "appears more than once"),
    ("unknown_country.csv", False, 2, "location_iso3", "unknown ISO3 country code (value 'XYZ')"),
    ("text_in_number.csv", False, 2, "value", "expected a number, found 'about 12500'"),
    ("negative_value.csv", False, 2, "value", "must not be negative (minimum 0) (value -12500.0)"),
    ("period_reversed.csv", False, 2, "period_end", "the period ends before it starts"),
    ("bad_date.csv", False, 2, "period_end", "expected a date as YYYY-MM-DD, found '30/06/2025'"),
    ("unknown_topic.csv", False, 2, "topic", "must be one of: stranded, labour (value 'tourism')"),
    ("missing_value.csv", False, 2, "source_publisher", "a value is required here but the cell is empty"),
    ("record_id_in_database.csv", False, 2, "record_id", "record_id 'LAB-01' is already a figure in the database"),
    ("same_figure_as_database.csv", False, 2, None, "the same figure is already in the database as LAB-01"),
    ("unquoted_comma.csv", False, 2, None, "this row has 15 cells but the header has 14"),
    ("duplicate_in_file.csv", False, 3, "record_id", "duplicate key (record_id=KAZ-2025-001)"),
    ("formula_text.csv", False, 2, "description", "looks like a spreadsheet formula ('=HYPERLINK("),
    ("formula_cell.xlsx", False, 2, "value", "looks like a spreadsheet formula ('=12000+500')"),
]
ACCEPTED = [
    ("good_bom_crlf.csv", "csv", None),
    ("good.xlsx", "xlsx", None),
    ("mislabelled_excel.csv", "xlsx", "named .csv but is an Excel workbook; it was read as Excel"),
    ("mislabelled_csv.xlsx", "csv", "named .xlsx but holds CSV text; it was read as CSV"),
]


def check(name: str, content: bytes | None = None) -> submissions.Preview:
    content = (CORPUS / name).read_bytes() if content is None else content
    known = set(cached.run_uncached(common.countries)["iso3"])
    return submissions.check(content, name, known, cached.run_uncached(figures.all_figures))


def test_every_fixture_is_checked():
    listed = {case[0] for case in BAD_FILES} | {case[0] for case in ACCEPTED}
    on_disk = {p.name for p in CORPUS.iterdir() if p.suffix != ".py" and not p.name.startswith(".")}
    assert on_disk == listed


@pytest.mark.parametrize("name, refused, row, column, reason", BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_bad_file_gets_its_problem_and_changes_nothing(app_env, name, refused, row, column, reason):
    before = submissions_store.snapshot()
    preview = check(name)
    assert preview.refused is refused
    assert [(p.row, p.column) for p in preview.problems] == [(row, column)], preview.problems
    assert reason in preview.problems[0].reason
    table = preview.problem_table()
    assert list(table.columns) == ["row", "column", "reason"] and len(table) == 1
    if not refused:  # the row is listed as rejected, and not among the rows to add
        assert list(preview.rejected["file_row"]) == [row]
        assert row not in set(preview.added["file_row"])
    if preview.loadable == 0:
        with pytest.raises(ValueError):
            submissions.confirm(preview, (CORPUS / name).read_bytes(), "aydin")
    assert submissions_store.snapshot() == before


@pytest.mark.parametrize("name, file_format, note", ACCEPTED, ids=[c[0] for c in ACCEPTED])
def test_good_file_is_accepted_by_content_not_name(app_env, name, file_format, note):
    preview = check(name)
    assert not preview.refused and preview.problems == []
    assert preview.file_format == file_format
    assert len(preview.notes) == (0 if note is None else 1)
    if note:
        assert note in preview.notes_in(str)[0]
    added = preview.added.set_index("record_id")
    assert list(added.index) == ["KAZ-2025-001", "KAZ-2025-002"]
    assert added.at["KAZ-2025-001", "value"] == 12500.0
    assert added.at["KAZ-2025-001", "qualifier"] == "at least"
    assert added.at["KAZ-2025-002", "topic"] == "stranded"
    assert str(added.at["KAZ-2025-001", "period_end"]) == "2025-06-30"
    # The BOM and the Windows line ends leave no trace in the first column name or in the last cell.
    assert added.at["KAZ-2025-001", "description"].endswith("January-June 2025")
    assert preview.loadable == 2


def test_file_over_the_size_limit_is_refused(app_env):
    header = ",".join(submissions.TEMPLATE_COLUMNS) + "\n"
    content = (header + "x" * (submissions.MAX_BYTES + 1)).encode()
    preview = check("big.csv", content)
    assert preview.refused and "too large (5.0 MB); the limit is 5 MB" in preview.problems[0].reason


def test_file_over_the_row_limit_is_refused(app_env):
    row = "labour,R{n},KAZ,RUS,entries_for_work,1,persons,,,,Ministry,,,\n"
    content = (",".join(submissions.TEMPLATE_COLUMNS) + "\n"
               + "".join(row.format(n=n) for n in range(submissions.MAX_ROWS + 1))).encode()
    assert len(content) < submissions.MAX_BYTES
    preview = check("many.csv", content)
    assert preview.refused
    assert preview.problems[0].reason == ("The file has more than 20000 rows of figures; reading stopped there. "
                                          "Split it into several files.")


def test_every_problem_of_a_row_is_listed_not_only_the_first(app_env):
    header = ",".join(submissions.TEMPLATE_COLUMNS)
    content = (header + "\nlabour,A-1,XYZ,RUS,entries_for_work,abc,persons,2025-06-30,2025-01-01,,Ministry,,,\n"
               "labour,A-2,KAZ,RUS,entries_for_work,-3,persons,,,,Ministry,,,\n").encode()
    preview = check("several.csv", content)
    assert [(p.row, p.column) for p in preview.problems] == [
        (2, "nationality_iso3"), (2, "period_end"), (2, "value"), (3, "value")]
    assert "must not be negative" in preview.problems[3].reason  # not hidden by the text in row 2
