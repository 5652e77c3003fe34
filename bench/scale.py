"""Scale: every named query the pages use, on the real data (1×) and on a synthetic world about 100× larger.

Builds both databases with the real ETL (`python -m etl build`, a subprocess
whose wall time and peak memory are measured) into a temporary folder, then
times every query function in `app/queries/*.py` through the same path a page
takes on a cache miss (`app.cached.run_uncached`: a fresh cursor on the current
build, the app's state views registered). Prints, per query and case: rows
scanned (DuckDB's profiler), p50 and p95 at each size, and whether it meets
the target; then the build time and peak memory at each size; then every page
run through dashboard.py (AppTest) on each database, with any error it shows.

Targets: every page query under 50 ms p95 at 100×; the 100× build under 30 s
and 2 GB. Reads made only when a download button is clicked (a whole filtered
table) are printed "(on click)" and judged against 1 s instead. A query function found in app/queries without an entry in CASES
below is printed as NOT MEASURED, so new queries are never skipped silently.

    python bench/scale.py [--work DIR] [--reuse] [--sizes 1,100] [--repeat 30] [--budget 8] [--only TEXT]

`--work DIR` keeps the synthetic raw folder and the builds there (default: a
temporary folder, deleted at the end); with `--reuse`, builds already in DIR
are used as they are (their build figures are then not re-measured).
"""
from __future__ import annotations

import argparse
import importlib
import inspect
import json
import os
import pkgutil
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

QUERY_TARGET_MS = 50.0
BUILD_TARGET_S = 30.0
BUILD_TARGET_BYTES = 2 * 1024 ** 3


# --- what each query is called with --------------------------------------------------------------------
@dataclass(frozen=True)
class Context:
    """Values read from the database being measured, so the same cases fit both sizes."""

    stock_year: int
    flow_period: int
    remittance_year: int
    labour_group: str
    run_id: str
    meeting_id: str
    indicator: str
    stranded_groups: tuple[str, ...]
    stranded_dates: tuple
    submission_id: str
    sha256: str
    record_ids: list[str]
    refugee_year: int
    world_years: dict


@dataclass(frozen=True)
class Case:
    label: str
    arguments: Callable[[Context], tuple[tuple, dict]]


def case(label: str, *args, **kwargs) -> Case:
    """A case whose arguments may be functions of the Context (resolved per database)."""
    def resolve(ctx: Context):
        return (tuple(a(ctx) if callable(a) else a for a in args),
                {k: v(ctx) if callable(v) else v for k, v in kwargs.items()})
    return Case(label, resolve)


