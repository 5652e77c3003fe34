"""Per-run timings for operators and the load benchmark: off unless OTS_RUN_TIMINGS names a file."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest

from app.ui import RUN_TIMINGS_ENV
from tests.conftest import PROJECT_ROOT


def test_each_page_run_appends_its_page_and_seconds(app_env, tmp_path, monkeypatch):
    timings = tmp_path / "runs.tsv"
    monkeypatch.setenv(RUN_TIMINGS_ENV, str(timings))
    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/labour.py").run()
    assert not at.exception
    lines = [line.split("\t") for line in timings.read_text(encoding="utf-8").splitlines()]
    assert [page for _, page, _ in lines] == ["briefing", "labour"]
    assert all(float(when) > 1.7e9 and 0 < float(seconds) < 600 for when, _, seconds in lines)


def test_nothing_is_written_when_unset(app_env, tmp_path, monkeypatch):
    monkeypatch.delenv(RUN_TIMINGS_ENV, raising=False)
    here = tmp_path / "working-folder"
    here.mkdir()
    monkeypatch.chdir(here)
    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    assert not at.exception
    assert list(here.iterdir()) == []
