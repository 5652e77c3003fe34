"""The app's own store: moved from DuckDB on first start, and clear sentences when it cannot be had.

A store kept by the DuckDB version of the dashboard is copied table by table,
row by row, with its ids and sequence; the old file is kept, renamed. A write
that cannot get the store in time, a store that cannot be written and a store
that cannot be read each give the reader a sentence in their language, store
nothing, and leave the pages that can do without the store working.
"""
from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import date, datetime

import duckdb
import pytest

from app import cached
from app import uploads as submissions
from app.store import measures as measures_store
from app.store import connection as state
from app.store import submissions as submissions_store
from app import i18n
from app.i18n import speaking
from app.queries import common, figures, measures
from streamlit.testing.v1 import AppTest

from tests.conftest import PROJECT_ROOT, app_reading, run_page

SOURCE = "Letter of the Ministry, 3 March 2021"

# The store as the DuckDB version of the dashboard made it (app/measures_store.py and app/queries/submissions.py
# before the move to SQLite), frozen here: this is the format the migration reads.
LEGACY_DDL = (
    "CREATE SEQUENCE IF NOT EXISTS measure_status_edit_ids START 1",
    """CREATE TABLE IF NOT EXISTS measure_status_edits (
        edit_id BIGINT PRIMARY KEY DEFAULT nextval('measure_status_edit_ids'),
        measure_id VARCHAR NOT NULL, country_iso3 VARCHAR NOT NULL,
        status VARCHAR NOT NULL CHECK (status IN ('agreed', 'in progress', 'implemented', 'not applicable',
                                                  'no information')),
        as_of DATE NOT NULL, note VARCHAR, source VARCHAR NOT NULL, recorded_by VARCHAR NOT NULL,
        recorded_at TIMESTAMP NOT NULL, editor VARCHAR NOT NULL, based_on VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS meetings_added (
        meeting_id VARCHAR PRIMARY KEY, meeting_date DATE NOT NULL, title VARCHAR NOT NULL, organiser VARCHAR,
        participants VARCHAR, source VARCHAR NOT NULL, recorded_by VARCHAR NOT NULL, recorded_at TIMESTAMP NOT NULL,
        editor VARCHAR NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS measures_added (
        measure_id VARCHAR PRIMARY KEY, meeting_id VARCHAR NOT NULL, title VARCHAR NOT NULL,
        description VARCHAR NOT NULL, category VARCHAR NOT NULL, source VARCHAR NOT NULL,
        recorded_by VARCHAR NOT NULL, recorded_at TIMESTAMP NOT NULL, editor VARCHAR NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS submissions (
        submission_id VARCHAR PRIMARY KEY, file_name VARCHAR NOT NULL, file_sha256 VARCHAR NOT NULL,
        file_bytes BIGINT NOT NULL, file_format VARCHAR NOT NULL CHECK (file_format IN ('csv', 'xlsx')),
        stored_file VARCHAR NOT NULL, submitted_by VARCHAR NOT NULL, submitted_at TIMESTAMP NOT NULL,
        rows_in_file INTEGER NOT NULL, rows_added INTEGER NOT NULL, rows_changed INTEGER NOT NULL,
        rows_rejected INTEGER NOT NULL, status VARCHAR NOT NULL CHECK (status IN ('active', 'withdrawn')),
        withdrawn_by VARCHAR, withdrawn_at TIMESTAMP, withdrawn_reason VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS submitted_figures (
        submission_id VARCHAR NOT NULL, file_row INTEGER NOT NULL, record_id VARCHAR NOT NULL,
        topic VARCHAR NOT NULL CHECK (topic IN ('stranded', 'labour')), nationality_iso3 VARCHAR,
        location_iso3 VARCHAR, indicator VARCHAR NOT NULL, indicator_group VARCHAR NOT NULL,
        value DOUBLE NOT NULL CHECK (value >= 0), unit VARCHAR NOT NULL, unit_base VARCHAR NOT NULL,
        qualifier VARCHAR, period_start DATE,
        period_end DATE CHECK (period_end IS NULL OR period_start IS NULL OR period_end >= period_start),
        description VARCHAR, source_publisher VARCHAR NOT NULL, source_url VARCHAR, source_date DATE,
        date_note VARCHAR, status VARCHAR NOT NULL CHECK (status IN ('active', 'superseded', 'withdrawn')),
        corrects_submission VARCHAR, superseded_by VARCHAR, withdrawn_by VARCHAR, withdrawn_at TIMESTAMP,
        withdrawn_reason VARCHAR, PRIMARY KEY (submission_id, record_id))""",
)
LEGACY_TABLES = ("measure_status_edits", "meetings_added", "measures_added", "submissions", "submitted_figures",
                 "notes_of_a_later_feature")