def cases() -> dict[str, list[Case]]:
    """module.function -> the cases measured, with the arguments the pages pass by default and at their worst."""
    from app.countries import MEMBERS, OTS_STATES
    from app.queries.world import INDICATORS as WORLD_INDICATORS
    from app.views.migration import KEPT_APART

    stock_year = lambda c: c.stock_year  # noqa: E731
    flow_period = lambda c: c.flow_period  # noqa: E731
    refugee_year = lambda c: c.refugee_year  # noqa: E731
    stranded = (None, None, lambda c: c.stranded_groups, lambda c: c.stranded_dates[0],
                lambda c: c.stranded_dates[1])
    return {
        # Briefing
        "briefing.stock_between": [case("members x members", MEMBERS, MEMBERS),
                                   case("members x members, previous edition", MEMBERS, MEMBERS, "total",
                                        "ims2020")],
        "briefing.stock_between_by_origin": [case("members x members", MEMBERS, MEMBERS)],
        "briefing.largest_corridors": [case("OTS states, 6", OTS_STATES, 6),
                                       case("OTS states, 6, previous edition", OTS_STATES, 6, "ims2020")],
        "briefing.remittance_share": [case("KGZ, UZB since 2000", ("KGZ", "UZB"), 2000)],
        "briefing.latest_stranded": [case("members", MEMBERS)],
        "briefing.latest_figure": [case("migrants_stranded", "migrants_stranded")],
        "briefing.stranded_reports": [case("members, repatriated and returned", MEMBERS, ("repatriated", "returned"))],
        "briefing.sources": [case("four tables", ("migrant_stock", "country_indicators", "reported_figures",
                                                  "measure_status"))],
        # Labour and remittances
        "labour.remittance_years": [case("")],
        "labour.latest_remittances": [case("OTS states", OTS_STATES)],
        "labour.remittances_over_time": [case("OTS states", OTS_STATES), case("KGZ", ("KGZ",))],
        "labour.most_dependent_economies": [case("latest year, 10", lambda c: c.remittance_year, 10, OTS_STATES)],
        "labour.corridors_into": [case("OTS states, 5 senders each", OTS_STATES, 5)],
        "labour.remittance_corridors": [case("KGZ received", "KGZ", "received"), case("RUS sent", "RUS", "sent")],
        "labour.labour_groups": [case("")],
        "labour.labour_figures": [case("all"), case("first kind", lambda c: (c.labour_group,))],
        # Country profiles
        "country.country_facts": [case("KAZ", "KAZ"), case("RUS", "RUS")],
        "country.data_coverage": [case("KAZ", "KAZ")],
        "country.stock_over_time": [case("KAZ", "KAZ"), case("RUS", "RUS")],
        "country.stock_years": [case("")],
        "country.top_partners": [case("KAZ origins", "KAZ", stock_year, "origins", 10),
                                 case("UZB destinations", "UZB", stock_year, "destinations", 10)],
        "country.corridors_with_states": [case("KAZ", "KAZ", OTS_STATES, stock_year),
                                          case("KAZ, previous editions", "KAZ", OTS_STATES, 2020, "ims2020",
                                               "knomad2017")],
        "country.reported_figures_for": [case("KGZ", "KGZ")],
        # Migration
        "migration.periods": [case("stock", "stock"), case("flow", "flow")],
        "migration.corridors": [
            case("stock, members, from, all partners (default)", "stock", stock_year, "total", MEMBERS, "from"),
            case("stock, KAZ, to, grouped", "stock", stock_year, "female", ("KAZ",), "to", None, KEPT_APART),
            case("flow, members, from, all partners", "flow", flow_period, "total", MEMBERS, "from"),
            case("flow, OTS+, to, OTS partners", "flow", flow_period, "male", OTS_STATES, "to", OTS_STATES),
        ],
        "migration.corridors_among": [case("stock, OTS states", "stock", stock_year, "total", OTS_STATES),
                                      case("stock, OTS states, previous edition", "stock", 2020, "total",
                                           OTS_STATES, "ims2020"),
                                      case("flow, OTS states", "flow", flow_period, "total", OTS_STATES)],
        "migration.corridor_series": [case("stock KAZ->RUS", "stock", "KAZ", "RUS"),
                                      case("flow UZB->KAZ", "flow", "UZB", "KAZ")],
        "migration.times_with_corridors": [case("stock, members, from", "stock", "total", MEMBERS, "from")],
        "migration.source": [case("stock", "stock"), case("flow", "flow")],
        # Stranded citizens
        "stranded.global_stranded_figures": [case("")],
        "stranded.stranded_filter_values": [case("")],
        "stranded.stranded_figures": [case("default filters", *stranded)],
        "stranded.latest_stranded_figures": [case("default filters", *stranded)],
        # Agreed measures
        "measures.meetings": [case("")],
        "measures.measures": [case("")],
        "measures.current_status": [case("")],
        "measures.cell_status": [case("M1-STAY KAZ", "M1-STAY", "KAZ")],
        "measures.status_history": [case("all"), case("M1-STAY KAZ", "M1-STAY", "KAZ")],
        "measures.implemented_per_state": [case("")],
        "measures.documents": [case("")],
        # Figures (stranded, labour, submissions)
        "figures.all_figures": [case("all"), case("labour", "labour")],
        # Data and sources
        "data.tables": [case("")],
        "data.table_editions": [case("")],
        "data.columns": [case("")],
        "data.coverage": [case("")],
        "data.etl_runs": [case("")],
        "data.etl_run_files": [case("latest run", lambda c: c.run_id)],
        "data.file_updates": [case("")],
        "data.browsable": [case("")],
        "data.shape": [case("migrant_stock", "migrant_stock")],
        "data.browse_count": [case("migrant_stock", "migrant_stock"),
                                 case("migrant_stock, KAZ, 2000-2010", "migrant_stock", ("KAZ",), 2000, 2010)],
        "data.browse": [
            case("reported_figures, all rows (default table)", "reported_figures"),
            case("migrant_stock, first 50 rows", "migrant_stock", limit=50),
            case("migrant_stock, KAZ, 2000-2010, first 50", "migrant_stock", ("KAZ",), 2000, 2010, limit=50),
            case("migrant_stock, KAZ, all rows (CSV download)", "migrant_stock", ("KAZ",)),
        ],
        "data.browse_parquet": [case("reported_figures (default table)", "reported_figures"),
                                   case("migrant_stock, KAZ", "migrant_stock", ("KAZ",))],
        # Every page
        "common.countries": [case("")],
        "common.source_of": [case("migrant_stock", "migrant_stock")],
        "common.editions": [case("")],
        # Refugees (UNHCR)
        "refugees.refugees_over_time": [case("TUR", "TUR")],
        "refugees.refugees_by_partner": [case("TUR hosted", "TUR", "hosted", refugee_year, 10),
                                         case("AFG from", "AFG", "from", refugee_year, 10)],
        # What the UN revised (Migration page, ?view=revisions)
        "revisions.revised_years": [case("")],
        "revisions.corridor_revisions": [case("OTS states, 2020, 20 rows (default)", OTS_STATES, 2020, 20),
                                         case("OTS states, 1990, 50 rows (the widest choice)", OTS_STATES, 1990, 50),
                                         case("OTS states, 2020, 6 corridors (Briefing's)", OTS_STATES, 2020, None,
                                              None, ("KAZ>RUS", "UZB>RUS", "TUR>DEU", "SYR>TUR", "RUS>KAZ",
                                                     "KAZ>DEU")),
                                         case("KAZ, 2020, 20 partners (profile's)", ("KAZ",), 2020, None, None,
                                              tuple(f"KAZ>{c}" for c in ("RUS", "DEU", "UKR", "UZB", "USA", "BLR",
                                                                         "ISR", "KGZ", "TUR", "CAN"))
                                              + tuple(f"{c}>KAZ" for c in ("RUS", "UZB", "UKR", "CHN", "KGZ",
                                                                           "DEU", "BLR", "TJK", "AZE", "TKM")))],
        "revisions.total_revisions": [case("immigrants, OTS states and Russia, 2020", "immigrants",
                                           OTS_STATES + ("RUS",), 2020, 20),
                                      case("emigrants, every country and year", "emigrants", None, None, None),
                                      case("immigrants, every country, 2020 (world map)", "immigrants", None, 2020,
                                           None)],
        # A world map's figures: every country, one indicator and year
        "world.indicator_by_country": [case(indicator, indicator, lambda c, i=indicator: c.world_years[i])
                                       for indicator in WORLD_INDICATORS],
        "world.indicator_years": [case(indicator, indicator) for indicator in WORLD_INDICATORS],
        "world.indicator_countries": [case(indicator, indicator) for indicator in WORLD_INDICATORS],
        # The app's own store (submissions): read on the store, not on the build
        "submissions.active_figures": [case("")],
        "submissions.active_record": [case("3 records", lambda c: c.record_ids)],
        "submit.submission_history": [case("")],
        "submissions.submission": [case("one", lambda c: c.submission_id)],
    }


