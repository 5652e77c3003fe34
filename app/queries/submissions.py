"""SQL on the app's own store for member-state submissions (Submit figures and Data and sources pages).

Two tables live in the store (`app.state`, SQLite), never in the ETL build, so a rebuild
cannot lose them: `submissions` (one row per uploaded file: who, when, the
file's name and checksum, what happened to it) and `submitted_figures` (the
figures it added, in the layout of `reported_figures`). Rows are never deleted:
a correction marks the earlier row `superseded`, a withdrawal marks rows
`withdrawn` with who, when and why.
"""
from __future__ import annotations

import json

import pandas as pd

from app.state import query as _frame
from app.state import sql_value
from etl.sources.reported_figures import TABLE as REPORTED_FIGURES

STATE_VIEW = "submitted_figures"  # the frame of active rows registered on read cursors
FIGURE_COLUMNS = REPORTED_FIGURES.column_names  # the submitted rows have exactly the build table's columns
ROW_STATUSES = ("active", "superseded", "withdrawn")

SUBMISSIONS_DDL = """
CREATE TABLE IF NOT EXISTS submissions (
    submission_id VARCHAR PRIMARY KEY,
    file_name VARCHAR NOT NULL,
    file_sha256 VARCHAR NOT NULL,
    file_bytes INTEGER NOT NULL,
    file_format VARCHAR NOT NULL CHECK (file_format IN ('csv', 'xlsx')),
    stored_file VARCHAR NOT NULL,
    submitted_by VARCHAR NOT NULL,
    submitted_at TIMESTAMP NOT NULL,
    rows_in_file INTEGER NOT NULL,
    rows_added INTEGER NOT NULL,
    rows_changed INTEGER NOT NULL,
    rows_rejected INTEGER NOT NULL,
    status VARCHAR NOT NULL CHECK (status IN ('active', 'withdrawn')),
    withdrawn_by VARCHAR,
    withdrawn_at TIMESTAMP,
    withdrawn_reason VARCHAR
)"""

SUBMITTED_FIGURES_DDL = """
CREATE TABLE IF NOT EXISTS submitted_figures (
    submission_id VARCHAR NOT NULL,
    file_row INTEGER NOT NULL,
    record_id VARCHAR NOT NULL,
    topic VARCHAR NOT NULL CHECK (topic IN ('stranded', 'labour')),
    nationality_iso3 VARCHAR,
    location_iso3 VARCHAR,
    indicator VARCHAR NOT NULL,
    indicator_group VARCHAR NOT NULL,
    value DOUBLE NOT NULL CHECK (value >= 0),
    unit VARCHAR NOT NULL,
    unit_base VARCHAR NOT NULL,
    qualifier VARCHAR,
    period_start DATE,
    period_end DATE CHECK (period_end IS NULL OR period_start IS NULL OR period_end >= period_start),
    description VARCHAR,
    source_publisher VARCHAR NOT NULL,
    source_url VARCHAR,
    source_date DATE,
    date_note VARCHAR,
    status VARCHAR NOT NULL CHECK (status IN ('active', 'superseded', 'withdrawn')),
    corrects_submission VARCHAR,
    superseded_by VARCHAR,
    withdrawn_by VARCHAR,
    withdrawn_at TIMESTAMP,
    withdrawn_reason VARCHAR,
    PRIMARY KEY (submission_id, record_id)
)"""

DDL = (SUBMISSIONS_DDL, SUBMITTED_FIGURES_DDL)


def _ids(record_ids) -> str:
    # One bound parameter for any number of ids (SQLite limits the number of parameters of a statement).
    return json.dumps([str(record_id) for record_id in record_ids])


def active_figures(con) -> pd.DataFrame:
    """Submitted figures in force, with their submission (the `submitted_figures` state view)."""
    return _frame(con, f"""
        SELECT {', '.join('f.' + c for c in FIGURE_COLUMNS)}, f.submission_id, s.submitted_at, s.submitted_by,
               s.file_name
        FROM submitted_figures f JOIN submissions s USING (submission_id)
        WHERE f.status = 'active'
        ORDER BY f.record_id
    """)


def active_record(con, record_ids: list[str]) -> pd.DataFrame:
    """Active submitted rows with these record ids (to tell a correction from a new figure)."""
    return _frame(con, """
        SELECT record_id, submission_id FROM submitted_figures
        WHERE status = 'active' AND record_id IN (SELECT value FROM json_each($ids))
    """, {"ids": _ids(record_ids)})


