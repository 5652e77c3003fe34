"""In a real browser: an editor signs in, records a status, and the matrix shows it."""
from __future__ import annotations

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from app import auth
from tests.browser.conftest import (PROJECT_ROOT, Server, assert_no_errors, matrix_cell, open_page, screenshot,
                                    server_env, wait_for_charts, wait_until_idle)

pytestmark = pytest.mark.browser

PASSWORD = "browser test password"
NOTE = '<script>window.__measures_xss = 1</script><img src=x onerror="window.__measures_xss = 2"> Decree in force'
@pytest.fixture(scope="module")
def editor_dashboard(built_db, tmp_path_factory):
    """A dashboard of its own (own store, own secrets file with one editor), so edits stay in this module."""
    folder = tmp_path_factory.mktemp("measures_dashboard")
    auth.add_editor("secretariat.editor", PASSWORD, "Secretariat Editor", path=folder / "secrets.toml")
    server = Server(PROJECT_ROOT / "dashboard.py", server_env(built_db, folder), folder / "streamlit.log")
    try:
        yield server.url
    finally:
        server.stop()


def choose_option(page, selectbox, option_name: str, attempts: int = 5) -> None:
    """Open a selectbox and pick an option; a rerun landing just after the click closes the list, so retry."""
    option = page.get_by_role("option", name=option_name, exact=True)
    for _attempt in range(attempts):
        selectbox.scroll_into_view_if_needed()
        selectbox.click()
        try:
            option.wait_for(timeout=5_000)
            break
        except PlaywrightTimeoutError:
            wait_until_idle(page)
    option.click()


def test_editor_records_a_status_and_the_matrix_changes(editor_dashboard, page):
    open_page(page, f"{editor_dashboard}/measures?measure=M1-STAY&cell=KAZ")
    assert page.locator('[data-testid="stSidebar"] .st-key-language_choice').count() == 1  # the language switch
    wait_for_charts(page, plotly=3)
    assert_no_errors(page)
    assert matrix_cell(page, "Longer stay allowed", "Kazakhstan") == "agreed"
    main = page.locator('[data-testid="stMain"]')
    assert main.get_by_text("Sign in as a Secretariat editor").count() == 1
    assert main.get_by_role("button", name="Save status").count() == 0
    screenshot(page, "measures-1-reader", full_page=True)

    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_label("Username").fill("secretariat.editor")
    sidebar.get_by_label("Password", exact=True).fill(PASSWORD)
    sidebar.get_by_role("button", name="Sign in").click()
    sidebar.get_by_text("Signed in as Secretariat Editor").wait_for()
    wait_until_idle(page)

    form = main.locator('[data-testid="stForm"]').first
    choose_option(page, form.locator('[data-testid="stSelectbox"]').first, "implemented")
    form.get_by_role("textbox", name="Source").fill("Letter of the Migration Service of Kazakhstan, 2 March 2021")
    form.get_by_role("textbox", name="Note").fill(NOTE)
    screenshot(page, "measures-2-editor-form", full_page=True)
    form.get_by_role("button", name="Save status").click()
    main.get_by_text("Saved: Kazakhstan is now “implemented” for this measure.").wait_for()
    wait_until_idle(page)
    wait_for_charts(page, plotly=3)
    assert_no_errors(page)

    assert matrix_cell(page, "Longer stay allowed", "Kazakhstan") == "implemented"
    assert matrix_cell(page, "Longer stay allowed", "Azerbaijan") == "agreed"
    assert main.get_by_text("Current status: implemented").count() == 1
    assert page.evaluate("() => window.__measures_xss === undefined")  # the note was never run as script
    screenshot(page, "measures-3-after-save", full_page=True)
