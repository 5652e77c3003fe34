"""The database describing itself (Data and sources page): tables, columns, ETL runs, coverage, browsing.

Everything here reads the build's own catalogue (`sources`, `table_columns`,
`etl_runs`, `etl_run_files`, written by `etl.catalog`) and, for what the
dashboard itself holds, the state views of submitted figures and recorded
measure statuses. Table and column names cannot be bound as parameters: the
browsing queries only ever use names read from the database itself, quoted.
"""
from __future__ import annotations

import io
from datetime import datetime
from collections import Counter
from dataclasses import dataclass

import pandas as pd

from app.i18n import N_
from app.queries import measures as measure_queries
from app.queries import uses_state
from app.queries.figures import STATE_VIEW
from etl.sources import all_steps
from etl.sources.reported_figures import LABOUR_RAW, STRANDED_RAW

# Data sets of the coverage matrix, in column order: key, label, the raw files that feed it. A table holding
# several editions is shown with its latest, so only the latest edition's files say when it was loaded.
_FILES_OF_TABLE: dict[str, list[str]] = {}
_FILES_OF_EDITION: dict[tuple[str, str], list[str]] = {}
for _step in all_steps():
    _FILES_OF_TABLE.setdefault(_step.table.name, []).append(_step.raw.filename)
    if _step.edition is not None:
        _FILES_OF_EDITION.setdefault((_step.table.name, _step.edition.edition), []).append(_step.raw.filename)

DATASETS = (
    ("migrant_stock", N_("Migrant stock"), _FILES_OF_TABLE["migrant_stock"]),
    ("migrant_stock_totals", N_("Stock totals"), _FILES_OF_TABLE["migrant_stock_totals"]),
    ("migration_flows", N_("Flows"), _FILES_OF_TABLE["migration_flows"]),
    ("remittances_bilateral", N_("Remittances bilateral"), _FILES_OF_TABLE["remittances_bilateral"]),
    ("remittance_totals", N_("Remittance totals"), _FILES_OF_TABLE["remittance_totals"]),
    ("country_indicators", N_("WDI indicators"), _FILES_OF_TABLE["country_indicators"]),
    ("forcibly_displaced", N_("Refugees (UNHCR)"), _FILES_OF_TABLE["forcibly_displaced"]),
    ("stranded", N_("Stranded figures"), [STRANDED_RAW.filename]),
    ("labour", N_("Labour figures"), [LABOUR_RAW.filename]),
    ("submitted", N_("Submitted figures"), []),
    ("measure_status", N_("Measure statuses"), _FILES_OF_TABLE["measure_status"]),
)
SUBMITTED_TABLE = STATE_VIEW  # browsable beside the build's tables
RUN_OUTCOMES = {"succeeded": N_("succeeded"), "failed": N_("failed")}  # etl_runs.status, as the page words it


def tables(cur) -> pd.DataFrame:
    """Every table of the build with its description, provenance, caveats and row count (Data and sources)."""
    return cur.execute("""
        SELECT table_name, description, dataset, publisher, url, licence, citation, accessed, caveats, row_count
        FROM sources ORDER BY table_name = 'countries' DESC, table_name IN
            ('sources', 'table_columns', 'etl_runs', 'etl_run_files'), table_name
    """).df()


def table_editions(cur) -> pd.DataFrame:
    """Every edition each table holds: its title, publisher's release date, rows and years, latest first (Data and
    sources: tables and coverage)."""
    return cur.execute("""
        SELECT t.table_name, t.edition, e.dataset, e.title, e.publisher, e.short_source, e.released,
               e.released_note, e.published_by, e.is_latest, e.based_on, e.accessed, e.caveats, t.rows,
               t.first_year, t.last_year
        FROM table_editions t JOIN editions e USING (edition)
        ORDER BY t.table_name, e.position DESC
    """).df()


def columns(cur, table_name: str | None = None) -> pd.DataFrame:
    """The data dictionary: columns of one table (or all), in order (Data and sources)."""
    return cur.execute("""
        SELECT table_name, position, column_name, type, required, rule, description FROM table_columns
        WHERE $table IS NULL OR table_name = $table ORDER BY table_name, position
    """, {"table": table_name}).df()


