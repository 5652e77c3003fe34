"""Agreed measures: meetings, measures and each state's status history (Agreed measures and Briefing pages).

The build holds what the meeting documents say (`meetings`, `measures`,
`measure_status`); what editors record in the dashboard lives in the app's
store and reaches these queries as the state views `meetings_added`,
`measures_added` and `measure_status_edits` (registered by
`app.measures_store`). Every query here reads the union of both, so an edit is
seen at once and survives a rebuild.

The current status of a measure in a state is its latest history row: latest
`as_of`, then latest `recorded_at` (then the later edit). A measure × state
with no row at all is "no information".
"""
from __future__ import annotations

import pandas as pd

from app.queries import uses_state

STATE_VIEWS = ("meetings_added", "measures_added", "measure_status_edits")

# Store views are cast column by column: an empty frame from the store carries no types.
_MEETINGS = """
    SELECT meeting_id, meeting_date, title, organiser, participants, source, 'build' AS origin
    FROM meetings
    UNION ALL
    SELECT CAST(meeting_id AS VARCHAR), CAST(meeting_date AS DATE), CAST(title AS VARCHAR),
           CAST(organiser AS VARCHAR), CAST(participants AS VARCHAR), CAST(source AS VARCHAR), 'app'
    FROM meetings_added
"""
_MEASURES = f"""
    WITH all_meetings AS ({_MEETINGS}),
    all_measures AS (
        SELECT measure_id, meeting_id, title, description, category, source, 'build' AS origin FROM measures
        UNION ALL
        SELECT CAST(measure_id AS VARCHAR), CAST(meeting_id AS VARCHAR), CAST(title AS VARCHAR),
               CAST(description AS VARCHAR), CAST(category AS VARCHAR), CAST(source AS VARCHAR), 'app'
        FROM measures_added
    )
    SELECT ms.measure_id, ms.meeting_id, mt.meeting_date, mt.title AS meeting_title, ms.title, ms.description,
           ms.category, ms.source, ms.origin
    FROM all_measures ms JOIN all_meetings mt USING (meeting_id)
"""
_HISTORY = """
    SELECT CAST(NULL AS BIGINT) AS edit_id, measure_id, country_iso3, status, as_of, note, source,
           recorded_by, recorded_at
    FROM measure_status
    UNION ALL
    SELECT CAST(edit_id AS BIGINT), CAST(measure_id AS VARCHAR), CAST(country_iso3 AS VARCHAR),
           CAST(status AS VARCHAR), CAST(as_of AS DATE), CAST(note AS VARCHAR), CAST(source AS VARCHAR),
           CAST(recorded_by AS VARCHAR), CAST(recorded_at AS TIMESTAMP)
    FROM measure_status_edits
"""
# Every recorded status of a known measure, from the build and from the dashboard (edit_id set), for
# queries elsewhere that summarise the statuses (the coverage matrix of Data and sources).
RECORDED_STATUSES_SQL = f"""
    SELECT h.* FROM ({_HISTORY}) h JOIN ({_MEASURES}) m USING (measure_id)
"""
# Identifies one history row, so an edit can say which current row it was based on.
_ROW_KEY = """CASE WHEN edit_id IS NULL
                   THEN 'build:' || measure_id || ':' || country_iso3 || ':' || CAST(as_of AS VARCHAR) || ':'
                        || status || ':' || CAST(recorded_at AS VARCHAR)
                   ELSE 'app:' || CAST(edit_id AS VARCHAR) END"""
_CURRENT = f"""
    WITH history AS ({_HISTORY}),
    ranked AS (
        SELECT *, {_ROW_KEY} AS row_key,
               row_number() OVER (PARTITION BY measure_id, country_iso3
                                  ORDER BY as_of DESC, recorded_at DESC, edit_id DESC NULLS LAST) AS rank
        FROM history
    ),
    all_measures AS ({_MEASURES}),
    ots_states AS (SELECT iso3 AS country_iso3, ots_status FROM countries WHERE ots_status IS NOT NULL)
    SELECT m.measure_id, m.meeting_id, m.meeting_date, m.meeting_title, m.title AS measure_title, m.category,
           s.country_iso3, s.ots_status,
           coalesce(r.status, 'no information') AS status, r.as_of, r.note, r.source, r.recorded_by,
           r.recorded_at, r.row_key
    FROM all_measures m CROSS JOIN ots_states s
    LEFT JOIN ranked r ON r.measure_id = m.measure_id AND r.country_iso3 = s.country_iso3 AND r.rank = 1
"""