def make_legacy_store(path) -> None:
    """A DuckDB store written as the DuckDB version wrote it: statuses (one id lost to a rolled-back save),
    an added meeting and its measure, a submission in force and one withdrawn, and a table this version
    does not know."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as con:
        for statement in LEGACY_DDL:
            con.execute(statement)
        status = """INSERT INTO measure_status_edits (measure_id, country_iso3, status, as_of, note, source,
                    recorded_by, recorded_at, editor, based_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING edit_id"""
        con.execute(status, ["M1-STAY", "KAZ", "in progress", date(2021, 3, 1), "Decree drafted — ü, ş, ё",
                             SOURCE, "Aydın K.", datetime(2021, 3, 2, 9, 30, 0, 123456), "aydin",
                             "build:M1-STAY:KAZ:2020-05-07:agreed:2020-05-07 00:00:00"]).fetchall()
        con.execute(status, ["M1-STAY", "KAZ", "implemented", date(2021, 6, 1), None, SOURCE, "Aydın K.",
                             datetime(2021, 6, 2, 10, 0), "aydin", "app:1"]).fetchall()
        con.execute("SELECT nextval('measure_status_edit_ids')").fetchall()  # a save refused inside its transaction
        con.execute(status, ["M1-STAY", "UZB", "not applicable", date(2021, 7, 1), "line one\nline two", SOURCE,
                             "Gulnara", datetime(2021, 7, 1, 8, 0), "gulnara", None]).fetchall()
        con.execute("INSERT INTO meetings_added VALUES ('M2021-05-01', DATE '2021-05-01', 'Online meeting', NULL, "
                    "'KAZ, UZB', 'Minutes', 'Aydın K.', TIMESTAMP '2021-05-02 12:00:00', 'aydin')")
        con.execute("INSERT INTO measures_added VALUES ('M2021-05-01-01', 'M2021-05-01', 'Visa-free transit', "
                    "'Transit without a visa for 72 hours', 'Visas', 'Minutes', 'Aydın K.', "
                    "TIMESTAMP '2021-05-02 12:00:00', 'aydin')")
        con.execute("""INSERT INTO submissions VALUES
            ('S-20250716-100000-aaaaaa', 'kaz.csv', 'aa11', 654, 'csv', 'S-20250716-100000-aaaaaa__kaz.csv',
             'aydin', TIMESTAMP '2025-07-16 10:00:00.5', 2, 2, 0, 0, 'active', NULL, NULL, NULL),
            ('S-20250717-090000-bbbbbb', 'uzb.xlsx', 'bb22', 5000, 'xlsx', 'S-20250717-090000-bbbbbb__uzb.xlsx',
             'gulnara', TIMESTAMP '2025-07-17 09:00:00', 1, 1, 0, 1, 'withdrawn', 'aydin',
             TIMESTAMP '2025-07-18 08:00:00', 'sent twice')""")
        con.execute("""INSERT INTO submitted_figures VALUES
            ('S-20250716-100000-aaaaaa', 2, 'KAZ-2025-001', 'labour', 'KAZ', 'RUS', 'entries_for_work', 'entries',
             12500, 'persons (at least)', 'persons', 'at least', DATE '2025-01-01', DATE '2025-06-30',
             'Entries for work', 'Ministry', 'https://www.gov.kz/example', DATE '2025-07-15', NULL, 'active',
             NULL, NULL, NULL, NULL, NULL),
            ('S-20250716-100000-aaaaaa', 3, 'KAZ-2025-002', 'stranded', 'KAZ', 'TUR', 'citizens_repatriated',
             'repatriated', 310.5, 'persons', 'persons', NULL, NULL, DATE '2025-03-31', NULL, 'Ministry', NULL,
             NULL, NULL, 'active', NULL, NULL, NULL, NULL, NULL),
            ('S-20250717-090000-bbbbbb', 2, 'UZB-1', 'labour', 'UZB', 'RUS', 'work_permits_issued', 'permits',
             4, 'permits', 'permits', NULL, NULL, NULL, NULL, 'Agency', NULL, NULL, NULL, 'withdrawn', NULL,
             NULL, 'aydin', TIMESTAMP '2025-07-18 08:00:00', 'sent twice')""")
        con.execute("CREATE TABLE notes_of_a_later_feature (note_id BIGINT, text VARCHAR, written DATE)")
        con.execute("INSERT INTO notes_of_a_later_feature VALUES (1, 'kept', DATE '2022-02-02'), (2, NULL, NULL)")


def legacy_rows(path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {table: sorted(tuple(state.sql_value(v) for v in row)
                              for row in con.execute(f"SELECT * FROM {table}").fetchall())
                for table in LEGACY_TABLES}


def store_rows() -> dict[str, list[tuple]]:
    with state.reading() as con:
        return {table: sorted(con.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
                for table in LEGACY_TABLES}


@pytest.fixture
def store_folder(built_db, tmp_path, monkeypatch):
    """The app on the session's build, its store in `tmp_path/state` (not opened yet)."""
    with app_reading(built_db, tmp_path, monkeypatch):
        yield tmp_path / "state"


def test_an_old_duckdb_store_moves_to_sqlite_with_every_row_and_id(store_folder):
    legacy = store_folder / "app_state.duckdb"
    make_legacy_store(legacy)
    before, legacy_bytes = legacy_rows(legacy), hashlib.sha256(legacy.read_bytes()).hexdigest()
    assert state.state_path() == store_folder / "app_state.sqlite3" and state.legacy_path() == legacy

    after = store_rows()  # the first use opens the store, which copies the old one
    assert {t: sorted(rows, key=repr) for t, rows in before.items()} == after
    assert sum(len(rows) for rows in after.values()) == 3 + 1 + 1 + 2 + 3 + 2
    # The old file is kept, renamed, byte for byte.
    kept = list(store_folder.glob("app_state.duckdb.migrated-*"))
    assert not legacy.exists() and len(kept) == 1
    assert hashlib.sha256(kept[0].read_bytes()).hexdigest() == legacy_bytes

    # The pages see what was recorded: the latest status, the added measure, the submission in force.
    current = cached.run_uncached(measures.cell_status, "M1-STAY", "KAZ").iloc[0]
    assert (current["status"], current["row_key"]) == ("implemented", "app:2")
    assert "M2021-05-01-01" in set(cached.run_uncached(measures.measures)["measure_id"])
    shown = cached.run_uncached(figures.all_figures)
    assert set(shown.loc[shown["origin"] == "submission", "record_id"]) == {"KAZ-2025-001", "KAZ-2025-002"}
    history = submissions_store.history().set_index("submission_id")
    assert history.at["S-20250717-090000-bbbbbb", "withdrawn_reason"] == "sent twice"
    assert history.at["S-20250716-100000-aaaaaa", "submitted_at"] == datetime(2025, 7, 16, 10, 0, 0, 500000)

    # The sequence goes on from where DuckDB left it: the id lost to the refused save is not given again.
    seen = cached.run_uncached(measures.cell_status, "M1-STAY", "AZE")["row_key"].iloc[0]
    assert measures_store.record_status("M1-STAY", "AZE", "in progress", "2021-08-01", None, SOURCE, "aydin",
                                        "Aydın K.", seen) == 5

    # Opened again (a restart), nothing is copied twice.
    state.close()
    assert len(store_rows()["measure_status_edits"]) == 4
    assert state.frame("SELECT name, source, tables_copied, rows_copied FROM store_migrations").values.tolist() == [
        ["duckdb-to-sqlite", "app_state.duckdb", 6, 12]]


def test_an_old_store_held_by_a_running_old_dashboard_is_named_then_moved_once_it_stops(store_folder):
    legacy = store_folder / "app_state.duckdb"
    make_legacy_store(legacy)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('open', flush=True); "
                               "time.sleep(60)", str(legacy)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        with pytest.raises(state.StoreUnavailable) as refused:
            state.check_available()
        with speaking("ru"):
            from app.i18n import _
            russian = refused.value.sentences_in(_)
        assert "still open in another process" in str(refused.value) and "app_state.duckdb" in str(refused.value)
        assert "app_state.duckdb" in russian and "still open" not in russian
        # The pages' read side goes on without it, and says so (see test_pages_go_on_without_the_store).
        assert cached.run_uncached(measures.cell_status, "M1-STAY", "KAZ").iloc[0]["status"] == "agreed"
    finally:
        holder.kill()
        holder.wait()
    state.close()  # forget the failure rather than wait for the retry delay
    assert len(store_rows()["measure_status_edits"]) == 3
    assert not legacy.exists()


def _edits() -> int:
    with sqlite3.connect(state.state_path()) as con:  # a connection of its own, as another process would have
        return con.execute("SELECT count(*) FROM measure_status_edits").fetchone()[0]


def _record(iso3: str = "KAZ") -> int:
    seen = cached.run_uncached(measures.cell_status, "M1-STAY", iso3)["row_key"].iloc[0]
    return measures_store.record_status("M1-STAY", iso3, "in progress", "2021-08-01", None, SOURCE, "aydin",
                                        "Aydın K.", seen)


def test_a_write_waits_for_another_writer_then_says_the_store_is_busy(store_folder, monkeypatch):
    monkeypatch.setattr(state, "WAIT_SECONDS", 0.3)
    state.close()
    _record("KAZ")
    # Another process's long write (SQLite's locks are the same between connections of one process).
    other = sqlite3.connect(state.state_path(), isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(state.StoreUnavailable) as busy:
            _record("UZB")
        assert str(busy.value) == ("The dashboard's store is busy with another process and did not answer within "
                                   "0.3 seconds. Nothing was saved. Try again in a moment.")
        # Readers are not held up by a writer (WAL).
        assert cached.run_uncached(measures.cell_status, "M1-STAY", "KAZ").iloc[0]["status"] == "in progress"
    finally:
        other.execute("ROLLBACK")
    assert _edits() == 1

    # A write shorter than the wait: the next one waits its turn and is stored.
    monkeypatch.setattr(state, "WAIT_SECONDS", 5.0)
    state.close()
    other.execute("BEGIN IMMEDIATE")
    threading.Timer(0.5, lambda: other.execute("COMMIT")).start()
    started = time.monotonic()
    _record("UZB")
    assert time.monotonic() - started >= 0.4  # it waited, then wrote
    assert _edits() == 2
    other.close()


def _read_only_connections(monkeypatch) -> None:
    """Every connection of the app as on a read-only file: SQLite's own refusal ("attempt to write a readonly
    database"), which chmod cannot give a test run as root."""
    connect = state._connect

    def read_only(path):
        con = connect(path)
        con.execute("PRAGMA query_only = ON")
        return con
    monkeypatch.setattr(state, "_connect", read_only)
    state.close()


def test_an_unwritable_store_says_so_on_save_and_stores_nothing(store_folder, monkeypatch):
    state.check_available()
    assert _edits() == 0
    _read_only_connections(monkeypatch)
    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=60)
    at.query_params.update(measure="M1-STAY", cell="KAZ")
    at.session_state["auth_editor"] = "aydin"
    at.switch_page("pages/measures.py").run()
    at.text_input(key="measures_new_status_M1-STAY_KAZ_source").input(SOURCE)
    next(b for b in at.button if b.label == "Save status").click().run()
    assert not at.exception
    assert [e.value.replace("\\", "") for e in at.error] == [
        "The dashboard's store app_state.sqlite3 cannot be written: the file or its folder is read-only. Nothing "
        "was saved. Ask the administrator to check it (see “Backups” in the README)."]
    assert _edits() == 0


def test_an_unwritable_store_refuses_a_submission_whole(store_folder, monkeypatch):
    content = (submissions.template_csv().decode() + "labour,K-1,KAZ,RUS,entries_for_work,10,persons,,,,M,,,\n").encode()
    known = set(cached.run_uncached(common.countries)["iso3"])
    preview = submissions.check(content, "k.csv", known, cached.run_uncached(figures.all_figures))
    _read_only_connections(monkeypatch)
    with pytest.raises(state.StoreUnavailable, match="cannot be written: the file or its folder is read-only"):
        submissions.confirm(preview, content, "aydin")
    monkeypatch.undo()
    state.close()
    assert submissions_store.snapshot() == {"submissions": [], "submitted_figures": [], "files": []}


def test_pages_go_on_without_the_store(store_folder, monkeypatch):
    """The store's folder cannot be made (its parent is a file): pages built on the build alone still draw."""
    blocked = store_folder.parent / "not-a-folder"
    blocked.write_text("a file where the store's folder should be")
    monkeypatch.setenv("OTS_STATE_PATH", str(blocked / "state" / "app_state.sqlite3"))
    state.close()
    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=60)
    at.query_params.update(lang="ru", section="table")
    at.switch_page("pages/stranded.py").run()
    assert not at.exception and not at.error
    russian = i18n.translations("ru").gettext
    assert [w.value for w in at.warning] == [
        russian("The dashboard's store {file} cannot be opened: its folder {folder} cannot be made or is not a "
                "folder.").format(file="app_state.sqlite3", folder="state") + " "
        + russian("Ask the administrator to check it (see “Backups” in the README).") + " "
        + russian("This page shows the database build without the statuses and figures recorded in the dashboard "
                  "until the store can be read again.")]
    assert len(at.dataframe) >= 1  # the build's figures are shown
    at = run_page("measures")  # the matrix from the meeting documents, with the same notice
    assert not at.exception and not at.error and len(at.warning) == 1
    assert len(at.get("plotly_chart")) == 3
    at = run_page("migration")
    assert not at.exception and not at.error and not at.warning  # a page that never needs the store says nothing
