"""Checking a member state's file of figures before anything is stored: read it, validate it, preview it.

An upload goes through the same rules as the ETL (`etl.validate` with the
layout of `etl.sources.reported_figures`, plus a `topic` column), then through
checks only an upload needs: size, what the file really is (by its first
bytes, never by its name), formula-looking cells, plausible values and dates,
web addresses, and duplicates of figures already held. The result is a
`Preview`: what would be added, what would be corrected and what is rejected,
each rejected row with its row, column and reason. Nothing here writes
anything; `confirm` hands a preview to the store.

Limits are checked before the work they bound: the file is read as a stream and
reading stops one row past `MAX_ROWS`; a workbook's parts are unpacked only up
to a size (`app.workbook`); a value quoted in a reason is cut short. Every
reason is a message template with its values (`etl.validate.Problem`), shown
in the uploader's language by the page, whatever language the check ran in.
"""
from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time

import pandas as pd

from app import workbook
from app.store import submissions as submissions_store
from app.export import FORMULA_STARTS
from app.i18n import N_, _
from etl.schema import RawColumn, RawFile
from etl.sources.reported_figures import RAW_COLUMNS, TOPICS, period_in_order, to_table
from etl.validate import (Problem, ValidationFailed, Words, decode_csv, duplicate_keys, line_number, shown,
                          validate_raw)

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
# No count these pages show comes near a billion (Russia's yearly entries for work are a few million): a larger
# value is a unit or a typing mistake (a stray exponent, a date pasted as a number).
MAX_VALUE = 1_000_000_000
FIRST_PLAUSIBLE_DATE = date(1990, 1, 1)  # the dashboard's series start in 1990
PROBLEMS_SHOWN = 1_000  # rows of the problem table sent to the page
MAX_PROBLEMS = 2_000  # checking stops past this many problems (see _validate_rows)
EXCEL_SHEET = "figures"  # the sheet read from a workbook (else its first sheet)
UPLOAD_TYPES = ["csv", "xlsx", "xls", "txt"]


def _with_maximum(column: RawColumn) -> RawColumn:
    return dataclasses.replace(column, max_value=MAX_VALUE) if column.name == "value" else column


TEMPLATE = RawFile("submission", (RawColumn("topic", allowed=TOPICS),) + tuple(_with_maximum(c) for c in RAW_COLUMNS),
                   key=("record_id",))
TEMPLATE_COLUMNS = TEMPLATE.column_names
NUMBER_COLUMNS = {c.name for c in TEMPLATE.columns if c.kind in ("int", "float")}
DATE_COLUMNS = [c.name for c in TEMPLATE.columns if c.kind == "date"]
COUNTRY_COLUMNS = [c.name for c in TEMPLATE.columns if c.kind == "iso3"]
# Two rows hold the same figure when these agree, whatever their record_id.
FIGURE_IDENTITY = ("topic", "nationality_iso3", "location_iso3", "indicator", "value", "unit",
                   "period_start", "period_end")
_WEB_ADDRESS = re.compile(r"https?://[^\s<>\"]+", re.IGNORECASE)

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

# First bytes of files that are certainly not a table of figures, and what to call them.
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", N_("a PNG image")),
    (b"%PDF", N_("a PDF document")),
    (b"\xff\xd8\xff", N_("a JPEG image")),
    (b"GIF8", N_("a GIF image")),
    (b"\x1f\x8b", N_("a gzip archive")),
    (b"Rar!", N_("a RAR archive")),
    (b"7z\xbc\xaf", N_("a 7-Zip archive")),
    (b"{\\rtf", N_("an RTF document")),
)
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 (.xls), old Word (.doc)
_ZIP = b"PK\x03\x04"
NOT_A_SPREADSHEET = N_("This is {kind}, not a spreadsheet. Upload the figures as CSV or Excel (.xlsx), using the "
                       "template.")
