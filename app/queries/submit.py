"""SQL the Submit figures page reads (the history is also shown on Data and sources).

The submissions so far are kept in the app's store, not in the build: this query takes a connection on the
store (`con`, SQLite), and `app.store.submissions.history()` runs it. The page's reads of the build are shared
with other pages (`app.queries.common.countries`, `app.queries.figures.all_figures`). Writes are the store's.
"""
from __future__ import annotations

import pandas as pd

from app.store.common import query


def submission_history(con) -> pd.DataFrame:
    """Every submission, newest first, with its counts and status (history tables of both data pages)."""
    history = query(con, """
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
