"""Reading a clean raw file fast: DuckDB parses it and checks every rule of its layout in SQL.

The rules are those of `etl.validate`, and so is the typed frame returned. This
module only answers "clean, here is the frame" or "not clean" (None): it never
words a problem. For a file that is not clean, `read_raw_file` falls back to the
detailed checks in `etl.validate`, which name every bad cell. Each check here is
at least as strict as its twin there, so a file this module accepts is one the
detailed checks accept too (tests/test_etl_bulk_read.py holds them to that).

Why: on a world matrix (millions of rows) pandas' text-to-number coercion and
pandera's row checks took most of the build; DuckDB does the same in a fraction.
"""
from __future__ import annotations

import contextlib
import csv
import functools
import mmap
import os
from pathlib import Path
from typing import Mapping

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from etl.schema import RawColumn, RawFile
from etl.validate import TEXT_DTYPE, read_raw_csv, validate_raw

_INT = r"[+-]?[0-9]+"
_FLOAT = r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?"
_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_DATETIME = r"[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?)?"
# Code points Python's str.strip() removes: a value starting or ending with one is stripped by the detailed checks.
_SPACES = ", ".join(str(code) for code in range(0x3001) if chr(code).isspace())
_EXACT_DOUBLE = 2 ** 53  # whole numbers up to this size survive the trip through a DOUBLE

_ARROW_TO_PANDAS = {pa.int64(): pd.Int64Dtype(), pa.float64(): pd.Float64Dtype(),
                    pa.string(): TEXT_DTYPE, pa.large_string(): TEXT_DTYPE}


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _header(path: Path) -> list[str] | None:
    """The column names on line 1, or None if line 1 cannot be read as UTF-8 CSV."""
    with path.open("rb") as file:
        first = file.readline()
    try:
        text = first.decode("utf-8-sig").rstrip("\r\n")
    except UnicodeDecodeError:
        return None
    names = next(csv.reader([text]), None)
    return [name.strip() for name in names] if names else None


def _free_text(spec: RawColumn) -> bool:
    """A text column whose values no list or pattern constrains (those reject a padded value anyway)."""
    return (spec.kind == "text" and spec.allowed is None and spec.pattern is None
            and spec.references is None)


def _violations(value: str, spec: RawColumn, numbers_as_text: bool) -> list[str]:
    """SQL conditions, each true for a row that breaks a rule of `spec` (NULL is an empty cell).

    `value` is the column as read: VARCHAR, or DOUBLE for a number column when `numbers_as_text` is False.
    Whether a code is among those known (countries, a referenced table) is checked apart, in Arrow
    (`_unknown_values`): in SQL it is a join, and a join lets DuckDB return the rows out of the file's order.
    """
    rules = []
    if _free_text(spec):
        rules.append(f"ord(left({value}, 1)) IN ({_SPACES}) OR ord(right({value}, 1)) IN ({_SPACES})")
    if spec.kind in ("int", "float"):
        number = value
        if numbers_as_text:
            rules.append(f"NOT regexp_full_match({value}, {_literal(_INT if spec.kind == 'int' else _FLOAT)})")
            number = f"TRY_CAST({value} AS DOUBLE)"
        rules.append(f"{number} IS NULL OR NOT isfinite({number})")
        if spec.kind == "int":
            rules.append(f"{number} <> trunc({number}) OR abs({number}) > {_EXACT_DOUBLE}")
        if spec.min_value is not None:
            rules.append(f"{number} < {spec.min_value!r}")
        if spec.max_value is not None:
            rules.append(f"{number} > {spec.max_value!r}")
    if spec.kind == "date":
        rules.append(f"NOT regexp_full_match({value}, {_literal(_DATE)}) "
                     f"OR TRY_STRPTIME({value}, '%Y-%m-%d') IS NULL")
    if spec.kind == "datetime":
        rules.append(f"NOT regexp_full_match({value}, {_literal(_DATETIME)}) "
                     f"OR TRY_CAST({value} AS TIMESTAMP) IS NULL")
    if spec.allowed is not None:
        rules.append(f"{value} NOT IN ({', '.join(map(_literal, spec.allowed))})")
    if spec.max_length is not None:
        rules.append(f"length({value}) > {spec.max_length}")
    if spec.pattern is not None:
        rules.append(f"NOT regexp_full_match({value}, {_literal(spec.pattern)})")
    # Rules on a value hold for the cells that have one; an empty cell breaks only "required".
    conditions = [f"({value} IS NOT NULL AND ({rule}))" for rule in rules]
    if spec.required:
        conditions.append(f"({value} IS NULL)")
    return conditions


def _has_underscore(path: Path) -> bool:
    with path.open("rb") as file:
        if path.stat().st_size == 0:
            return False
        with mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as content:
            return content.find(b"_") >= 0


