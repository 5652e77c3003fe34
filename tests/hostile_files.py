"""Hostile and careless uploads, made on demand (none is committed: some unpack to hundreds of megabytes).

Each function returns the bytes of one file. tests/test_hostile_uploads.py checks what the dashboard says
about each; bench/hostile_uploads.py measures what each costs the server at the upload size limit.

    .venv/bin/python tests/hostile_files.py OUT_DIR   # writes every file, to try them by hand on the page
"""
from __future__ import annotations

import csv
import io
import sys
import zipfile
from pathlib import Path

HEADER = ["topic", "record_id", "nationality_iso3", "location_iso3", "indicator", "value", "unit", "period_start",
          "period_end", "description", "source_publisher", "source_url", "source_date", "date_note"]
GOOD_ROW = {"topic": "labour", "record_id": "KAZ-1", "nationality_iso3": "KAZ", "location_iso3": "RUS",
            "indicator": "entries_for_work", "value": "12500", "unit": "persons", "period_start": "2025-01-01",
            "period_end": "2025-06-30", "description": "Entries for work", "source_publisher": "Ministry",
            "source_url": "https://www.gov.kz/x", "source_date": "2025-07-15", "date_note": ""}
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def csv_text(rows: list[dict], separator: str = ",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator, lineterminator="\n")
    writer.writerow(HEADER)
    for values in rows:
        writer.writerow([values.get(c, "") for c in HEADER])
    return buffer.getvalue().encode("utf-8")


def row(number: int = 1, **changes) -> dict:
    return {**GOOD_ROW, "record_id": f"KAZ-{number}", "value": str(1000 + number), **changes}


# --- a workbook written by hand, part by part, so a part can be as large (or as odd) as a test needs ---------

def _write(book: zipfile.ZipFile, name: str, chunks) -> None:
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    with book.open(info, "w", force_zip64=True) as part:
        for chunk in ([chunks] if isinstance(chunks, (str, bytes)) else chunks):
            part.write(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)


def workbook(sheet_rows, shared_strings=None, dimension: str | None = None, strings_prolog: str = "") -> bytes:
    """An .xlsx with one sheet 'figures'. `sheet_rows` yields XML text of <row> elements; `shared_strings`
    yields XML text of <si> elements (None: no shared-strings part)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as book:
        kinds = "application/vnd.openxmlformats-officedocument.spreadsheetml"
        overrides = [("/xl/workbook.xml", f"{kinds}.sheet.main+xml"), ("/xl/worksheets/sheet1.xml", f"{kinds}.worksheet+xml")]
        if shared_strings is not None:
            overrides.append(("/xl/sharedStrings.xml", f"{kinds}.sharedStrings+xml"))
        _write(book, "[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
               'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
               'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
               + "".join(f'<Override PartName="{part}" ContentType="{kind}"/>' for part, kind in overrides) + "</Types>")
        _write(book, "_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
               'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
               'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        _write(book, "xl/workbook.xml", f'<?xml version="1.0"?><workbook xmlns="{_MAIN}" xmlns:r="http://schemas.'
               'openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="figures" sheetId="1" '
               'r:id="rId1"/></sheets></workbook>')
        relations = ['<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                     'relationships/worksheet" Target="worksheets/sheet1.xml"/>']
        if shared_strings is not None:
            relations.append('<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                             'relationships/sharedStrings" Target="sharedStrings.xml"/>')
            _write(book, "xl/sharedStrings.xml", _chain([f'<?xml version="1.0"?>{strings_prolog}<sst xmlns="{_MAIN}">'],
                                                        shared_strings, ["</sst>"]))
        _write(book, "xl/_rels/workbook.xml.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.'
               'openxmlformats.org/package/2006/relationships">' + "".join(relations) + "</Relationships>")
        dimension_xml = f'<dimension ref="{dimension}"/>' if dimension else ""
        _write(book, "xl/worksheets/sheet1.xml", _chain([f'<?xml version="1.0"?><worksheet xmlns="{_MAIN}">'
                                                         f'{dimension_xml}<sheetData>'], sheet_rows,
                                                        ["</sheetData></worksheet>"]))
    return buffer.getvalue()


def _chain(*parts):
    for part in parts:
        yield from part


def _letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _inline_row(number: int, cells: list[str]) -> str:
    escaped = [c.replace("&", "&amp;").replace("<", "&lt;") for c in cells]
    return (f'<row r="{number}">' + "".join(f'<c r="{_letters(i)}{number}" t="inlineStr"><is><t>{c}</t></is></c>'
                                            for i, c in enumerate(escaped) if c != "") + "</row>")


def _header_row() -> str:
    return _inline_row(1, HEADER)


def _good_rows(count: int, start: int = 2):
    for number in range(start, start + count):
        yield _inline_row(number, [row(number)[c] for c in HEADER])


# --- 1. a shared-strings bomb ------------------------------------------------------------------------------

def shared_strings_bomb(megabytes: int) -> bytes:
    """One shared string of `megabytes` MB, used by the description of a valid row (openpyxl expanded it all)."""
    def strings():
        yield "<si><t>"
        block = "A" * (1024 * 1024)
        for _ in range(megabytes):
            yield block
        yield "</t></si>"
    cells = [row(2)[c] for c in HEADER]
    description = HEADER.index("description")
    row_xml = "".join(f'<c r="{_letters(i)}2" s="0" t="s"><v>0</v></c>' if i == description else
                      f'<c r="{_letters(i)}2" t="inlineStr"><is><t>{c}</t></is></c>' for i, c in enumerate(cells) if c)
    return workbook([_header_row(), f'<row r="2">{row_xml}</row>'], strings())


def many_shared_strings(count: int) -> bytes:
    """`count` distinct tiny shared strings, none used."""
    return workbook([_header_row(), *_good_rows(1)], (f"<si><t>s{n}</t></si>" for n in range(count)))


def entity_bomb() -> bytes:
    """The 'billion laughs': entities that expand each other, in the shared strings' DTD."""
    prolog = ('<!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + n)} "{("&" + chr(97 + n) + ";") * 10}">' for n in range(9)) + "]>")
    return workbook([_header_row(), *_good_rows(1)], ["<si><t>&j;</t></si>"], strings_prolog=prolog)