TOO_MANY_ROWS = N_("The file has more than {limit} rows of figures; reading stopped there. Split it into several "
                   "files.")


@dataclass
class Preview:
    """What confirming an upload would do. `refused` means the file as a whole cannot be used."""

    filename: str
    sha256: str
    size: int
    file_format: str | None  # 'csv' or 'xlsx' (by content), None when unreadable
    rows_in_file: int = 0
    problems: list[Problem] = field(default_factory=list)  # every problem, with row, column and reason
    notes: list[tuple[str, dict]] = field(default_factory=list)  # worth knowing (template, values); nothing rejected
    added: pd.DataFrame | None = None  # rows of `submitted_figures` layout (+ file_row)
    changed: pd.DataFrame | None = None  # corrections: same, + corrects_submission and changed_columns
    rejected: pd.DataFrame | None = None  # file_row, record_id, reasons
    refused: bool = False

    @property
    def loadable(self) -> int:
        return 0 if self.refused else len(self.added) + len(self.changed)

    def problem_table(self, translate=None, limit: int | None = None) -> pd.DataFrame:
        """Row, column and reason of each problem (the first `limit`), in the language of `translate`."""
        shown_problems = self.problems[:limit] if limit else self.problems
        return pd.DataFrame([{"row": p.row, "column": p.column,
                              "reason": p.reason_in(translate) if translate else p.reason} for p in shown_problems],
                            columns=["row", "column", "reason"]).astype({"row": "Int64"})

    def notes_in(self, translate) -> list[str]:
        return [translate(template).format(**values) for template, values in self.notes]