@uses_state(*STATE_VIEWS)
def meetings(cur) -> pd.DataFrame:
    """Every meeting, from the documents and added by editors, with its number of measures (Agreed measures)."""
    return cur.execute(f"""
        WITH all_meetings AS ({_MEETINGS}), all_measures AS ({_MEASURES})
        SELECT mt.*, count(ms.measure_id) AS measures
        FROM all_meetings mt LEFT JOIN all_measures ms USING (meeting_id)
        GROUP BY ALL ORDER BY mt.meeting_date, mt.meeting_id
    """).df()


@uses_state(*STATE_VIEWS)
def measures(cur) -> pd.DataFrame:
    """Every measure with its meeting's date and title, in meeting order (Agreed measures, edit form)."""
    return cur.execute(f"SELECT * FROM ({_MEASURES}) ORDER BY meeting_date, meeting_id, measure_id").df()


@uses_state(*STATE_VIEWS)
def current_status(cur) -> pd.DataFrame:
    """Each measure × member or observer state with its current status and the row it comes from (matrix)."""
    return cur.execute(f"SELECT * FROM ({_CURRENT}) ORDER BY meeting_date, meeting_id, measure_id, country_iso3").df()


@uses_state(*STATE_VIEWS)
def cell_status(cur, measure_id: str, country_iso3: str) -> pd.DataFrame:
    """The current status of one measure in one state (edit form; conflict check on save)."""
    return cur.execute(f"SELECT * FROM ({_CURRENT}) WHERE measure_id = $measure AND country_iso3 = $state",
                       {"measure": measure_id, "state": country_iso3}).df()


@uses_state(*STATE_VIEWS)
def status_history(cur, measure_id: str | None = None, country_iso3: str | None = None) -> pd.DataFrame:
    """Every recorded status, oldest first; for one measure and/or state if given (history table, timeline)."""
    return cur.execute(f"""
        WITH history AS ({_HISTORY}), all_measures AS ({_MEASURES})
        SELECT h.measure_id, m.title AS measure_title, m.meeting_id, m.category, h.country_iso3, h.status,
               h.as_of, h.note, h.source, h.recorded_by, h.recorded_at, h.edit_id,
               CASE WHEN h.edit_id IS NULL THEN 'build' ELSE 'app' END AS origin
        FROM history h JOIN all_measures m USING (measure_id)
        WHERE ($measure IS NULL OR h.measure_id = $measure) AND ($state IS NULL OR h.country_iso3 = $state)
        ORDER BY h.as_of, h.recorded_at, h.edit_id NULLS FIRST
    """, {"measure": measure_id, "state": country_iso3}).df()


@uses_state(*STATE_VIEWS)
def implemented_per_state(cur) -> pd.DataFrame:
    """Per member and observer state: measures implemented, of how many that apply, by current status (Briefing)."""
    return cur.execute(f"""
        SELECT country_iso3, ots_status,
               count(*) AS measures,
               count(*) FILTER (WHERE status <> 'not applicable') AS applicable,
               count(*) FILTER (WHERE status = 'implemented') AS implemented,
               count(*) FILTER (WHERE status = 'in progress') AS in_progress,
               count(*) FILTER (WHERE status = 'agreed') AS agreed,
               count(*) FILTER (WHERE status = 'not applicable') AS not_applicable,
               count(*) FILTER (WHERE status = 'no information') AS no_information
        FROM ({_CURRENT})
        GROUP BY country_iso3, ots_status
        ORDER BY ots_status, country_iso3
    """).df()


# The read side registers the store's frames under these names; importing the store does that.
from app import measures_store as _registers_state_views  # noqa: E402,F401
