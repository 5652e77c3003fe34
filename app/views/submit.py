"""The Submit figures page's words and tables: the headings of problems, previewed figures and the history of
submissions (also shown on the Data and sources page)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from app.auth import display_name
from app.i18n import _


def problem_labels() -> dict[str, str]:
    return {"row": _("Row"), "column": _("Column"), "reason": _("Problem")}


def figure_labels() -> dict[str, str]:
    """Column headings for previewed and stored figures."""
    return {"file_row": _("Row"), "record_id": _("Record"), "topic": _("Topic"),
            "nationality_iso3": _("Nationality"), "location_iso3": _("Country of stay"),
            "indicator": _("Indicator"), "value": _("Value"), "unit": _("Unit"), "period_start": _("From"),
            "period_end": _("To"), "source_publisher": _("Source"), "corrects_submission": _("Corrects"),
            "changed_columns": _("What changes"), "previous_value": _("Value before"), "reasons": _("Why")}


def preview_columns(kind: str) -> list[str]:
    shown = ["file_row", "record_id", "topic", "nationality_iso3", "location_iso3", "indicator", "value", "unit",
             "period_start", "period_end", "source_publisher"]
    return shown + (["previous_value", "changed_columns", "corrects_submission"] if kind == "changed" else [])


HISTORY_ORDER = ["submission_id", "file_name", "submitted_by", "submitted_at", "rows_in_file", "rows_added",
                 "rows_changed", "rows_rejected", "rows_in_force", "status", "withdrawn_by", "withdrawn_at",
                 "withdrawn_reason", "file_sha256"]


def history_labels() -> dict[str, str | None]:
    """Column headings of the submissions history (None hides a column)."""
    return {"submission_id": _("Submission"), "file_name": _("File"), "submitted_by": _("Submitted by"),
            "submitted_at": _("Submitted (UTC)"), "rows_in_file": _("Rows in file"), "rows_added": _("Added"),
            "rows_changed": _("Corrected"), "rows_rejected": _("Rejected"), "rows_in_force": _("In force"),
            "status": _("Status"), "withdrawn_by": _("Withdrawn by"), "withdrawn_at": _("Withdrawn (UTC)"),
            "withdrawn_reason": _("Why withdrawn"), "file_sha256": _("SHA-256 of the file"),
            "file_bytes": None, "file_format": None, "stored_file": None}


def history_view(history: pd.DataFrame) -> pd.DataFrame:
    """The submissions history as shown: editors by their names, statuses in the reader's language."""
    statuses = {"active": _("in force"), "withdrawn": _("withdrawn")}
    names = {name: display_name(name) for name in set(history["submitted_by"]) | set(history["withdrawn_by"].dropna())}
    return history.assign(submitted_by=history["submitted_by"].map(names),
                          withdrawn_by=history["withdrawn_by"].map(names),
                          status=history["status"].map(statuses))


def show_history(history: pd.DataFrame) -> None:
    """The submissions so far, newest first (Submit figures and Data and sources pages)."""
    st.dataframe(history_view(history), hide_index=True, width="stretch", column_config=history_labels(),
                 column_order=HISTORY_ORDER)
