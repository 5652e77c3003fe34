"""The tables of the app's own store, declared once.

Where a table mirrors one of the build, its columns are the ETL's own declarations (`etl.sources.measures`,
`etl.sources.reported_figures`: name, type, NOT NULL, checks), so a column added to the build's table of
reported figures is a column of the submitted figures too, without being typed again. The store adds what
only it knows: who recorded a row, when, and what became of it. References to the build's tables are left
out: a rebuild may drop a row the store still names, and the store must never refuse to keep an edit for it.

Every table is listed in TABLES, which `app.store.connection` creates; nothing registers itself.
"""
from __future__ import annotations

from dataclasses import dataclass

from etl.schema import Column
from etl.sources import measures as measure_tables
from etl.sources import reported_figures


@dataclass(frozen=True)
class StoreTable:
    """A table of the store: its columns, its key, and the order a whole table is read in."""

    name: str
    columns: tuple[Column, ...]
    order_by: str
    primary_key: tuple[str, ...] = ()

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]

    def ddl(self) -> str:
        lines = [column.ddl(with_reference=False) for column in self.columns]
        if self.primary_key:
            lines.append(f"PRIMARY KEY ({', '.join(self.primary_key)})")
        body = ",\n    ".join(lines)
        return f"CREATE TABLE IF NOT EXISTS {self.name} (\n    {body}\n)"


def _of_build(table, *names: str) -> tuple[Column, ...]:
    """The build's declarations of these columns of `table`, in the order given."""
    declared = {column.name: column for column in table.columns}
    return tuple(declared[name] for name in names)


def _one_of(name: str, values: tuple[str, ...]) -> str:
    return f"{name} IN (" + ", ".join("'" + value.replace("'", "''") + "'" for value in values) + ")"


# Who recorded a row and when, as the build's statuses declare it, and the editor signed in when it was.
RECORDED = _of_build(measure_tables.STATUS, "recorded_by", "recorded_at")
EDITOR = Column("editor", "VARCHAR", "Username of the editor signed in when the row was recorded.", nullable=False)

MEASURE_STATUS_EDITS = StoreTable(
    "measure_status_edits",
    (Column("edit_id", "INTEGER PRIMARY KEY AUTOINCREMENT", "Identifier of the edit, never given twice."),
     *_of_build(measure_tables.STATUS, "measure_id", "country_iso3", "status", "as_of"),
     Column("note", "VARCHAR", "What happened, as the editor typed it."),
     *_of_build(measure_tables.STATUS, "source"), *RECORDED, EDITOR,
     Column("based_on", "VARCHAR", "The current row the editor saw when recording (its row key).")),
    order_by="edit_id",
)
# A meeting or measure an editor adds has only what was typed: the English columns of the build's, no translation.
MEETINGS_ADDED = StoreTable(
    "meetings_added",
    (*_of_build(measure_tables.MEETINGS, "meeting_id", "meeting_date", "title", "organiser", "participants",
                "source"), *RECORDED, EDITOR),
    order_by="meeting_id", primary_key=("meeting_id",),
)
MEASURES_ADDED = StoreTable(
    "measures_added",
    (*_of_build(measure_tables.MEASURES, "measure_id", "meeting_id", "title", "description", "category", "source"),
     *RECORDED, EDITOR),
    order_by="measure_id", primary_key=("measure_id",),
)

SUBMISSION_STATUSES = ("active", "withdrawn")
ROW_STATUSES = ("active", "superseded", "withdrawn")  # of a submitted figure: in force, corrected, withdrawn
FILE_FORMATS = ("csv", "xlsx")
# Who withdrew a submission, or one of its figures, when and why (empty while it is in force).
WITHDRAWN = (Column("withdrawn_by", "VARCHAR", "Editor who withdrew it."),
             Column("withdrawn_at", "TIMESTAMP", "When (UTC)."),
             Column("withdrawn_reason", "VARCHAR", "Why, as the editor typed it."))
SUBMISSIONS = StoreTable(
    "submissions",
    (Column("submission_id", "VARCHAR", "Identifier (S-<time>-<start of the file's sha256>).", nullable=False),
     Column("file_name", "VARCHAR", "The file's name as uploaded.", nullable=False),
     Column("file_sha256", "VARCHAR", "Checksum of the file as uploaded.", nullable=False),
     Column("file_bytes", "INTEGER", "Its size.", nullable=False),
     Column("file_format", "VARCHAR", "What the file is, by its content.", nullable=False,
            check=_one_of("file_format", FILE_FORMATS)),
     Column("stored_file", "VARCHAR", "Name of the kept copy under submissions/ beside the store.", nullable=False),
     Column("submitted_by", "VARCHAR", "Editor who confirmed it.", nullable=False),
     Column("submitted_at", "TIMESTAMP", "When (UTC).", nullable=False),
     *(Column(name, "INTEGER", description, nullable=False) for name, description in (
         ("rows_in_file", "Rows of figures in the file."), ("rows_added", "New figures stored."),
         ("rows_changed", "Corrections of earlier submitted figures stored."),
         ("rows_rejected", "Rows left out, with their problems shown before confirming."))),
     Column("status", "VARCHAR", "In force or withdrawn.", nullable=False,
            check=_one_of("status", SUBMISSION_STATUSES)),
     *WITHDRAWN),
    order_by="submission_id", primary_key=("submission_id",),
)
# The figures a submission added, in exactly the layout of the build's reported_figures, with their fate.
SUBMITTED_FIGURES = StoreTable(
    "submitted_figures",
    (Column("submission_id", "VARCHAR", "The submission that brought the row.", nullable=False),
     Column("file_row", "INTEGER", "Its row in the file, as a spreadsheet numbers it.", nullable=False),
     *reported_figures.TABLE.columns,
     Column("status", "VARCHAR", "In force, corrected by a later submission, or withdrawn.", nullable=False,
            check=_one_of("status", ROW_STATUSES)),
     Column("corrects_submission", "VARCHAR", "The earlier submission whose figure this row corrects."),
     Column("superseded_by", "VARCHAR", "The later submission that corrected it."),
     *WITHDRAWN),
    order_by="submission_id, record_id", primary_key=("submission_id", "record_id"),
)

STORE_MIGRATIONS = StoreTable(
    "store_migrations",
    (Column("name", "VARCHAR", "Which move of the store.", nullable=False),
     Column("source", "VARCHAR", "The file it was moved from.", nullable=False),
     Column("tables_copied", "INTEGER", "Tables copied.", nullable=False),
     Column("rows_copied", "INTEGER", "Rows copied.", nullable=False),
     Column("migrated_at", "TIMESTAMP", "When (UTC).", nullable=False)),
    order_by="migrated_at", primary_key=("name",),
)

TABLES = (MEASURE_STATUS_EDITS, MEETINGS_ADDED, MEASURES_ADDED, SUBMISSIONS, SUBMITTED_FIGURES, STORE_MIGRATIONS)
