"""Reading one sheet of an uploaded .xlsx as text cells, with memory and time bounded whatever the file holds.

An .xlsx is a zip of XML parts; a few kilobytes can unpack into gigabytes (one
shared string of 200 MB, a million rows, a cell in row 1,048,576, a sheet
declaring itself A1:XFD1048576). openpyxl builds the whole shared-strings
table in memory first, and pandas' readers the whole sheet; here every part is
read as a stream:

- each part's declared unpacked size is checked against a limit before it is
  opened (the zip reader never unpacks more than a member declares);
- the XML is parsed with expat, refusing any DTD, entity or external reference
  (what defusedxml forbids; the small parts go through defusedxml itself);
- a text longer than `MAX_CELL_CHARS` keeps only its beginning (it is too long
  for any column, and is reported as such), and its length;
- rows are read in order and reading stops at the row limit; only rows and
  cells that hold something are kept, so declared dimensions and empty rows
  cost nothing; cells right of `MAX_COLUMNS` are ignored.

A formula arrives as its text ("=A2*3"), never as its cached value, so the
upload checks can refuse it; dates stored as numbers with a date format arrive
as dates, as openpyxl gives them. Nothing here knows about the template.
"""
from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from xml.parsers import expat

from app.i18n import N_

MAX_CELL_CHARS = 10_000  # longer than any column allows (2,000): kept that far, reported as too long
MAX_COLUMNS = 64
# Cells (and shared strings) read from a sheet, empty ones included, per row allowed: the template has 14
# columns, so a sheet of the most rows allowed needs far fewer. Parsing time grows with cells, not bytes.
CELLS_PER_ROW = 20
TOO_MANY_CELLS = N_("The sheet holds more than {cells} cells; a sheet of figures within the row limit holds far "
                    "fewer. Save the figures alone in a new workbook, or as CSV UTF-8.")
DAMAGED = N_("The file looks like an Excel workbook but is damaged and cannot be opened.")
MAX_PART_BYTES = {"sheet": 48 * 1024 * 1024, "strings": 48 * 1024 * 1024, "small": 4 * 1024 * 1024}
_CHUNK = 1 << 16
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_LETTERS = re.compile(r"[A-Z]{1,3}")


class WorkbookProblem(Exception):
    """The workbook cannot be read within the limits: `template` (English, translated where shown) and `params`."""

    def __init__(self, template: str, **params):
        self.template, self.params = template, params
        super().__init__(template.format(**params))


@dataclass
class Sheet:
    title: str
    rows: list[tuple[int, list[str]]] = field(default_factory=list)  # (row number, cells as text), non-empty only
    long_cells: dict[tuple[int, int], int] = field(default_factory=dict)  # (row, column) -> full length, if cut
    rows_over_limit: bool = False  # reading stopped at the limit


class _Stop(Exception):
    """Raised from a handler to stop parsing early."""


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + (ord(letter) - 64)
    return index - 1


