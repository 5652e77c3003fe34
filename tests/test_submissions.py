"""A member state's file from upload to withdrawal: stored in one transaction, seen at once, kept across rebuilds."""
from __future__ import annotations

import csv
import hashlib
import io
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from app import cached, db
from app import uploads as submissions
from app.store import connection as state
from app.store import submissions as submissions_store
from app.queries import common, figures
from app.queries import data as catalog
from app.store import submissions as store_queries
from etl.build import DEFAULT_RAW_DIR, build
from tests.conftest import publish_copy

CORPUS = Path(__file__).resolve().parent / "fixtures" / "submissions"
GOOD = (CORPUS / "good_bom_crlf.csv").read_bytes()
HEADER = ",".join(submissions.TEMPLATE_COLUMNS)


def check(content: bytes, name: str = "upload.csv") -> submissions.Preview:
    known = set(cached.run_uncached(common.countries)["iso3"])
    return submissions.check(content, name, known, cached.run_uncached(figures.all_figures))


def submitted() -> dict[str, float]:
    """record_id -> value of the submitted figures the pages see."""
    frame = cached.run_uncached(figures.all_figures)
    frame = frame[frame["origin"] == "submission"]
    return dict(zip(frame["record_id"], frame["value"]))


def row(record_id: str, value: str, **changes) -> str:
    cells = {"topic": "labour", "record_id": record_id, "nationality_iso3": "KAZ", "location_iso3": "RUS",
             "indicator": "entries_for_work", "value": value, "unit": "persons", "period_start": "2025-01-01",
             "period_end": "2025-06-30", "description": "", "source_publisher": "Ministry", "source_url": "",
             "source_date": "", "date_note": "", **changes}
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow([cells[c] for c in submissions.TEMPLATE_COLUMNS])
    return buffer.getvalue()


