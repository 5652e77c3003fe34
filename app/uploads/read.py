"""Reading an upload as a frame of text cells, with its limits checked before the work they bound.

A CSV is read record by record and reading stops one row past the limit; an .xlsx goes through the streaming
reader (`app.uploads.workbook`), whose parts are unpacked only up to a size. Rows keep the numbers a
spreadsheet shows them with. Nothing is checked against the template here except the header's shape.
"""
from __future__ import annotations

import csv
import io

import pandas as pd

from app.i18n import N_
from app.uploads.workbook import WorkbookProblem, read_sheet
from app.uploads.sniff import Refused, extension, sniff
from app.uploads.template import EXCEL_SHEET, TEMPLATE_COLUMNS
from etl.validate import Problem, ValidationFailed, Words, decode_csv

TOO_MANY_ROWS = N_("The file has more than {limit} rows of figures; reading stopped there. Split it into several "
                   "files.")


def _frame(rows: list[tuple[int, list[str]]], header: list[str]) -> pd.DataFrame:
    """Rows (spreadsheet row number, cells) -> a frame of strings whose row i is spreadsheet row i + 2."""
    width = len(header)
    frame = pd.DataFrame([(cells + [""] * width)[:width] for _number, cells in rows], columns=header, dtype=str)
    frame.index = [number - 2 for number, _cells in rows]
    return frame


def _read_excel(content: bytes, filename: str, max_rows: int) -> pd.DataFrame:
    try:
        sheet = read_sheet(content, EXCEL_SHEET, max_rows)
    except WorkbookProblem as problem:
        raise Refused([Problem(filename, None, None, problem.template, problem.params)]) from None
    if sheet.rows_over_limit:
        raise Refused([Problem(filename, None, None, TOO_MANY_ROWS, {"limit": max_rows})])
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


def _read_csv(content: bytes, filename: str, max_rows: int) -> tuple[pd.DataFrame, list[str], list[Problem]]:
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
            if len(body) >= max_rows:
                raise Refused([Problem(filename, None, None, TOO_MANY_ROWS, {"limit": max_rows})])
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


def read_upload(content: bytes, filename: str, max_bytes: int,
                max_rows: int) -> tuple[pd.DataFrame, str, list[tuple[str, dict]], list[Problem]]:
    """The file as a frame of strings, its format by content, notes, and rows that cannot be read; or Refused."""
    file_format = sniff(content, filename, max_bytes)
    notes, unreadable = [], []
    suffix = extension(filename)
    if file_format == "xlsx":
        frame = _read_excel(content, filename, max_rows)
        header = list(frame.columns)
        if suffix in ("csv", "txt"):
            notes.append((N_("The file is named .{extension} but is an Excel workbook; it was read as Excel."),
                          {"extension": suffix[:10]}))
    else:
        try:
            frame, header, unreadable = _read_csv(content, filename, max_rows)
        except ValidationFailed as failure:
            raise Refused(failure.problems) from None
        if suffix in ("xlsx", "xls"):
            notes.append((N_("The file is named .{extension} but holds CSV text; it was read as CSV."),
                          {"extension": suffix}))
    repeated = sorted({h for h in header if h and header.count(h) > 1})
    if repeated:
        raise Refused([Problem(filename, 1, name[:60], N_("the column appears more than once in the header"))
                       for name in repeated[:20]])
    return frame, file_format, notes, unreadable