def etl_runs(cur) -> pd.DataFrame:
    """Every build attempt, newest first, with its outcome and the number of files read (Data and sources)."""
    return cur.execute("""
        SELECT r.run_id, timezone('UTC', r.started_at) AS started_at, timezone('UTC', r.finished_at) AS finished_at,
               r.status, r.message, count(f.file) AS files, sum(f.rows) AS rows
        FROM etl_runs r LEFT JOIN etl_run_files f USING (run_id)
        GROUP BY ALL ORDER BY 2 DESC
    """).df()


def etl_run_files(cur, run_id: str) -> pd.DataFrame:
    """The raw files one build read, with checksum and rows loaded (Data and sources)."""
    return cur.execute("""
        SELECT file, table_name, rows, sha256 FROM etl_run_files WHERE run_id = $run ORDER BY table_name, file
    """, {"run": run_id}).df()


# Per raw file of the current build: when the build first loaded the file's present content (by checksum).
_FILE_UPDATES_SQL = """
        WITH runs AS (SELECT run_id, timezone('UTC', finished_at) AS finished_at FROM etl_runs
                      WHERE status = 'succeeded'),
        current_run AS (SELECT run_id FROM runs ORDER BY finished_at DESC LIMIT 1),
        current_files AS (SELECT file, sha256 FROM etl_run_files WHERE run_id = (SELECT run_id FROM current_run)),
        history AS (SELECT f.file, f.sha256, r.finished_at FROM etl_run_files f JOIN runs r USING (run_id)),
        last_different AS (
            SELECT c.file, max(h.finished_at) AS at FROM current_files c
            JOIN history h ON h.file = c.file AND h.sha256 <> c.sha256 GROUP BY c.file
        )
        SELECT c.file, c.sha256, min(h.finished_at) AS updated_at
        FROM current_files c JOIN history h ON h.file = c.file AND h.sha256 = c.sha256
        LEFT JOIN last_different d ON d.file = c.file
        WHERE d.at IS NULL OR h.finished_at > d.at
        GROUP BY c.file, c.sha256
    """


def file_updates(cur) -> pd.DataFrame:
    """Per raw file of the current build: when the build first loaded the file's present content (by checksum)."""
    return cur.execute(_FILE_UPDATES_SQL).df()