# --- 3. limits: rows, sparse cells, declared dimensions ----------------------------------------------------

def workbook_rows(count: int) -> bytes:
    """A header and `count` valid rows (100,000 rows: about 1 MB)."""
    return workbook(_chain([_header_row()], _good_rows(count)))


def one_cell_far_down() -> bytes:
    """The header, one row, and one value in A1048576 (openpyxl filled the million rows between)."""
    return workbook([_header_row(), *_good_rows(1), _inline_row(1048576, ["labour"])], dimension="A1:A1048576")


def lying_dimension() -> bytes:
    """A sheet that declares A1:XFD1048576 and holds a cell in column XFD."""
    far = '<c r="XFD3" t="inlineStr"><is><t>far right</t></is></c>'
    return workbook([_header_row(), *_good_rows(1), f'<row r="3">{far}</row>'], dimension="A1:XFD1048576")


def csv_rows(count: int, cells_per_row: int = 1) -> bytes:
    """A header and `count` short rows (2.6 million one-cell rows fill 5 MB)."""
    body = ("x" + "," * (cells_per_row - 1) + "\n") * count
    return (",".join(HEADER) + "\n" + body).encode()


def csv_one_wide_row(cells: int) -> bytes:
    """One row of `cells` empty cells (commas only): the most cells a 5 MB file can hold."""
    return (",".join(HEADER) + "\n" + "x" + "," * (cells - 1) + "\n").encode()


# --- 4. a long cell, quoted in a problem -------------------------------------------------------------------

def csv_long_cell(characters: int, column: str = "description") -> bytes:
    return csv_text([row(1, **{column: "D" * characters})])


# --- 6, 8. careless files ------------------------------------------------------------------------------------

def blank_row_with_commas() -> bytes:
    return (",".join(HEADER) + "\n" + "," * (len(HEADER) + 3) + "\n").encode() + csv_text([row(1)]).split(b"\n", 1)[1]


def semicolons() -> bytes:
    """Excel's 'CSV' in Russian or Turkish settings: ';' between cells, ',' as the decimal mark."""
    return csv_text([row(1, value="12500,5")], separator=";")


def tabs() -> bytes:
    return csv_text([row(1)], separator="\t")


def lower_case_codes() -> bytes:
    return csv_text([row(1, nationality_iso3="kaz", location_iso3="Rus")])


def implausible_dates() -> bytes:
    return csv_text([row(1, period_start="0001-01-01"), row(2, period_end="9999-12-31"),
                     row(3, source_date="1899-12-31")])


def hostile_addresses() -> bytes:
    return csv_text([row(1, source_url="javascript:alert(document.cookie)"),
                     row(2, source_url="data:text/html;base64,PHNjcmlwdD4="), row(3, source_url="file:///etc/passwd"),
                     row(4, source_url="https://example.org/a b")])


def huge_values() -> bytes:
    return csv_text([row(1, value="1e308"), row(2, value="1e25"), row(3, value="inf"), row(4, value="nan"),
                     row(5, value="1000000001"), row(6, value="999999999")])


EVERY_FILE = {
    "shared_strings_bomb_60mb.xlsx": lambda: shared_strings_bomb(60),
    "shared_strings_40mb.xlsx": lambda: shared_strings_bomb(40),
    "many_shared_strings.xlsx": lambda: many_shared_strings(1_000_000),
    "entity_bomb.xlsx": entity_bomb,
    "rows_100000.xlsx": lambda: workbook_rows(100_000),
    "one_cell_far_down.xlsx": one_cell_far_down,
    "lying_dimension.xlsx": lying_dimension,
    "rows_2600000.csv": lambda: csv_rows(2_600_000),
    "one_wide_row.csv": lambda: csv_one_wide_row(5_000_000),
    "long_description.csv": lambda: csv_long_cell(100_000),
    "blank_row_with_commas.csv": blank_row_with_commas,
    "semicolons.csv": semicolons,
    "tabs.csv": tabs,
    "lower_case_codes.csv": lower_case_codes,
    "implausible_dates.csv": implausible_dates,
    "hostile_addresses.csv": hostile_addresses,
    "huge_values.csv": huge_values,
}


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "hostile_uploads")
    target.mkdir(parents=True, exist_ok=True)
    for name, make in EVERY_FILE.items():
        content = make()
        (target / name).write_bytes(content)
        print(f"{name:<34}{len(content):>12,} bytes")
