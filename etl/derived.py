"""Tables the build derives from the loaded ones, so pages stay fast when the data grows to the world.

`country_years` says, per bilateral data set, edition and country, which years
(or periods) hold rows with the country at either end, and how many. The Data
and sources coverage matrix and the Country profiles' "is there anything" check
read it instead of scanning millions of bilateral rows: on the synthetic world
matrix (bench/scale.py, 100x) those scans took 0.1-2 s per view; this table has
about 26,000 rows there and costs the build about half a second.

Derived tables are built inside the same build file, after every loaded table
has passed its checks, and are described in the data dictionary like the
others. Nothing here reads raw files or touches the app.
"""
from __future__ import annotations

import pandas as pd

from etl.schema import Column, Provenance, Table, count_column, country_column

DERIVED = Provenance(
    dataset="Derived by the build from the bilateral tables",
    publisher="OTS Migration Dashboard ETL",
    url="",
    licence="Same as the tables it is derived from",
    caveats="A summary of migrant_stock, migration_flows, remittances_bilateral and forcibly_displaced; it says "
            "where rows exist, not what they hold (a row may count zero people).",
)

# data set -> (one end, the other end, first year, last year) of its rows
BILATERAL = {
    "migrant_stock": ("origin_iso3", "destination_iso3", "year", "year"),
    "migration_flows": ("origin_iso3", "destination_iso3", "period_start", "period_end"),
    "remittances_bilateral": ("sending_iso3", "receiving_iso3", "year", "year"),
    "forcibly_displaced": ("asylum_iso3", "origin_iso3", "year", "year"),
}

COUNTRY_YEARS = Table(
    "country_years",
    "Per bilateral data set, edition, country and year (or period): how many rows have the country at either end.",
    columns=(
        Column("dataset", "VARCHAR", "Table summarised.", nullable=False,
               check="dataset IN ('migrant_stock', 'migration_flows', 'remittances_bilateral', "
                     "'forcibly_displaced')"),
        Column("edition", "VARCHAR", "Edition of the rows counted.", nullable=False, references="editions(edition)"),
        country_column("iso3", "Country at one end (origin or destination, sender or receiver, asylum or origin)."),
        Column("first_year", "SMALLINT", "Year, or first year of the period.", nullable=False),
        Column("last_year", "SMALLINT", "Year, or last year of the period.", nullable=False),
        count_column("rows", "Rows of the table with the country at either end (a row counts once)."),
    ),
    provenance=DERIVED,
    primary_key=("dataset", "edition", "iso3", "first_year"),
)


def _country_years_sql(available: set[str], single_edition: dict[str, str]) -> str:
    # Two GROUP BYs per table (each end) are ~5x cheaper than one over the UNION of both ends; a row
    # with the same country at both ends is counted on the first end only.
    parts = []
    for table, (one_end, other_end, first, last) in BILATERAL.items():
        if table not in available:
            continue
        edition = f"'{single_edition[table]}'" if table in single_edition else "edition"
        parts.append(f"""
            SELECT '{table}' AS dataset, edition, iso3, first_year, last_year, sum(rows)::BIGINT AS rows FROM (
                SELECT {edition} AS edition, {one_end} AS iso3, {first} AS first_year, {last} AS last_year,
                       count(*) AS rows
                FROM {table} GROUP BY ALL
                UNION ALL
                SELECT {edition}, {other_end}, {first}, {last}, count(*) FILTER (WHERE {other_end} <> {one_end})
                FROM {table} GROUP BY ALL
            ) GROUP BY ALL HAVING sum(rows) > 0""")
    return " UNION ALL ".join(parts)


def derived_tables(loaded: set[str], table_editions: pd.DataFrame) -> list[tuple[Table, str]]:
    """(table, SELECT filling it) for every derived table whose sources this build loaded.

    `table_editions` (table_name, edition, ...) names the edition of a table that has no edition column.
    """
    if not loaded & set(BILATERAL):
        return []
    # A table whose rows carry no edition holds one: the build's count of it names that one.
    single = {name: rows["edition"].iloc[0] for name, rows in table_editions.groupby("table_name")
              if len(rows) == 1 and name in BILATERAL and name in loaded}
    # Only tables with an edition column or a single declared edition can be summarised per edition.
    summarised = {name for name in loaded & set(BILATERAL) if name in single or name in _with_edition_column()}
    if not summarised:
        return []
    return [(COUNTRY_YEARS, _country_years_sql(summarised, {k: v for k, v in single.items()
                                                            if k not in _with_edition_column()})
             + " ORDER BY dataset, edition, iso3, first_year")]


def _with_edition_column() -> set[str]:
    from etl.sources import all_steps  # here: etl.sources imports the schema this module's table uses
    return {step.table.name for step in all_steps() if "edition" in step.table.column_names}


TABLES = (COUNTRY_YEARS,)
