"""Every page in the navigation opens in a real browser, draws its charts and map, and shows no error;
the briefing's presentation mode and the migration map are looked at closely.

The pages are opened in English; `OTS_PAGE_LANGUAGES=en,ru,tr` opens each in those languages too (the
screenshots, `page-<name>-<language>.png`, are for looking at what a Russian or Turkish reader sees).
"""
import os
from urllib.parse import urlparse

import pytest

from tests.browser.conftest import (PROJECT_ROOT, Server, assert_no_errors, count_charts, open_page, screenshot,
                                    server_env, wait_for_charts, wait_for_url)

pytestmark = pytest.mark.browser

# url path -> screenshot name; "" is the default page (the briefing), served at "/".
PATHS = {"": "briefing", "migration": "migration", "stranded": "stranded", "labour": "labour",
         "measures": "measures", "country": "country", "data": "data", "submit": "submit",
         "world": "world"}
# What each page of this issue must draw at least (other pages: whatever they lay out must draw).
AT_LEAST = {"": (1, 0), "migration": (1, 1)}
LANGUAGES = [code.strip() for code in os.environ.get("OTS_PAGE_LANGUAGES", "en").split(",") if code.strip()]


MAP_SHAPES = "/app/static/countries.geojson"  # fetched by the migration map itself, after its canvas exists


def requests_outside(requests: list[str], server_url: str) -> list[str]:
    return [url for url in requests if not url.startswith((server_url, "data:", "blob:"))]


def wait_for_request(page, requests: list[str], ending: str, timeout_ms: int = 60_000) -> None:
    """Wait until the page has asked for a URL ending in `ending` (perhaps already: `requests` holds all)."""
    for _ in range(timeout_ms // 100):
        if any(url.endswith(ending) for url in requests):
            return
        page.wait_for_timeout(100)  # lets Playwright deliver the page's events meanwhile
    raise AssertionError(f"the page never asked for {ending}: {requests}")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("path", list(PATHS))
def test_page_opens_in_browser_offline(dashboard_url, page, path, language):
    """The page runs without an error, every chart and map it laid out draws, and nothing is fetched from
    outside the dashboard's own server (the meeting room may have no internet)."""
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    open_page(page, f"{dashboard_url}/{path}" + (f"?lang={language}" if language != "en" else ""))
    assert_no_errors(page)
    # Every chart and map the page laid out must have drawn, not just been placed.
    plotly, deck = count_charts(page)
    least_plotly, least_deck = AT_LEAST.get(path, (0, 0))
    assert plotly >= least_plotly and deck >= least_deck, (plotly, deck)
    wait_for_charts(page, plotly=plotly, deck=deck)
    if path == "migration":  # the shapes came from the dashboard's own server, not from a tile service
        wait_for_request(page, requests, MAP_SHAPES)
    assert_no_errors(page)
    if path == "migration" and language == "en":
        map_box = page.locator('[data-testid="stDeckGlJsonChart"]').first
        map_box.scroll_into_view_if_needed()
        map_box.screenshot(path=str(screenshot(page, "migration-map-page").parent / "migration-map.png"))
    screenshot(page, f"page-{PATHS[path]}" + (f"-{language}" if language != "en" else ""), full_page=True)
    assert requests_outside(requests, dashboard_url) == []


def test_navigation_groups_and_language_switch_are_in_the_sidebar(dashboard_url, page):
    open_page(page, f"{dashboard_url}/")
    sidebar = page.locator('[data-testid="stSidebar"]')
    for group in ("Overview", "Migration", "Cooperation", "Data"):
        assert sidebar.get_by_text(group, exact=True).count() >= 1
    assert sidebar.get_by_text("Stocks and flows").count() == 1
    # The language switch shows the languages' names; the one that keeps ?lang= in the address is hidden.
    switch = sidebar.locator(".st-key-language_choice input")
    assert switch.input_value() == "English"
    assert sidebar.locator(".st-key-language_in_address").is_hidden()
    assert page.title() == "Briefing · OTS Migration Dashboard"


PRESENTED_TOPICS = 7  # six topics, then the meeting


def test_presentation_fits_a_shared_screen_topic_after_topic(dashboard_url, page):
    """The chair steps through every topic with Next and back with Previous: each fits a 1280×720 shared screen
    (nothing below the fold) with no sidebar; one page load, then a rerun per topic as in a meeting."""
    open_page(page, f"{dashboard_url}/?present=1&topic=0")
    headings = []
    for topic in range(PRESENTED_TOPICS):
        if topic:
            page.get_by_role("button", name="Next").click()
            wait_for_url(page, urlparse(page.url).path, present="1", topic=str(topic))
        assert_no_errors(page)
        plotly, _ = count_charts(page)
        wait_for_charts(page, plotly=plotly)
        assert page.locator('[data-testid="stSidebar"]').is_hidden()
        overflow = page.evaluate("""() => {
            const main = document.querySelector('[data-testid="stMain"]');
            return main.scrollHeight - main.clientHeight;
        }""")
        assert overflow <= 8, f"topic {topic} is {overflow}px taller than the screen"
        headings.append(page.locator("h3").first.inner_text())
        screenshot(page, f"briefing-present-{topic}")
    assert len(set(headings)) == PRESENTED_TOPICS, headings
    page.get_by_role("button", name="Previous").click()
    wait_for_url(page, urlparse(page.url).path, present="1", topic=str(PRESENTED_TOPICS - 2))
    assert page.locator("h3").first.inner_text() == headings[-2]


@pytest.mark.parametrize("path, title", [("migration", "Stocks and flows"), ("data", "Data and sources")])
def test_first_visit_to_a_deep_link_gets_the_whole_app(built_db, tmp_path, page, path, title):
    """A fresh server whose first visitor opens a page link must still run it through dashboard.py.
    (One visitor a server: two first visitors at the same moment are not yet handled, see app/__init__.py.)"""
    server = Server(PROJECT_ROOT / "dashboard.py", server_env(built_db, tmp_path), tmp_path / "streamlit.log")
    try:
        open_page(page, f"{server.url}/{path}")
        sidebar = page.locator('[data-testid="stSidebar"]')
        assert sidebar.get_by_text(title).count() == 1
        assert page.get_by_text("Page not found").count() == 0
        assert sidebar.get_by_text("dashboard", exact=True).count() == 0
        assert_no_errors(page)
    finally:
        server.stop()


def test_make_run_serves_the_dashboard_with_the_first_page_warmed(built_db, tmp_path, page):
    """`make run` serves serve.py (the dashboard behind Streamlit's App, the Briefing's caches filled before
    the server answers): the server starts, and its first visitor gets the Briefing with the navigation."""
    server = Server(PROJECT_ROOT / "serve.py", server_env(built_db, tmp_path), tmp_path / "streamlit.log")
    try:
        open_page(page, f"{server.url}/")
        assert_no_errors(page)
        assert page.locator('[data-testid="stSidebar"]').get_by_text("Stocks and flows").count() == 1
        assert page.title() == "Briefing · OTS Migration Dashboard"
    finally:
        server.stop()