# Functions in app/queries (or statements of app/store/submissions.py) that are not read queries of a page.
NOT_QUERIES = {
    "submissions.insert_submission": "writes the app's store (confirming a submission)",
    "submissions.insert_figures": "writes the app's store (confirming a submission)",
    "submissions.supersede": "writes the app's store (confirming a correction)",
    "submissions.withdraw_submission": "writes the app's store (withdrawing)",
    "submissions.restore_latest_superseded": "writes the app's store (withdrawing)",
}
# Cases read only when a reader clicks a download button (pages/data.py passes a callable to the button), whole
# filtered tables: timed and printed, judged as a click's wait rather than against the page-query target.
ON_CLICK = {
    ("data.browse", "migrant_stock, KAZ, all rows (CSV download)"),
    ("data.browse_parquet", "migrant_stock, KAZ"),
}
ON_CLICK_TARGET_MS = 1000.0
STORE_MODULES = {"submissions"}  # modules of app/store whose statements are timed too (on the store, not the build)


def runs_on_store(function: Callable) -> bool:
    """A statement on the app's store (its first parameter the store's connection), not a query on the build."""
    return next(iter(inspect.signature(function).parameters)) == "con"


def query_functions() -> dict[str, Callable]:
    """Every public function of app/queries/*.py and app/store/submissions.py whose first parameter is a cursor on
    the build (`cur`) or a connection on the app's store (`con`)."""
    import app.queries as package
    modules = [(info.name, importlib.import_module(f"app.queries.{info.name}"))
               for info in pkgutil.iter_modules(package.__path__)]
    modules += [(name, importlib.import_module(f"app.store.{name}")) for name in sorted(STORE_MODULES)]
    found = {}
    for module_name, module in modules:
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ != module.__name__ or name.startswith("_"):
                continue
            parameters = list(inspect.signature(function).parameters)
            if parameters and parameters[0] in ("cur", "con"):  # a cursor on the build, a connection on the store
                found[f"{module_name}.{name}"] = function
    return dict(sorted(found.items()))


