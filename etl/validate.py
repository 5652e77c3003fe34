"""Reading and checking raw files; every problem becomes a `Problem` value, not a traceback.

The same checks serve the ETL build and member-state uploads in the app, so a
file that the build rejects is rejected by the upload page for the same reason.
A problem's reason is a message template in English, marked with `N_` for the
dashboard's catalogue, and its values: the build logs the English, the upload
page shows the same reason in the uploader's language. Values taken from a
file are cut short (`shown`), so no message repeats a whole cell.
"""
from __future__ import annotations

import csv
import io
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

import numpy as np
import pandas as pd

from etl.schema import N_, RawColumn, RawFile, split_reference

MAX_PROBLEMS_REPORTED = 200
SHOWN_VALUE_CHARS = 40  # a value from the file, quoted in a message, is cut after this many characters
PARAM_CHARS = 300  # any other value in a message (a list of column names, an error text)
# Text columns of a typed frame: pandas' own string type, stored by Arrow, empty cells NaN.
TEXT_DTYPE = pd.StringDtype("pyarrow", na_value=np.nan)


class Words(str):
    """A value of a message that is itself a message (marked with N_), translated with it where it is shown."""


def shown(value) -> str:
    """A value from the file as a message quotes it: 'XXX' for text, -5 for a number, cut short if long."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, str) and len(value) > SHOWN_VALUE_CHARS:
        return repr(value[:SHOWN_VALUE_CHARS]) + "…"
    text = repr(value)
    return text if len(text) <= SHOWN_VALUE_CHARS + 2 else text[:SHOWN_VALUE_CHARS] + "…"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is and why.

    `template` is the reason in English with {placeholders}, marked with N_ where it is written; `params` fills
    them. `reason` is the English (build logs, tests); `reason_in(translate)` the reader's language.
    """

    file: str
    row: int | None  # 1-based line number in the file (the header is line 1)
    column: str | None
    template: str
    params: Mapping = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        clipped = {name: value[:PARAM_CHARS] + "…" if isinstance(value, str) and not isinstance(value, Words)
                   and len(value) > PARAM_CHARS else value for name, value in self.params.items()}
        object.__setattr__(self, "params", clipped)

    @property
    def reason(self) -> str:
        return self.template.format(**self.params) if self.params else self.template

    def reason_in(self, translate) -> str:
        if not self.params:
            return translate(self.template)
        values = {name: translate(value) if isinstance(value, Words) else value for name, value in self.params.items()}
        return translate(self.template).format(**values)

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
        raise ValidationFailed([Problem(filename, 1, None,
                                        N_("the file is empty: line 1 should hold the column names"))])
    if b"\x00" in content[:4096]:
        raise ValidationFailed([Problem(filename, None, None, N_(
            "the file is binary, not a CSV text file (is it a spreadsheet or an archive?)"))])
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line, column = _position(content, error.start)
        raise ValidationFailed([Problem(filename, line, column, N_(
            "the file is not UTF-8 (byte {byte} at offset {offset}); save it as 'CSV UTF-8'"),
            {"byte": f"0x{content[error.start]:02x}", "offset": error.start})]) from None
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
        raise ValidationFailed([Problem(filename, 1, None, N_("the file has no header row"))]) from None
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
            return _surplus(filename, reader.line_num, len(record), width)
    return Problem(filename, None, None, N_("the file is not valid CSV: a row has more fields than the header"))


def _surplus(filename: str, line: int, found: int, expected: int) -> Problem:
    return Problem(filename, line, None, N_("the line has {found} fields but the header has {expected} "
                                            "(a comma inside a value that is not in quotes?)"),
                   {"found": found, "expected": expected})


def _parser_problem(message: str, filename: str) -> Problem:
    """pandas' tokenizer error as a Problem with its line ("Expected 8 fields in line 3, saw 9")."""
    message = message.removeprefix("Error tokenizing data. C error: ").strip()
    fields = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", message)
    if fields:
        expected, line, found = map(int, fields.groups())
        return _surplus(filename, line, found, expected)
    quote = re.search(r"EOF inside string starting at row (\d+)", message)
    if quote:
        return Problem(filename, int(quote.group(1)) + 1, None,
                       N_("a quote opened on this line is never closed: the rest of the file is inside it"))
    return Problem(filename, None, None, N_("the file is not valid CSV: {error}"), {"error": message})


