"""The template member states fill in: its columns (the ETL's raw layout of reported figures plus `topic`), what
each means, and the template itself as CSV and Excel.

The columns are `etl.sources.reported_figures.RAW_COLUMNS`, the layout the build reads, so an upload is checked
by the same rules as the build's own files (`etl.validate`); only `value` gets an upper bound here (MAX_VALUE).
"""
from __future__ import annotations

import dataclasses
import io

import pandas as pd

from app.i18n import N_, _
from etl.schema import RawColumn, RawFile
from etl.sources.reported_figures import RAW_COLUMNS, TOPICS

# No count these pages show comes near a billion (Russia's yearly entries for work are a few million): a larger
# value is a unit or a typing mistake (a stray exponent, a date pasted as a number).
MAX_VALUE = 1_000_000_000
EXCEL_SHEET = "figures"  # the sheet read from a workbook (else its first sheet)


def _with_maximum(column: RawColumn) -> RawColumn:
    return dataclasses.replace(column, max_value=MAX_VALUE) if column.name == "value" else column


TEMPLATE = RawFile("submission", (RawColumn("topic", allowed=TOPICS),) + tuple(_with_maximum(c) for c in RAW_COLUMNS),
                   key=("record_id",))
TEMPLATE_COLUMNS = TEMPLATE.column_names
NUMBER_COLUMNS = {c.name for c in TEMPLATE.columns if c.kind in ("int", "float")}
DATE_COLUMNS = [c.name for c in TEMPLATE.columns if c.kind == "date"]
COUNTRY_COLUMNS = [c.name for c in TEMPLATE.columns if c.kind == "iso3"]

# (column, required, format, meaning, example) — documented on the page and in the Excel template.
TEMPLATE_HELP = (
    ("topic", True, N_("'stranded' or 'labour'"), N_("Which page the figure belongs to."), "labour"),
    ("record_id", True, N_("text, at most 64 characters"),
     N_("Your identifier for the figure, unique in the file. Send the same identifier again to correct it."),
     "KAZ-2025-001"),
    ("nationality_iso3", False, N_("ISO 3166 alpha-3 code"),
     N_("Citizens of this country. Empty: all nationalities."), "KAZ"),
    ("location_iso3", False, N_("ISO 3166 alpha-3 code"), N_("Where they were. Empty: many countries."), "RUS"),
    ("indicator", True, N_("text, at most 100 characters"),
     N_("What was counted, for example citizens_repatriated, entries_for_work, work_permits_issued."),
     "entries_for_work"),
    ("value", True, N_("number, 0 or more, without thousands separators"), N_("The reported number."), "12500"),
    ("unit", True, N_("text, at most 60 characters"),
     N_("Unit, with a qualifier in brackets where the source gives one."), "persons (at least)"),
    ("period_start", False, N_("date YYYY-MM-DD"), N_("Start of the period counted."), "2025-01-01"),
    ("period_end", False, N_("date YYYY-MM-DD, not before period_start"),
     N_("Date the count refers to (end of the period)."), "2025-06-30"),
    ("description", False, N_("text"), N_("What the source says, in short."),
     "Citizens of Kazakhstan who entered Russia for work, January-June 2025"),
    ("source_publisher", True, N_("text, at most 300 characters"), N_("Who published the figure."),
     "Ministry of Labour and Social Protection of Kazakhstan"),
    ("source_url", False, N_("web address"), N_("Page the figure was read from."), "https://www.gov.kz/..."),
    ("source_date", False, N_("date YYYY-MM-DD"), N_("Date of that page."), "2025-07-15"),
    ("date_note", False, N_("text"), N_("How a date was inferred, or what the source did not show."), ""),
)


def template_help() -> pd.DataFrame:
    """The template's columns, documented in the reader's language."""
    return pd.DataFrame([{"column": name, "required": _("yes") if required else _("no"), "format": _(fmt),
                          "meaning": _(meaning), "example": example}
                         for name, required, fmt, meaning, example in TEMPLATE_HELP])


def template_csv() -> bytes:
    """The CSV template: the header row, UTF-8, ready to fill in."""
    return (",".join(TEMPLATE_COLUMNS) + "\r\n").encode("utf-8")


def template_xlsx() -> bytes:
    """The Excel template: a 'figures' sheet with the header, and a sheet documenting each column."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = EXCEL_SHEET
    sheet.append(TEMPLATE_COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, name in zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", TEMPLATE_COLUMNS):
        sheet.column_dimensions[letter].width = max(14, len(name) + 4)
        if name.startswith(("period_", "source_date")) or name in ("nationality_iso3", "location_iso3"):
            for row in range(2, 2002):  # text cells: Excel would turn 2025-01-01 into a date serial otherwise
                sheet[f"{letter}{row}"].number_format = "@"
    sheet.freeze_panes = "A2"
    help_sheet = book.create_sheet(_("columns"))
    documented = template_help()
    help_sheet.append([_("Column"), _("Required"), _("Format"), _("Meaning"), _("Example")])
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
    for row in documented.itertuples(index=False):
        help_sheet.append(list(row))
    for letter, width in zip("ABCDE", (18, 10, 40, 70, 40)):
        help_sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