class Refused(Exception):
    """The file as a whole cannot be read as a table of figures."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


# --- reading: what the file really is ----------------------------------------------------------------

def _extension(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


def sniff(content: bytes, filename: str) -> str:
    """'csv' or 'xlsx' by content; raises Refused for anything that is not a table of figures."""
    def refuse(template: str, **values) -> Refused:
        return Refused([Problem(filename, None, None, template, values)])

    if not content.strip():
        raise refuse(N_("The file is empty (0 bytes or only blank lines): there is nothing to load."))
    if len(content) > MAX_BYTES:
        raise refuse(N_("The file is too large ({size} MB); the limit is {limit} MB. Split it into several files."),
                     size=f"{len(content) / 1024 / 1024:.1f}", limit=MAX_BYTES // (1024 * 1024))
    for signature, kind in _SIGNATURES:
        if content.startswith(signature):
            raise refuse(NOT_A_SPREADSHEET, kind=Words(kind))
    if content.startswith(_OLE2):
        raise refuse(N_("This is an old-format Excel (.xls) or Word file. Open it in Excel and save it as "
                        "'Excel Workbook (.xlsx)' or 'CSV UTF-8'."))
    if content.startswith(_ZIP):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(content)).namelist())
        except zipfile.BadZipFile:
            raise refuse(N_("The file looks like an Excel workbook but is damaged and cannot be opened.")) from None
        if "xl/workbook.xml" in names:
            return "xlsx"
        kind = N_("a Word document") if "word/document.xml" in names else N_("a zip archive")
        raise refuse(NOT_A_SPREADSHEET, kind=Words(kind))
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise refuse(N_("The file is saved as UTF-16 ('Unicode text'). Save it as 'CSV UTF-8' instead."))
    return "csv"


def _frame(rows: list[tuple[int, list[str]]], header: list[str]) -> pd.DataFrame:
    """Rows (spreadsheet row number, cells) -> a frame of strings whose row i is spreadsheet row i + 2."""
    width = len(header)
    frame = pd.DataFrame([(cells + [""] * width)[:width] for _number, cells in rows], columns=header, dtype=str)
    frame.index = [number - 2 for number, _cells in rows]
    return frame


def _read_excel(content: bytes, filename: str) -> pd.DataFrame:
    try:
        sheet = workbook.read_sheet(content, EXCEL_SHEET, MAX_ROWS)
    except workbook.WorkbookProblem as problem:
        raise Refused([Problem(filename, None, None, problem.template, problem.params)]) from None
    if sheet.rows_over_limit:
        raise Refused([Problem(filename, None, None, TOO_MANY_ROWS, {"limit": MAX_ROWS})])
    if not sheet.rows or sheet.rows[0][0] != 1:
        raise Refused([Problem(filename, 1, None, N_("The first row of sheet '{sheet}' is empty: it must hold the "
                                                    "column names of the template."), {"sheet": sheet.title[:40]})])
    header = [h.strip() for h in sheet.rows[0][1]]
    while header and not header[-1]:
        header.pop()
    return _frame(sheet.rows[1:], header)


def _separator_problem(header_cell: str, filename: str) -> Problem | None:
    """A header read as one cell that holds the template's columns joined by ';' or a tab: Excel's CSV in
    Russian or Turkish settings (their list separator is ';'), or 'Text (tab delimited)'."""
    for separator, name in ((";", N_("semicolons (;)")), ("\t", N_("tabs"))):
        names = {part.strip().strip('"') for part in header_cell.split(separator)}
        if len(names & set(TEMPLATE_COLUMNS)) >= 2:
            return Problem(filename, 1, None, N_(
                "The columns of this file are separated by {separator}, not commas: Excel saves CSV that way when "
                "the computer's list separator is not a comma (as in Russian or Turkish settings). Save it as "
                "'CSV UTF-8 (comma delimited)', or upload the Excel file (.xlsx) itself."),
                {"separator": Words(name)})
    return None


def _read_csv(content: bytes, filename: str) -> tuple[pd.DataFrame, list[str], list[Problem]]:
    """CSV bytes -> frame of strings, header, and rows with more cells than the header.

    Read record by record with the csv module, stopping one row past the limit; pandas would silently turn
    surplus cells into an index and shift every value of the row (a comma inside an unquoted value is the
    usual cause). Rows are numbered as a spreadsheet shows them (blank ones count); blank rows, even with
    commas (",,,"), are left out.
    """
    text = decode_csv(content, filename)
    reader = csv.reader(io.StringIO(text))
    header, width, body, surplus, number = None, 0, [], [], 0
    try:
        for record in reader:
            number += 1
            if not any(cell.strip() for cell in record):
                continue
            if header is None:
                if number != 1:
                    break  # reported below, as a missing header
                header = [h.strip() for h in record]
                width = len(header)
                if width == 1:
                    wrong_separator = _separator_problem(record[0], filename)
                    if wrong_separator:
                        raise Refused([wrong_separator])
                continue
            if len(body) >= MAX_ROWS:
                raise Refused([Problem(filename, None, None, TOO_MANY_ROWS, {"limit": MAX_ROWS})])
            if len(record) > width:
                surplus.append(Problem(filename, number, None, N_(
                    "this row has {cells} cells but the header has {columns}: a value containing a comma must be "
                    "in double quotes"), {"cells": len(record), "columns": width}))
            body.append((number, record))
    except csv.Error as error:
        raise Refused([Problem(filename, number + 1, None, N_("The file is not valid CSV: {error}."),
                               {"error": str(error)})]) from None
    if header is None:
        raise Refused([Problem(filename, 1, None, N_("The file has no header row: its first line is empty."))])
    return _frame(body, header), header, surplus


def read_upload(content: bytes, filename: str) -> tuple[pd.DataFrame, str, list[tuple[str, dict]], list[Problem]]:
    """The file as a frame of strings, its format by content, notes, and rows that cannot be read; or Refused."""
    file_format = sniff(content, filename)
    notes, unreadable = [], []
    extension = _extension(filename)
    if file_format == "xlsx":
        frame = _read_excel(content, filename)
        header = list(frame.columns)
        if extension in ("csv", "txt"):
            notes.append((N_("The file is named .{extension} but is an Excel workbook; it was read as Excel."),
                          {"extension": extension[:10]}))
    else:
        try:
            frame, header, unreadable = _read_csv(content, filename)
        except ValidationFailed as failure:
            raise Refused(failure.problems) from None
        if extension in ("xlsx", "xls"):
            notes.append((N_("The file is named .{extension} but holds CSV text; it was read as CSV."),
                          {"extension": extension}))
    repeated = sorted({h for h in header if h and header.count(h) > 1})
    if repeated:
        raise Refused([Problem(filename, 1, name[:60], N_("the column appears more than once in the header"))
                       for name in repeated[:20]])
    return frame, file_format, notes, unreadable


# --- checking: the ETL's rules, then the upload's own --------------------------------------------------

def _formula_problems(frame: pd.DataFrame, filename: str) -> list[Problem]:
    problems = []
    for column in [c for c in TEMPLATE_COLUMNS if c in frame.columns]:
        starts = ("=", "@") if column in NUMBER_COLUMNS else FORMULA_STARTS
        values = frame[column].astype(str)
        looks = values.str.startswith(("\t", "\r")) | values.str.lstrip().str.startswith(starts)
        for index in frame.index[looks]:
            problems.append(Problem(filename, line_number(index), column, N_(
                "looks like a spreadsheet formula ({value}): enter the value itself, and do not start text "
                "with =, +, - or @"), {"value": shown(values[index].strip())}))
    return problems


def _period_problems(frame: pd.DataFrame, filename: str) -> list[Problem]:
    """The ETL's period rule, on every row whose dates can be read (a bad date is reported on its own)."""
    if not {"period_start", "period_end"} <= set(frame.columns):
        return []
    dates = frame[["period_start", "period_end"]].apply(
        lambda column: pd.to_datetime(column.str.strip(), format="%Y-%m-%d", errors="coerce"))
    return [Problem(filename, line_number(index), column, N_("the period ends before it starts"))
            for index, column, _reason in period_in_order(dates)]


