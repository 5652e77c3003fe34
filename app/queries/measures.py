"""Agreed measures: meetings, measures and each state's status history (Agreed measures and Briefing pages).

The build holds what the meeting documents say (`meetings`, `measures`,
`measure_status`); what editors record in the dashboard lives in the app's
store and reaches these queries as the state views `meetings_added`,
`measures_added` and `measure_status_edits` (listed in
`app.store.views`). Every query here reads the union of both, so an edit is
seen at once and survives a rebuild.

The current status of a measure in a state is its latest history row: latest
`as_of`, then latest `recorded_at` (then the later edit). A measure × state
with no row at all is "not recorded".

Texts come with their Russian and Turkish versions (`title_ru`, `title_tr`, …)
from the build; meetings and measures added by editors have only what was typed,
so those columns are NULL for them (`app.i18n.in_language` then shows the typed
text). Statuses from the build carry their evidence: the document and paragraphs
stating the commitment (`evidence_document`, `evidence_paragraphs`), those naming
the parties (`parties_document`, `parties_paragraphs`), and what they say
(`evidence`, with its translations); an editor's status has its note instead.
"""
from __future__ import annotations

import pandas as pd

from app.queries import uses_state

STATE_VIEWS = ("meetings_added", "measures_added", "measure_status_edits")

# Store views are cast column by column: an empty frame from the store carries no types.
LANGUAGES = ("ru", "tr")  # the languages the build's texts are translated into


def _translations(*columns: str, prefix: str = "", alias: str = "") -> str:
    """`t.title, t.title_ru, t.title_tr`-style select lists for texts kept in three languages."""
    return ", ".join(f"{prefix}{column}{suffix}" + (f" AS {alias}{column}{suffix}" if alias else "")
                     for column in columns for suffix in ("", *(f"_{language}" for language in LANGUAGES)))


def _untranslated(*columns: str) -> str:
    """The same list for rows typed in the dashboard: the text as typed, no translation (NULL)."""
    return ", ".join(f"CAST({column} AS VARCHAR)" + "".join(", CAST(NULL AS VARCHAR)" for _ in LANGUAGES)
                     for column in columns)


_MEETINGS = f"""
    SELECT meeting_id, meeting_date, {_translations("title", "organiser", "participants", "source")},
           'build' AS origin
    FROM meetings
    UNION ALL
    SELECT CAST(meeting_id AS VARCHAR), CAST(meeting_date AS DATE),
           {_untranslated("title", "organiser", "participants", "source")}, 'app'
    FROM meetings_added
"""
_MEASURES = f"""
    WITH all_meetings AS ({_MEETINGS}),
    all_measures AS (
        SELECT measure_id, meeting_id, {_translations("title", "description", "category", "source")},
               'build' AS origin FROM measures
        UNION ALL
        SELECT CAST(measure_id AS VARCHAR), CAST(meeting_id AS VARCHAR),
               {_untranslated("title", "description", "category", "source")}, 'app'
        FROM measures_added
    )
    SELECT ms.measure_id, ms.meeting_id, mt.meeting_date, {_translations("title", prefix="mt.", alias="meeting_")},
           {_translations("title", "description", "category", "source", prefix="ms.")}, ms.origin
    FROM all_measures ms JOIN all_meetings mt USING (meeting_id)
"""
_EVIDENCE = ("evidence, evidence_ru, evidence_tr, evidence_document, evidence_paragraphs, parties_document, "
             "parties_paragraphs")
_HISTORY = f"""
    SELECT CAST(NULL AS BIGINT) AS edit_id, measure_id, country_iso3, status, as_of, CAST(NULL AS VARCHAR) AS note,
           {_EVIDENCE}, source, recorded_by, recorded_at
    FROM measure_status
    UNION ALL
    SELECT CAST(edit_id AS BIGINT), CAST(measure_id AS VARCHAR), CAST(country_iso3 AS VARCHAR),
           CAST(status AS VARCHAR), CAST(as_of AS DATE), CAST(note AS VARCHAR),
           {", ".join("CAST(NULL AS VARCHAR)" for _ in _EVIDENCE.split(", "))}, CAST(source AS VARCHAR),
           CAST(recorded_by AS VARCHAR), CAST(recorded_at AS TIMESTAMP)
    FROM measure_status_edits
"""
# The identifiers of the known measures (the build's, and those added in the dashboard at a known meeting), as the
# join in `_MEASURES` keeps them, without their texts: for a query that only asks whether a status is of one.
MEASURE_IDS_SQL = """
    SELECT measure_id FROM measures
    UNION ALL
    SELECT CAST(measure_id AS VARCHAR) FROM measures_added
    WHERE CAST(meeting_id AS VARCHAR) IN (SELECT meeting_id FROM meetings
                                          UNION ALL SELECT CAST(meeting_id AS VARCHAR) FROM meetings_added)
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
    SELECT m.measure_id, m.meeting_id, m.meeting_date, {_translations("meeting_title", prefix="m.")},
           {_translations("title", prefix="m.", alias="measure_")}, {_translations("category", prefix="m.")},
           m.origin, s.country_iso3, s.ots_status,
           coalesce(r.status, 'not recorded') AS status, r.as_of, r.note, {_EVIDENCE.replace("evidence", "r.evidence")
                                                                            .replace("parties", "r.parties")},
           r.source, r.recorded_by, r.recorded_at, r.row_key
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
        SELECT h.measure_id, {_translations("title", prefix="m.", alias="measure_")}, m.meeting_id,
               {_translations("category", prefix="m.")}, m.origin AS measure_origin, h.country_iso3, h.status,
               h.as_of, h.note, {_EVIDENCE.replace("evidence", "h.evidence").replace("parties", "h.parties")},
               h.source, h.recorded_by, h.recorded_at, h.edit_id,
               CASE WHEN h.edit_id IS NULL THEN 'build' ELSE 'app' END AS origin
        FROM history h JOIN all_measures m USING (measure_id)
        WHERE ($measure IS NULL OR h.measure_id = $measure) AND ($state IS NULL OR h.country_iso3 = $state)
        ORDER BY h.as_of, h.recorded_at, h.edit_id NULLS FIRST
    """, {"measure": measure_id, "state": country_iso3}).df()


@uses_state(*STATE_VIEWS)
def implemented_per_state(cur) -> pd.DataFrame:
    """Per member and observer state: its measures by current status, and how many of those it committed to
    (agreed, in progress or implemented) are implemented (Agreed measures, Briefing).

    "Requested" and "not recorded" are neither commitments nor failures: they are counted on their own,
    never in `committed`.
    """
    return cur.execute(f"""
        SELECT country_iso3, ots_status,
               count(*) AS measures,
               count(*) FILTER (WHERE status IN ('agreed', 'in progress', 'implemented')) AS committed,
               count(*) FILTER (WHERE status = 'implemented') AS implemented,
               count(*) FILTER (WHERE status = 'in progress') AS in_progress,
               count(*) FILTER (WHERE status = 'agreed') AS agreed,
               count(*) FILTER (WHERE status = 'requested') AS requested,
               count(*) FILTER (WHERE status = 'not recorded') AS not_recorded,
               count(*) FILTER (WHERE status = 'not applicable') AS not_applicable
        FROM ({_CURRENT})
        GROUP BY country_iso3, ots_status
        ORDER BY ots_status, country_iso3
    """).df()


def documents(cur) -> pd.DataFrame:
    """The meeting documents statuses cite, with their language and titles (Agreed measures, Briefing)."""
    return cur.execute(f"""
        SELECT document_id, language, {_translations("title")}, paragraphs FROM meeting_documents
        ORDER BY document_id
    """).df()