# --- building ---------------------------------------------------------------------------------------------
@dataclass
class BuildFigures:
    size: str
    wall_s: float | None = None
    etl_s: float | None = None
    peak_rss_bytes: int | None = None
    rows: int | None = None
    generate_s: float | None = None


def run_measured(command: list[str]) -> tuple[float, int, str]:
    """Run a subprocess; its wall time, its own peak RSS (bytes) and its output."""
    clock = time.perf_counter()
    process = subprocess.Popen(command, cwd=str(PROJECT_ROOT), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = process.stdout.read().decode(errors="replace")
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - clock
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command[1:])} failed ({process.returncode}):\n{output}")
    return wall, usage.ru_maxrss * 1024, output


def build_database(size: str, work: Path, reuse: bool) -> tuple[Path, BuildFigures]:
    figures = BuildFigures(size)
    db_path = work / f"db-{size}" / "current.duckdb"
    if reuse and db_path.exists():
        return db_path, figures
    if size == "1x":
        raw = PROJECT_ROOT / "data" / "raw"
    else:
        raw = work / "raw-100x"
        if not (reuse and (raw / "un_desa_ims2024_bilateral_stock.csv").exists()):
            print(f"  generating the synthetic raw folder ({size}) ...", flush=True)
            figures.generate_s = run_measured([sys.executable, str(PROJECT_ROOT / "bench" / "synthetic.py"),
                                               str(raw)])[0]
    if db_path.parent.exists():
        shutil.rmtree(db_path.parent)
    print(f"  building {size} with python -m etl build ...", flush=True)
    figures.wall_s, figures.peak_rss_bytes, output = run_measured(
        [sys.executable, "-m", "etl", "build", "--raw", str(raw), "--db", str(db_path)])
    match = re.search(r"in ([\d.]+) s: ([\d,]+) rows", output)
    if match:
        figures.etl_s, figures.rows = float(match.group(1)), int(match.group(2).replace(",", ""))
    return db_path, figures