def _member(book: zipfile.ZipFile, name: str, kind: str):
    try:
        info = book.getinfo(name)
    except KeyError:
        return None
    if info.file_size > MAX_PART_BYTES[kind]:
        raise WorkbookProblem(N_("The workbook's part {part} unpacks to {size} MB; at most {limit} MB are read. Save "
                              "the figures alone in a new workbook, or as CSV UTF-8."),
                              part=name, size=f"{info.file_size / 1024 / 1024:,.0f}",
                              limit=MAX_PART_BYTES[kind] // (1024 * 1024))
    return book.open(info)


def _small_xml(book: zipfile.ZipFile, name: str):
    import defusedxml.ElementTree as safe_xml

    stream = _member(book, name, "small")
    if stream is None:
        return None
    with stream:
        return safe_xml.fromstring(stream.read())


def _no_dtd(*_args):
    raise WorkbookProblem(N_("The workbook holds an XML document type declaration, which a spreadsheet never "
                             "needs; it was not read."))


def _parser(start, end, text) -> expat.XMLParserType:
    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, text
    parser.StartDoctypeDeclHandler = parser.EntityDeclHandler = parser.ExternalEntityRefHandler = _no_dtd
    parser.buffer_text = True
    return parser


def _feed(parser, stream) -> None:
    try:
        while True:
            chunk = stream.read(_CHUNK)
            if not chunk:
                break
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _Stop:
        return
    except expat.ExpatError as error:
        raise WorkbookProblem(N_("The workbook is damaged: one of its parts is not well-formed XML ({error})."),
                              error=str(error)[:80]) from None


class _Text:
    """Text gathered from expat's chunks, kept up to MAX_CELL_CHARS; `length` counts all of it."""

    __slots__ = ("parts", "kept", "length")

    def __init__(self):
        self.parts, self.kept, self.length = [], 0, 0

    def add(self, chunk: str) -> None:
        self.length += len(chunk)
        if self.kept < MAX_CELL_CHARS:
            piece = chunk[:MAX_CELL_CHARS - self.kept]
            self.parts.append(piece)
            self.kept += len(piece)

    def value(self) -> str:
        return "".join(self.parts)


class _Handlers:
    """What both part readers share: a tag's name without its namespace, worked out once per tag."""

    def __init__(self):
        self.local_names: dict[str, str] = {}

    def local(self, tag: str) -> str:
        name = self.local_names.get(tag)
        if name is None:
            name = self.local_names[tag] = tag.rsplit("}", 1)[-1]
        return name


class _StringsReader(_Handlers):
    """expat handlers for the shared-strings part: each string cut at MAX_CELL_CHARS, at most `limit` strings."""

    def __init__(self, limit: int):
        self.limit = limit
        self.strings: list[str] = []
        self.lengths: list[int] = []
        self.text: _Text | None = None
        self.into: _Text | None = None
        self.phonetic = 0
        super().__init__()

    def start(self, tag, _attributes):
        local = self.local(tag)
        if local == "t":
            if not self.phonetic:
                self.into = self.text
        elif local == "si":
            if len(self.strings) >= self.limit:
                raise WorkbookProblem(TOO_MANY_CELLS, cells=f"{self.limit:,}")
            self.text = _Text()
        elif local == "rPh":  # a phonetic guide (East Asian scripts): not part of the value
            self.phonetic += 1

    def end(self, tag):
        local = self.local(tag)
        if local == "t":
            self.into = None
        elif local == "si":
            self.strings.append(self.text.value())
            self.lengths.append(self.text.length)
            self.text = None
        elif local == "rPh":
            self.phonetic -= 1

    def add(self, chunk):
        if self.into is not None:
            self.into.add(chunk)


def _shared_strings(book: zipfile.ZipFile, name: str | None, limit: int) -> tuple[list[str], list[int]]:
    """The shared strings (each cut at MAX_CELL_CHARS) and their full lengths."""
    stream = _member(book, name, "strings") if name else None
    if stream is None:
        return [], []
    reader = _StringsReader(limit)
    with stream:
        _feed(_parser(reader.start, reader.end, reader.add), stream)
    return reader.strings, reader.lengths


_BUILTIN_DATE_FORMATS = set(range(14, 23)) | {27, 30, 36, 45, 46, 47, 50, 57}


def _date_styles(book: zipfile.ZipFile, name: str | None) -> set[int]:
    """Indexes of cell styles whose number format is a date or time (as openpyxl decides)."""
    from openpyxl.styles.numbers import is_date_format

    root = _small_xml(book, name) if name else None
    if root is None:
        return set()
    custom = {}
    for number_format in root.iter(f"{{{_MAIN}}}numFmt"):
        try:
            custom[int(number_format.get("numFmtId"))] = number_format.get("formatCode") or ""
        except (TypeError, ValueError):
            continue
    dated = set()
    cell_formats = root.find(f"{{{_MAIN}}}cellXfs")
    for index, xf in enumerate(cell_formats if cell_formats is not None else []):
        try:
            format_id = int(xf.get("numFmtId", "0"))
        except ValueError:
            continue
        if format_id in _BUILTIN_DATE_FORMATS or (format_id in custom and is_date_format(custom[format_id])):
            dated.add(index)
    return dated


def _number_text(text: str, as_date: bool, date1904: bool) -> str:
    """A stored number as the text a CSV would hold (openpyxl's reading of the same cell)."""
    try:
        value = float(text)
    except ValueError:
        return text.strip()
    if as_date:
        from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel
        try:
            moment = from_excel(value, CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900)
        except (OverflowError, ValueError):
            moment = None
        if isinstance(moment, datetime):
            return moment.date().isoformat() if moment.time() == time(0) else moment.isoformat(sep=" ")
        if isinstance(moment, (date, time)):
            return moment.isoformat()
    if value != value or value in (float("inf"), float("-inf")):
        return text.strip()
    return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)


