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
         "measures": "measures", "country": "country", "data": "data", "submit": "submit"}
# What each page of this issue must draw at least (other pages: whatever they lay out must draw).
AT_LEAST = {"": (1, 0), "migration": (1, 1)}
LANGUAGES = [code.strip() for code in os.environ.get("OTS_PAGE_LANGUAGES", "en").split(",") if code.strip()]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("path", list(PATHS))
def test_page_opens_in_browser(dashboard_url, page, path, language):
    open_page(page, f"{dashboard_url}/{path}" + (f"?lang={language}" if language != "en" else ""))
    assert_no_errors(page)
    # Every chart and map the page laid out must have drawn, not just been placed.
    plotly, deck = count_charts(page)
    least_plotly, least_deck = AT_LEAST.get(path, (0, 0))
    assert plotly >= least_plotly and deck >= least_deck, (plotly, deck)
    wait_for_charts(page, plotly=plotly, deck=deck)
    assert_no_errors(page)
    screenshot(page, f"page-{PATHS[path]}" + (f"-{language}" if language != "en" else ""), full_page=True)


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


def test_migration_map_draws_offline(dashboard_url, page):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    # The country shapes are fetched by the map itself, after its canvas exists: wait for that request.
    with page.expect_request(lambda request: request.url.endswith("/app/static/countries.geojson"),
                             timeout=60_000):
        open_page(page, f"{dashboard_url}/migration")
        wait_for_charts(page, plotly=1, deck=1)
    page.wait_for_timeout(1000)
    outside = [url for url in requests if not url.startswith(dashboard_url) and not url.startswith("data:")
               and not url.startswith("blob:")]
    assert outside == []
    map_box = page.locator('[data-testid="stDeckGlJsonChart"]').first
    map_box.scroll_into_view_if_needed()
    map_box.screenshot(path=str(screenshot(page, "migration-map-page").parent / "migration-map.png"))
    screenshot(page, "migration-full", full_page=True)


@pytest.mark.parametrize("path, title", [("migration", "Stocks and flows"), ("data", "Data and sources")])
def test_first_visit_to_a_deep_link_gets_the_whole_app(built_db, tmp_path, page, path, title):
    """A fresh server whose first visitor opens a page link must still run through dashboard.py."""
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
