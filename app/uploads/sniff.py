"""What an uploaded file really is, decided by its first bytes, never by its name: CSV, an .xlsx workbook, or
something that is not a table of figures at all (refused, with what it is and how to save it instead).
"""
from __future__ import annotations

import io
import zipfile

from app.i18n import N_
from etl.validate import Problem, Words


class Refused(Exception):
    """The file as a whole cannot be read as a table of figures."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))



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


def extension(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


def _extension(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


def sniff(content: bytes, filename: str, max_bytes: int) -> str:
    """'csv' or 'xlsx' by content; raises Refused for anything that is not a table of figures."""
    def refuse(template: str, **values) -> Refused:
        return Refused([Problem(filename, None, None, template, values)])

    if not content.strip():
        raise refuse(N_("The file is empty (0 bytes or only blank lines): there is nothing to load."))
    if len(content) > max_bytes:
        raise refuse(N_("The file is too large ({size} MB); the limit is {limit} MB. Split it into several files."),
                     size=f"{len(content) / 1024 / 1024:.1f}", limit=max_bytes // (1024 * 1024))
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