def _sheet_part(book: zipfile.ZipFile, wanted: str) -> tuple[str, str, bool]:
    """(title, part name, 1904 dates) of the sheet called `wanted`, else the first."""
    workbook = _small_xml(book, "xl/workbook.xml")
    if workbook is None:
        raise WorkbookProblem(DAMAGED)
    properties = workbook.find(f"{{{_MAIN}}}workbookPr")
    date1904 = properties is not None and properties.get("date1904") in ("1", "true")
    sheets = [(sheet.get("name") or "", sheet.get(f"{{{_REL}}}id")) for sheet in workbook.iter(f"{{{_MAIN}}}sheet")]
    if not sheets:
        raise WorkbookProblem(N_("The workbook has no sheet."))
    title, relation = next((s for s in sheets if s[0] == wanted), sheets[0])
    relations = _small_xml(book, "xl/_rels/workbook.xml.rels")
    target = None
    for rel in relations.iter(f"{{{_PACKAGE_REL}}}Relationship") if relations is not None else []:
        if rel.get("Id") == relation:
            target = rel.get("Target") or ""
    if not target:
        raise WorkbookProblem(DAMAGED)
    part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
    return title, part, date1904


def _part_named(book: zipfile.ZipFile, relation_type: str) -> str | None:
    relations = _small_xml(book, "xl/_rels/workbook.xml.rels")
    for rel in relations.iter(f"{{{_PACKAGE_REL}}}Relationship") if relations is not None else []:
        if (rel.get("Type") or "").endswith("/" + relation_type):
            target = rel.get("Target") or ""
            return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
    return None


def read_sheet(content: bytes, wanted: str, max_rows: int) -> Sheet:
    """Rows of the sheet named `wanted` (else the first), as text cells; at most `max_rows` rows after the first.

    Raises WorkbookProblem when the workbook cannot be read within the limits.
    """
    try:
        book = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        raise WorkbookProblem(DAMAGED) from None
    try:
        with book:
            title, part, date1904 = _sheet_part(book, wanted)
            most_cells = (max_rows + 1) * CELLS_PER_ROW
            strings, string_lengths = _shared_strings(book, _part_named(book, "sharedStrings"), most_cells)
            dated = _date_styles(book, _part_named(book, "styles"))
            stream = _member(book, part, "sheet")
            if stream is None:
                raise WorkbookProblem(DAMAGED)
            sheet = Sheet(title)
            with stream:
                _feed(_sheet_parser(sheet, strings, string_lengths, dated, date1904, max_rows, most_cells), stream)
            return sheet
    except (zipfile.BadZipFile, EOFError, OSError, KeyError):
        raise WorkbookProblem(DAMAGED) from None
    except (RuntimeError, NotImplementedError):  # an encrypted member, an unknown compression
        raise WorkbookProblem(N_("The Excel file cannot be opened; it may be damaged or password-protected.")) from None


