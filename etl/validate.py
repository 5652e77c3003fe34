"""Reading and checking raw files; every problem becomes a `Problem` value, not a traceback.

The same checks serve the ETL build and member-state uploads in the app, so a
file that the build rejects is rejected by the upload page for the same reason.
"""
from __future__ import annotations

import csv
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

import numpy as np
import pandas as pd

from etl.schema import RawColumn, RawFile, split_reference

MAX_PROBLEMS_REPORTED = 200
# Text columns of a typed frame: pandas' own string type, stored by Arrow, empty cells NaN.
TEXT_DTYPE = pd.StringDtype("pyarrow", na_value=np.nan)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is and why."""

    file: str
    row: int | None  # 1-based line number in the file (the header is line 1)
    column: str | None
    reason: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", line {self.row}"
        if self.column:
            where += f", column '{self.column}'"
        return f"{where}: {self.reason}"


class ValidationFailed(Exception):
    """Raised with every problem found, so the caller can report them together."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        shown = problems[:MAX_PROBLEMS_REPORTED]
        more = len(problems) - len(shown)
        text = "\n".join(f"  - {p}" for p in shown)
        if more:
            text += f"\n  ... and {more} more"
        super().__init__(f"{len(problems)} problem(s):\n{text}")


def line_number(index: int) -> int:
    """Frame row index -> line in the file (header is line 1)."""
    return int(index) + 2


def decode_csv(content: bytes, filename: str) -> str:
    """Bytes -> text, refusing anything that is not UTF-8 (a BOM is accepted and dropped)."""
    if not content.strip():
        raise ValidationFailed([Problem(filename, 1, None, "the file is empty: line 1 should hold the column names")])
    if b"\x00" in content[:4096]:
        raise ValidationFailed([Problem(filename, None, None,
                                        "the file is binary, not a CSV text file (is it a spreadsheet or an archive?)")])
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line, column = _position(content, error.start)
        raise ValidationFailed([Problem(filename, line, column,
                                        f"the file is not UTF-8 (byte 0x{content[error.start]:02x} at offset {error.start}); "
                                        "save it as 'CSV UTF-8'")]) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _position(content: bytes, offset: int) -> tuple[int, str | None]:
    """(line, column name) of a byte offset in CSV bytes; the column is None in the header or past its end."""
    line = content[:offset].count(b"\n") + 1
    if line == 1:
        return line, None
    header_end = content.find(b"\n")
    header = next(csv.reader([content[:header_end].decode("utf-8-sig", errors="replace").strip("\r")]), [])
    line_start = content.rfind(b"\n", 0, offset) + 1
    fields = next(csv.reader([content[line_start:offset].decode("utf-8", errors="replace") + "x"]), [])
    index = len(fields) - 1
    return line, header[index].strip() if 0 <= index < len(header) else None


def read_csv_text(text: str, filename: str) -> pd.DataFrame:
    """Parse CSV text with every value as a string, so type problems can be reported per cell."""
    try:
        with warnings.catch_warnings():
            # With a surplus field on the first data row pandas would otherwise shift that row (or, with
            # index_col=False, drop the field with only this warning).
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False,
                                index_col=False)
    except pd.errors.EmptyDataError:
        raise ValidationFailed([Problem(filename, 1, None, "the file has no header row")]) from None
    except pd.errors.ParserError as error:
        raise ValidationFailed([_parser_problem(str(error), filename)]) from None
    except pd.errors.ParserWarning:
        raise ValidationFailed([_surplus_problem(text, filename)]) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def _surplus_problem(text: str, filename: str) -> Problem:
    """The first row with more fields than the header."""
    reader = csv.reader(io.StringIO(text))
    width = len(next(reader, []))
    for record in reader:
        if len(record) > width:
            return Problem(filename, reader.line_num, None, _surplus_reason(len(record), width))
    return Problem(filename, None, None, "the file is not valid CSV: a row has more fields than the header")


def _surplus_reason(found: int, expected: int) -> str:
    return (f"the line has {found} fields but the header has {expected} "
            "(a comma inside a value that is not in quotes?)")


def _parser_problem(message: str, filename: str) -> Problem:
    """pandas' tokenizer error as a Problem with its line ("Expected 8 fields in line 3, saw 9")."""
    message = message.removeprefix("Error tokenizing data. C error: ").strip()
    fields = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", message)
    if fields:
        expected, line, found = map(int, fields.groups())
        return Problem(filename, line, None, _surplus_reason(found, expected))
    quote = re.search(r"EOF inside string starting at row (\d+)", message)
    if quote:
        return Problem(filename, int(quote.group(1)) + 1, None,
                       "a quote opened on this line is never closed: the rest of the file is inside it")
    return Problem(filename, None, None, f"the file is not valid CSV: {message}")