# --- measuring queries --------------------------------------------------------------------------------------
class RecordingCursor:
    """Passes everything to a DuckDB cursor and remembers the statements run, to profile them afterwards."""

    def __init__(self, cursor):
        self._cursor = cursor
        self.statements: list[tuple[str, object]] = []

    def execute(self, sql, parameters=None):
        self.statements.append((sql, parameters))
        self._cursor.execute(sql, parameters) if parameters is not None else self._cursor.execute(sql)
        return self

    def sql(self, sql, params=None, **kwargs):
        self.statements.append((sql, params))
        return self._cursor.sql(sql, params=params, **kwargs)

    def __getattr__(self, name):
        return getattr(self._cursor, name)


def _register_views(cur, function) -> None:
    from app import cached
    from app.store import connection as state
    for name in getattr(function, "state_views", ()):
        with state.reading() as con:
            cur.register(name, cached._state_views[name](con))


def rows_scanned(function, store: bool, args: tuple, kwargs: dict, profile_file: Path) -> int | None:
    """Rows read from tables by every statement the query runs, as DuckDB's profiler counts them."""
    from app import db
    if store:
        return None  # the store is SQLite: no DuckDB profiler there
    opener = db.cursor
    with opener() as cur:
        _register_views(cur, function)
        recorder = RecordingCursor(cur)
        function(recorder, *args, **kwargs)
    total = 0
    with opener() as cur:
        _register_views(cur, function)
        cur.execute("SET enable_profiling = 'json'")
        cur.execute(f"SET profiling_output = '{profile_file}'")
        cur.execute("SET profiling_mode = 'detailed'")
        for sql, parameters in recorder.statements:
            if not sql.lstrip().upper().startswith(("SELECT", "WITH", "DESCRIBE", "(")):
                continue
            (cur.execute(sql, parameters) if parameters is not None else cur.execute(sql)).fetchall()
            profile = json.loads(cur.get_profiling_information(format="json"))
            total += profile.get("query", {}).get("total_rows_scanned", 0)  # DESCRIBE has no scan
        cur.execute("SET enable_profiling = 'no_output'")
    return total


@dataclass
class Timing:
    rows_scanned: int | None = None
    times_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)  # process CPU (all DuckDB threads): steady under load
    result_rows: int | None = None
    error: str | None = None

    def percentile(self, p: float, cpu: bool = False) -> float | None:
        values = self.cpu_ms if cpu else self.times_ms
        if not values:
            return None
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def time_query(function, store: bool, args: tuple, kwargs: dict, repeat: int, budget_s: float,
               profile_file: Path) -> Timing:
    from app import cached
    from app.store import connection as state
    timing = Timing()

    def once():
        if store:
            with state.reading() as cur:
                return function(cur, *args, **kwargs)
        return cached.run_uncached(function, *args, **kwargs)

    try:
        result = once()  # warm: the first run reads the file's blocks into DuckDB's buffer
        timing.result_rows = len(result) if hasattr(result, "__len__") else None
        deadline = time.perf_counter() + budget_s
        while len(timing.times_ms) < repeat and (len(timing.times_ms) < 5 or time.perf_counter() < deadline):
            clock, cpu = time.perf_counter(), time.process_time()
            once()
            timing.times_ms.append((time.perf_counter() - clock) * 1000)
            timing.cpu_ms.append((time.process_time() - cpu) * 1000)
    except Exception as error:  # noqa: BLE001 - reported in the table
        timing.error = f"{type(error).__name__}: {str(error).splitlines()[0][:120]}"
        return timing
    try:
        timing.rows_scanned = rows_scanned(function, store, args, kwargs, profile_file)
    except Exception as error:  # noqa: BLE001 - the timing stands; the count is shown as unknown
        print(f"(rows scanned unknown: {type(error).__name__}: {error})", end=" ")
    return timing