class _SheetReader(_Handlers):
    """expat handlers for a worksheet part: keeps non-empty rows, stops one row past the limit."""

    def __init__(self, sheet: Sheet, strings: list[str], string_lengths: list[int], dated: set[int], date1904: bool,
                 max_rows: int, max_cells: int):
        self.sheet, self.strings, self.string_lengths = sheet, strings, string_lengths
        self.dated, self.date1904, self.max_rows, self.cells_left = dated, date1904, max_rows, max_cells
        self.row: dict[int, str] = {}
        self.row_number, self.column, self.type, self.style = 0, -1, "n", -1
        self.value = self.formula = self.inline = self.into = None
        super().__init__()
        self.columns: dict[str, int] = {}  # "AB" -> 27, as cells name them

    def start(self, tag, attributes):
        local = self.local_names.get(tag) or self.local(tag)
        if local == "c":
            self.cells_left -= 1
            if self.cells_left < 0:
                raise WorkbookProblem(TOO_MANY_CELLS, cells=f"{(self.max_rows + 1) * CELLS_PER_ROW:,}")
            letters = attributes.get("r", "").rstrip("0123456789")
            column = self.columns.get(letters)
            if column is None:
                column = self.columns[letters] = _column_index(letters) if _LETTERS.fullmatch(letters) else -2
            self.column = column if column != -2 else self.column + 1
            self.type = attributes.get("t", "n")
            style = attributes.get("s")
            self.style = int(style) if style and style.isdigit() else -1
            self.value = self.formula = self.inline = None
        elif local == "v":
            self.value = self.into = _Text()
        elif local == "f":
            self.formula = self.into = _Text()
        elif local == "t" and self.type == "inlineStr":
            if self.inline is None:
                self.inline = _Text()
            self.into = self.inline
        elif local == "row":
            number = attributes.get("r", "")
            self.row_number = int(number) if number.isdigit() else self.row_number + 1
            self.column = -1
            self.row.clear()

    def text(self, chunk):
        if self.into is not None:
            self.into.add(chunk)

    def end(self, tag):
        local = self.local_names.get(tag) or self.local(tag)
        if local == "c":
            if 0 <= self.column < MAX_COLUMNS:
                cell, full_length = _cell(self)
                if cell != "":
                    self.row[self.column] = cell
                    if full_length > MAX_CELL_CHARS:
                        self.sheet.long_cells[(self.row_number, self.column)] = full_length
        elif local in ("v", "f", "t"):
            self.into = None
        elif local == "row":
            row = self.row
            if row and any(value.strip() for value in row.values()):
                if len(self.sheet.rows) > self.max_rows:  # the header and `max_rows` rows held: one more is too many
                    self.sheet.rows_over_limit = True
                    raise _Stop
                cells = [""] * (max(row) + 1)
                for index, value in row.items():
                    cells[index] = value
                self.sheet.rows.append((self.row_number, cells))
            row.clear()


def _sheet_parser(sheet: Sheet, strings: list[str], string_lengths: list[int], dated: set[int], date1904: bool,
                  max_rows: int, max_cells: int):
    reader = _SheetReader(sheet, strings, string_lengths, dated, date1904, max_rows, max_cells)
    return _parser(reader.start, reader.end, reader.text)


def _cell(reader: _SheetReader) -> tuple[str, int]:
    """The cell's text as a CSV would hold it, and the length of the whole text it stands for."""
    kind, value, formula = reader.type, reader.value, reader.formula
    if formula is not None:  # the formula itself, never its cached result: the checks refuse formulas
        text = formula.value()
        return ("=" + text if not text.startswith("=") else text), formula.length + 1
    raw = value.value() if value is not None else ""
    if kind == "s":
        try:
            index = int(raw)
            return reader.strings[index], reader.string_lengths[index]
        except (ValueError, IndexError):
            return "", 0
    if kind == "inlineStr":
        inline = reader.inline
        return (inline.value(), inline.length) if inline is not None else ("", 0)
    if kind == "b":
        return ("TRUE" if raw.strip() == "1" else "FALSE") if raw.strip() else "", 0
    if kind in ("str", "e", "d"):
        return raw, value.length if value is not None else 0
    if not raw.strip():
        return "", 0
    return _number_text(raw, reader.style in reader.dated, reader.date1904), len(raw)
