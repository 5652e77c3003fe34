"""The database missing or damaged, seen in a real browser, and two editors and a submission during a rebuild.

A server of our own is started with `OTS_DB_PATH` at a path we control (the
session's dashboard reads a good build and must not be disturbed). Every page
must say in a sentence what is wrong and how to rebuild, with no exception
element, no "Page not found" and no console error; once a build is published at
that path, a reload shows the dashboard without restarting the server.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import publish_copy
from tests.browser.conftest import (PROJECT_ROOT, Server, assert_no_errors, coverage_cell, matrix_cell,
                                    open_page, screenshot, server_env, wait_until_idle)
from tests.browser.test_browser_all_pages import PATHS

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
def tab(page):
    """The test's tab, with what its console and network said."""
    page.set_default_timeout(60_000)
    return page, ConsoleErrors(page)


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


def check_dashboard_works_again(page, errors, url: str) -> None:
    open_page(page, url)
    assert_no_errors(page)
    text = page_text(page)
    assert BUILD_WORDS not in text and REBUILD_WORDS not in text, text[:500]
    assert "cannot be read" not in text and "not been built" not in text, text[:500]
    assert errors == [], errors


def not_a_database(path: Path) -> None:
    path.write_bytes(b"this is not a database\n" * 2000)


def cut_short(built_db: Path):
    def prepare(path: Path) -> None:
        data = Path(os.path.realpath(built_db)).read_bytes()
        path.write_bytes(data[: len(data) // 2])
    return prepare


def test_a_missing_then_damaged_database_is_explained_on_every_page_until_a_build_is_published(
        server_on, tab, built_db):
    """One server, started with no database: every page says what is wrong and how to put it right, while the
    file is missing, then not a database at all, then a build cut short; once a build is published at that
    path, a reload shows the dashboard without restarting the server."""
    page, errors = tab
    url, db_path = server_on(lambda path: None)
    states = (("missing-database", lambda path: None, "has not been built", BUILD_WORDS),
              ("not-a-database", not_a_database, "cannot be read", REBUILD_WORDS),
              ("cut-short-database", cut_short(built_db), "cannot be read", REBUILD_WORDS))
    for name, prepare, expected, hint in states:
        prepare(db_path)
        check_every_page_explains(page, errors, url, expected, hint, name)
    publish_copy(built_db, db_path)
    check_dashboard_works_again(page, errors, url)


# --- two editors and a submission on a real server while the database is rebuilt -------------------------

EDITORS = {"aydin": "Aydın K.", "gulnara": "Gulnara S."}
PASSWORD = "fault test password"
SUBMISSION = PROJECT_ROOT / "tests" / "fixtures" / "submissions" / "good_bom_crlf.csv"
# What DuckDB says when two writers or a reader and a writer collide, and a Python error escaping.
LOCK_WORDS = ("Could not set lock", "Conflicting lock", "lock on file", "is locked", "is busy", "Traceback")


@pytest.fixture
def rebuildable_dashboard(tmp_path, built_db):
    """A server on a build of its own (a copy of the session's, rebuilt during the test), with two editors."""
    from app import auth
    db_path = tmp_path / "db" / "current.duckdb"
    publish_copy(built_db, db_path)
    for username, name in EDITORS.items():
        auth.add_editor(username, PASSWORD, name, path=tmp_path / "secrets.toml")
    server = Server(PROJECT_ROOT / "dashboard.py", server_env(db_path, tmp_path), tmp_path / "streamlit.log")
    try:
        yield server.url, db_path, tmp_path / "streamlit.log"
    finally:
        server.stop()


def sign_in(page, username: str) -> None:
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_label("Username").fill(username)
    sidebar.get_by_label("Password", exact=True).fill(PASSWORD)
    sidebar.get_by_role("button", name="Sign in").click()
    sidebar.get_by_text(f"Signed in as {EDITORS[username]}").wait_for()
    wait_until_idle(page)


def open_cell_as(context, url: str, username: str):
    """A tab signed in as `username` at Kazakhstan's cell of the first measure. Signing in belongs to the
    Streamlit session, not to cookies, so each tab of one context is an editor of its own."""
    page = context.new_page()
    page.set_viewport_size({"width": 1280, "height": 2000})
    page.set_default_timeout(60_000)
    open_page(page, f"{url}/measures?measure=M1-STAY&cell=KAZ")
    sign_in(page, username)
    return page


def fill_status(page, status: str, source: str) -> None:
    form = page.locator('[data-testid="stMain"] [data-testid="stForm"]').first
    form.locator('[data-testid="stSelectbox"] button[aria-haspopup="listbox"]').click()
    page.get_by_role("option", name=status, exact=True).click()
    form.get_by_role("textbox", name="Source").fill(source)
    form.get_by_role("button", name="Save status").click()


def assert_nothing_broke(page, where: str) -> None:
    assert_no_errors(page)
    text = page.locator('[data-testid="stMain"]').inner_text()
    assert not any(word in text for word in LOCK_WORDS), f"{where}: {text[:800]}"
    assert "could not be drawn" not in text, where


def test_two_editors_and_a_submission_during_a_rebuild_on_a_real_server(rebuildable_dashboard, shared_context):
    url, db_path, log_path = rebuildable_dashboard
    tabs = []
    try:
        # Both editors open the same cell (each form is based on the status shown: "agreed").
        editor_a = open_cell_as(shared_context, url, "aydin")
        tabs.append(editor_a)
        editor_b = open_cell_as(shared_context, url, "gulnara")
        tabs.append(editor_b)
        submitter = open_cell_as(shared_context, url, "aydin")
        tabs.append(submitter)
        submitter.get_by_test_id("stSidebarNav").get_by_text("Submit figures", exact=True).click()
        submitter.locator('[data-testid="stFileUploader"]').wait_for()
        wait_until_idle(submitter)

        # The rebuild runs (and publishes, after a short hold) while they save.
        env = dict(os.environ, OTS_ETL_TEST_PAUSE="2")
        rebuild = subprocess.Popen([sys.executable, "-m", "etl", "build", "--db", str(db_path)],
                                   cwd=str(PROJECT_ROOT), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

        fill_status(editor_a, "implemented", "Letter of the Migration Service of Kazakhstan, 2 March 2021")
        editor_a.get_by_text("Saved: Kazakhstan is now “implemented” for this measure.").wait_for()

        submitter.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
            files=[{"name": "kazakhstan_2025.csv", "mimeType": "text/csv", "buffer": SUBMISSION.read_bytes()}])
        load = submitter.get_by_role("button", name=re.compile(r"^Load \d+ figures"))
        load.wait_for()
        wait_until_idle(submitter)
        load.click()
        submitter.get_by_text("figures loaded", exact=False).wait_for()

        fill_status(editor_b, "in progress", "Note of the Ministry of Internal Affairs, 3 March 2021")
        editor_b.get_by_text("changed while you were editing", exact=False).wait_for()

        output = rebuild.communicate(timeout=180)[0].decode(errors="replace")
        assert rebuild.returncode == 0, output
        for page, where in ((editor_a, "editor A"), (editor_b, "editor B"), (submitter, "submitter")):
            wait_until_idle(page)
            assert_nothing_broke(page, where)

        # On the new build: the accepted status is current, the refused one is not, the figures are there.
        open_page(editor_b, f"{url}/measures?measure=M1-STAY&cell=KAZ")
        assert matrix_cell(editor_b, "Longer stay allowed", "Kazakhstan") == "implemented"
        assert_nothing_broke(editor_b, "editor B after the rebuild")
        open_page(submitter, f"{url}/data")
        assert "2025" in coverage_cell(submitter, "Kazakhstan", "Submitted figures")
        assert_nothing_broke(submitter, "Data page after the rebuild")
        assert "Traceback" not in log_path.read_text()
    finally:
        for tab in tabs:
            tab.close()
