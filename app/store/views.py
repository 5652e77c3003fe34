"""The frames of the app's store that queries on the build join, by the name the queries give them.

A query that needs what was recorded in the dashboard says so with `@uses_state(name)` (see `app.queries`);
`app.cached` then reads the frame listed here under that name from the store (once per store version) and
registers it on the query's DuckDB cursor. Every frame is listed in STATE_VIEWS, explicitly: none registers
itself.
"""
from __future__ import annotations

import pandas as pd

from app.queries import figures
from app.store import submissions
from app.store.common import table_arrow
from app.store.tables import MEASURE_STATUS_EDITS, MEASURES_ADDED, MEETINGS_ADDED, StoreTable


def whole_table(con, table: StoreTable):
    """A table as Arrow, typed by the store's declared columns, so an empty table still has types on the read
    side."""
    return table_arrow(con, table.name, table.order_by)


DATE_COLUMNS = ("period_start", "period_end", "source_date", "submitted_at")


def submitted_figures(con) -> pd.DataFrame:
    """Submitted figures in force, with their submission."""
    frame = submissions.active_figures(con)
    for column in DATE_COLUMNS:  # ISO text in the store
        frame[column] = pd.to_datetime(frame[column])
    frame["value"] = frame["value"].astype("float64")
    # An empty text column would reach DuckDB untyped; pandas' string dtype registers as VARCHAR.
    text = [c for c in frame.columns if frame[c].dtype == object]
    return frame.astype({c: "string" for c in text})


STATE_VIEWS = {
    # statuses, meetings and measures recorded by editors (app.queries.measures)
    **{table.name: (lambda con, table=table: whole_table(con, table))
       for table in (MEASURE_STATUS_EDITS, MEETINGS_ADDED, MEASURES_ADDED)},
    figures.STATE_VIEW: submitted_figures,  # app.queries.figures, app.queries.data
}