def context(work: Path) -> Context:
    """Read the values the cases need from the current build, and put one submission in the store."""
    from app import cached, db
    from app.queries import stranded
    with db.cursor() as cur:
        stock_year = cur.execute("SELECT max(year) FROM migrant_stock").fetchone()[0]
        flow_period = cur.execute("SELECT max(period_start) FROM migration_flows").fetchone()[0]
        run_id = cur.execute("SELECT max(run_id) FROM etl_runs").fetchone()[0]
        meeting_id = cur.execute("SELECT min(meeting_id) FROM meetings").fetchone()[0]
        indicator = cur.execute("SELECT indicator FROM reported_figures GROUP BY 1 ORDER BY count(*) DESC, 1 "
                                "LIMIT 1").fetchone()[0]
        remittance_year = cur.execute("SELECT max(year) FROM country_indicators "
                                      "WHERE remittances_pct_gdp IS NOT NULL").fetchone()[0]
        labour_group = cur.execute("SELECT min(indicator_group) FROM reported_figures "
                                   "WHERE topic = 'labour'").fetchone()[0]
        refugee_year = cur.execute("SELECT max(year) FROM forcibly_displaced").fetchone()[0]
    from app.queries import world
    world_years = {indicator: int(cached.run_uncached(world.indicator_years, indicator)["year"].max())
                   for indicator in world.INDICATORS}
    values = cached.run_uncached(stranded.stranded_filter_values)
    dates = values["as_of"].dropna()
    submission_id, sha256, record_ids = seed_store()
    return Context(stock_year, flow_period, remittance_year, labour_group, run_id, meeting_id, indicator,
                   tuple(sorted(values["indicator_group"].dropna().unique())),
                   (dates.min().date(), dates.max().date()), submission_id, sha256, record_ids, refugee_year,
                   world_years)


def seed_store() -> tuple[str, str, list[str]]:
    """One confirmed submission and one status edit, so the store's views are not empty."""
    from app import cached
    from app import uploads as submissions
    from app.store import measures as measures_store
    from app.queries import common, figures, measures
    header = ",".join(submissions.TEMPLATE_COLUMNS)
    lines = [header]
    for n in range(3):
        row = {"topic": "labour", "record_id": f"BENCH-{n}", "nationality_iso3": "UZB", "location_iso3": "RUS",
               "indicator": "entries_for_work", "value": str(1000 + n), "unit": "persons",
               "period_start": "2024-01-01", "period_end": f"2024-0{n + 1}-28", "description": "bench",
               "source_publisher": "Bench", "source_url": "", "source_date": "2024-07-01", "date_note": ""}
        lines.append(",".join(row[c] for c in submissions.TEMPLATE_COLUMNS))
    content = ("\n".join(lines) + "\n").encode()
    known = set(cached.run_uncached(common.countries)["iso3"])
    preview = submissions.check(content, "bench.csv", known, cached.run_uncached(figures.all_figures))
    submission_id = submissions.confirm(preview, content, "bench")
    seen = cached.run_uncached(measures.cell_status, "M1-STAY", "KAZ")["row_key"].iloc[0]
    measures_store.record_status("M1-STAY", "KAZ", "in progress", "2021-06-01", "bench", "Bench", "bench",
                                 "bench", seen)
    return submission_id, preview.sha256, [f"BENCH-{n}" for n in range(3)]


def measure_size(size: str, db_path: Path, work: Path, functions: dict, table: dict, repeat: int,
                 budget_s: float, only: str | None) -> None:
    import streamlit as st

    from app import db
    from app.store import connection as state
    os.environ["OTS_DB_PATH"] = str(db_path)
    os.environ["OTS_STATE_PATH"] = str(work / f"state-{size}" / "app_state.sqlite3")
    shutil.rmtree(work / f"state-{size}", ignore_errors=True)
    db.close_all()
    state.close()
    st.cache_data.clear()
    ctx = context(work)
    all_cases = cases()
    for name, function in functions.items():
        for one in all_cases.get(name, []):
            key = (name, one.label)
            if only and only not in f"{name} {one.label}":
                continue
            args, kwargs = one.arguments(ctx)
            store = runs_on_store(function)
            print(f"  {size} {name} {one.label}".rstrip(), end=" ... ", flush=True)
            timing = time_query(function, store, args, kwargs, repeat, budget_s, work / "profile.json")
            table.setdefault(key, {})[size] = timing
            print(timing.error or f"p95 {timing.percentile(95):.1f} ms", flush=True)
    db.close_all()
    state.close()