@contextlib.contextmanager
def _unglobbed(path: Path):
    """A name for `path` that DuckDB will not expand as a glob pattern."""
    if not any(char in str(path) for char in "*?[{"):
        yield str(path)
        return
    descriptor = os.open(path, os.O_RDONLY)
    try:
        yield f"/dev/fd/{descriptor}"
    finally:
        os.close(descriptor)


@functools.cache
def _reader() -> duckdb.DuckDBPyConnection:
    """One in-memory DuckDB for all reads of a process; each read works on its own cursor."""
    return duckdb.connect()


def _count(con: duckdb.DuckDBPyConnection, query: str) -> int:
    return con.execute(query).fetchall()[0][0]


def _unknown_values(table: pa.Table, raw: RawFile, known_countries: set[str],
                   known_values: Mapping[str, set] | None) -> bool:
    """Whether any cell of a code column is not among the codes known (countries, or a referenced table's)."""
    for spec in raw.columns:
        allowed_sets = []
        if spec.kind == "iso3":
            allowed_sets.append(set(known_countries) | set(spec.also_accepts))
        if spec.references and known_values is not None and spec.references in known_values:
            allowed_sets.append(set(map(str, known_values[spec.references])))
        column = table.column(spec.name)
        for allowed in allowed_sets:
            known = pc.is_in(column, value_set=pa.array(sorted(allowed), pa.string()))
            if pc.any(pc.and_(pc.is_valid(column), pc.invert(known))).as_py():
                return True
    return False


def read_clean(path: Path, raw: RawFile, known_countries: set[str],
               known_values: Mapping[str, set] | None = None, check_key: bool = True) -> pd.DataFrame | None:
    """The typed frame of a file that breaks no rule of `raw`; None for anything else, however small.

    `check_key=False` leaves the uniqueness of `raw.key` to the caller, who checks it after loading.
    """
    header = _header(path)
    if (not header or len(set(header)) != len(header) or "" in header
            or any(name not in header for name in raw.column_names)):
        return None
    specs = {spec.name: spec for spec in raw.columns}
    # DuckDB reads "1_000" as a number and pandas does not: where the file has an underscore anywhere,
    # numbers are read as text and checked character by character (slower, so only then).
    numbers_as_text = _has_underscore(path)
    types = {}
    for i, name in enumerate(header):
        spec = specs.get(name)
        number = spec is not None and spec.kind in ("int", "float") and not numbers_as_text
        types[f"c{i}"] = "DOUBLE" if number else "VARCHAR"
    # Positional names: the file's own names may need quoting, and extra columns are read but ignored.
    position = {name: f"c{i}" for i, name in enumerate(header)}
    columns = "{" + ", ".join(f"'{column}': '{kind}'" for column, kind in types.items()) + "}"
    with _reader().cursor() as con:
        conditions = [rule for name in raw.column_names
                      for rule in _violations(position[name], specs[name], numbers_as_text)]
        typed_columns = []
        for name in raw.column_names:
            cast = {"int": "BIGINT", "float": "DOUBLE"}.get(specs[name].kind)
            source = f"TRY_CAST({position[name]} AS {cast})" if cast else position[name]
            typed_columns.append(f'{source} AS "{name}"')
        try:
            # One pass: the typed columns, and for each row whether it breaks any rule.
            with _unglobbed(path) as name:
                table = con.sql(f"SELECT {', '.join(typed_columns)}, ({' OR '.join(conditions)}) AS broken__ "
                                f"FROM read_csv({_literal(name)}, header = true, auto_detect = false, "
                                f"columns = {columns}, delim = ',', quote = '\"', escape = '\"', "
                                "strict_mode = true)").to_arrow_table()
        except duckdb.Error:
            return None  # not UTF-8, text in a number column, a row with too many fields, ...
        if table.num_rows == 0 or pc.any(pc.fill_null(table.column("broken__"), True)).as_py():
            return None
        if _unknown_values(table, raw, known_countries, known_values):
            return None
        table = table.drop_columns(["broken__"])
        if raw.key and check_key:
            con.register("typed", table)
            key = ", ".join(f'"{name}"' for name in raw.key)
            if _count(con, f"SELECT count(*) FROM (SELECT 1 FROM typed GROUP BY {key} HAVING count(*) > 1)"):
                return None
    frame = table.to_pandas(types_mapper=_ARROW_TO_PANDAS.get)
    frame.index = pd.RangeIndex(len(frame))
    return frame


def read_raw_file(path: Path, raw: RawFile, known_countries: set[str],
                  known_values: Mapping[str, set] | None = None, check_key: bool = True) -> pd.DataFrame:
    """The typed frame of a raw file, or ValidationFailed naming every problem (file, line, column, reason).

    With `check_key=False` a clean file's key is not checked here (see `read_clean`).
    """
    frame = read_clean(path, raw, known_countries, known_values, check_key)
    if frame is not None:
        return frame
    return validate_raw(read_raw_csv(path), raw, known_countries, known_values=known_values)


__all__ = ["read_clean", "read_raw_file"]