def read_raw_csv(path: Path) -> pd.DataFrame:
    return read_csv_text(decode_csv(path.read_bytes(), path.name), path.name)


def _limit(value: float) -> str:
    """A rule's bound as written in a reason: 2100, -90, 0.5; 1,000,000,000 (grouped from a million on)."""
    return f"{value:,.15g}" if abs(value) >= 1e6 else f"{value:g}"


# What each rule says when a value breaks it: (template, its values). Pandera reports the failing value,
# which the reason then quotes: these templates end with "(value {value})".
def min_rule(spec: RawColumn) -> tuple[str, dict]:
    minimum = {"minimum": _limit(spec.min_value)}
    return ((N_("must not be negative (minimum {minimum}) (value {value})"), minimum) if spec.min_value == 0
            else (N_("must be at least {minimum} (value {value})"), minimum))


def max_rule(spec: RawColumn) -> tuple[str, dict]:
    return N_("must be at most {maximum} (value {value})"), {"maximum": _limit(spec.max_value)}


def reference_rule(spec: RawColumn) -> tuple[str, dict]:
    table, column = split_reference(spec.references)
    return N_("unknown {column}: not in table {table} (value {value})"), {"column": column, "table": table}


UNKNOWN_COUNTRY = N_("unknown ISO3 country code (value {value})")
REQUIRED = N_("a value is required here but the cell is empty")


def _rules(raw: RawFile, known_countries: set[str], known_values: Mapping[str, set] | None):
    """(pandera schema, {check's name: (template, values)}): a failing check is reported with its template."""
    import pandera.pandas as pa

    columns, rules = {}, {}

    def check(kind: str, spec: RawColumn, rule: tuple[str, dict], make) -> None:
        name = f"{kind}:{spec.name}"  # pandera names the failing check by this
        rules[name] = rule
        checks.append(make(name))

    for spec in raw.columns:
        checks = []
        dtype = {"int": "Int64", "float": "Float64"}.get(spec.kind, str)
        if spec.min_value is not None:
            check("min", spec, min_rule(spec), lambda name, v=spec.min_value: pa.Check.ge(v, error=name))
        if spec.max_value is not None:
            check("max", spec, max_rule(spec), lambda name, v=spec.max_value: pa.Check.le(v, error=name))
        if spec.allowed is not None:
            check("allowed", spec, (N_("must be one of: {allowed} (value {value})"), {"allowed": ", ".join(spec.allowed)}),
                  lambda name, v=list(spec.allowed): pa.Check.isin(v, error=name))
        if spec.kind == "iso3":
            check("country", spec, (UNKNOWN_COUNTRY, {}),
                  lambda name, v=sorted(set(known_countries) | set(spec.also_accepts)): pa.Check.isin(v, error=name))
        if spec.references and known_values is not None and spec.references in known_values:
            check("reference", spec, reference_rule(spec),
                  lambda name, v=sorted(known_values[spec.references]): pa.Check.isin(v, error=name))
        if spec.max_length is not None:
            check("length", spec, (N_("longer than {maximum} characters (value {value})"),
                                   {"maximum": spec.max_length}),
                  lambda name, v=spec.max_length: pa.Check.str_length(max_value=v, error=name))
        if spec.pattern is not None:
            check("pattern", spec, (N_("must be {meaning} (value {value})"), {"meaning": spec.pattern_meaning}),
                  lambda name, pattern=spec.pattern: pa.Check(
                      lambda values, pattern=pattern: values.str.fullmatch(pattern), error=name))
        columns[spec.name] = pa.Column(dtype, checks=checks, nullable=not spec.required,
                                       coerce=spec.kind in ("int", "float"))
    return pa.DataFrameSchema(columns), rules


# What a cell of each kind must look like, with the value found in its place.
EXPECTED = {"int": N_("expected a whole number, found {value}"), "float": N_("expected a number, found {value}"),
            "date": N_("expected a date as YYYY-MM-DD, found {value}"),
            "datetime": N_("expected a date and time as YYYY-MM-DDTHH:MM:SS, found {value}")}


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
    bad = unreadable | fractional
    _cell_problems(values, bad, spec, filename, problems)
    return numbers.mask(bad), set(values.index[bad])


