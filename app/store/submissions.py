"""Member states' files of figures in the app's store: their records, the figures they add, corrections and
withdrawals, and the original files kept beside the store.

Two tables (`app.store.tables`): `submissions` (one row per uploaded file: who,
when, the file's name and checksum, what happened to it) and `submitted_figures`
(the figures it added, in the layout of the build's `reported_figures`). A
confirmed submission is written in one transaction: its record, its rows, and
the corrections it makes to earlier submitted rows. The original file is kept
under `submissions/` next to the store, named after the submission. If anything
fails, the transaction is rolled back and the kept file removed, so a failed
submission leaves no trace.

The ETL build never touches any of this, so submitted figures survive every
rebuild; the read side sees them through the `submitted_figures` state view
(`app.store.views`, `app.queries.figures`). Nothing is ever deleted:
a correction marks the earlier row `superseded`, a withdrawal marks rows
`withdrawn` with who, when and why.
"""
from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from app.i18n import _
from app.queries import submit as submit_queries
from app.store import connection as state
from app.store.common import query
from app.store.tables import SUBMISSIONS, SUBMITTED_FIGURES
from etl.sources.reported_figures import TABLE as REPORTED_FIGURES

FIGURE_COLUMNS = REPORTED_FIGURES.column_names  # the submitted rows have exactly the build table's columns
STORED_COLUMNS = ["submission_id", "file_row"] + FIGURE_COLUMNS + ["status", "corrects_submission"]


class SubmissionError(Exception):
    """A submission cannot be stored or withdrawn as asked; the message is a sentence for the user."""


def files_dir() -> Path:
    """Kept original files: beside the store, so a test's store in a temporary folder keeps its files there."""
    return state.state_path().parent / "submissions"


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)  # stored as UTC, without a zone


def _safe_name(filename: str) -> str:
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", filename).strip("._") or "upload"
    return name[-80:]


def new_submission_id(sha256: str, at: datetime) -> str:
    return f"S-{at:%Y%m%d-%H%M%S}-{sha256[:6]}"


def _rows(frame: pd.DataFrame, submission_id: str, corrects: pd.Series | None) -> pd.DataFrame:
    rows = frame[["file_row"] + FIGURE_COLUMNS].copy()
    rows.insert(0, "submission_id", submission_id)
    rows["status"] = "active"
    rows["corrects_submission"] = corrects.values if corrects is not None else None
    for column in ("period_start", "period_end", "source_date"):
        rows[column] = pd.to_datetime(rows[column]).dt.date
    rows["corrects_submission"] = rows["corrects_submission"].astype("string")
    return rows[STORED_COLUMNS].reset_index(drop=True)


def store(preview, content: bytes, editor: str, at: datetime | None = None) -> str:
    """Write a checked submission (an `app.uploads.Preview`) and keep its file; all or nothing."""
    if not editor:
        raise SubmissionError(_("Only a signed-in editor can submit figures."))
    at = at or _now()
    submission_id = new_submission_id(preview.sha256, at)
    folder = files_dir()
    kept = folder / f"{submission_id}__{_safe_name(preview.filename)}"
    added = _rows(preview.added, submission_id, None)
    changed = _rows(preview.changed, submission_id, preview.changed["corrects_submission"])
    new_ids = list(added["record_id"])
    corrected_ids = list(changed["record_id"])
    try:
        folder.mkdir(parents=True, exist_ok=True)
        kept.write_bytes(content)
    except OSError as error:  # a read-only folder, a full disk: a sentence, and nothing kept
        if kept.is_file():
            kept.unlink()
        raise state.write_failure(error, folder) from error
    try:
        with state.writing() as cur:
            # Checked again inside the transaction: another editor may have stored the same figures
            # between this editor's preview and confirmation.
            current = active_record(cur, new_ids + corrected_ids)
            taken = sorted(set(current["record_id"]) & set(new_ids))
            gone = sorted(set(corrected_ids) - set(current["record_id"]))
            if taken or gone:
                raise SubmissionError(_(
                    "The submitted figures changed since this file was checked ({ids}); check the file again.")
                    .format(ids=", ".join(taken + gone)[:200]))
            insert_submission(cur, {
                "submission_id": submission_id, "file_name": preview.filename, "file_sha256": preview.sha256,
                "file_bytes": len(content), "file_format": preview.file_format, "stored_file": kept.name,
                "submitted_by": editor, "submitted_at": at, "rows_in_file": preview.rows_in_file,
                "rows_added": len(added), "rows_changed": len(changed),
                "rows_rejected": len(preview.rejected), "status": "active",
            })
            insert_figures(cur, pd.concat([added, changed], ignore_index=True))
            supersede(cur, corrected_ids, submission_id)
    except BaseException:
        kept.unlink(missing_ok=True)
        raise
    return submission_id


