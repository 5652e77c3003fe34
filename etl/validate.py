"""Reading and checking raw files; every problem becomes a `Problem` value, not a traceback.

The same checks serve the ETL build and member-state uploads in the app, so a
file that the build rejects is rejected by the upload page for the same reason.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from etl.schema import RawFile

MAX_PROBLEMS_REPORTED = 200


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
        raise ValidationFailed([Problem(filename, None, None, "the file is empty")])
    if b"\x00" in content[:4096]:
        raise ValidationFailed([Problem(filename, None, None,
                                        "the file is binary, not a CSV text file (is it a spreadsheet or an archive?)")])
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise ValidationFailed([Problem(filename, line, None,
                                        f"the file is not UTF-8 (byte 0x{content[error.start]:02x} at offset {error.start}); "
                                        "save it as 'CSV UTF-8'")]) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_csv_text(text: str, filename: str) -> pd.DataFrame:
    """Parse CSV text with every value as a string, so type problems can be reported per cell."""
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False)
    except pd.errors.EmptyDataError:
        raise ValidationFailed([Problem(filename, None, None, "the file has no header row")]) from None
    except pd.errors.ParserError as error:
        raise ValidationFailed([Problem(filename, None, None, f"the file is not valid CSV: {error}")]) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def read_raw_csv(path: Path) -> pd.DataFrame:
    return read_csv_text(decode_csv(path.read_bytes(), path.name), path.name)


def _pandera_schema(raw: RawFile, known_countries: set[str]) -> pa.DataFrameSchema:
    columns = {}
    for spec in raw.columns:
        checks = []
        dtype = {"int": "Int64", "float": "Float64"}.get(spec.kind, str)
        if spec.min_value is not None:
            checks.append(pa.Check.ge(spec.min_value, error=f"must not be negative (minimum {spec.min_value:g})"
                                      if spec.min_value == 0 else f"must be at least {spec.min_value:g}"))
        if spec.allowed is not None:
            checks.append(pa.Check.isin(list(spec.allowed), error=f"must be one of: {', '.join(spec.allowed)}"))
        if spec.kind == "iso3":
            checks.append(pa.Check.isin(sorted(known_countries), error="unknown ISO3 country code"))
        if spec.max_length is not None:
            checks.append(pa.Check.str_length(max_value=spec.max_length,
                                              error=f"longer than {spec.max_length} characters"))
        columns[spec.name] = pa.Column(dtype, checks=checks, nullable=not spec.required,
                                       coerce=spec.kind in ("int", "float"))
    return pa.DataFrameSchema(columns)


_KIND_WORDS = {"int": "a whole number", "float": "a number", "date": "a date (YYYY-MM-DD)"}


def validate_raw(frame: pd.DataFrame, raw: RawFile, known_countries: set[str],
                 filename: str | None = None) -> pd.DataFrame:
    """Check a string-typed raw frame against its layout; return it typed, or raise with every problem."""
    filename = filename or raw.filename
    problems: list[Problem] = []
    missing = [c for c in raw.column_names if c not in frame.columns]
    for name in missing:
        problems.append(Problem(filename, 1, name, "required column is missing from the header"))
    if missing:
        unexpected = [c for c in frame.columns if c not in raw.column_names]
        if unexpected:
            problems.append(Problem(filename, 1, None,
                                    f"unexpected column(s) {', '.join(map(repr, unexpected))}: was a column renamed?"))
        raise ValidationFailed(problems)
    if frame.empty:
        raise ValidationFailed([Problem(filename, None, None, "the file has a header but no data rows")])

    frame = frame[raw.column_names].copy()
    for spec in raw.columns:
        frame[spec.name] = frame[spec.name].str.strip()
    frame = frame.replace("", None)

    # Numbers: pandas' coercion accepts "1e3" and "12.0" for ints; refuse fractions explicitly.
    for spec in raw.columns:
        if spec.kind == "int":
            as_number = pd.to_numeric(frame[spec.name], errors="coerce")
            fractional = as_number.notna() & (as_number % 1 != 0)
            for index in frame.index[fractional]:
                problems.append(Problem(filename, line_number(index), spec.name,
                                        f"expected a whole number, found {frame.at[index, spec.name]!r}"))
        if spec.kind == "date":
            values = frame[spec.name]
            parsed = pd.to_datetime(values, format="%Y-%m-%d", errors="coerce")
            bad = values.notna() & parsed.isna()
            for index in frame.index[bad]:
                problems.append(Problem(filename, line_number(index), spec.name,
                                        f"expected a date as YYYY-MM-DD, found {values[index]!r}"))

    try:
        typed = _pandera_schema(raw, known_countries).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        typed = None
        failures = errors.failure_cases
        for case in failures.itertuples():
            check = str(case.check)
            if check.startswith("dtype("):
                continue  # reported once, by the coercion failure
            row = None if pd.isna(case.index) else line_number(case.index)
            if check.startswith("coerce_dtype"):
                spec = next(s for s in raw.columns if s.name == case.column)
                reason = f"expected {_KIND_WORDS[spec.kind]}, found {case.failure_case!r}"
            elif check == "not_nullable":
                reason = "a value is required here but the cell is empty"
            else:
                reason = f"{check} (value {case.failure_case!r})"
            problems.append(Problem(filename, row, case.column, reason))

    if raw.key:
        duplicated = frame.duplicated(subset=list(raw.key), keep="first")
        for index in frame.index[duplicated]:
            key = ", ".join(f"{k}={frame.at[index, k]}" for k in raw.key)
            problems.append(Problem(filename, line_number(index), None, f"duplicate key ({key}): this row repeats an earlier one"))

    if problems:
        problems.sort(key=lambda p: (p.row or 0, p.column or ""))
        raise ValidationFailed(problems)
    return typed
