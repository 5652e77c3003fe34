"""Every page in the navigation opens in a real browser, draws its charts and map, and shows no error."""
import pytest

from tests.browser.conftest import assert_no_errors, count_charts, open_page, screenshot, wait_for_charts

pytestmark = pytest.mark.browser

# url path -> screenshot name; "" is the default page (the briefing), served at "/".
PATHS = {"": "briefing", "migration": "migration", "stranded": "stranded", "labour": "labour",
         "measures": "measures", "country": "country", "data": "data", "submit": "submit"}


@pytest.mark.parametrize("path", list(PATHS))
def test_page_opens_in_browser(dashboard_url, page, path):
    open_page(page, f"{dashboard_url}/{path}")
    assert_no_errors(page)
    # Every chart and map the page laid out must have drawn, not just been placed.
    plotly, deck = count_charts(page)
    wait_for_charts(page, plotly=plotly, deck=deck)
    assert_no_errors(page)
    screenshot(page, f"page-{PATHS[path]}", full_page=True)
