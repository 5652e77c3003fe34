"""Selections the load benchmark's sessions reached by choosing filter options at random.

bench/load.py changes filters the way a delegate clicking around would; the
server log showed views that failed for some of those choices. Each case here is
one of them, run through dashboard.py as the server does.
"""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import PROJECT_ROOT


def open_page(page: str, query: dict) -> AppTest:
    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    at.switch_page(f"pages/{page}.py").run()
    return at


@pytest.mark.parametrize("country", ["ARE", "BHR"])  # the Gulf states report no remittances received (WDI)
def test_country_profile_of_a_country_that_never_reported_remittances(app_env, country):
    at = open_page("country", {"country": country})
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert at.selectbox(key="url_country").value == country
