"""Real-browser fixtures: the dashboard served on a free loopback port, driven by the system Chromium.

Nothing is downloaded: Playwright launches `/usr/bin/chromium` (see STACK.md), the
server runs with the flags STACK.md lists, and it reads the database the ETL built
for this test session (`built_db`) with a store and secrets file of its own.

Helpers for tests:
- `open_page(page, url)` navigates and waits until the script has finished running;
- `wait_for_charts(page, plotly=n, deck=m)` waits until n plotly charts and m maps have drawn;
- `assert_no_errors(page)` fails on an exception element or a "Page not found" dialog;
- `screenshot(page, name)` saves `tests/screenshots/<name>.png` (gitignored);
- `matrix_cell(page, measure, state)` reads a cell of the measures matrix as the reader sees it.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from urllib.parse import urlparse
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
SCREENSHOTS = PROJECT_ROOT / "tests" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 720}
SERVER_START_TIMEOUT = 90.0
RUN_TIMEOUT_MS = 60_000

PLOTLY_PLACED = '[data-testid="stPlotlyChart"]'
DECK_PLACED = '[data-testid="stDeckGlJsonChart"]'
APP_IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
# Idle with something drawn: a run that stopped at once to rerun (the first visit after a server start
# does, see app/__init__.py) leaves the page empty and idle for a moment.
APP_IDLE_WITH_CONTENT = ('[data-testid="stApp"][data-test-script-state="notRunning"] '
                         '[data-testid="stMain"] [data-testid="stElementContainer"]')


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def streamlit_command(script: Path, port: int) -> list[str]:
    """The command that serves `script` headless on a loopback port (flags from STACK.md)."""
    return [
        sys.executable, "-m", "streamlit", "run", str(script),
        "--server.headless=true",
        "--server.address=127.0.0.1",
        f"--server.port={port}",
        "--browser.gatherUsageStats=false",
        "--server.fileWatcherType=none",
    ]


def wait_for_health(url: str, process: subprocess.Popen, log_path: Path,
                    timeout: float = SERVER_START_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {process.returncode}:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.25)
    raise RuntimeError(f"streamlit did not answer /_stcore/health within {timeout:.0f} s:\n{log_path.read_text()}")


def stop_process(process: subprocess.Popen) -> None:
    """Stop a server we started (its own process group, by pid), politely then firmly."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=10)


