"""Meetings of the Migration Coordination Group, the measures agreed at them, and each state's status.

Feeds `meeting_documents`, `meetings`, `measures` and `measure_status`. The team
wrote these files from the two meeting documents, with only what the documents
state, in its own words: each status names the document, its language and the
paragraphs it rests on, and says in a sentence what they say. Every text a
reader sees is given in English, Russian and Turkish (columns `<name>_ru`,
`<name>_tr` beside the English). Status changes recorded later in the app are
kept in the app's own store, never here, so a rebuild cannot overwrite them.
"""
import pandas as pd

from etl.schema import (STATUS_DEFINITIONS, STATUS_VALUES, Column, Provenance, RawColumn, RawFile, Step, Table,
                        country_column)

PROVENANCE = Provenance(
    dataset="Meetings and agreed measures of the Migration Coordination Group",
    publisher="Organization of Turkic States (Turkic Council) Secretariat; Dunyo news agency (Uzbekistan)",
    url="(meeting documents kept by the Secretariat)",
    licence="Facts from the meeting documents",
    citation="Summary of the 1st video-conference meeting of the Migration Coordination Group, 7 August 2020 "
             "(English); Dunyo news agency report on the video-conference of 7 May 2020 (Russian).",
    accessed="2026-11-22",
    caveats="A status never claims more than its documents: 'agreed' only where a document records the state "
            "agreeing (by name, or as a named participant of a meeting where the parties agreed), 'requested' "
            "where the state asked for the measure, 'not recorded' where the documents do not show the state "
            "taking part. 'Agreed' says nothing about carrying a measure out; later statuses are recorded by the "
            "Secretariat in the dashboard. Paragraphs are counted from the first paragraph under a document's "
            "headline, the headline not counted.",
)
LANGUAGES = ("ru", "tr")  # translated beside the English
PARAGRAPHS = r"[1-9][0-9]*(, [1-9][0-9]*)*"


def translated(name: str, required: bool = True, **kwargs) -> tuple[RawColumn, ...]:
    """A text column and its Russian and Turkish versions (`name_ru`, `name_tr`)."""
    return (RawColumn(name, required=required, **kwargs),
            *(RawColumn(f"{name}_{language}", required=required, **kwargs) for language in LANGUAGES))


def translated_columns(name: str, description: str, nullable: bool = False) -> tuple[Column, ...]:
    return (Column(name, "VARCHAR", description + " (English)", nullable=nullable),
            Column(f"{name}_ru", "VARCHAR", description + " (Russian)", nullable=nullable),
            Column(f"{name}_tr", "VARCHAR", description + " (Turkish)", nullable=nullable))


def translations_given(*names: str):
    """Extra check: a text given in English is given in Russian and Turkish too, and none without the English."""
    def check(frame: pd.DataFrame) -> list[tuple[int, str, str]]:
        problems = []
        for name in names:
            english = frame[name].notna()
            for language in LANGUAGES:
                other = frame[f"{name}_{language}"].notna()
                for index in frame.index[english & ~other]:
                    problems.append((index, f"{name}_{language}",
                                     f"the text is given in English ('{name}') but not translated here"))
                for index in frame.index[other & ~english]:
                    problems.append((index, name, f"the text is given in '{name}_{language}' but not in English"))
        return problems
    return check


def cited_together(document: str, paragraphs: str):
    """Extra check: a document is cited with its paragraphs, and paragraphs only with their document."""
    def check(frame: pd.DataFrame) -> list[tuple[int, str, str]]:
        alone = frame[document].notna() != frame[paragraphs].notna()
        return [(index, paragraphs if pd.notna(frame.at[index, document]) else document,
                 f"'{document}' and '{paragraphs}' go together: give both or neither") for index in frame.index[alone]]
    return check


DOCUMENTS_RAW = RawFile(
    "meeting_documents.csv",
    columns=(RawColumn("document_id", max_length=40, pattern=r"[A-Z0-9-]+",
                       pattern_meaning="capital letters, digits and dashes"),
             RawColumn("language", allowed=("en", "ru", "tr")), *translated("title"),
             RawColumn("paragraphs", "int", min_value=1, max_value=10_000)),
    key=("document_id",),
)
MEETINGS_RAW = RawFile(
    "meetings.csv",
    columns=(RawColumn("meeting_id", max_length=40), RawColumn("meeting_date", "date"), *translated("title"),
             *translated("organiser", required=False), *translated("participants", required=False),
             *translated("source")),
    key=("meeting_id",),
)
MEASURES_RAW = RawFile(
    "measures.csv",
    columns=(RawColumn("measure_id", max_length=40), RawColumn("meeting_id", references="meetings(meeting_id)"),
             *translated("title"), *translated("description"), *translated("category"), *translated("source")),
    key=("measure_id",),
)
STATUS_RAW = RawFile(
    "measure_status.csv",
    columns=(RawColumn("measure_id", references="measures(measure_id)"), RawColumn("country_iso3", "iso3"),
             RawColumn("status", allowed=STATUS_VALUES), RawColumn("as_of", "date"),
             *translated("evidence", required=False, max_length=2000),
             RawColumn("evidence_document", required=False, references="meeting_documents(document_id)"),
             RawColumn("evidence_paragraphs", required=False, pattern=PARAGRAPHS,
                       pattern_meaning="paragraph numbers separated by ', ' (for example '5, 6')"),
             RawColumn("parties_document", required=False, references="meeting_documents(document_id)"),
             RawColumn("parties_paragraphs", required=False, pattern=PARAGRAPHS,
                       pattern_meaning="paragraph numbers separated by ', ' (for example '5, 6')"),
             RawColumn("source"), RawColumn("recorded_by"), RawColumn("recorded_at", "datetime")),
    key=("measure_id", "country_iso3", "as_of", "status"),
)