# --- every page on each database ---------------------------------------------------------------------------
def page_runs(size: str, db_path: Path, work: Path) -> list[tuple[str, float, float, list[str]]]:
    """Each page run through dashboard.py with AppTest: first (cold caches) and second run times, and problems."""
    import streamlit as st
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import AppTest

    from app import db
    from app.store import connection as state
    os.environ["OTS_DB_PATH"] = str(db_path)
    os.environ["OTS_STATE_PATH"] = str(work / f"pages-state-{size}" / "app_state.sqlite3")
    db.close_all()
    state.close()
    st.cache_data.clear()
    # As on the server with st.navigation: a switched page still runs through dashboard.py (see tests/conftest.py).
    original = PagesManager.__init__

    def navigation_only(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = navigation_only
    results = []
    try:
        at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=300)
        at.run()
        for page in sorted(p.stem for p in (PROJECT_ROOT / "pages").glob("*.py")):
            times, problems = [], []
            st.cache_data.clear()  # the first run starts from empty caches, as after a new build
            st.cache_resource.clear()
            for _ in range(2):
                clock = time.perf_counter()
                at.switch_page(f"pages/{page}.py").run()
                times.append(time.perf_counter() - clock)
                problems = [f"exception: {e.value[:100]}" for e in at.exception] + \
                           [f"error: {e.value[:100]}" for e in at.error]
            results.append((page, times[0], times[1], problems))
    finally:
        PagesManager.__init__ = original
        db.close_all()
        state.close()
    return results


def pages_report(runs: dict[str, list]) -> bool:
    print()
    print("Every page through dashboard.py (AppTest, in this process): script run time in s, first run (empty "
          "caches) and second, and any exception or error message shown")
    sizes = list(runs)
    print(f"{'page':<16}" + "".join(f"{'first ' + s:>12}{'again ' + s:>12}" for s in sizes) + "  problems")
    clean = True
    pages = [page for page, *_ in runs[sizes[0]]]
    for index, page in enumerate(pages):
        line, problems = f"{page:<16}", []
        for size in sizes:
            _, first, again, found = runs[size][index]
            line += f"{first:>12.2f}{again:>12.2f}"
            problems += [f"{size}: {p}" for p in found]
        clean = clean and not problems
        print(line + "  " + ("; ".join(problems) or "none"))
    return clean


# --- the report ----------------------------------------------------------------------------------------------
def fmt_ms(value: float | None) -> str:
    return "—" if value is None else f"{value:,.1f}"


