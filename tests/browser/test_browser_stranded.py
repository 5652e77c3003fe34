"""The Stranded citizens page in a real browser: map, ranking and timeline draw, offline, from a link."""
from urllib.parse import urlparse

import pytest

from tests.browser.conftest import assert_no_errors, choose_section, open_page, screenshot, wait_for_charts

pytestmark = pytest.mark.browser
TALL = {"width": 1280, "height": 5200}  # Streamlit scrolls inside the page: a tall window shows it all


def test_stranded_page_draws_everything_offline(dashboard_url, page):
    requested: list[str] = []
    failed: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    # Streamlit first probes /<page>/_stcore/... (404) before the root; only other failures count.
    page.on("response", lambda response: failed.append(response.url)
            if response.status >= 400 and "/_stcore/" not in response.url else None)
    page.set_viewport_size(TALL)
    # The map asks for the country shapes itself, after its canvas exists: wait for that request, from
    # the project's own server, rather than reading the requests as soon as the canvas shows.
    with page.expect_request(lambda request: request.url.endswith("/app/static/countries.geojson"),
                             timeout=60_000):
        open_page(page, f"{dashboard_url}/stranded")
        wait_for_charts(page, deck=1)
    assert_no_errors(page)
    host = urlparse(dashboard_url).netloc
    outside = [url for url in requested if urlparse(url).scheme in ("http", "https") and urlparse(url).netloc != host]
    assert outside == []
    assert failed == []
    assert page.get_by_text("at least 2,750,000 persons").count() >= 1
    screenshot(page, "stranded-default", full_page=True)
    for label, key in (("Latest figures", "ranking"), ("Timeline", "timeline")):
        choose_section(page, label, key)
        wait_for_charts(page, plotly=1)
        assert_no_errors(page)
        screenshot(page, f"stranded-{key}", full_page=True)
    choose_section(page, "Figures and sources", "table")
    # The table's component loads lazily (a skeleton first): wait for the grid itself.
    page.wait_for_function("() => document.querySelectorAll('[data-testid=\"stDataFrame\"]').length === 1")
    assert failed == []


def test_stranded_link_opens_the_same_view(dashboard_url, page):
    page.set_viewport_size(TALL)
    open_page(page, f"{dashboard_url}/stranded?nationality=KGZ&kind=stranded,repatriated&section=ranking")
    wait_for_charts(page, plotly=1)
    assert_no_errors(page)
    assert page.get_by_text("at least 11,784").count() >= 1
    assert page.get_by_text("Uzbekistan citizens").count() == 0
    screenshot(page, "stranded-kyrgyzstan", full_page=True)


def test_the_map_downloads_as_png(dashboard_url, page):
    page.set_viewport_size(TALL)
    open_page(page, f"{dashboard_url}/stranded?nationality=KGZ")
    wait_for_charts(page, deck=1)
    button = page.get_by_role("button", name="Download PNG").first
    with page.expect_download(timeout=120_000) as download:
        button.click()
    path = download.value.path()
    content = open(path, "rb").read()
    assert content[:8] == b"\x89PNG\r\n\x1a\n"
    assert download.value.suggested_filename == "stranded-map.png"
    assert_no_errors(page)