class Server:
    """A Streamlit server process started for tests or benchmarks; always stop it with `.stop()`."""

    def __init__(self, script: Path, env: dict[str, str], log_path: Path, cwd: Path = PROJECT_ROOT):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self._log = open(log_path, "w")
        self.process = subprocess.Popen(
            streamlit_command(script, self.port), cwd=str(cwd), env=env,
            stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            wait_for_health(self.url, self.process, log_path)
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        try:
            stop_process(self.process)
        finally:
            self._log.close()


def server_env(db_path: Path, folder: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["OTS_DB_PATH"] = str(db_path)
    env["OTS_STATE_PATH"] = str(folder / "state" / "app_state.sqlite3")
    env["OTS_SECRETS_PATH"] = str(folder / "secrets.toml")
    env.setdefault("BROWSER_PATH", CHROMIUM)
    return env


@pytest.fixture(scope="session")
def dashboard_url(built_db, tmp_path_factory):
    """The dashboard served from this checkout, reading the session's built database."""
    folder = tmp_path_factory.mktemp("dashboard")
    server = Server(PROJECT_ROOT / "dashboard.py", server_env(built_db, folder), folder / "streamlit.log")
    try:
        yield server.url
    finally:
        server.stop()


def launch_browser(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_browser(playwright)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def shared_context(browser):
    """One browser context for the tests that need no other: its HTTP cache keeps Streamlit's scripts, which a
    new context fetches and compiles again (about 0.4 s a page)."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def page(shared_context):
    """A new tab per test, 1280×720; cookies and storage are cleared after it, so no test sees another's (each
    tab is a new Streamlit session). Tests that need browsers apart (two editors) make contexts of their own."""
    tab = shared_context.new_page()
    tab.set_default_timeout(RUN_TIMEOUT_MS)
    try:
        yield tab
    finally:
        tab.close()
        shared_context.clear_cookies()
        shared_context.clear_permissions()


def wait_until_idle(page, timeout_ms: int = RUN_TIMEOUT_MS, settle_ms: int = 300) -> None:
    """Wait until Streamlit's script run has finished (the app element reports notRunning) and stays so.

    A run can end and a rerun start right after (a page that reruns itself, a widget writing the URL),
    so "notRunning" must hold for `settle_ms` before the page counts as idle.
    """
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        remaining = max(1, int((deadline - time.monotonic()) * 1000))
        page.wait_for_selector(APP_IDLE_WITH_CONTENT, state="attached", timeout=remaining)
        page.wait_for_timeout(settle_ms)
        if page.locator(APP_IDLE).count() == 1 and page.locator(APP_IDLE_WITH_CONTENT).count() > 0:
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"{page.url} kept rerunning for {timeout_ms} ms")


def open_page(page, url: str, timeout_ms: int = RUN_TIMEOUT_MS) -> None:
    """Navigate to `url` and wait until the app has run the page's script to the end."""
    page.goto(url, wait_until="domcontentloaded", timeout=timeout_ms)
    wait_for_run(page, timeout_ms)


def wait_for_run(page, timeout_ms: int = RUN_TIMEOUT_MS) -> None:
    """Wait until the app in `page` (navigated already) has run its script to the end."""
    # The app element appears before the first run starts; give the run a moment to begin,
    # then wait for it to end.
    page.wait_for_selector('[data-testid="stApp"]', state="attached", timeout=timeout_ms)
    page.wait_for_function(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            return app && app.getAttribute('data-test-script-state') === 'notRunning'
                && document.querySelector('[data-testid="stMain"], section.main, [data-testid="stAppViewContainer"]');
        }""",
        timeout=timeout_ms,
    )
    wait_until_idle(page, timeout_ms)


def wait_for_url(page, path: str, **params: str) -> None:
    """Wait until the address shows `path` with `params` in its query string, then until the app is idle.

    A click in the navigation changes the path at once but the query string only when the new page's
    run has put the bound widgets back; on a loaded machine that run may start after the idle check.
    """
    page.wait_for_function(
        """([path, params]) => {
            const query = new URLSearchParams(location.search);
            return location.pathname.endsWith(path)
                && Object.entries(params).every(([name, value]) => query.get(name) === value);
        }""", arg=[path, params], timeout=RUN_TIMEOUT_MS)
    wait_until_idle(page)


def choose_section(page, label: str, key: str) -> None:
    """Pick one section of a page shown one section at a time (the radio above the sections), as a reader
    does, and wait until the address names it and its run has finished."""
    page.locator('[data-testid="stMain"] [data-testid="stRadio"] label').filter(has_text=label).first.click()
    wait_for_url(page, urlparse(page.url).path, section=key)


def wait_for_charts(page, plotly: int = 0, deck: int = 0, timeout_ms: int = RUN_TIMEOUT_MS) -> None:
    """Wait until at least `plotly` plotly charts and `deck` pydeck maps have drawn (not just been placed)."""
    page.wait_for_function(
        """([plotly, deck]) => {
            const drawn = (selector, inner) => [...document.querySelectorAll(selector)]
                .filter(element => element.querySelector(inner)).length;
            return drawn('[data-testid="stPlotlyChart"]', '.js-plotly-plot .main-svg') >= plotly
                && drawn('[data-testid="stDeckGlJsonChart"]', 'canvas') >= deck;
        }""",
        arg=[plotly, deck],
        timeout=timeout_ms,
    )


def count_charts(page, timeout_ms: int = RUN_TIMEOUT_MS) -> tuple[int, int]:
    """How many plotly charts and pydeck maps the page laid out.

    Their code loads lazily: until it has, an element shows a skeleton instead of its own container, so
    wait for the skeletons to go before counting.
    """
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stSkeleton\"]')", timeout=timeout_ms)
    return (page.locator(PLOTLY_PLACED).count(), page.locator(DECK_PLACED).count())


def assert_no_errors(page) -> None:
    """No exception element and no "Page not found" dialog."""
    exceptions = page.locator('[data-testid="stException"]')
    assert exceptions.count() == 0, f"exception on {page.url}: {exceptions.first.inner_text()[:2000]}"
    not_found = page.get_by_text("Page not found")
    assert not_found.count() == 0, f"'Page not found' on {page.url}"


def screenshot(page, name: str, full_page: bool = False, max_height: int = 9000) -> Path:
    """Save a screenshot under tests/screenshots/ and return its path.

    Streamlit scrolls inside its main element, not the document, so a whole page is captured by making the
    viewport as tall as the content for the shot, then putting it back.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    if not full_page:
        page.screenshot(path=str(path))
        return path
    viewport = page.viewport_size
    height = page.evaluate("""() => {
        const main = document.querySelector('[data-testid="stMain"]');
        return main ? main.scrollHeight : document.body.scrollHeight;
    }""")
    page.set_viewport_size({"width": viewport["width"], "height": min(max(height, viewport["height"]), max_height)})
    page.wait_for_timeout(500)  # charts redraw at the new size
    try:
        page.screenshot(path=str(path))
    finally:
        page.set_viewport_size(viewport)
    return path


# A cell of the Agreed measures matrix as a reader finds it: the column under the state's name, the row
# beside the measure's title, and the word written in the cell where they cross. The chart is found by its
# key (Streamlit writes `st-key-<key>` on the element), never by its place among the page's charts: the
# page's charts are drawn in whatever order the browser gets to them, so "the first plotly chart" was the
# timeline on a slower machine.
MATRIX_SELECTOR = ".st-key-chart_measures_matrix .js-plotly-plot"
MATRIX_CELL_SEEN = """([selector, measure, state]) => {
    const chart = document.querySelector(selector);
    if (!chart) return null;
    const squash = text => text.replace(/\\s+/g, '');
    const centre = element => {
        const box = element.getBoundingClientRect();
        return [box.left + box.width / 2, box.top + box.height / 2];
    };
    const column = [...chart.querySelectorAll('.xtick text')].find(label => label.textContent.trim() === state);
    // A long title wraps onto two lines (tspans with no space between them) and may end in an ellipsis.
    const row = [...chart.querySelectorAll('.ytick text')]
        .find(label => squash(label.textContent).startsWith(squash(measure)));
    if (!column || !row) return null;
    const [x] = centre(column);
    const [, y] = centre(row);
    const cell = [...chart.querySelectorAll('.heatmap-label')].find(label => {
        const [labelX, labelY] = centre(label);
        return Math.abs(labelX - x) < 12 && Math.abs(labelY - y) < 12;
    });
    return cell ? cell.textContent : '';
}"""


def matrix_cell(page, measure_title: str, state: str, timeout_ms: int = RUN_TIMEOUT_MS) -> str | None:
    """The status written in the matrix cell of `measure_title` (its beginning) and `state` ('' for a blank
    cell, None if the row or column is not shown), once the matrix itself has drawn."""
    page.locator(f"{MATRIX_SELECTOR} .main-svg").first.wait_for(state="attached", timeout=timeout_ms)
    page.locator(f"{MATRIX_SELECTOR} .heatmap-label").first.wait_for(state="attached", timeout=timeout_ms)
    return page.evaluate(MATRIX_CELL_SEEN, [MATRIX_SELECTOR, measure_title, state])


def coverage_cell(page, country: str, column_heading: str) -> str:
    """The Data page's coverage table, read as a reader does: the row of `country`, the column whose heading
    starts with `column_heading` (columns come and go with the data sets, so never by position)."""
    coverage = page.locator("table.ots-coverage")
    coverage.wait_for()
    headings = [text.strip() for text in coverage.locator("th").all_inner_texts()]
    column = next(n for n, heading in enumerate(headings) if heading.startswith(column_heading))
    cells = coverage.locator("tr", has_text=country).first.locator("th, td").all_inner_texts()
    return cells[column]
