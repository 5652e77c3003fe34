"""Meetings of the Migration Coordination Group, the measures agreed at them, and each state's status.

Feeds `meetings`, `measures` and `measure_status`. The team wrote these three
files from the two meeting documents, with only what the documents state. Status
changes recorded later in the app are kept in the app's own store, never here,
so a rebuild cannot overwrite them.
"""
import pandas as pd

from etl.schema import STATUS_VALUES, Column, Provenance, RawColumn, RawFile, Step, Table, country_column

PROVENANCE = Provenance(
    dataset="Meetings and agreed measures of the Migration Coordination Group",
    publisher="Organization of Turkic States (Turkic Council) Secretariat; Dunyo news agency (Uzbekistan)",
    url="(meeting documents kept by the Secretariat)",
    licence="Facts from the meeting documents",
    citation="Summary of the 1st video-conference meeting of the Migration Coordination Group, 7 August 2020 "
             "(English); Dunyo news agency report on the video-conference of 7 May 2020 (Russian).",
    accessed="2026-11-22",
    caveats="The initial status 'agreed' records that a measure was agreed at the meeting, not that it was "
            "carried out. Later statuses are recorded by the Secretariat in the dashboard.",
)

MEETINGS_RAW = RawFile(
    "meetings.csv",
    columns=(RawColumn("meeting_id", max_length=40), RawColumn("meeting_date", "date"), RawColumn("title"),
             RawColumn("organiser", required=False), RawColumn("participants", required=False),
             RawColumn("source")),
    key=("meeting_id",),
)
MEASURES_RAW = RawFile(
    "measures.csv",
    columns=(RawColumn("measure_id", max_length=40), RawColumn("meeting_id", references="meetings(meeting_id)"),
             RawColumn("title"),
             RawColumn("description"), RawColumn("category"), RawColumn("source")),
    key=("measure_id",),
)
STATUS_RAW = RawFile(
    "measure_status.csv",
    columns=(RawColumn("measure_id", references="measures(measure_id)"), RawColumn("country_iso3", "iso3"),
             RawColumn("status", allowed=STATUS_VALUES), RawColumn("as_of", "date"),
             RawColumn("note", required=False, max_length=2000), RawColumn("source"),
             RawColumn("recorded_by"), RawColumn("recorded_at", "datetime")),
    key=("measure_id", "country_iso3", "as_of", "status"),
)

MEETINGS = Table(
    "meetings",
    "Meetings of the Migration Coordination Group and of the heads of the migration services.",
    columns=(
        Column("meeting_id", "VARCHAR", "Identifier (M + date).", nullable=False),
        Column("meeting_date", "DATE", "Date of the meeting.", nullable=False),
        Column("title", "VARCHAR", "Name of the meeting.", nullable=False),
        Column("organiser", "VARCHAR", "Who convened or moderated it."),
        Column("participants", "VARCHAR", "Who took part, as the documents name them."),
        Column("source", "VARCHAR", "Document(s) the meeting is known from.", nullable=False),
    ),
    provenance=PROVENANCE,
    primary_key=("meeting_id",),
)
MEASURES = Table(
    "measures",
    "Measures agreed at the meetings.",
    columns=(
        Column("measure_id", "VARCHAR", "Identifier.", nullable=False),
        Column("meeting_id", "VARCHAR", "Meeting that agreed it.", nullable=False, references="meetings(meeting_id)"),
        Column("title", "VARCHAR", "Short name.", nullable=False),
        Column("description", "VARCHAR", "What was agreed, in the project's words.", nullable=False),
        Column("category", "VARCHAR", "Area of the measure.", nullable=False),
        Column("source", "VARCHAR", "Document(s) it is known from.", nullable=False),
    ),
    provenance=PROVENANCE,
    primary_key=("measure_id",),
)
STATUS = Table(
    "measure_status",
    "History of each measure's status in each member and observer state, append-only; the latest row is current.",
    columns=(
        Column("measure_id", "VARCHAR", "Measure.", nullable=False, references="measures(measure_id)"),
        country_column("country_iso3", "State."),
        Column("status", "VARCHAR", "agreed, in progress, implemented, not applicable or no information.",
               nullable=False, check="status IN ('" + "', '".join(STATUS_VALUES) + "')"),
        Column("as_of", "DATE", "Date the status applies from.", nullable=False),
        Column("note", "VARCHAR", "What happened."),
        Column("source", "VARCHAR", "Document or communication the status comes from.", nullable=False),
        Column("recorded_by", "VARCHAR", "Who recorded it.", nullable=False),
        Column("recorded_at", "TIMESTAMP", "When it was recorded.", nullable=False),
    ),
    provenance=PROVENANCE,
)


def meetings(raw: pd.DataFrame) -> pd.DataFrame:
    table = raw.copy()
    table["meeting_date"] = pd.to_datetime(table["meeting_date"]).dt.date
    return table[MEETINGS.column_names]


def measures(raw: pd.DataFrame) -> pd.DataFrame:
    return raw[MEASURES.column_names]


def statuses(raw: pd.DataFrame) -> pd.DataFrame:
    table = raw.copy()
    table["as_of"] = pd.to_datetime(table["as_of"]).dt.date
    table["recorded_at"] = pd.to_datetime(table["recorded_at"])
    return table[STATUS.column_names]


STEPS = (
    Step(MEETINGS_RAW, MEETINGS, meetings),
    Step(MEASURES_RAW, MEASURES, measures),
    Step(STATUS_RAW, STATUS, statuses),
)
