"""Reported figures as the pages must see them: the build's `reported_figures` plus member-state submissions.

Submitted figures live in the app's store (see `app.store.submissions`), not in
the build, so any query on stranded or labour figures should read
`all_figures` instead of `reported_figures`:

    from app.queries import uses_state
    from app.queries.figures import ALL_FIGURES_SQL, STATE_VIEW

    @uses_state(STATE_VIEW)
    def stranded_by_host(cur, nationality):
        return cur.execute(f"WITH {ALL_FIGURES_SQL} SELECT ... FROM all_figures WHERE topic = 'stranded' ...",
                           {...}).df()

`all_figures` has every column of `reported_figures`, plus `origin`
('database' or 'submission'), `submission_id` and `submitted_at`. A submitted
row whose `record_id` has since been loaded into the build by the ETL is left
out: the build's copy wins, so no figure is counted twice.
"""
from __future__ import annotations

import pandas as pd

from app.queries import uses_state
from etl.sources.reported_figures import TABLE as REPORTED_FIGURES

# The submitted figures in force, a frame of the app's store registered on the cursor under this name
# (`app.store.submissions.submitted_figures_view`, listed in `app.store.views`).
STATE_VIEW = "submitted_figures"
_COLUMNS = REPORTED_FIGURES.columns


def _cast(column) -> str:
    # The state view reaches DuckDB as a pandas frame: dates arrive as timestamps and an empty
    # text column has no type, so every column is cast back to the build's type.
    return f"CAST({STATE_VIEW}.{column.name} AS {column.type}) AS {column.name}"


ALL_FIGURES_SQL = f"""all_figures AS (
    SELECT {', '.join(c.name for c in _COLUMNS)},
           'database' AS origin, CAST(NULL AS VARCHAR) AS submission_id, CAST(NULL AS TIMESTAMP) AS submitted_at
    FROM reported_figures
    UNION ALL
    SELECT {', '.join(_cast(c) for c in _COLUMNS)},
           'submission' AS origin, CAST({STATE_VIEW}.submission_id AS VARCHAR) AS submission_id,
           CAST({STATE_VIEW}.submitted_at AS TIMESTAMP) AS submitted_at
    FROM {STATE_VIEW}
    WHERE CAST({STATE_VIEW}.record_id AS VARCHAR) NOT IN (SELECT record_id FROM reported_figures)
)"""


@uses_state(STATE_VIEW)
def all_figures(cur, topic: str | None = None) -> pd.DataFrame:
    """Every figure in force, from the build and from submissions (submission checks; stranded/labour pages)."""
    return cur.execute(f"""
        WITH {ALL_FIGURES_SQL}
        SELECT * FROM all_figures
        WHERE $topic IS NULL OR topic = $topic
        ORDER BY origin, record_id
    """, {"topic": topic}).df()