def last_plausible_date() -> date:
    """The end of next year: a period or page dated later is a typing mistake (a year of 2205, 9999-12-31)."""
    return date(date.today().year + 1, 12, 31)


def _date_range_problems(frame: pd.DataFrame, filename: str) -> list[Problem]:
    """Dates that are dates but not plausible ones (0001-01-01, 9999-12-31) would be drawn on public charts."""
    problems, last = [], last_plausible_date()
    for column in [c for c in DATE_COLUMNS if c in frame.columns]:
        parsed = pd.to_datetime(frame[column].str.strip(), format="%Y-%m-%d", errors="coerce")
        text = frame[column].str.strip()
        # pandas cannot hold years before 1677 or after 2262: such a date fails to parse, but is still a date.
        whole = text.str.fullmatch(r"\d{4}-\d{2}-\d{2}")
        outside = (parsed.notna() & ((parsed < pd.Timestamp(FIRST_PLAUSIBLE_DATE)) | (parsed > pd.Timestamp(last)))) | \
                  (parsed.isna() & whole & text.map(_is_calendar_date))
        for index in frame.index[outside]:
            problems.append(Problem(filename, line_number(index), column, N_(
                "the date {value} is outside the plausible range, {first} to {last}"),
                {"value": text[index], "first": FIRST_PLAUSIBLE_DATE.isoformat(), "last": last.isoformat()}))
    return problems


def _is_calendar_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _address_problems(frame: pd.DataFrame, filename: str) -> list[Problem]:
    """A source_url that is not a web page (javascript:, data:, a file path) is never stored or linked."""
    if "source_url" not in frame.columns:
        return []
    text = frame["source_url"].str.strip()
    wrong = (text != "") & ~text.str.fullmatch(_WEB_ADDRESS.pattern, case=False)
    return [Problem(filename, line_number(index), "source_url", N_(
        "a web address must start with http:// or https:// and hold no spaces (value {value})"),
        {"value": shown(text[index])}) for index in frame.index[wrong]]