def withdraw(submission_id: str, editor: str, reason: str, at: datetime | None = None) -> int:
    """Withdraw a submission: its rows stop counting (kept, marked withdrawn); returns rows taken out."""
    reason = (reason or "").strip()
    if not editor:
        raise SubmissionError(_("Only a signed-in editor can withdraw a submission."))
    if not reason:
        raise SubmissionError(_("Say why the submission is withdrawn."))
    with state.writing() as cur:
        found = submission(cur, submission_id)
        if found.empty:
            raise SubmissionError(_("There is no submission {id}.").format(id=submission_id))
        if found.iloc[0]["status"] == "withdrawn":
            raise SubmissionError(_("Submission {id} was already withdrawn.").format(id=submission_id))
        taken_out = withdraw_submission(cur, submission_id, editor, at or _now(), reason[:2000])
        restore_latest_superseded(cur, submission_id)
    return taken_out


def history() -> pd.DataFrame:
    """Every submission, newest first (`app.queries.submit.submission_history` on the store)."""
    with state.reading() as cur:
        return submit_queries.submission_history(cur)


def kept_file(submission_id: str) -> Path | None:
    """The original file of a submission, as uploaded."""
    with state.reading() as cur:
        found = submission(cur, submission_id)
    if found.empty:
        return None
    path = files_dir() / found.iloc[0]["stored_file"]
    return path if path.is_file() else None


def snapshot() -> dict:
    """The store's submission tables and kept files, for checking that nothing changed."""
    with state.reading() as cur:
        tables = _tables_as_held(cur)
    folder = files_dir()
    tables["files"] = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
    return tables


# --- the statements ----------------------------------------------------------------------------------

def _ids(record_ids) -> str:
    # One bound parameter for any number of ids (SQLite limits the number of parameters of a statement).
    return json.dumps([str(record_id) for record_id in record_ids])


def active_figures(con) -> pd.DataFrame:
    """Submitted figures in force, with their submission (the `submitted_figures` state view)."""
    return query(con, f"""
        SELECT {', '.join('f.' + c for c in FIGURE_COLUMNS)}, f.submission_id, s.submitted_at, s.submitted_by,
               s.file_name
        FROM submitted_figures f JOIN submissions s USING (submission_id)
        WHERE f.status = 'active'
        ORDER BY f.record_id
    """)


def active_record(con, record_ids: list[str]) -> pd.DataFrame:
    """Active submitted rows with these record ids (to tell a correction from a new figure)."""
    return query(con, """
        SELECT record_id, submission_id FROM submitted_figures
        WHERE status = 'active' AND record_id IN (SELECT value FROM json_each($ids))
    """, {"ids": _ids(record_ids)})


def submission(con, submission_id: str) -> pd.DataFrame:
    return query(con, "SELECT * FROM submissions WHERE submission_id = $id", {"id": submission_id})


def insert_submission(con, record: dict) -> None:
    columns = list(record)
    con.execute(f"INSERT INTO submissions ({', '.join(columns)}) VALUES ({', '.join('$' + c for c in columns)})",
                {name: state.sql_value(value) for name, value in record.items()})


def insert_figures(con, rows: pd.DataFrame) -> None:
    """Append rows (already shaped like `submitted_figures`) to the store."""
    columns = list(rows.columns)
    con.executemany(
        f"INSERT INTO submitted_figures ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
        [tuple(state.sql_value(value) for value in row) for row in rows.itertuples(index=False, name=None)])


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
    params = {"id": submission_id, "by": by, "at": state.sql_value(at), "reason": reason}
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


def _tables_as_held(con) -> dict[str, list[tuple]]:
    """Every row of the submission tables, in order (what `snapshot` compares)."""
    return {table.name: con.execute(f"SELECT * FROM {table.name} ORDER BY {table.order_by}").fetchall()
            for table in (SUBMISSIONS, SUBMITTED_FIGURES)}
