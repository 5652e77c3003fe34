"""Shared fixtures: a database built by the real ETL from the real raw files, in a temporary folder.

Every test that touches the app points it at that database and at an empty
store of its own through environment variables, so tests never read or write
the developer's `data/` and can run in parallel.
"""
from __future__ import annotations

import ast
import json
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from etl.build import DEFAULT_RAW_DIR, build, builds_dir, publish
from tests.fixtures.etl.site import Site, copy_site, make_site

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def built_db(tmp_path_factory) -> Path:
    """The real database, built once per test session."""
    folder = tmp_path_factory.mktemp("db")
    path = folder / "current.duckdb"
    build(DEFAULT_RAW_DIR, path)
    return path


NO_DATA_SQL = """
    SELECT iso3 FROM countries WHERE kind = 'place' AND iso3 NOT IN (
        SELECT origin_iso3 FROM migrant_stock UNION SELECT destination_iso3 FROM migrant_stock
        UNION SELECT asylum_iso3 FROM forcibly_displaced UNION SELECT origin_iso3 FROM forcibly_displaced
        UNION SELECT iso3 FROM migrant_stock_totals
        UNION SELECT origin_iso3 FROM migration_flows UNION SELECT destination_iso3 FROM migration_flows
        UNION SELECT sending_iso3 FROM remittances_bilateral UNION SELECT receiving_iso3 FROM remittances_bilateral
        UNION SELECT iso3 FROM remittance_totals UNION SELECT iso3 FROM country_indicators
        UNION SELECT nationality_iso3 FROM reported_figures WHERE nationality_iso3 IS NOT NULL
        UNION SELECT location_iso3 FROM reported_figures WHERE location_iso3 IS NOT NULL
        UNION SELECT country_iso3 FROM measure_status)
    ORDER BY iso3 LIMIT 1
"""


def publish_copy(built_db: Path, db_path: Path) -> Path:
    """Publish a copy of the session's build at `db_path`, as `python -m etl build --db db_path` would have,
    for tests that need a build of their own to rebuild or spoil (a copy costs a tenth of a build)."""
    copy = builds_dir(db_path) / "build-copy-of-session.duckdb"
    copy.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(os.path.realpath(built_db), copy)
    if db_path.exists() or db_path.is_symlink():
        db_path.unlink()
    publish(db_path, copy)
    return copy


@pytest.fixture
def database(built_db):
    """A read-only connection to the session's build, for tests that compare a page with the database."""
    connection = duckdb.connect(str(built_db), read_only=True)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def published_site(tmp_path_factory) -> Site:
    """A data folder with the tiny raw set built and published once per module (tests/fixtures/etl/site.py)."""
    return make_site(tmp_path_factory.mktemp("published"))


@pytest.fixture
def site(published_site, tmp_path) -> Site:
    """A test's own copy of the published site, to spoil or rebuild."""
    return copy_site(published_site, tmp_path / "site")


def plotly_specs(at: AppTest) -> list[dict]:
    """The page's plotly figures as sent to the browser, in page order."""
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def plotly_specs_by_key(at: AppTest) -> dict[str, dict]:
    """The page's plotly figures by their chart key without its `chart_` prefix."""
    return {chart.key.removeprefix("chart_"): json.loads(chart.proto.spec) for chart in at.get("plotly_chart")}


@pytest.fixture
def no_data_country(built_db) -> str:
    """A country of the reference table that no data table mentions at all (pages' empty case)."""
    import duckdb
    with duckdb.connect(str(built_db), read_only=True) as con:
        return con.execute(NO_DATA_SQL).fetchone()[0]


@pytest.fixture
def raw_copy(tmp_path) -> Path:
    """A writable copy of data/raw, for tests that spoil a file."""
    target = tmp_path / "raw"
    shutil.copytree(DEFAULT_RAW_DIR, target)
    return target


def _reset_app() -> None:
    """Forget the connections to the database and the store. Cached results are kept: they are keyed on the
    build file (a test's own database is another file) and on the store's generation, which closing the store
    bumps, so no test sees another's store; tests reading the session's build share its warm caches, as
    delegates share a server's."""
    from app import db
    from app.store import connection as state
    db.close_all()
    state.close()