def read_raw_csv(path: Path) -> pd.DataFrame:
    return read_csv_text(decode_csv(path.read_bytes(), path.name), path.name)


def _shown(value) -> str:
    """A failing value as the reader wants it: 'XXX' for text, -5 for a number (not np.int64(-5))."""
    if isinstance(value, np.generic):
        value = value.item()
    return repr(value)


def min_reason(spec: RawColumn) -> str:
    return (f"must not be negative (minimum {spec.min_value:g})" if spec.min_value == 0
            else f"must be at least {spec.min_value:g}")


def max_reason(spec: RawColumn) -> str:
    return f"must be at most {spec.max_value:g}"


def reference_reason(spec: RawColumn) -> str:
    table, column = split_reference(spec.references)
    return f"unknown {column}: not in table {table}"


UNKNOWN_COUNTRY = "unknown ISO3 country code"


def _pandera_schema(raw: RawFile, known_countries: set[str],
                    known_values: Mapping[str, set] | None) -> "pandera.pandas.DataFrameSchema":
    import pandera.pandas as pa

    columns = {}
    for spec in raw.columns:
        checks = []
        dtype = {"int": "Int64", "float": "Float64"}.get(spec.kind, str)
        if spec.min_value is not None:
            checks.append(pa.Check.ge(spec.min_value, error=min_reason(spec)))
        if spec.max_value is not None:
            checks.append(pa.Check.le(spec.max_value, error=max_reason(spec)))
        if spec.allowed is not None:
            checks.append(pa.Check.isin(list(spec.allowed), error=f"must be one of: {', '.join(spec.allowed)}"))
        if spec.kind == "iso3":
            checks.append(pa.Check.isin(sorted(set(known_countries) | set(spec.also_accepts)),
                                        error=UNKNOWN_COUNTRY))
        if spec.references and known_values is not None and spec.references in known_values:
            checks.append(pa.Check.isin(sorted(known_values[spec.references]), error=reference_reason(spec)))
        if spec.max_length is not None:
            checks.append(pa.Check.str_length(max_value=spec.max_length,
                                              error=f"longer than {spec.max_length} characters"))
        if spec.pattern is not None:
            pattern = spec.pattern
            checks.append(pa.Check(lambda values, pattern=pattern: values.str.fullmatch(pattern),
                                   error=f"must be {spec.pattern_meaning}"))
        columns[spec.name] = pa.Column(dtype, checks=checks, nullable=not spec.required,
                                       coerce=spec.kind in ("int", "float"))
    return pa.DataFrameSchema(columns)


_KIND_WORDS = {"int": "a whole number", "float": "a number", "date": "a date (YYYY-MM-DD)",
               "datetime": "a date and time (YYYY-MM-DDTHH:MM:SS)"}


def _numbers(values: pd.Series, spec: RawColumn, filename: str,
             problems: list[Problem]) -> tuple[pd.Series, set[int]]:
    """Text -> float64, reporting each cell that is not a (whole) number; those cells become empty."""
    numbers = pd.to_numeric(values, errors="coerce").astype("float64")
    finite = np.isfinite(numbers.to_numpy())
    unreadable = values.notna() & ~finite
    # pandas' coercion accepts "1e3" and "12.0" for whole numbers, and so do we; a fraction it is not.
    fractional = pd.Series(False, index=values.index)
    if spec.kind == "int":
        fractional = pd.Series(finite, index=values.index) & (numbers % 1 != 0)
    for index in values.index[unreadable]:
        problems.append(Problem(filename, line_number(index), spec.name,
                                f"expected {_KIND_WORDS[spec.kind]}, found {values[index]!r}"))
    for index in values.index[fractional]:
        problems.append(Problem(filename, line_number(index), spec.name,
                                f"expected a whole number, found {values[index]!r}"))
    bad = unreadable | fractional
    return numbers.mask(bad), set(values.index[bad])


