"""Where confirmed submissions are kept: the app's store (`app.state`) and the original files beside it.

A confirmed submission is written in one transaction: its record (who, when,
the file's name and sha256), its rows, and the corrections it makes to earlier
submitted rows. The original file is kept under `submissions/` next to the
store, named after the submission. If anything fails, the transaction is rolled
back and the kept file removed, so a failed submission leaves no trace.

The ETL build never touches any of this, so submitted figures survive every
rebuild; the read side sees them through the `submitted_figures` state view
(see `app.queries.figures`). Nothing is ever deleted: withdrawing marks rows.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from app import cached, state
from app.i18n import _
from app.queries import submissions as q

FIGURE_COLUMNS = q.FIGURE_COLUMNS
STORED_COLUMNS = ["submission_id", "file_row"] + FIGURE_COLUMNS + ["status", "corrects_submission"]

state.register_schema(*q.DDL)


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


DATE_COLUMNS = ("period_start", "period_end", "source_date", "submitted_at")


@cached.state_view(q.STATE_VIEW)
def submitted_figures_view(con) -> pd.DataFrame:
    """Submitted figures in force, for queries marked `@uses_state("submitted_figures")`."""
    frame = q.active_figures(con)
    for column in DATE_COLUMNS:  # ISO text in the store
        frame[column] = pd.to_datetime(frame[column])
    frame["value"] = frame["value"].astype("float64")
    # An empty text column would reach DuckDB untyped; pandas' string dtype registers as VARCHAR.
    text = [c for c in frame.columns if frame[c].dtype == object]
    return frame.astype({c: "string" for c in text})


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
    """Write a checked submission (an `app.submissions.Preview`) and keep its file; all or nothing."""
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
            current = q.active_record(cur, new_ids + corrected_ids)
            taken = sorted(set(current["record_id"]) & set(new_ids))
            gone = sorted(set(corrected_ids) - set(current["record_id"]))
            if taken or gone:
                raise SubmissionError(_(
                    "The submitted figures changed since this file was checked ({ids}); check the file again.")
                    .format(ids=", ".join(taken + gone)[:200]))
            q.insert_submission(cur, {
                "submission_id": submission_id, "file_name": preview.filename, "file_sha256": preview.sha256,
                "file_bytes": len(content), "file_format": preview.file_format, "stored_file": kept.name,
                "submitted_by": editor, "submitted_at": at, "rows_in_file": preview.rows_in_file,
                "rows_added": len(added), "rows_changed": len(changed),
                "rows_rejected": len(preview.rejected), "status": "active",
            })
            q.insert_figures(cur, pd.concat([added, changed], ignore_index=True))
            q.supersede(cur, corrected_ids, submission_id)
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
        found = q.submission(cur, submission_id)
        if found.empty:
            raise SubmissionError(_("There is no submission {id}.").format(id=submission_id))
        if found.iloc[0]["status"] == "withdrawn":
            raise SubmissionError(_("Submission {id} was already withdrawn.").format(id=submission_id))
        taken_out = q.withdraw_submission(cur, submission_id, editor, at or _now(), reason[:2000])
        q.restore_latest_superseded(cur, submission_id)
    return taken_out


def history() -> pd.DataFrame:
    """Every submission, newest first."""
    with state.reading() as cur:
        return q.submission_history(cur)


def kept_file(submission_id: str) -> Path | None:
    """The original file of a submission, as uploaded."""
    with state.reading() as cur:
        found = q.submission(cur, submission_id)
    if found.empty:
        return None
    path = files_dir() / found.iloc[0]["stored_file"]
    return path if path.is_file() else None


def snapshot() -> dict:
    """The store's submission tables and kept files, for checking that nothing changed."""
    with state.reading() as cur:
        tables = q.snapshot(cur)
    folder = files_dir()
    tables["files"] = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
    return tables
