"""Declarations shared by every ETL module: provenance, raw-file layout, table schema.

A source module declares *what* it reads and writes with these classes; the
loader in `etl.validate` and `etl.build` does the reading, checking and writing.
Nothing here touches files or the database.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

import pandas as pd


def N_(message: str) -> str:
    """Mark a message for the dashboard's translation catalogue (babel.cfg scans etl/ too).

    The ETL itself reports in English; the dashboard translates the same template when it shows a problem
    of an upload (see `etl.validate.Problem`). `etl` never imports from `app`.
    """
    return message


# Raw column kinds understood by the validator (see etl.validate).
RAW_KINDS = ("text", "int", "float", "date", "datetime", "iso3")


@dataclass(frozen=True)
class Provenance:
    """Where a data set comes from, after the fields OWID keeps beside each snapshot."""

    dataset: str
    publisher: str
    url: str
    licence: str
    citation: str = ""
    accessed: str = ""
    caveats: str = ""


@dataclass(frozen=True)
class Edition:
    """One edition (release, revision, vintage) of a data set, as its publisher released it.

    A data set that is published again keeps every edition in the database: the rows of each carry its
    `edition` identifier, and the catalogue table `editions` describes each one. Pages read the latest
    edition of a data set unless asked for another, and never add figures of two editions together.
    """

    dataset: str    # the data set every edition of it shares: "un_desa_ims"
    edition: str    # this edition's identifier, short and stable (it appears in links): "ims2024"
    title: str      # as the publisher titles it: "International Migrant Stock 2024"
    publisher: str
    short_source: str  # how a source line names it: "UN DESA, International Migrant Stock 2024"
    position: int   # order among the editions of the data set, oldest first
    # The publisher's release date, ISO 8601 to the precision known ("2025-01", "2023-10-26"); empty when the
    # copy does not show it. `released_note` says what the date rests on, or, without one, how old it can be.
    released: str = ""
    released_note: str = ""
    # Without a release date: the latest day the edition can be from (when the copy was taken from the
    # publisher), so a reader still learns how old the figures are. YYYY-MM-DD.
    published_by: str = ""
    url: str = ""
    licence: str = ""
    citation: str = ""
    accessed: str = ""  # when the copy in data/raw was taken
    based_on: str = ""  # the edition of another data set this one was computed from, if any
    caveats: str = ""   # what holds for this edition only (a provisional year, a narrower scope)

    def __post_init__(self) -> None:
        if self.released and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", self.released):
            raise ValueError(f"released of {self.edition} must be YYYY, YYYY-MM or YYYY-MM-DD")
        if not self.released and not (self.released_note and self.published_by):
            raise ValueError(f"without a release date, say in released_note why and in published_by how old "
                             f"{self.edition} can be")
        if self.published_by and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", self.published_by):
            raise ValueError(f"published_by of {self.edition} must be YYYY-MM-DD")


@dataclass(frozen=True)
class RawColumn:
    """One column of a raw file as the publisher (or a member state) sends it."""

    name: str
    kind: str = "text"
    required: bool = True  # a value must be present in every row
    min_value: float | None = None
    max_value: float | None = None
    allowed: tuple[str, ...] | None = None
    max_length: int | None = None
    # A regular expression the whole value must match, and what it means in words ("three capital letters").
    pattern: str | None = None
    pattern_meaning: str = ""
    # "table(column)" of a table loaded earlier in the build that the value must appear in.
    references: str | None = None
    # For an "iso3" column: the source's own codes accepted besides those in `countries`, because the
    # module's transform turns them into codes that are there (UN DESA's XCX for the Channel Islands).
    also_accepts: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in RAW_KINDS:
            raise ValueError(f"unknown raw column kind {self.kind!r} for {self.name}")
        if self.pattern and not self.pattern_meaning:
            raise ValueError(f"say in words what the pattern of {self.name} means")
        if self.also_accepts and self.kind != "iso3":
            raise ValueError(f"also_accepts is for country code columns, not {self.name}")


@dataclass(frozen=True)
class RawFile:
    """A raw file's layout: its columns and the columns that identify a row."""

    filename: str
    columns: tuple[RawColumn, ...]
    key: tuple[str, ...] = ()

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]


@dataclass(frozen=True)
class Column:
    """One column of a database table."""

    name: str
    type: str
    description: str
    nullable: bool = True
    check: str | None = None  # a SQL boolean expression on this column
    references: str | None = None  # "table(column)" this value must appear in

    def ddl(self, with_reference: bool = True) -> str:
        parts = [self.name, self.type]
        if not self.nullable:
            parts.append("NOT NULL")
        if self.check:
            parts.append(f"CHECK ({self.check})")
        if self.references and with_reference:
            parts.append(f"REFERENCES {self.references}")
        return " ".join(parts)