def _country_case_problems(frame: pd.DataFrame, known_countries: set[str], filename: str) -> list[Problem]:
    """Lower-case codes ('kaz'): refused with the code they stand for, rather than as unknown."""
    problems = []
    for column in [c for c in COUNTRY_COLUMNS if c in frame.columns]:
        text = frame[column].str.strip()
        upper = text.str.upper()
        wrong = (text != upper) & upper.isin(known_countries)
        for index in frame.index[wrong]:
            problems.append(Problem(filename, line_number(index), column, N_(
                "country codes are written in capital letters: {value} should be {code}"),
                {"value": shown(text[index]), "code": upper[index]}))
    return problems


def _upload_problems(frame: pd.DataFrame, known_countries: set[str], filename: str) -> list[Problem]:
    """The checks only an upload needs, on rows that hold every column of the template."""
    if not set(TEMPLATE_COLUMNS) <= set(frame.columns):
        return []
    return (_formula_problems(frame, filename) + _period_problems(frame, filename)
            + _date_range_problems(frame, filename) + _address_problems(frame, filename)
            + _country_case_problems(frame, known_countries, filename))


def _validate_chunk(rows: pd.DataFrame, known_countries: set[str], filename: str, flagged: set) -> tuple:
    """(typed rows that pass the ETL's rules, problems of the others) for some rows of the file."""
    problems, typed = [], None
    while len(rows):
        try:
            typed = validate_raw(rows, _UNKEYED, known_countries, filename)
            break
        except ValidationFailed as failure:
            in_rows = [p for p in failure.problems if p.row is not None and p.row >= 2]
            if not in_rows:  # a missing column, or a rule broken by the file as a whole
                raise Refused(failure.problems) from None
            # A column-wide failure (row None) can be the echo of one bad cell: check again without the bad rows.
            problems += [p for p in in_rows if (p.row, p.column) not in flagged]
            rows = rows.drop(index=sorted({p.row - 2 for p in in_rows}), errors="ignore")
    return typed, problems


# The key (record_id) is checked once over the whole file, the other rules a part of the file at a time.
_UNKEYED = dataclasses.replace(TEMPLATE, key=())
FIRST_CHUNK_ROWS, LARGEST_CHUNK_ROWS = 2_000, 8_000


def _validate_rows(frame: pd.DataFrame, known_countries: set[str], filename: str, unreadable: list[Problem]):
    """(typed rows that pass every rule, problems of the rows that do not). Raises Refused for the file.

    Rows are checked a part at a time, and checking stops once MAX_PROBLEMS are found (the file is then
    refused as a whole): each problem costs time, and a file with thousands is a wrong file, not a file
    with a few wrong rows. A clean part makes the next part larger.
    """
    frame = frame.drop(index=[p.row - 2 for p in unreadable], errors="ignore")
    problems = list(unreadable)
    if set(TEMPLATE_COLUMNS) <= set(frame.columns):
        keys = frame[list(TEMPLATE.key)].apply(lambda column: column.str.strip()).replace("", None)
        problems += duplicate_keys(keys, TEMPLATE, filename)
    typed_parts, start, size = [], 0, FIRST_CHUNK_ROWS
    while start < len(frame):
        rows = frame.iloc[start:start + size]
        found = _upload_problems(rows, known_countries, filename)
        flagged = {(p.row, p.column) for p in problems + found}
        typed, invalid = _validate_chunk(rows, known_countries, filename, flagged)
        problems += found + invalid
        if typed is not None:
            typed_parts.append(typed)
        start += size
        if len(problems) > MAX_PROBLEMS:
            last_row = line_number(rows.index[-1])
            problems.sort(key=lambda p: (p.row or 0, p.column or ""))
            raise Refused(problems[:MAX_PROBLEMS] + [Problem(filename, None, None, N_(
                "More than {n} problems were found by row {row}, so the checks stopped there and nothing can be "
                "loaded from this file. Is it the right file, filled in with the template's columns? Correct "
                "the problems listed and check it again."), {"n": f"{MAX_PROBLEMS:,}", "row": last_row})])
        size = min(size * 2, LARGEST_CHUNK_ROWS) if not found and not invalid else FIRST_CHUNK_ROWS
    if not typed_parts:
        return frame.iloc[0:0], problems
    typed = pd.concat(typed_parts)
    bad_rows = {p.row - 2 for p in problems if p.row is not None and p.row >= 2}
    return typed.drop(index=[i for i in typed.index if i in bad_rows]), problems