def _dates(values: pd.Series, spec: RawColumn, filename: str, problems: list[Problem]) -> set[int]:
    if spec.kind == "date":
        parsed = pd.to_datetime(values, format="%Y-%m-%d", errors="coerce")
        expected = "expected a date as YYYY-MM-DD"
    else:
        parsed = pd.to_datetime(values, format="ISO8601", errors="coerce")
        expected = "expected a date and time as YYYY-MM-DDTHH:MM:SS"
    bad = values.notna() & parsed.isna()
    for index in values.index[bad]:
        problems.append(Problem(filename, line_number(index), spec.name, f"{expected}, found {values[index]!r}"))
    return set(values.index[bad])


def duplicate_keys(frame: pd.DataFrame, raw: RawFile, filename: str) -> list[Problem]:
    key = list(raw.key)
    duplicated = frame.duplicated(subset=key, keep="first")
    if not duplicated.any():
        return []
    group = frame.groupby(key, dropna=False, sort=False).ngroup()
    first = pd.Series(frame.index, index=frame.index).groupby(group).transform("first")
    problems = []
    for index in frame.index[duplicated]:
        values = ", ".join(f"{k}={frame.at[index, k]}" for k in key)
        problems.append(Problem(filename, line_number(index), ", ".join(key),
                                f"duplicate key ({values}): this row repeats line {line_number(first[index])}"))
    return problems


def missing_columns(columns, raw: RawFile, filename: str) -> list[Problem]:
    """Problems of a header that lacks a column of the layout (with a hint when one looks renamed)."""
    columns = list(columns)
    missing = [c for c in raw.column_names if c not in columns]
    problems = [Problem(filename, 1, name, "required column is missing from the header") for name in missing]
    if missing:
        unexpected = [c for c in columns if c not in raw.column_names]
        if unexpected:
            problems.append(Problem(filename, 1, None,
                                    f"unexpected column(s) {', '.join(map(repr, unexpected))}: was a column renamed?"))
    return problems


def validate_raw(frame: pd.DataFrame, raw: RawFile, known_countries: set[str],
                 filename: str | None = None, known_values: Mapping[str, set] | None = None) -> pd.DataFrame:
    """Check a string-typed raw frame against its layout; return it typed, or raise with every problem.

    `known_values` maps "table(column)" to the values loaded so far, for columns that reference
    another table; a reference whose table is not in it is not checked here.
    """
    filename = filename or raw.filename
    problems = missing_columns(frame.columns, raw, filename)
    if problems:
        raise ValidationFailed(problems)
    if frame.empty:
        raise ValidationFailed([Problem(filename, 2, None, "the file has a header but no data rows")])

    frame = frame[raw.column_names].copy()
    for spec in raw.columns:
        frame[spec.name] = frame[spec.name].str.strip()
    frame = frame.replace("", None)

    reported: set[tuple[int, str]] = set()  # cells already reported, so pandera does not report them again
    checked = frame.copy()
    for spec in raw.columns:
        bad: set[int] = set()
        if spec.kind in ("int", "float"):
            checked[spec.name], bad = _numbers(frame[spec.name], spec, filename, problems)
        elif spec.kind in ("date", "datetime"):
            bad = _dates(frame[spec.name], spec, filename, problems)
        reported |= {(index, spec.name) for index in bad}

    import pandera.pandas as pa  # here, not at the top: a clean build never needs it (0.3 s to import)

    typed = None
    try:
        typed = _pandera_schema(raw, known_countries, known_values).validate(checked, lazy=True)
    except pa.errors.SchemaErrors as errors:
        for case in errors.failure_cases.itertuples():
            check = str(case.check)
            if check.startswith("dtype("):
                continue  # reported once, by the coercion failure
            row_index = None if pd.isna(case.index) else int(case.index)
            if (row_index, case.column) in reported:
                continue
            if check.startswith("coerce_dtype"):
                spec = next(s for s in raw.columns if s.name == case.column)
                reason = f"expected {_KIND_WORDS[spec.kind]}, found {_shown(case.failure_case)}"
            elif check == "not_nullable":
                reason = "a value is required here but the cell is empty"
            else:
                reason = f"{check} (value {_shown(case.failure_case)})"
            problems.append(Problem(filename, None if row_index is None else line_number(row_index),
                                    case.column, reason))

    if raw.key:
        problems.extend(duplicate_keys(frame, raw, filename))

    if problems:
        problems.sort(key=lambda p: (p.row or 0, p.column or ""))
        raise ValidationFailed(problems)
    for spec in raw.columns:
        if spec.kind in ("text", "iso3", "date", "datetime"):
            typed[spec.name] = typed[spec.name].astype(TEXT_DTYPE)
    return typed
