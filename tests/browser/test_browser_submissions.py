"""A Secretariat editor submits a member state's file in a real browser, sees it on the Data page, withdraws it."""
from __future__ import annotations

import pytest

from app import auth
from tests.browser.conftest import (PROJECT_ROOT, Server, assert_no_errors, coverage_cell, open_page, screenshot,
                                    server_env, wait_until_idle)

pytestmark = pytest.mark.browser

CORPUS = PROJECT_ROOT / "tests" / "fixtures" / "submissions"
USERNAME, PASSWORD = "secretariat", "correct horse battery"


@pytest.fixture(scope="module")
def editor_dashboard(built_db, tmp_path_factory):
    """The dashboard with a store and an editor of its own (the shared server's store stays untouched)."""
    folder = tmp_path_factory.mktemp("submissions_dashboard")
    auth.add_editor(USERNAME, PASSWORD, "Aydın K.", folder / "secrets.toml")
    server = Server(PROJECT_ROOT / "dashboard.py", server_env(built_db, folder), folder / "streamlit.log")
    try:
        yield server.url, folder
    finally:
        server.stop()


def go_to(page, title: str) -> None:
    """Follow a sidebar link: the session (and the sign-in) is kept, as for a user."""
    page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()
    page.wait_for_timeout(300)
    wait_until_idle(page)


def submit_beside_the_server(built_db, folder, monkeypatch) -> None:
    """AppTest of the Submit figures page in this process, on the data folder the running server uses.

    With the store in DuckDB this showed "This app has encountered an error" (Conflicting lock); with SQLite
    both processes write, and the server's page shows this process's submission.
    """
    from streamlit.testing.v1 import AppTest

    from tests.conftest import app_reading
    rows = [",".join(["labour", f"UZB-BESIDE-{n}", "UZB", "RUS", "entries_for_work", str(700 + n), "persons",
                      "2025-01-01", "2025-03-31", "", "Agency", "", "", ""]) for n in range(2)]
    content = ("\n".join([(CORPUS / "good_bom_crlf.csv").read_text(encoding="utf-8-sig").splitlines()[0], *rows])
               + "\n").encode()
    with app_reading(built_db, folder, monkeypatch):
        at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=60)
        at.session_state["auth_editor"] = USERNAME
        at.run()
        at.switch_page("pages/submit.py").run()
        at.file_uploader[0].set_value(("uzbekistan_beside.csv", content, "text/csv")).run()
        next(b for b in at.button if b.label.startswith("Load 2 figures")).click().run()
        assert not at.exception and not at.error, [e.value for e in at.exception] + [e.value for e in at.error]
        assert any(s.value.startswith("Stored as submission S-") for s in at.success)


def test_submit_preview_confirm_see_and_withdraw(editor_dashboard, page, built_db, monkeypatch):
    editor_dashboard, folder = editor_dashboard
    page.set_viewport_size({"width": 1280, "height": 2000})  # the app scrolls inside: a tall window shows it all
    open_page(page, editor_dashboard)
    go_to(page, "Submit figures")
    assert page.get_by_text("Sign in as a Secretariat editor (in the sidebar) to make changes here.").is_visible()
    assert page.locator('[data-testid="stFileUploader"]').count() == 0

    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_label("Username").fill(USERNAME)
    sidebar.get_by_label("Password", exact=True).fill(PASSWORD)
    sidebar.get_by_role("button", name="Sign in").click()
    page.get_by_text("Signed in as Aydın K. (editor).").wait_for()
    wait_until_idle(page)

    mixed = (CORPUS / "good_bom_crlf.csv").read_bytes() + b"labour,BAD-1,XYZ,RUS,x,1,persons,,,,M,,,\r\n"
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
        files=[{"name": "kazakhstan_2025.csv", "mimeType": "text/csv", "buffer": mixed}])
    page.get_by_role("button", name="Load 2 figures (leave out 1 rejected row)").wait_for()
    wait_until_idle(page)
    assert_no_errors(page)
    assert page.get_by_text("unknown ISO3 country code (value 'XYZ')").count() == 1
    screenshot(page, "submissions-preview", )

    page.get_by_role("button", name="Load 2 figures (leave out 1 rejected row)").click()
    page.get_by_text("2 figures loaded.", exact=False).wait_for()
    wait_until_idle(page)
    assert_no_errors(page)
    screenshot(page, "submissions-stored", )

    submit_beside_the_server(built_db, folder, monkeypatch)  # the server holds the store open meanwhile

    go_to(page, "Data and sources")
    assert "2025" in coverage_cell(page, "Kazakhstan", "Submitted figures")
    screenshot(page, "data-sources-after-submission", )

    go_to(page, "Submit figures")
    assert page.get_by_text("uzbekistan_beside.csv").count() >= 1  # written by the other process
    page.get_by_text("Withdraw a submission").click()
    page.get_by_label("Why is it withdrawn?").fill("Sent by mistake")
    page.get_by_role("button", name="Withdraw", exact=True).click()
    page.get_by_text("2 figures no longer count.", exact=False).wait_for()
    wait_until_idle(page)
    assert_no_errors(page)
    screenshot(page, "submissions-withdrawn", )
