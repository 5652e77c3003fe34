"""Every page in the navigation opens without an exception, in every language."""
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import PROJECT_ROOT

PAGES = ["briefing", "migration", "stranded", "labour", "measures", "country", "data", "submit"]


def test_every_page_file_is_tested():
    on_disk = {p.stem for p in (PROJECT_ROOT / "pages").glob("*.py")}
    assert on_disk == set(PAGES)


@pytest.mark.parametrize("language", ["en", "ru", "tr"])
@pytest.mark.parametrize("page", PAGES)
def test_page_opens(app_env, page, language):
    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=60)
    at.query_params["lang"] = language
    at.run()
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def test_switch_page_runs_through_the_frame(app_env):
    """Guards the AppTest set-up in conftest: a switched page still gets the sidebar and the guard."""
    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/migration.py").run()
    assert at.sidebar.selectbox, "the language switch of dashboard.py is missing: the page ran on its own"