def upload(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def test_accepted_submission_end_to_end(app_env):
    preview = check(GOOD, "kazakhstan_2025.csv")
    assert (preview.loadable, len(preview.changed), len(preview.rejected)) == (2, 0, 0)
    submission_id = submissions.confirm(preview, GOOD, "aydin")

    history = submissions_store.history()
    assert len(history) == 1
    record = history.iloc[0]
    assert record["submission_id"] == submission_id
    assert (record["file_name"], record["submitted_by"], record["status"]) == ("kazakhstan_2025.csv", "aydin", "active")
    assert record["file_sha256"] == hashlib.sha256(GOOD).hexdigest()
    assert (record["rows_in_file"], record["rows_added"], record["rows_changed"], record["rows_in_force"]) == (2, 2, 0, 2)
    kept = submissions_store.kept_file(submission_id)
    assert kept.read_bytes() == GOOD  # the original bytes, BOM and CRLF included
    assert kept.parent == state.state_path().parent / "submissions"

    # Seen at once by the queries every figure page uses, and by the coverage matrix.
    assert submitted() == {"KAZ-2025-001": 12500.0, "KAZ-2025-002": 310.0}
    cached.clear()
    labour = cached.load(figures.all_figures, "labour")
    assert "KAZ-2025-001" in set(labour["record_id"]) and "KAZ-2025-002" not in set(labour["record_id"])
    coverage = cached.run_uncached(catalog.coverage).set_index(["dataset", "iso3"])
    assert coverage.at[("submitted", "KAZ"), "periods"] == "2025"
    assert coverage.at[("submitted", "TUR"), "periods"] == "2025"
    assert ("submitted", "UZB") not in coverage.index

    # The same file again: nothing to add, each row says why.
    again = check(GOOD, "kazakhstan_2025.csv")
    assert again.loadable == 0
    assert all("already submitted unchanged in submission " + submission_id in p.reason for p in again.problems)

    # A correction: same record, new value.
    correction = upload(row("KAZ-2025-001", "13000", unit="persons (at least)",
                            description="Citizens of Kazakhstan who entered Russia for work, January-June 2025",
                            source_publisher="Ministry of Labour and Social Protection of Kazakhstan",
                            source_url="https://www.gov.kz/example", source_date="2025-07-15"))
    fix = check(correction, "correction.csv")
    assert len(fix.added) == 0 and len(fix.changed) == 1
    assert fix.changed.iloc[0]["changed_columns"] == "value"
    assert fix.changed.iloc[0]["previous_value"] == 12500.0
    assert fix.changed.iloc[0]["corrects_submission"] == submission_id
    correction_id = submissions.confirm(fix, correction, "aydin")
    assert submitted() == {"KAZ-2025-001": 13000.0, "KAZ-2025-002": 310.0}

    # The same figure under another record is a duplicate of the submitted one.
    copy = check(upload(row("KAZ-OTHER", "310", topic="stranded", indicator="citizens_repatriated",
                            location_iso3="TUR", period_start="", period_end="2025-03-31")))
    assert copy.loadable == 0
    assert copy.problems[0].reason == (f"the same figure was already submitted as KAZ-2025-002 in submission "
                                       f"{submission_id}")

    # Withdrawing the correction puts the corrected figure back; withdrawing the first takes all out.
    assert submissions_store.withdraw(correction_id, "secretariat", "sent by mistake") == 1
    assert submitted() == {"KAZ-2025-001": 12500.0, "KAZ-2025-002": 310.0}
    assert submissions_store.withdraw(submission_id, "secretariat", "replaced by the official release") == 2
    assert submitted() == {}
    history = submissions_store.history().set_index("submission_id")
    assert list(history["status"]) == ["withdrawn", "withdrawn"]
    assert history.at[submission_id, "withdrawn_by"] == "secretariat"
    assert history.at[submission_id, "withdrawn_reason"] == "replaced by the official release"
    with state.reading() as cur:  # withdrawn, not deleted
        rows = cur.execute("SELECT status, count(*) FROM submitted_figures GROUP BY status ORDER BY status").fetchall()
    assert rows == [("withdrawn", 3)]


def test_withdrawing_a_middle_correction_keeps_the_latest(app_env):
    first = submissions.confirm(check(upload(row("K-1", "10"))), upload(row("K-1", "10")), "aydin")
    second_file = upload(row("K-1", "20"))
    second = submissions.confirm(check(second_file), second_file, "aydin")
    third_file = upload(row("K-1", "30"))
    submissions.confirm(check(third_file), third_file, "aydin")
    submissions_store.withdraw(second, "aydin", "wrong month")
    assert submitted() == {"K-1": 30.0}
    submissions_store.withdraw(first, "aydin", "superseded")
    assert submitted() == {"K-1": 30.0}


def test_a_failure_inside_the_transaction_changes_nothing(app_env, monkeypatch):
    submissions.confirm(check(upload(row("K-1", "10"))), upload(row("K-1", "10")), "aydin")
    before, version = submissions_store.snapshot(), state.version()
    content = upload(row("K-1", "11"), row("K-2", "5"))
    preview = check(content)
    assert (len(preview.added), len(preview.changed)) == (1, 1)

    def fail_after_rows_were_written(cur, record_ids, by_submission):
        count = cur.execute("SELECT count(*) FROM submitted_figures").fetchall()[0][0]
        assert count == 3  # the new rows are in, inside the transaction
        raise OSError("disk full")

    monkeypatch.setattr(store_queries, "supersede", fail_after_rows_were_written)
    with pytest.raises(OSError, match="disk full"):
        submissions.confirm(preview, content, "aydin")
    assert submissions_store.snapshot() == before  # no record, no rows, no kept file
    assert state.version() == version
    assert submitted() == {"K-1": 10.0}


def test_a_preview_overtaken_by_another_editor_is_refused(app_env):
    content = upload(row("K-1", "10"))
    mine, theirs = check(content, "mine.csv"), check(content, "theirs.csv")
    submissions.confirm(theirs, content, "other")
    before = submissions_store.snapshot()
    with pytest.raises(submissions_store.SubmissionError, match="changed since this file was checked"):
        submissions.confirm(mine, content, "aydin")
    assert submissions_store.snapshot() == before


def test_a_file_changed_after_its_check_is_refused(app_env):
    preview = check(upload(row("K-1", "10")))
    with pytest.raises(ValueError, match="changed since it was checked"):
        submissions.confirm(preview, upload(row("K-1", "99")), "aydin")
    assert submissions_store.history().empty


@pytest.mark.parametrize("editor, reason, message", [
    ("", "why", "Only a signed-in editor"), ("aydin", "  ", "Say why"),
])
def test_withdrawal_needs_an_editor_and_a_reason(app_env, editor, reason, message):
    submission_id = submissions.confirm(check(GOOD), GOOD, "aydin")
    with pytest.raises(submissions_store.SubmissionError, match=message):
        submissions_store.withdraw(submission_id, editor, reason)
    assert submitted() == {"KAZ-2025-001": 12500.0, "KAZ-2025-002": 310.0}


def test_withdrawing_twice_or_an_unknown_submission_is_refused(app_env):
    submission_id = submissions.confirm(check(GOOD), GOOD, "aydin")
    submissions_store.withdraw(submission_id, "aydin", "test")
    with pytest.raises(submissions_store.SubmissionError, match="already withdrawn"):
        submissions_store.withdraw(submission_id, "aydin", "again")
    with pytest.raises(submissions_store.SubmissionError, match="no submission S-nope"):
        submissions_store.withdraw("S-nope", "aydin", "test")


def test_submitted_figures_survive_a_rebuild(app_env, built_db, tmp_path, monkeypatch):
    database = tmp_path / "db" / "current.duckdb"
    publish_copy(built_db, database)
    monkeypatch.setenv("OTS_DB_PATH", str(database))
    db.close_all()
    submission_id = submissions.confirm(check(GOOD), GOOD, "aydin")
    first_build = db.current_build_file()

    build(DEFAULT_RAW_DIR, database)  # the ETL replaces the whole database
    assert db.current_build_file() != first_build
    cached.clear()
    assert submitted() == {"KAZ-2025-001": 12500.0, "KAZ-2025-002": 310.0}
    frame = cached.load(figures.all_figures)
    assert set(frame.loc[frame["origin"] == "submission", "submission_id"]) == {submission_id}
    assert (frame["origin"] == "database").sum() == 75


def test_a_figure_later_loaded_by_the_etl_is_not_counted_twice(app_env, raw_copy, tmp_path, monkeypatch):
    database = tmp_path / "db" / "current.duckdb"
    build(raw_copy, database)
    monkeypatch.setenv("OTS_DB_PATH", str(database))
    db.close_all()
    submissions.confirm(check(GOOD), GOOD, "aydin")
    labour = raw_copy / "labour_migration_figures.csv"
    lines = [line for line in GOOD.decode("utf-8-sig").splitlines()[1:] if line.startswith("labour,")]
    labour.write_text(labour.read_text(encoding="utf-8") + lines[0].split(",", 1)[1] + "\n", encoding="utf-8")
    build(raw_copy, database)
    frame = cached.run_uncached(figures.all_figures)
    assert list(frame.loc[frame["record_id"] == "KAZ-2025-001", "origin"]) == ["database"]
    assert list(frame.loc[frame["record_id"] == "KAZ-2025-002", "origin"]) == ["submission"]


def test_the_templates_hold_exactly_the_columns_checked(app_env):
    assert submissions.template_csv().decode().strip() == HEADER
    book = load_workbook(io.BytesIO(submissions.template_xlsx()))
    assert [c.value for c in book["figures"][1]] == submissions.TEMPLATE_COLUMNS
    assert [r[0] for r in book["columns"].iter_rows(min_row=2, values_only=True)] == submissions.TEMPLATE_COLUMNS
    # An empty template says it has no rows (not that a column is missing); filled in, it is accepted.
    assert check(submissions.template_xlsx(), "template.xlsx").problems[0].reason.startswith("The file has a header")
    sheet = book["figures"]
    sheet.append(["labour", "K-1", "KAZ", "RUS", "entries_for_work", 1200, "persons", datetime(2025, 1, 1),
                  "2025-06-30", None, "Ministry", None, None, None])
    buffer = io.BytesIO()
    book.save(buffer)
    preview = check(buffer.getvalue(), "filled.xlsx")
    assert preview.problems == [] and preview.loadable == 1
    added = preview.added.iloc[0]
    assert (added["value"], str(added["period_start"]), str(added["period_end"])) == (1200.0, "2025-01-01", "2025-06-30")


def test_excel_blank_rows_and_numbers_read_like_csv(app_env):
    book = Workbook()
    sheet = book.active
    sheet.title = "figures"
    sheet.append(submissions.TEMPLATE_COLUMNS)
    sheet.append(["labour", "K-1", "KAZ", "RUS", "entries_for_work", 1234.5, "persons", None, None, None, "M",
                  None, None, None])
    sheet.append([None] * 14)
    sheet.append(["labour", "K-2", "KAZ", "RUS", "entries_for_work", "x", "persons", None, None, None, "M",
                  None, None, None])
    buffer = io.BytesIO()
    book.save(buffer)
    preview = check(buffer.getvalue(), "gaps.xlsx")
    assert list(preview.added["value"]) == [1234.5]
    assert [(p.row, p.column) for p in preview.problems] == [(4, "value")]  # the spreadsheet's own row number