@dataclass(frozen=True)
class Table:
    """A database table: its schema, description and provenance."""

    name: str
    description: str
    columns: tuple[Column, ...]
    provenance: Provenance
    primary_key: tuple[str, ...] = ()
    unique: tuple[str, ...] = ()
    # Declare the primary key and the references as DuckDB constraints. DuckDB enforces them with ART
    # indexes, which for a world matrix cost more than all the rest of the build (measured on 6.5 million
    # rows: the key +17 s and +660 MB on disk, the country references +13 s). Tables that can grow to that
    # size set this to False; the build then checks the same rules with SQL once the table is loaded.
    keys_as_constraints: bool = True

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]

    @property
    def references(self) -> list[tuple[str, str]]:
        """(column, "table(column)") for every column whose values must appear in another table."""
        return [(column.name, column.references) for column in self.columns if column.references]

    def ddl(self) -> str:
        lines = [column.ddl(with_reference=self.keys_as_constraints) for column in self.columns]
        if self.primary_key and self.keys_as_constraints:
            lines.append(f"PRIMARY KEY ({', '.join(self.primary_key)})")
        if self.unique:
            lines.append(f"UNIQUE ({', '.join(self.unique)})")
        body = ",\n    ".join(lines)
        return f"CREATE TABLE {self.name} (\n    {body}\n)"


@dataclass(frozen=True)
class Step:
    """Read one raw file, validate it, transform it, and write one table."""

    raw: RawFile
    table: Table
    transform: Callable[[pd.DataFrame], pd.DataFrame]
    # Extra row-level checks after the schema checks: frame -> list of (row index, column, reason).
    extra_checks: tuple[Callable[[pd.DataFrame], list[tuple[int, str, str]]], ...] = field(default=())
    # The edition of its data set the file holds (None for data without editions: the project's own records).
    edition: Edition | None = None


SEX_VALUES = ("total", "female", "male")


# What a measure's status in a state may say, and what each word means. A status never claims more than its
# source: "not recorded" (the documents do not show the state taking part) is neither agreement nor failure.
STATUS_DEFINITIONS = {
    "agreed": N_("A document records the state agreeing to the measure: by name, or as a named participant of "
                 "the meeting at which the parties agreed it. It says nothing about carrying it out."),
    "in progress": N_("A named source reports the state carrying the measure out, not yet completed."),
    "implemented": N_("A named source reports the measure carried out in the state."),
    "requested": N_("The state asked the other parties for the measure; no commitment of its own is recorded."),
    "not recorded": N_("The documents do not show the state taking part in the measure: neither agreement nor "
                       "refusal is recorded."),
    "not applicable": N_("The measure does not concern the state."),
}
STATUS_VALUES = tuple(STATUS_DEFINITIONS)
# Statuses an earlier vocabulary used, and what they are now (the app's store is migrated with this).
RETIRED_STATUSES = {"no information": "not recorded"}
OTS_STATUS_VALUES = ("member", "observer")


def sex_column() -> Column:
    return Column("sex", "VARCHAR", "Both sexes ('total'), 'female' or 'male'.", nullable=False,
                  check="sex IN (" + ", ".join(f"'{value}'" for value in SEX_VALUES) + ")")


def split_reference(reference: str) -> tuple[str, str]:
    """"table(column)" -> ("table", "column")."""
    table, _, column = reference.partition("(")
    return table.strip(), column.rstrip(")").strip()


def year_column(name: str, **kwargs) -> RawColumn:
    """A raw year: a whole number in a range the SMALLINT columns of the tables can hold."""
    return RawColumn(name, "int", min_value=kwargs.pop("min_value", 1990), max_value=kwargs.pop("max_value", 2100),
                     **kwargs)


def country_column(name: str, description: str, nullable: bool = False) -> Column:
    return Column(name, "VARCHAR", description, nullable=nullable, references="countries(iso3)")


def edition_column() -> Column:
    return Column("edition", "VARCHAR", "Edition of the data set the row comes from (see table editions).",
                  nullable=False, references="editions(edition)")


def flag_columns(of_what: str) -> tuple[Column, ...]:
    """The UN's data-type codes for a destination and year (empty where the edition does not give them)."""
    return (
        Column("basis_birthplace", "BOOLEAN", f"UN type B: {of_what} counts the foreign-born."),
        Column("basis_citizenship", "BOOLEAN", f"UN type C: {of_what} counts foreign citizens, not the "
                                                "foreign-born."),
        Column("refugees_added", "BOOLEAN", f"UN type R: refugees (UNHCR, UNRWA) were added to {of_what}."),
        Column("imputed", "BOOLEAN", f"UN type I: no data; {of_what} is imputed."),
    )


def count_column(name: str, description: str, nullable: bool = False, type_: str = "BIGINT") -> Column:
    return Column(name, type_, description, nullable=nullable, check=f"{name} >= 0")