@contextmanager
def app_reading(db_path: Path, folder: Path, monkeypatch):
    """The app pointed at `db_path`, with a fresh store and secrets file in `folder`; its connections and
    caches are reset before and after, so no test sees another's database."""
    monkeypatch.setenv("OTS_DB_PATH", str(db_path))
    monkeypatch.setenv("OTS_STATE_PATH", str(folder / "state" / "app_state.sqlite3"))
    monkeypatch.setenv("OTS_SECRETS_PATH", str(folder / "secrets.toml"))
    _reset_app()
    try:
        yield db_path
    finally:
        _reset_app()


@pytest.fixture
def app_env(built_db, tmp_path, monkeypatch):
    """Point the app at the built database and a fresh store; clear caches before and after."""
    with app_reading(built_db, tmp_path, monkeypatch):
        yield


@pytest.fixture(autouse=True, scope="session")
def navigation_pages_only():
    """Make AppTest treat `pages/` the way the real server does once `st.navigation` has run.

    AppTest resets `PagesManager.uses_pages_directory` before every run, and because
    the owner's layout has a `pages/` folder beside `dashboard.py`, it then takes the
    legacy multipage path and runs a page file on its own after `switch_page`,
    skipping `dashboard.py` (the sidebar, the language, the error guard). The
    server never does that with `st.navigation`, so neither should the tests.
    """
    from streamlit.runtime.pages_manager import PagesManager

    original_init = PagesManager.__init__

    def init_without_pages_directory(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = init_without_pages_directory
    yield
    PagesManager.__init__ = original_init


@pytest.fixture(autouse=True, scope="session")
def installed_components_scanned_once():
    """Every AppTest scans the metadata of every installed package for Streamlit components (about 0.15 s a
    test, a few minutes over the suite); the packages do not change while the tests run, so scan once."""
    from functools import lru_cache

    from streamlit.components.v2 import manifest_scanner

    original = manifest_scanner.scan_component_manifests
    manifest_scanner.scan_component_manifests = lru_cache(maxsize=1)(original)
    yield
    manifest_scanner.scan_component_manifests = original


def navigation_pages() -> list[str]:
    """The pages dashboard.py puts in the navigation (`st.Page("pages/x.py", ...)`), read from its code."""
    tree = ast.parse((PROJECT_ROOT / "dashboard.py").read_text(encoding="utf-8"))
    return [node.args[0].value.removeprefix("pages/").removesuffix(".py") for node in ast.walk(tree)
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "Page" and node.args
            and isinstance(node.args[0], ast.Constant)]


PAGES = navigation_pages()  # every test that walks the pages takes them from here


# --- pages shown one section at a time -------------------------------------------------------------------
# The sections (?section=) of the pages that show one at a time, in their order on the page. A test of the
# page's radio checks these against what the page offers, so they cannot drift apart.
PAGE_SECTIONS = {
    "stranded": ("map", "ranking", "timeline", "table"),
    "labour": ("remittances", "dependence", "corridors", "labour"),
    "country": ("migrants", "partners", "corridors", "remittances", "remittance_corridors", "refugees", "reported"),
}


def run_page(page: str, query: dict | None = None, timeout: int = 120) -> AppTest:
    """The page run through dashboard.py with `query` in its URL, as a link to the page opens it: one run of
    the frame with that page chosen (not the default page first, then a switch)."""
    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=timeout)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.switch_page(f"pages/{page}.py").run()
    return at


class EverySection:
    """A page run once per section, read as one page: element lists are joined in section order, and a
    keyed widget lookup (`at.selectbox(key=...)`) answers from the first run that shows the widget (the
    controls above the sections are the same in every run)."""

    def __init__(self, runs: list[AppTest]):
        self.runs = runs

    def get(self, element_type: str) -> list:
        return [element for at in self.runs for element in at.get(element_type)]

    def __getattr__(self, name: str):
        values = [getattr(at, name) for at in self.runs]
        return _Joined([element for value in values for element in value], values)


class _Joined(list):
    """Elements of every run; called with a key (`at.radio(key=...)`), the widget of the first run that has it."""

    def __init__(self, elements: list, per_run: list):
        super().__init__(elements)
        self._per_run = per_run

    def __call__(self, *args, **kwargs):
        for lookup in self._per_run:
            try:
                return lookup(*args, **kwargs)
            except KeyError:
                continue
        raise KeyError(f"no run of the page has {args or kwargs}")


def run_every_section(page: str, query: dict | None = None, sections=None) -> EverySection:
    """The page once per section (all of them unless `sections` names some), with `query` in every URL."""
    return EverySection([run_page(page, {**(query or {}), "section": section})
                         for section in (sections or PAGE_SECTIONS[page])])
