"""A chart's data as CSV: one line of provenance, then the data with plain column names.

Text cells that a spreadsheet would run as a formula are neutralised and quoted, numbers are written plainly
(dot decimals, no grouping, never quoted). UTF-8 with a byte-order mark and CRLF line ends, so Excel reads
Cyrillic and Turkish letters. The same data comes in a second form for Excel set to Russian or Turkish (and
most of continental Europe): semicolons between cells and decimal commas, which is what such an Excel
expects when it opens a .csv file.
"""
from __future__ import annotations

import csv
import io
import re

import pandas as pd

from app.export.meta import ChartMeta

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n",
                  "\uff1d", "\uff0b", "\uff0d", "\uff20")  # and their full-width forms

# A spreadsheet set to another list separator (';' in Russian and Turkish Excel, and LibreOffice when
# asked) splits a text cell at that character, quotes or not: a formula sign just after a separator
# would start a new cell and run. Such a sign gets an apostrophe too.
_EMBEDDED_FORMULA = re.compile("([;,\t|\r\n][ \"']*)(?=[=+\-@\uff1d\uff0b\uff0d\uff20])")


def neutralise_formula(value):
    """A text that a spreadsheet would run as a formula gets an apostrophe before the formula sign.

    At the start of the text, and after any character a spreadsheet might split cells at.
    """
    if not isinstance(value, str):
        return value
    value = _EMBEDDED_FORMULA.sub(lambda match: match.group(1) + "'", value)
    if value.startswith(FORMULA_STARTS):
        value = "'" + value
    return value


def _is_number_column(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def csv_bytes(data: pd.DataFrame, meta: ChartMeta, labels: dict[str, str] | None = None,
              semicolons: bool = False) -> bytes:
    """UTF-8 with BOM, CRLF; one provenance line, then the data with its column names.

    Text (names, headers, the provenance line) is always quoted and neutralised: a quoted
    field also stays whole when a spreadsheet set to another list separator (';' in Russian
    and Turkish Excel) splits the line. Numbers are never quoted and have no thousands
    separators, so they arrive as numbers: with dot decimals and commas between cells, or,
    with `semicolons`, with decimal commas and semicolons between cells (Excel in Russian,
    Turkish and most European settings).
    """
    separator = ";" if semicolons else ","
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_ALL, delimiter=separator)
    writer.writerow([neutralise_formula(meta.provenance_line(labels))])
    writer.writerow([neutralise_formula(str(column)) for column in data.columns])
    columns = []
    for _name, series in data.items():
        if _is_number_column(series):
            columns.append(("number", series.tolist()))
        else:
            columns.append(("text", series.tolist()))
    for row in zip(*(values for _kind, values in columns)):
        buffer.write(separator.join(_csv_cell(kind, value, decimal="," if semicolons else ".")
                                    for (kind, _values), value in zip(columns, row)))
        buffer.write("\r\n")
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_cell(kind: str, value, decimal: str = ".") -> str:
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value):
        return ""
    if kind == "number" and not isinstance(value, str):
        if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
            return str(int(value))  # 1234567.0 -> 1234567: a whole number stays whole
        return (repr(value) if isinstance(value, float) else str(value)).replace(".", decimal)
    if hasattr(value, "isoformat"):
        value = value.isoformat()
    text = neutralise_formula(str(value))
    return '"' + text.replace('"', '""') + '"'


def read_csv_export(content: bytes, semicolons: bool = False) -> pd.DataFrame:
    """The data part of an exported CSV (skips the provenance line)."""
    if semicolons:
        return pd.read_csv(io.BytesIO(content), encoding="utf-8-sig", skiprows=1, sep=";", decimal=",")
    return pd.read_csv(io.BytesIO(content), encoding="utf-8-sig", skiprows=1)