@uses_state(STATE_VIEW, *measure_queries.STATE_VIEWS)
def coverage(cur) -> pd.DataFrame:
    """Per OTS member and observer state and data set: the years held, the edition they come from (the latest),
    when the build loaded that edition's file, and when the dashboard last recorded something for the pair.

    One row per (iso3, dataset) that holds anything; a missing pair is a gap (Data and sources). Three dates
    that must not be confused: the publisher's release (in `editions`, by `edition`), the load into this
    database (`loaded_at`), and an edit or submission made in the dashboard (`recorded_at`).
    """
    # One statement: the years the build holds per pair (its summary `coverage_years`, latest editions only), and
    # what was recorded in the dashboard: submitted figures in force and edited statuses of known measures, with
    # when the latest was recorded. The store's rows reach DuckDB as frames (cast: an empty one has no types), each
    # read once: scanning a frame costs more than the build's summary.
    held = cur.execute(f"""
        WITH ots AS (SELECT iso3 FROM countries WHERE ots_status IS NOT NULL),
        latest AS (SELECT edition FROM editions WHERE is_latest),
        submitted AS (
            SELECT unnest([CAST(nationality_iso3 AS VARCHAR), CAST(location_iso3 AS VARCHAR)]) AS iso3,
                   year(coalesce(CAST(period_end AS DATE), CAST(period_start AS DATE),
                                 CAST(source_date AS DATE))) AS year,
                   CAST(submitted_at AS TIMESTAMP) AS changed_at
            FROM {STATE_VIEW}
            -- a figure the build has since loaded under the same identifier is the build's (all_figures)
            WHERE CAST(record_id AS VARCHAR) NOT IN (SELECT record_id FROM reported_figures)),
        edits AS (
            SELECT CAST(country_iso3 AS VARCHAR) AS iso3, year(CAST(as_of AS DATE)) AS year,
                   CAST(recorded_at AS TIMESTAMP) AS changed_at
            FROM measure_status_edits
            -- of a measure the build or the dashboard knows
            WHERE CAST(measure_id AS VARCHAR) IN (SELECT measure_id FROM ({measure_queries.MEASURE_IDS_SQL}))),
        held AS (
            SELECT dataset, iso3, year, edition, NULL::TIMESTAMP AS changed_at FROM coverage_years
            WHERE edition IS NULL OR edition IN (SELECT edition FROM latest)  -- the OTS states' rows only
            UNION ALL SELECT 'submitted', iso3, year, NULL, changed_at FROM submitted
            UNION ALL SELECT 'measure_status', iso3, year, NULL, changed_at FROM edits)
        -- a row recorded in the dashboard without a year still says when the pair was last recorded
        SELECT dataset, iso3, list(year) FILTER (WHERE year IS NOT NULL) AS years,
               any_value(edition) AS edition, max(changed_at) AS recorded_at
        FROM held WHERE iso3 IN (SELECT iso3 FROM ots)
        GROUP BY dataset, iso3 HAVING count(year) > 0
        ORDER BY dataset, iso3
    """).fetchall()
    # The rows are few (a data set per state): Python tuples, then one frame, cost a fraction of DuckDB's frames.
    files = dict(cur.execute(f"SELECT file, updated_at FROM ({_FILE_UPDATES_SQL})").fetchall())
    sources = {key: names for key, _label, names in DATASETS}

    def loaded(dataset: str, edition) -> datetime | None:
        """When the build first loaded the present content of the files behind the data set (its edition's)."""
        names = _FILES_OF_EDITION.get((dataset, edition)) if edition is not None else sources.get(dataset)
        return max((files[f] for f in names or [] if f in files), default=None)

    # Once per data set and edition (a dozen), not once per state and data set.
    when = {pair: loaded(*pair) for pair in {(dataset, edition) for dataset, _iso3, _years, edition, _at in held}}
    years = [sorted({int(year) for year in row[2]}) for row in held]  # sorted here: cheaper than in the aggregate
    by_dataset: dict[str, list[list[int]]] = {}
    for row, held_years in zip(held, years):
        by_dataset.setdefault(row[0], []).append(held_years)
    steps = {dataset: _usual_step(year_lists) for dataset, year_lists in by_dataset.items()}
    return pd.DataFrame({
        "dataset": [row[0] for row in held], "iso3": [row[1] for row in held],
        "years": years,
        "periods": [year_ranges(y, steps[row[0]]) for y, row in zip(years, held)],
        "edition": [row[3] if row[3] is not None else float("nan") for row in held],
        "loaded_at": pd.to_datetime([when[(row[0], row[3])] for row in held]).as_unit("us"),
        "recorded_at": pd.to_datetime([row[4] for row in held]).as_unit("us"),
    })


def _usual_step(year_lists) -> int:
    """The data set's usual spacing of years (5 for the UN estimates, whose last step 2020-2024 is four; 1 for
    yearly series): the most common gap."""
    gaps = Counter(b - a for years in year_lists for a, b in zip(years, years[1:]) if b > a)
    most = max(gaps.values(), default=0)
    return min(gap for gap, count in gaps.items() if count == most) if gaps else 1


def year_ranges(years: list[int], step: int = 1) -> str:
    """[1990, 1995, ..., 2020] with step 5 -> '1990–2020'; a missing year breaks the run: '2018–2021, 2024'."""
    runs: list[list[int]] = []
    for year in sorted(set(years)):
        if runs and year - runs[-1][-1] <= step:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(str(run[0]) if len(run) == 1 else f"{run[0]}–{run[-1]}" for run in runs)


# --- browsing any table ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class TableShape:
    """What can be filtered in a table: its country columns and the expression giving a row's year."""

    name: str
    columns: tuple[str, ...]
    country_columns: tuple[str, ...]
    year_expression: str | None
    first_year: int | None
    last_year: int | None


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


