"""What every part of the store shares: the error a reader is shown, and values and rows as SQLite keeps them.

Used by the connection and by the migration from DuckDB alike (which is why it is not in `connection`:
the connection runs the migration). Callers outside the store reach these through `app.store.connection`.
"""
from __future__ import annotations

import sqlite3
from datetime import date, datetime

import pandas as pd


class StoreUnavailable(Exception):
    """The store cannot be read or written now: sentences for the user, each an English template and its values.

    `str()` gives the English (for logs); `sentences_in(translate)` the reader's language, where it is shown.
    """

    path = ""  # the store it is about (a failure to open is remembered per path)

    def __init__(self, *sentences: tuple[str, dict]):
        self.sentences = sentences
        super().__init__(" ".join(template.format(**values) for template, values in sentences))

    def sentences_in(self, translate) -> str:
        return " ".join(translate(template).format(**values) for template, values in self.sentences)


def sql_value(value):
    """A Python or pandas value as SQLite stores it here: dates and times as ISO text, missing as NULL."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (str, bytes)):
        return value
    if isinstance(value, datetime):  # pandas Timestamps too
        return value.isoformat(sep=" ", timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    return value


def query(con: sqlite3.Connection, sql: str, params: dict | list | tuple = ()) -> pd.DataFrame:
    """The rows of a statement as a frame (dates stay ISO text; callers type what they show)."""
    cursor = con.execute(sql, params)
    names = [column[0] for column in cursor.description]
    return pd.DataFrame.from_records(cursor.fetchall(), columns=names)


def table_arrow(con: sqlite3.Connection, table: str, order_by: str):
    """A whole table as Arrow, typed by its declared column types (an empty table keeps its types)."""
    import pyarrow as pa

    kinds = {"DATE": pa.date32(), "TIMESTAMP": pa.timestamp("us"), "DOUBLE": pa.float64(), "REAL": pa.float64(),
             "INTEGER": pa.int64(), "BIGINT": pa.int64()}
    columns = [(row[1], row[2].upper()) for row in con.execute(f"PRAGMA table_info({table})").fetchall()]
    rows = con.execute(f"SELECT * FROM {table} ORDER BY {order_by}").fetchall()
    arrays = {}
    for index, (name, declared) in enumerate(columns):
        values = [row[index] for row in rows]
        kind = kinds.get(declared, pa.string())
        if kind in (pa.date32(), pa.timestamp("us")):
            arrays[name] = pa.array(values, pa.string()).cast(kind)
        else:
            arrays[name] = pa.array(values, kind)
    return pa.table(arrays)
