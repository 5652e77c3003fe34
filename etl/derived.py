"""Tables the build derives from the loaded ones, so pages stay fast when the data grows to the world.

`country_years` says, per bilateral data set, edition and country, which years
(or periods) hold rows with the country at either end, and how many. The Data
and sources coverage matrix and the Country profiles' "is there anything" check
read it instead of scanning millions of bilateral rows: on the synthetic world
matrix (bench/scale.py, 100x) those scans took 0.1-2 s per view; this table has
about 26,000 rows there and costs the build about half a second.

`coverage_years` says, per data set of the Data and sources coverage matrix
(a table, or a topic of the reported figures), edition and member or observer
state, each year the build holds a figure for: the matrix then reads one small
table and the few rows recorded in the dashboard, instead of a union of six
tables with the store's (54 ms at the 95th percentile, bench/scale.py; the page
queries' target is 50). About 2,800 rows, whatever the size of the data.

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
    caveats="Summaries of the loaded tables (country_years: of migrant_stock, migration_flows, "
            "remittances_bilateral and forcibly_displaced; coverage_years: of those and the country tables, reported "
            "figures and measure statuses); they say where rows exist, not what they hold (a row may count zero "
            "people).",
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


# The data sets of the coverage matrix held in the build, besides the bilateral ones (summarised from
# `country_years`): data set -> its rows as (edition, iso3, year).
COVERED = {
    "migrant_stock_totals": "SELECT edition, iso3, year FROM migrant_stock_totals WHERE sex = 'total'",
    "remittance_totals": "SELECT edition, iso3, year FROM remittance_totals",
    # a row of the World Bank's indicators with at least one figure
    "country_indicators": """SELECT edition, iso3, year FROM country_indicators
        WHERE coalesce(remittances_received_usd, remittances_paid_usd, gdp_usd, remittances_pct_gdp, population,
                       net_migration, refugees_by_origin) IS NOT NULL""",
}
# Tables whose rows carry no edition (the project's own records), by the coverage matrix's data set of each row.
RECORDS = {
    # a reported figure counts for its nationality and its country of stay, in the year it is for
    "reported_figures": """SELECT topic AS dataset, NULL AS edition, unnest([nationality_iso3, location_iso3]) AS iso3,
        year(coalesce(period_end, period_start, source_date)) AS year FROM reported_figures""",
    "measure_status": "SELECT 'measure_status', NULL, country_iso3, year(as_of) FROM measure_status",
}
COVERAGE_DATASETS = (*BILATERAL, *COVERED, "stranded", "labour", "measure_status")

COVERAGE_YEARS = Table(
    "coverage_years",
    "Per data set of the coverage matrix, edition and member or observer state: each year the build holds a figure "
    "of the state for (bilateral tables: the first and last year of each period, from country_years).",
    columns=(
        Column("dataset", "VARCHAR", "Table, or topic of the reported figures ('stranded', 'labour').",
               nullable=False, check="dataset IN (" + ", ".join(f"'{d}'" for d in COVERAGE_DATASETS) + ")"),
        Column("edition", "VARCHAR", "Edition of the figures; empty for the project's own records (reported "
                                     "figures, measure statuses), which have none.", references="editions(edition)"),
        country_column("iso3", "Member or observer state the figures are of (either end of a bilateral row; a "
                               "reported figure's nationality or country of stay)."),
        Column("year", "SMALLINT", "Year held.", nullable=False),
    ),
    provenance=DERIVED,
)


def _coverage_years_sql(loaded: set[str]) -> str:
    parts = ["SELECT dataset, edition, iso3, unnest([first_year, last_year]) AS year FROM country_years"]
    parts += [f"SELECT '{dataset}' AS dataset, edition, iso3, year FROM ({sql})" for dataset, sql in COVERED.items()
              if dataset in loaded]
    parts += [sql for table, sql in RECORDS.items() if table in loaded]
    return ("SELECT DISTINCT dataset, edition, iso3, year::SMALLINT AS year FROM (\n" + "\nUNION ALL ".join(parts)
            + "\n) WHERE iso3 IN (SELECT iso3 FROM countries WHERE ots_status IS NOT NULL) AND year IS NOT NULL"
            + " ORDER BY dataset, edition, iso3, year")


def derived_tables(loaded: set[str], table_editions: pd.DataFrame) -> list[tuple[Table, str]]:
    """(table, SELECT filling it) for every derived table whose sources this build loaded, in the order they are
    built (`coverage_years` reads `country_years`).

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
             + " ORDER BY dataset, edition, iso3, first_year"),
            (COVERAGE_YEARS, _coverage_years_sql(loaded))]


def _with_edition_column() -> set[str]:
    from etl.sources import all_steps  # here: etl.sources imports the schema this module's table uses
    return {step.table.name for step in all_steps() if "edition" in step.table.column_names}


TABLES = (COUNTRY_YEARS, COVERAGE_YEARS)
