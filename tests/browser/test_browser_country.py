"""The Country profiles page in a real browser: a link opens one country's profile with every chart drawn."""
from urllib.parse import urlparse

import pytest

from tests.browser.conftest import assert_no_errors, choose_section, open_page, screenshot, wait_for_charts

pytestmark = pytest.mark.browser
TALL = {"width": 1280, "height": 3000}  # Streamlit scrolls inside the page: a tall window shows it all
# The sections after the first (label, key in ?section=, charts drawn).
SECTIONS = (("Origins and destinations", "partners", 2), ("With the OTS states", "corridors", 1),
            ("Remittances", "remittances", 2), ("Remittance corridors", "remittance_corridors", 2),
            ("Refugees", "refugees", 3), ("Reported figures and measures", "reported", 0))


def test_a_link_opens_that_countrys_profile_offline(dashboard_url, page):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.set_viewport_size(TALL)
    open_page(page, f"{dashboard_url}/country?country=KGZ")
    wait_for_charts(page, plotly=1)
    assert_no_errors(page)
    host = urlparse(dashboard_url).netloc
    assert [u for u in requested if urlparse(u).scheme in ("http", "https") and urlparse(u).netloc != host] == []
    assert page.get_by_role("heading", name="Kyrgyzstan").count() >= 1
    assert page.get_by_text("20.4% of GDP", exact=False).count() >= 1  # 2023, the latest WDI vintage
    screenshot(page, "country-kyrgyzstan", full_page=True)
    for label, key, charts in SECTIONS:
        choose_section(page, label, key)
        wait_for_charts(page, plotly=charts)
        assert_no_errors(page)
        assert page.get_by_role("heading", name="Kyrgyzstan").count() >= 1  # the same country throughout
        screenshot(page, f"country-kyrgyzstan-{key}", full_page=True)
    # reported figures and measures; the tables' component loads lazily (a skeleton first)
    page.wait_for_function("() => document.querySelectorAll('[data-testid=\"stDataFrame\"]').length === 2")


def test_turkmenistan_reads_not_reported(dashboard_url, page):
    page.set_viewport_size(TALL)
    open_page(page, f"{dashboard_url}/country?country=TKM&section=remittances")
    assert_no_errors(page)
    assert page.get_by_text("not reported", exact=True).count() >= 1
    screenshot(page, "country-turkmenistan", full_page=True)


def test_a_country_without_data_says_so(dashboard_url, page):
    open_page(page, f"{dashboard_url}/country?country=ATA")
    assert_no_errors(page)
    assert page.get_by_text("holds no migration", exact=False).count() == 1
    screenshot(page, "country-no-data")
