"""The Labour migration and remittances page in a real browser: every section draws, offline, from a link."""
from urllib.parse import urlparse

import pytest

from tests.browser.conftest import assert_no_errors, choose_section, open_page, screenshot, wait_for_charts

pytestmark = pytest.mark.browser
TALL = {"width": 1280, "height": 3000}  # Streamlit scrolls inside the page: a tall window shows it all
# Each section's label and key (?section=), and the charts it draws.
SECTIONS = (("Remittances over time", "remittances", 1), ("Most dependent economies", "dependence", 1),
            ("Remittance corridors", "corridors", 2), ("Labour migration as reported", "labour", 1))


def test_labour_page_draws_every_section_offline(dashboard_url, page):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.set_viewport_size(TALL)
    open_page(page, f"{dashboard_url}/labour")
    wait_for_charts(page, plotly=1)
    assert page.get_by_text("not reported", exact=True).count() >= 1  # Turkmenistan, never 0
    screenshot(page, "labour-default", full_page=True)
    for label, key, charts in SECTIONS[1:]:
        choose_section(page, label, key)
        wait_for_charts(page, plotly=charts)
        assert_no_errors(page)
        screenshot(page, f"labour-{key}", full_page=True)
        if key == "corridors":
            assert page.locator(".sankey").count() == 1
    host = urlparse(dashboard_url).netloc
    assert [u for u in requested if urlparse(u).scheme in ("http", "https") and urlparse(u).netloc != host] == []


def test_labour_link_opens_the_same_view(dashboard_url, page):
    page.set_viewport_size(TALL)
    open_page(page, f"{dashboard_url}/labour?section=labour&measure=usd&countries=KGZ,UZB&corridor=TKM&kind=permits")
    wait_for_charts(page, plotly=1)
    assert_no_errors(page)
    assert page.get_by_text("Kazakh work permits cover only the quota", exact=False).count() >= 1
    screenshot(page, "labour-usd-permits", full_page=True)