def _missing(value) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value))


def _day(value) -> str | None:
    """A date, a pandas Timestamp or a datetime -> 'YYYY-MM-DD' (None when missing)."""
    return None if _missing(value) else value.isoformat()[:10]


def _figure_key(row: dict) -> tuple:
    """What makes two rows the same figure, whatever their record_id (None-safe, type-blind)."""
    return tuple(None if _missing(row[c]) else float(row[c]) if c == "value" else _day(row[c])
                 if c.startswith("period_") else str(row[c]) for c in FIGURE_IDENTITY)


def _as_table(typed: pd.DataFrame) -> pd.DataFrame:
    """Typed template rows -> rows in the layout of `reported_figures`, indexed by file row."""
    parts = [to_table(group.drop(columns="topic"), topic) for topic, group in typed.groupby("topic", sort=False)]
    if not parts:
        return pd.DataFrame(columns=["file_row"] + submissions_store.FIGURE_COLUMNS)
    table = pd.concat(parts).sort_index()
    table["value"] = table["value"].astype(float)
    table.insert(0, "file_row", [line_number(i) for i in table.index])
    return table


def _differences(new: dict, old: dict) -> list[str]:
    """Template columns whose value a correction changes."""
    changed = []
    for column in TEMPLATE_COLUMNS:
        a, b = new.get(column), old.get(column)
        if _missing(a) and _missing(b):
            continue
        if _missing(a) != _missing(b):
            changed.append(column)
        elif column == "value":
            if float(a) != float(b):
                changed.append(column)
        elif column.endswith(("_start", "_end", "_date")):
            if _day(a) != _day(b):
                changed.append(column)
        elif str(a) != str(b):
            changed.append(column)
    return changed


def _classify(table: pd.DataFrame, existing: pd.DataFrame, filename: str):
    """Split valid rows into added and changed; duplicates of figures already held become problems."""
    held_rows = existing.to_dict("records")
    database_ids = {r["record_id"] for r in held_rows if r["origin"] == "database"}
    submitted = {r["record_id"]: r for r in held_rows if r["origin"] == "submission"}
    held = {}
    for row in held_rows:
        held.setdefault(_figure_key(row), row)
    added, changed, problems = [], [], []
    seen_in_file = {}
    for row in table.to_dict("records"):
        record_id, file_row = row["record_id"], row["file_row"]
        key = _figure_key(row)
        earlier = held.get(key)
        if record_id in database_ids:
            problems.append(Problem(filename, file_row, "record_id", N_(
                "record_id {record} is already a figure in the database (loaded by the ETL); give this figure "
                "a new identifier"), {"record": shown(record_id)}))
        elif key in seen_in_file:
            problems.append(Problem(filename, file_row, None, N_(
                "the same figure as row {row} of this file (same countries, indicator, value, unit and period)"),
                {"row": seen_in_file[key]}))
        elif record_id in submitted:
            previous = submitted[record_id]
            differences = _differences(row, previous)
            if not differences:
                problems.append(Problem(filename, file_row, "record_id", N_(
                    "already submitted unchanged in submission {submission}: nothing to correct"),
                    {"submission": previous["submission_id"]}))
            elif earlier is not None and earlier["record_id"] != record_id:
                problems.append(_duplicate(filename, file_row, earlier))
            else:
                changed.append({**row, "corrects_submission": previous["submission_id"],
                                "changed_columns": ", ".join(differences),
                                "previous_value": float(previous["value"])})
        elif earlier is not None:
            problems.append(_duplicate(filename, file_row, earlier))
        else:
            added.append(row)
        seen_in_file.setdefault(key, file_row)
    columns = list(table.columns)
    return (pd.DataFrame(added, columns=columns),
            pd.DataFrame(changed, columns=columns + ["corrects_submission", "changed_columns", "previous_value"]),
            problems)