def submission_history(con) -> pd.DataFrame:
    """Every submission, newest first, with its counts and status (history tables of both data pages)."""
    history = _frame(con, """
        SELECT s.submission_id, s.file_name, s.file_format, s.file_bytes, s.file_sha256, s.submitted_by,
               s.submitted_at, s.rows_in_file, s.rows_added, s.rows_changed, s.rows_rejected,
               count(f.record_id) FILTER (WHERE f.status = 'active') AS rows_in_force,
               s.status, s.withdrawn_by, s.withdrawn_at, s.withdrawn_reason, s.stored_file
        FROM submissions s LEFT JOIN submitted_figures f USING (submission_id)
        GROUP BY s.submission_id
        ORDER BY s.submitted_at DESC, s.submission_id DESC
    """)
    for column in ("submitted_at", "withdrawn_at"):  # stored as ISO text
        history[column] = pd.to_datetime(history[column])
    return history


def submission(con, submission_id: str) -> pd.DataFrame:
    return _frame(con, "SELECT * FROM submissions WHERE submission_id = $id", {"id": submission_id})


def insert_submission(con, record: dict) -> None:
    columns = list(record)
    con.execute(f"INSERT INTO submissions ({', '.join(columns)}) VALUES ({', '.join('$' + c for c in columns)})",
                {name: sql_value(value) for name, value in record.items()})


def insert_figures(con, rows: pd.DataFrame) -> None:
    """Append rows (already shaped like `submitted_figures`) to the store."""
    columns = list(rows.columns)
    con.executemany(
        f"INSERT INTO submitted_figures ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
        [tuple(sql_value(value) for value in row) for row in rows.itertuples(index=False, name=None)])


def supersede(con, record_ids: list[str], by_submission: str) -> int:
    """Mark the active rows with these ids as replaced by a newer submission; returns how many."""
    return con.execute("""
        UPDATE submitted_figures SET status = 'superseded', superseded_by = $by
        WHERE status = 'active' AND record_id IN (SELECT value FROM json_each($ids)) AND submission_id <> $by
    """, {"ids": _ids(record_ids), "by": by_submission}).rowcount


def withdraw_submission(con, submission_id: str, by: str, at, reason: str) -> int:
    """Mark a submission and all its rows withdrawn; returns the number of rows that were in force."""
    in_force = con.execute("""
        SELECT count(*) FROM submitted_figures WHERE submission_id = $id AND status = 'active'
    """, {"id": submission_id}).fetchone()[0]
    params = {"id": submission_id, "by": by, "at": sql_value(at), "reason": reason}
    con.execute("""
        UPDATE submitted_figures SET status = 'withdrawn', withdrawn_by = $by, withdrawn_at = $at,
               withdrawn_reason = $reason
        WHERE submission_id = $id AND status <> 'withdrawn'
    """, params)
    con.execute("""
        UPDATE submissions SET status = 'withdrawn', withdrawn_by = $by, withdrawn_at = $at,
               withdrawn_reason = $reason
        WHERE submission_id = $id
    """, params)
    return in_force


def restore_latest_superseded(con, withdrawn_submission: str) -> int:
    """For each figure of a withdrawn submission left with no row in force, put back its latest earlier version."""
    pairs = con.execute("""
        SELECT submission_id, record_id FROM (
            SELECT f.submission_id, f.record_id,
                   row_number() OVER (PARTITION BY f.record_id ORDER BY s.submitted_at DESC, f.submission_id DESC) AS n
            FROM submitted_figures f JOIN submissions s USING (submission_id)
            WHERE f.status = 'superseded'
              AND f.record_id IN (SELECT record_id FROM submitted_figures WHERE submission_id = $id)
              AND f.record_id NOT IN (SELECT record_id FROM submitted_figures WHERE status = 'active')
        ) WHERE n = 1
    """, {"id": withdrawn_submission}).fetchall()
    for submission_id, record_id in pairs:
        con.execute("""
            UPDATE submitted_figures SET status = 'active', superseded_by = NULL
            WHERE submission_id = $submission AND record_id = $record
        """, {"submission": submission_id, "record": record_id})
    return len(pairs)


SNAPSHOT_ORDER = {"submissions": "submission_id", "submitted_figures": "submission_id, record_id"}


def snapshot(con) -> dict[str, list[tuple]]:
    """Everything in the submission tables, for tests that check nothing changed."""
    return {table: con.execute(f"SELECT * FROM {table} ORDER BY {order}").fetchall()
            for table, order in SNAPSHOT_ORDER.items()}
