"""The database missing or damaged when the server starts, seen in a real browser.

A server of our own is started with `OTS_DB_PATH` at a path we control (the
session's dashboard reads a good build and must not be disturbed). Every page
must say in a sentence what is wrong and how to rebuild, with no exception
element, no "Page not found" and no console error; once a build is published at
that path, a reload shows the dashboard without restarting the server.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from etl.build import publish
from tests.browser.conftest import (PROJECT_ROOT, VIEWPORT, Server, assert_no_errors, open_page,
                                    screenshot, server_env)
from tests.browser.test_all_pages import PATHS

pytestmark = pytest.mark.browser

BUILD_WORDS = "make database"  # nothing there yet: `make database` builds it
REBUILD_WORDS = "make rebuild"  # a file is there but unusable: `make database` would keep it


def page_text(page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


# Opening a deep link (/migration), Streamlit's frontend first looks for its endpoints under that
# path, gets a 404 and falls back to the root: its own probing, not an error of the dashboard.
BASE_PATH_PROBES = ("/_stcore/health", "/_stcore/host-config")


class ConsoleErrors(list):
    """Console errors, uncaught page errors and any request leaving loopback, seen by one tab."""

    def __init__(self, page):
        super().__init__()
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.append(f"page error: {error}"))
        page.on("request", self._request)

    def _console(self, message) -> None:
        if message.type != "error":
            return
        if "404" in message.text and message.location.get("url", "").endswith(BASE_PATH_PROBES):
            return
        self.append(f"console: {message.text} ({message.location.get('url', '')})")

    def _request(self, request) -> None:
        if not request.url.startswith(("http://127.0.0.1:", "data:", "blob:")):
            self.append(f"request outside loopback: {request.url}")


@pytest.fixture
def tab(browser):
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(60_000)
    errors = ConsoleErrors(page)
    try:
        yield page, errors
    finally:
        context.close()


@pytest.fixture
def server_on(tmp_path):
    """Start a server reading `tmp_path/current.duckdb` once `prepare(path)` has put something (or nothing) there."""
    servers = []

    def start(prepare) -> tuple[str, Path]:
        db_path = tmp_path / "current.duckdb"
        prepare(db_path)
        server = Server(PROJECT_ROOT / "dashboard.py", server_env(db_path, tmp_path), tmp_path / "streamlit.log")
        servers.append(server)
        return server.url, db_path

    yield start
    for server in servers:
        server.stop()


def check_every_page_explains(page, errors, url: str, expected: str, hint: str, name: str) -> None:
    for path in PATHS:
        open_page(page, f"{url}/{path}")
        try:  # the run has ended; give the alert a moment to be drawn before reading the page
            page.locator('[data-testid="stMain"]').get_by_text(expected).first.wait_for(timeout=10_000)
        except Exception:  # noqa: BLE001 - the assertion below says what is shown instead
            pass
        assert_no_errors(page)
        text = page_text(page)
        assert expected in text and hint in text, f"/{path}: {text[:500]}"
        assert "could not be drawn" not in text, f"/{path}"
    screenshot(page, f"fault-{name}")
    assert errors == [], errors


def publish_copy_of(built_db: Path, db_path: Path) -> None:
    """Publish a copy of the session's build at `db_path`, as `python -m etl build` would."""
    builds = db_path.parent / "builds"
    builds.mkdir(exist_ok=True)
    copy = builds / "build-recovered.duckdb"
    shutil.copyfile(os.path.realpath(built_db), copy)
    if db_path.exists() or db_path.is_symlink():
        db_path.unlink()
    publish(db_path, copy)


def check_dashboard_works_again(page, errors, url: str) -> None:
    open_page(page, url)
    assert_no_errors(page)
    text = page_text(page)
    assert BUILD_WORDS not in text and REBUILD_WORDS not in text, text[:500]
    assert "cannot be read" not in text and "not been built" not in text, text[:500]
    assert errors == [], errors


def test_missing_database_at_start_then_built(server_on, tab, built_db):
    page, errors = tab
    url, db_path = server_on(lambda path: None)
    check_every_page_explains(page, errors, url, "has not been built", BUILD_WORDS, "missing-database")
    publish_copy_of(built_db, db_path)
    check_dashboard_works_again(page, errors, url)


def not_a_database(path: Path) -> None:
    path.write_bytes(b"this is not a database\n" * 2000)


def cut_short(built_db: Path):
    def prepare(path: Path) -> None:
        data = Path(os.path.realpath(built_db)).read_bytes()
        path.write_bytes(data[: len(data) // 2])
    return prepare


@pytest.mark.parametrize("damage", ["not-a-database", "cut-short"])
def test_damaged_database_at_start_then_rebuilt(server_on, tab, built_db, damage):
    page, errors = tab
    prepare = not_a_database if damage == "not-a-database" else cut_short(built_db)
    url, db_path = server_on(prepare)
    check_every_page_explains(page, errors, url, "cannot be read", REBUILD_WORDS, f"{damage}-database")
    publish_copy_of(built_db, db_path)
    check_dashboard_works_again(page, errors, url)