def _cell_problems(values: pd.Series, bad: pd.Series, spec: RawColumn, filename: str,
                   problems: list[Problem]) -> None:
    """A problem for each bad cell, quoting what was found (arrays, not labels: a file can have thousands)."""
    labels, texts = values.index.to_numpy(), values.to_numpy(dtype=object)
    for position in np.flatnonzero(bad.to_numpy()):
        problems.append(Problem(filename, line_number(labels[position]), spec.name, EXPECTED[spec.kind],
                                {"value": shown(texts[position])}))


def _dates(values: pd.Series, spec: RawColumn, filename: str, problems: list[Problem]) -> set[int]:
    if spec.kind == "date":
        parsed = pd.to_datetime(values, format="%Y-%m-%d", errors="coerce")
    else:
        parsed = pd.to_datetime(values, format="ISO8601", errors="coerce")
    bad = values.notna() & parsed.isna()
    _cell_problems(values, bad, spec, filename, problems)
    return set(values.index[bad])


def duplicate_keys(frame: pd.DataFrame, raw: RawFile, filename: str) -> list[Problem]:
    """A problem for each row whose key an earlier row of the frame already has."""
    key = list(raw.key)
    duplicated = frame.duplicated(subset=key, keep="first")
    if not duplicated.any():
        return []
    group = frame.groupby(key, dropna=False, sort=False).ngroup()
    first = pd.Series(frame.index, index=frame.index).groupby(group).transform("first")
    problems = []
    for index in frame.index[duplicated]:
        values = ", ".join(f"{k}={str(frame.at[index, k])[:SHOWN_VALUE_CHARS]}" for k in key)
        problems.append(Problem(filename, line_number(index), ", ".join(key),
                                N_("duplicate key ({values}): this row repeats line {line}"),
                                {"values": values, "line": line_number(first[index])}))
    return problems


def missing_columns(columns, raw: RawFile, filename: str) -> list[Problem]:
    """Problems of a header that lacks a column of the layout (with a hint when one looks renamed)."""
    columns = list(columns)
    missing = [c for c in raw.column_names if c not in columns]
    problems = [Problem(filename, 1, name, N_("required column is missing from the header")) for name in missing]
    if missing:
        unexpected = [c for c in columns if c not in raw.column_names]
        if unexpected:
            problems.append(Problem(filename, 1, None, N_("unexpected column(s) {columns}: was a column renamed?"),
                                    {"columns": ", ".join(shown(c) for c in unexpected[:20])}))
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
        raise ValidationFailed([Problem(filename, 2, None, N_("the file has a header but no data rows"))])

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
    schema, rules = _rules(raw, known_countries, known_values)
    try:
        typed = schema.validate(checked, lazy=True)
    except pa.errors.SchemaErrors as errors:
        for case in errors.failure_cases.itertuples():
            check = str(case.check)
            if check.startswith("dtype("):
                continue  # reported once, by the coercion failure
            row_index = None if pd.isna(case.index) else int(case.index)
            if (row_index, case.column) in reported:
                continue
            value = {"value": shown(case.failure_case)}
            if check.startswith("coerce_dtype"):
                spec = next(s for s in raw.columns if s.name == case.column)
                template, params = EXPECTED[spec.kind], value
            elif check == "not_nullable":
                template, params = REQUIRED, {}
            elif check in rules:
                template, params = rules[check][0], {**rules[check][1], **value}
            else:  # a check of pandera's own, by its name
                template, params = N_("{check} (value {value})"), {"check": check, **value}
            problems.append(Problem(filename, None if row_index is None else line_number(row_index),
                                    case.column, template, params))

    if raw.key:
        problems.extend(duplicate_keys(frame, raw, filename))

    if problems:
        problems.sort(key=lambda p: (p.row or 0, p.column or ""))
        raise ValidationFailed(problems)
    for spec in raw.columns:
        if spec.kind in ("text", "iso3", "date", "datetime"):
            typed[spec.name] = typed[spec.name].astype(TEXT_DTYPE)
    return typed