def _duplicate(filename: str, file_row: int, earlier) -> Problem:
    if earlier["origin"] == "database":
        return Problem(filename, file_row, None, N_(
            "the same figure is already in the database as {record} (same countries, indicator, value, unit and "
            "period)"), {"record": earlier["record_id"]})
    return Problem(filename, file_row, None, N_("the same figure was already submitted as {record} in submission "
                                                "{submission}"),
                   {"record": earlier["record_id"], "submission": earlier["submission_id"]})


def check(content: bytes, filename: str, known_countries: set[str], existing: pd.DataFrame) -> Preview:
    """Everything confirming this file would do, and every problem with it; stores nothing.

    `existing` is `app.queries.figures.all_figures` (the build's figures and the submitted ones in force).
    """
    filename = (filename or "upload").replace("\\", "/").rsplit("/", 1)[-1]
    preview = Preview(filename, hashlib.sha256(content).hexdigest(), len(content), None)
    try:
        frame, preview.file_format, preview.notes, unreadable = read_upload(content, filename)
        preview.rows_in_file = len(frame)
        typed, problems = _validate_rows(frame, known_countries, filename, unreadable)
    except Refused as refusal:
        preview.problems, preview.refused = refusal.problems, True
        return preview
    preview.added, preview.changed, duplicates = _classify(_as_table(typed), existing, filename)
    preview.problems = sorted(problems + duplicates, key=lambda p: (p.row or 0, p.column or ""))
    reasons: dict[int, list[str]] = {}
    for p in preview.problems:
        if p.row:
            reasons.setdefault(p.row, []).append(f"{p.column}: {p.reason}" if p.column else p.reason)
    rejected_rows = sorted(reasons)
    record_ids = frame["record_id"] if "record_id" in frame.columns else pd.Series(dtype=str)
    preview.rejected = pd.DataFrame({
        "file_row": rejected_rows,
        "record_id": [record_ids.get(row - 2, "") for row in rejected_rows],
        "reasons": ["; ".join(reasons[row]) for row in rejected_rows],
    })
    if preview.loadable == 0 and not preview.problems:
        preview.problems = [Problem(filename, None, None, N_("The file has a header but no rows of figures."))]
        preview.refused = True
    return preview


def confirm(preview: Preview, content: bytes, editor: str) -> str:
    """Store the preview's added and corrected rows in one transaction; returns the new submission's id."""
    if preview.refused or preview.loadable == 0:
        raise ValueError(_("There is nothing in this file that can be added."))
    if hashlib.sha256(content).hexdigest() != preview.sha256:
        raise ValueError(_("The file changed since it was checked; check it again."))
    return submissions_store.store(preview, content, editor)


# --- the template ----------------------------------------------------------------------------------------

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


# --- what the pages show ---------------------------------------------------------------------------------

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
    from app.auth import display_name

    statuses = {"active": _("in force"), "withdrawn": _("withdrawn")}
    names = {name: display_name(name) for name in set(history["submitted_by"]) | set(history["withdrawn_by"].dropna())}
    return history.assign(submitted_by=history["submitted_by"].map(names),
                          withdrawn_by=history["withdrawn_by"].map(names),
                          status=history["status"].map(statuses))
