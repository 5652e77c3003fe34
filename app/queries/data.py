"""The database describing itself (Data and sources page): tables, columns, ETL runs, coverage, browsing.

Everything here reads the build's own catalogue (`sources`, `table_columns`,
`etl_runs`, `etl_run_files`, written by `etl.catalog`) and, for what the
dashboard itself holds, the state views of submitted figures and recorded
measure statuses. Table and column names cannot be bound as parameters: the
browsing queries only ever use names read from the database itself, quoted.
"""
from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass

import pandas as pd

from app.i18n import N_
from app.queries import measures as measure_queries
from app.queries import uses_state
from app.queries.figures import ALL_FIGURES_SQL, STATE_VIEW
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
_FIGURE_YEAR = "year(coalesce(period_end, period_start, source_date))"


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


def file_updates(cur) -> pd.DataFrame:
    """Per raw file of the current build: when the build first loaded the file's present content (by checksum)."""
    return cur.execute("""
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
    """).df()


@uses_state(STATE_VIEW, *measure_queries.STATE_VIEWS)
def coverage(cur) -> pd.DataFrame:
    """Per OTS member and observer state and data set: the years held, the edition they come from (the latest),
    when the build loaded that edition's file, and when the dashboard last recorded something for the pair.

    One row per (iso3, dataset) that holds anything; a missing pair is a gap (Data and sources). Three dates
    that must not be confused: the publisher's release (in `editions`, by `edition`), the load into this
    database (`loaded_at`), and an edit or submission made in the dashboard (`recorded_at`).
    """
    # One statement: the years held per pair (latest editions only), and the last edit or submission made in
    # the dashboard for it.
    held = cur.execute(f"""
        WITH ots AS (SELECT iso3 FROM countries WHERE ots_status IS NOT NULL),
        latest AS (SELECT edition FROM editions WHERE is_latest),
        {ALL_FIGURES_SQL},
        statuses AS ({measure_queries.RECORDED_STATUSES_SQL}),
        held AS (
            -- the bilateral tables through the build's summary of them (etl.derived): millions of rows at world
            -- scale; each part keeps the OTS states' rows at once (a filter after the union is not pushed into it)
            SELECT dataset, iso3, unnest([first_year, last_year]) AS year, edition FROM country_years
                WHERE edition IN (SELECT edition FROM latest) AND iso3 IN (SELECT iso3 FROM ots)
            UNION ALL SELECT 'migrant_stock_totals', iso3, year, edition FROM migrant_stock_totals
                WHERE edition IN (SELECT edition FROM latest) AND iso3 IN (SELECT iso3 FROM ots) AND sex = 'total'
            UNION ALL SELECT 'remittance_totals', iso3, year, edition FROM remittance_totals
                WHERE edition IN (SELECT edition FROM latest) AND iso3 IN (SELECT iso3 FROM ots)
            UNION ALL SELECT 'country_indicators', iso3, year, edition FROM country_indicators
                WHERE edition IN (SELECT edition FROM latest) AND iso3 IN (SELECT iso3 FROM ots)
                  AND coalesce(remittances_received_usd, remittances_paid_usd, gdp_usd, remittances_pct_gdp,
                               population, net_migration, refugees_by_origin) IS NOT NULL
            UNION ALL SELECT CASE origin WHEN 'submission' THEN 'submitted' ELSE topic END, unnest(
                    [nationality_iso3, location_iso3]), {_FIGURE_YEAR}, NULL FROM all_figures
            UNION ALL SELECT 'measure_status', country_iso3, year(as_of), NULL FROM statuses
        ),
        by_app AS (
            SELECT 'submitted' AS dataset, unnest([nationality_iso3, location_iso3]) AS iso3, submitted_at AS changed_at
            FROM all_figures WHERE origin = 'submission'
            UNION ALL
            SELECT 'measure_status', country_iso3, recorded_at FROM statuses WHERE edit_id IS NOT NULL
        ),
        latest_by_app AS (
            SELECT dataset, iso3, max(changed_at) AS changed_at FROM by_app WHERE iso3 IS NOT NULL GROUP BY ALL
        )
        SELECT h.dataset, h.iso3, list(DISTINCT CAST(h.year AS INTEGER) ORDER BY CAST(h.year AS INTEGER)) AS years,
               any_value(h.edition) AS edition, any_value(l.changed_at) AS recorded_at
        FROM held h LEFT JOIN latest_by_app l USING (dataset, iso3)
        WHERE h.iso3 IN (SELECT iso3 FROM ots) AND h.year IS NOT NULL
        GROUP BY h.dataset, h.iso3
        ORDER BY h.dataset, h.iso3
    """).df()
    held["years"] = [list(map(int, years)) for years in held["years"]]

    updates = file_updates(cur)
    files = dict(zip(updates["file"], updates["updated_at"]))
    sources = {key: names for key, _label, names in DATASETS}

    def loaded(dataset: str, edition) -> pd.Timestamp:
        """When the build first loaded the present content of the files behind the data set (its edition's)."""
        names = _FILES_OF_EDITION.get((dataset, edition)) if isinstance(edition, str) else sources.get(dataset)
        return max((files[f] for f in names or [] if f in files), default=pd.NaT)

    # Once per data set and edition (a dozen), not once per state and data set.
    pairs = [(d, e if isinstance(e, str) else None) for d, e in zip(held["dataset"], held["edition"])]
    when = {pair: loaded(*pair) for pair in set(pairs)}
    held["loaded_at"] = pd.to_datetime(pd.Series([when[pair] for pair in pairs], index=held.index, dtype="object"))
    held["recorded_at"] = pd.to_datetime(held["recorded_at"])
    steps = {dataset: _usual_step(group) for dataset, group in held.groupby("dataset")["years"]}
    held["periods"] = [year_ranges(years, steps[dataset]) for years, dataset in zip(held["years"], held["dataset"])]
    return held[["dataset", "iso3", "years", "periods", "edition", "loaded_at", "recorded_at"]]


def _usual_step(year_lists: pd.Series) -> int:
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