def fmt_rows(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"


def report(functions: dict, table: dict, builds: list[BuildFigures], sizes: list[str]) -> None:
    big = sizes[-1]
    head = f"{'query (case)':<64}"
    for size in sizes:
        head += f"{'rows ' + size:>13}{'p50 ' + size:>9}{'p95 ' + size:>9}{'cpu ' + size:>9}"
    head += "  target"
    print()
    print("Named queries, uncached (a fresh cursor, state views registered), times in ms: wall p50 and p95, "
          "and the process CPU time p50 (DuckDB's threads included), which other sessions' load stretches less")
    print(head)
    print("-" * len(head))
    misses, failures = [], []
    for (name, label), by_size in table.items():
        title = f"{name}({label})" if label else name
        line = f"{title[:64]:<64}"
        for size in sizes:
            timing = by_size.get(size)
            if timing is None or timing.error:
                line += f"{'error' if timing else '—':>13}{'':>9}{'':>9}{'':>9}"
                if timing is not None:
                    failures.append(f"{title} at {size}: {timing.error}")
                continue
            line += f"{fmt_rows(timing.rows_scanned):>13}{fmt_ms(timing.percentile(50)):>9}" \
                    f"{fmt_ms(timing.percentile(95)):>9}{fmt_ms(timing.percentile(50, cpu=True)):>9}"
        timing = by_size.get(big)
        verdict = ""
        if timing is not None and not timing.error and (name, label) in ON_CLICK:
            verdict = "(on click) " + ("ok" if timing.percentile(95) <= ON_CLICK_TARGET_MS else "MISS")
            if verdict.endswith("MISS"):
                misses.append(title)
        elif timing is not None and not timing.error and not runs_on_store(functions[name]):
            verdict = "ok" if timing.percentile(95) <= QUERY_TARGET_MS else "MISS"
            if verdict == "MISS":
                misses.append(title)
        elif timing is not None and not timing.error:
            verdict = "(store)"
        print(line + f"  {verdict}")
    measured = {name for name, _ in table}
    all_cases = cases()
    for name in functions:
        if name in NOT_QUERIES:
            print(f"{name:<64}  not a page read: {NOT_QUERIES[name]}")
        elif name not in all_cases:
            print(f"{name:<64}  NOT MEASURED: add its arguments to CASES in bench/scale.py")
        elif name not in measured and all_cases[name]:
            pass  # filtered out with --only
    for stale in sorted(set(all_cases) - set(functions)):
        print(f"{stale:<64}  in CASES but no longer in app/queries")

    print()
    print("ETL build (python -m etl build, a subprocess)")
    for figures in builds:
        if figures.wall_s is None:
            print(f"  {figures.size:>5}: reused from --work, not rebuilt")
            continue
        verdict = ""
        if figures.size == "100x":
            ok = figures.wall_s <= BUILD_TARGET_S and figures.peak_rss_bytes <= BUILD_TARGET_BYTES
            verdict = "  target < 30 s and < 2 GB: " + ("ok" if ok else "MISS")
        rows = f"{figures.rows:,} rows, " if figures.rows else ""
        generated = f" (synthetic raw generated in {figures.generate_s:.1f} s)" if figures.generate_s else ""
        print(f"  {figures.size:>5}: {rows}{figures.wall_s:.1f} s wall ({figures.etl_s or 0:.1f} s in the build), "
              f"peak RSS {figures.peak_rss_bytes / 1024 ** 2:,.0f} MB{verdict}{generated}")
    print()
    print(f"Query target: p95 under {QUERY_TARGET_MS:.0f} ms at {big} for every page query: "
          + ("ok" if not misses and not failures else f"{len(misses)} miss(es)"))
    for title in misses:
        print(f"  MISS {title}")
    for failure in failures:
        print(f"  ERROR {failure}")


def load_average() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, help="folder for the synthetic raw data and builds (kept)")
    parser.add_argument("--reuse", action="store_true", help="use builds already in --work")
    parser.add_argument("--sizes", default="1,100", help="sizes to measure: 1, 100 or both (default 1,100)")
    parser.add_argument("--repeat", type=int, default=30, help="timed runs per query (default 30)")
    parser.add_argument("--budget", type=float, default=8.0, help="seconds per query at most (min 5 runs)")
    parser.add_argument("--only", help="measure only queries whose name or case contains this text")
    parser.add_argument("--no-pages", action="store_true", help="skip running every page on each database")
    args = parser.parse_args(argv)
    sizes = [f"{int(s)}x" for s in args.sizes.split(",")]
    if args.reuse and not args.work:
        parser.error("--reuse needs --work")

    work = args.work or Path(tempfile.mkdtemp(prefix="ots-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    os.environ["OTS_SECRETS_PATH"] = str(work / "secrets.toml")
    try:
        print(f"Scale benchmark on {os.cpu_count()} cores; Python {sys.version.split()[0]}; "
              f"load average at start {load_average()}")
        databases, builds = {}, []
        for size in sizes:
            databases[size], figures = build_database(size, work, args.reuse)
            builds.append(figures)
        functions = query_functions()
        table: dict = {}
        for size in sizes:
            measure_size(size, databases[size], work, functions, table, args.repeat, args.budget, args.only)
        report(functions, table, builds, sizes)
        if not args.no_pages:
            pages_report({size: page_runs(size, databases[size], work) for size in sizes})
        print(f"Load average at the end {load_average()} (other sessions on this machine stretch wall times)")
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