DOCUMENTS = Table(
    "meeting_documents",
    "The documents the meetings, measures and statuses are known from, with their language.",
    columns=(
        Column("document_id", "VARCHAR", "Identifier, cited by measure_status.", nullable=False),
        Column("language", "VARCHAR", "Language the document is written in (ISO 639-1: en, ru, tr).",
               nullable=False, check="language IN ('en', 'ru', 'tr')"),
        *translated_columns("title", "What the document is"),
        Column("paragraphs", "SMALLINT", "How many paragraphs it has, counted from the first under its headline.",
               nullable=False, check="paragraphs > 0"),
    ),
    provenance=PROVENANCE,
    primary_key=("document_id",),
)
MEETINGS = Table(
    "meetings",
    "Meetings of the Migration Coordination Group and of the heads of the migration services.",
    columns=(
        Column("meeting_id", "VARCHAR", "Identifier (M + date).", nullable=False),
        Column("meeting_date", "DATE", "Date of the meeting.", nullable=False),
        *translated_columns("title", "Name of the meeting"),
        *translated_columns("organiser", "Who convened or moderated it", nullable=True),
        *translated_columns("participants", "Who took part, as the documents name them", nullable=True),
        *translated_columns("source", "Document(s) and paragraphs the meeting is known from"),
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
        *translated_columns("title", "Short name"),
        *translated_columns("description", "What was agreed, in the project's words"),
        *translated_columns("category", "Area of the measure"),
        *translated_columns("source", "Document(s) and paragraphs it is known from"),
    ),
    provenance=PROVENANCE,
    primary_key=("measure_id",),
)
STATUS_MEANINGS = " ".join(f"'{status}': {STATUS_DEFINITIONS[status]}" for status in STATUS_VALUES)
STATUS = Table(
    "measure_status",
    "History of each measure's status in each member and observer state, append-only; the latest row is current.",
    columns=(
        Column("measure_id", "VARCHAR", "Measure.", nullable=False, references="measures(measure_id)"),
        country_column("country_iso3", "State."),
        Column("status", "VARCHAR", "One of: " + STATUS_MEANINGS,
               nullable=False, check="status IN ('" + "', '".join(STATUS_VALUES) + "')"),
        Column("as_of", "DATE", "Date the status applies from.", nullable=False),
        *translated_columns("evidence", "Who committed to what (or asked, or is not named), as the documents say, "
                                        "in the project's words", nullable=True),
        Column("evidence_document", "VARCHAR", "Document that states the commitment, request or agreement.",
               references="meeting_documents(document_id)"),
        Column("evidence_paragraphs", "VARCHAR", "Its paragraphs that say so ('5, 6')."),
        Column("parties_document", "VARCHAR", "Document that names the states taking part.",
               references="meeting_documents(document_id)"),
        Column("parties_paragraphs", "VARCHAR", "Its paragraphs that name them."),
        Column("source", "VARCHAR", "Document or communication the status comes from, in words.", nullable=False),
        Column("recorded_by", "VARCHAR", "Who recorded it.", nullable=False),
        Column("recorded_at", "TIMESTAMP", "When it was recorded.", nullable=False),
    ),
    provenance=PROVENANCE,
)


def documents(raw: pd.DataFrame) -> pd.DataFrame:
    return raw[DOCUMENTS.column_names]


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
    Step(DOCUMENTS_RAW, DOCUMENTS, documents, extra_checks=(translations_given("title"),)),
    Step(MEETINGS_RAW, MEETINGS, meetings,
         extra_checks=(translations_given("title", "organiser", "participants", "source"),)),
    Step(MEASURES_RAW, MEASURES, measures,
         extra_checks=(translations_given("title", "description", "category", "source"),)),
    Step(STATUS_RAW, STATUS, statuses,
         extra_checks=(translations_given("evidence"), cited_together("evidence_document", "evidence_paragraphs"),
                       cited_together("parties_document", "parties_paragraphs"))),
)
