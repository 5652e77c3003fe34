"""The Labour migration and remittances page in a real browser: every chart draws, offline, from a link."""
from urllib.parse import urlparse

import pytest

from tests.browser.conftest import assert_no_errors, open_page, screenshot, wait_for_charts

pytestmark = pytest.mark.browser
TALL = {"width": 1280, "height": 5600}  # Streamlit scrolls inside the page: a tall window shows it all


def test_labour_page_draws_every_chart_offline(dashboard_url, page):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.set_viewport_size(TALL)
    open_page(page, f"{dashboard_url}/labour")
    wait_for_charts(page, plotly=5)
    assert_no_errors(page)
    host = urlparse(dashboard_url).netloc
    assert [u for u in requested if urlparse(u).scheme in ("http", "https") and urlparse(u).netloc != host] == []
    assert page.get_by_text("not reported", exact=True).count() >= 1  # Turkmenistan, never 0
    assert page.locator(".sankey").count() == 1
    screenshot(page, "labour-default", full_page=True)


def test_labour_link_opens_the_same_view(dashboard_url, page):
    page.set_viewport_size(TALL)
    open_page(page, f"{dashboard_url}/labour?measure=usd&countries=KGZ,UZB&corridor=TKM&kind=permits")
    wait_for_charts(page, plotly=5)
    assert_no_errors(page)
    assert page.get_by_text("Kazakh work permits cover only the quota", exact=False).count() >= 1
    screenshot(page, "labour-usd-permits", full_page=True)
