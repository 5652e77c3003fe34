"""Shared fixtures: a database built by the real ETL from the real raw files, in a temporary folder.

Every test that touches the app points it at that database and at an empty
store of its own through environment variables, so tests never read or write
the developer's `data/` and can run in parallel.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from etl.build import DEFAULT_RAW_DIR, build

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def built_db(tmp_path_factory) -> Path:
    """The real database, built once per test session."""
    folder = tmp_path_factory.mktemp("db")
    path = folder / "current.duckdb"
    build(DEFAULT_RAW_DIR, path)
    return path


NO_DATA_SQL = """
    SELECT iso3 FROM countries WHERE iso3 NOT IN (
        SELECT origin_iso3 FROM migrant_stock UNION SELECT destination_iso3 FROM migrant_stock
        UNION SELECT iso3 FROM migrant_stock_totals
        UNION SELECT origin_iso3 FROM migration_flows UNION SELECT destination_iso3 FROM migration_flows
        UNION SELECT sending_iso3 FROM remittances_bilateral UNION SELECT receiving_iso3 FROM remittances_bilateral
        UNION SELECT iso3 FROM remittance_totals UNION SELECT iso3 FROM country_indicators
        UNION SELECT nationality_iso3 FROM reported_figures WHERE nationality_iso3 IS NOT NULL
        UNION SELECT location_iso3 FROM reported_figures WHERE location_iso3 IS NOT NULL
        UNION SELECT country_iso3 FROM measure_status)
    ORDER BY iso3 LIMIT 1
"""


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


@pytest.fixture
def app_env(built_db, tmp_path, monkeypatch):
    """Point the app at the built database and a fresh store; clear caches before and after."""
    import streamlit as st

    from app import db, state
    monkeypatch.setenv("OTS_DB_PATH", str(built_db))
    monkeypatch.setenv("OTS_STATE_PATH", str(tmp_path / "state" / "app_state.duckdb"))
    monkeypatch.setenv("OTS_SECRETS_PATH", str(tmp_path / "secrets.toml"))
    db.close_all()
    state.close()
    st.cache_data.clear()
    yield
    st.cache_data.clear()
    db.close_all()
    state.close()


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