@uses_state(STATE_VIEW)
def browsable(cur) -> list[str]:
    """Names of the tables that can be browsed: every table of the build, and the submitted figures."""
    names = [r[0] for r in cur.execute("SELECT table_name FROM sources ORDER BY table_name").fetchall()]
    return names + [SUBMITTED_TABLE]


def _year_expression(columns: dict[str, str]) -> str | None:
    if "year" in columns:
        return _quote("year")
    dated = [c for c in ("period_end", "period_start", "source_date") if c in columns]
    if dated and columns[dated[0]].upper() in ("SMALLINT", "INTEGER", "BIGINT"):
        return _quote(dated[0])
    if dated:
        return f"year(coalesce({', '.join(_quote(c) for c in dated)}))"
    for name, kind in columns.items():
        if kind.upper().startswith(("DATE", "TIMESTAMP")):
            return f"year({_quote(name)})"
    return None


@uses_state(STATE_VIEW)
def shape(cur, table_name: str) -> TableShape:
    """The filters a table allows (Data and sources, browse)."""
    if table_name not in browsable(cur):
        raise KeyError(table_name)
    described = cur.execute(f"DESCRIBE SELECT * FROM {_quote(table_name)}").fetchall()
    columns = {row[0]: row[1] for row in described}
    countries = tuple(c for c in columns if c == "iso3" or c.endswith("_iso3"))
    year = _year_expression(columns)
    first = last = None
    if year:
        first, last = cur.execute(f"SELECT min({year}), max({year}) FROM {_quote(table_name)}").fetchall()[0]
    return TableShape(table_name, tuple(columns), countries, year,
                      int(first) if first is not None else None, int(last) if last is not None else None)


def _filtered(table: TableShape, countries: tuple[str, ...], year_from: int | None, year_to: int | None,
              ordered: bool = True):
    conditions, params = [], {}
    if countries and table.country_columns:
        conditions.append("(" + " OR ".join(f"list_contains($countries, {_quote(c)})"
                                            for c in table.country_columns) + ")")
        params["countries"] = list(countries)
    if table.year_expression and year_from is not None:
        conditions.append(f"{table.year_expression} >= $year_from")
        params["year_from"] = int(year_from)
    if table.year_expression and year_to is not None:
        conditions.append(f"{table.year_expression} <= $year_to")
        params["year_to"] = int(year_to)
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    return f"SELECT * FROM {_quote(table.name)} {where}{' ORDER BY ALL' if ordered else ''}", params


@uses_state(STATE_VIEW)
def browse(cur, table_name: str, countries: tuple[str, ...] = (), year_from: int | None = None,
           year_to: int | None = None, limit: int | None = None, offset: int = 0) -> pd.DataFrame:
    """Rows of one table, filtered by country and year; all rows when `limit` is None (browse, CSV download)."""
    sql, params = _filtered(shape(cur, table_name), countries, year_from, year_to)
    if limit is not None:
        sql += " LIMIT $limit OFFSET $offset"
        params.update(limit=int(limit), offset=int(offset))
    return cur.execute(sql, params).df()


@uses_state(STATE_VIEW)
def browse_count(cur, table_name: str, countries: tuple[str, ...] = (), year_from: int | None = None,
                 year_to: int | None = None) -> int:
    """How many rows the filters leave (browse: pagination)."""
    # Unordered: DuckDB sorts an ORDER BY inside the count (about 1 s on 6.5 million rows).
    sql, params = _filtered(shape(cur, table_name), countries, year_from, year_to, ordered=False)
    return cur.execute(f"SELECT count(*) FROM ({sql})", params).fetchall()[0][0]


@uses_state(STATE_VIEW)
def browse_parquet(cur, table_name: str, countries: tuple[str, ...] = (), year_from: int | None = None,
                   year_to: int | None = None, provenance: str = "") -> bytes:
    """The whole filtered table as Parquet (types kept), with the provenance line in the file's metadata."""
    import pyarrow.parquet as pq

    sql, params = _filtered(shape(cur, table_name), countries, year_from, year_to)
    table = cur.sql(sql, params=params).to_arrow_table()
    table = table.replace_schema_metadata({**(table.schema.metadata or {}),
                                           b"ots.provenance": provenance.encode("utf-8")})
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd")
    return buffer.getvalue()
