"""Hostile and careless uploads (tests/hostile_files.py): each named, where it is, in the uploader's language.

For every file: refused as a whole or not, the row, column and words of each problem, a reason that
quotes at most a short part of a cell, a Russian and a Turkish reason that are translations (no
English left, no placeholder left), and the build and the store byte for byte and row for row as
they were. What each file costs the server at the size limit is measured by bench/hostile_uploads.py.
"""
from __future__ import annotations

import hashlib
import re

import pytest
from streamlit.testing.v1 import AppTest

from app import cached, i18n
from app import uploads as submissions
from app.store import connection as state
from app.store import submissions as submissions_store
from app.queries import common, figures
from tests import hostile_files as hostile
from tests.conftest import PROJECT_ROOT

SMALL_LIMIT = 50  # rows: the limit is lowered so that files past it stay small and quick to make

# name, file, refused, [(row, column, words of the reason)], rows loadable
CASES = [
    ("shared-strings bomb", lambda: hostile.shared_strings_bomb(60), True,
     [(None, None, "xl/sharedStrings.xml unpacks to 60 MB; at most 48 MB are read")], 0),
    ("a 2 MB shared string", lambda: hostile.shared_strings_bomb(2), False,
     [(2, "description", "longer than 2000 characters (value 'AAAA")], 0),
    ("entity expansion bomb", hostile.entity_bomb, True, [(None, None, "XML document type declaration")], 0),
    ("more shared strings than cells allowed", lambda: hostile.many_shared_strings(5_000), True,
     [(None, None, "The sheet holds more than 1,020 cells")], 0),
    ("huge values", hostile.huge_values, False,
     [(2, "value", "must be at most 1,000,000,000 (value 1e+308)"),
      (3, "value", "must be at most 1,000,000,000 (value 1e+25)"), (4, "value", "expected a number, found 'inf'"),
      (5, "value", "expected a number, found 'nan'"), (6, "value", "must be at most 1,000,000,000 (value 1000000001")],
     1),
    ("CSV past the row limit", lambda: hostile.csv_rows(SMALL_LIMIT + 1, 14), True,
     [(None, None, f"more than {SMALL_LIMIT} rows of figures; reading stopped there")], 0),
    ("Excel past the row limit", lambda: hostile.workbook_rows(SMALL_LIMIT + 5), True,
     [(None, None, f"more than {SMALL_LIMIT} rows of figures; reading stopped there")], 0),
    ("one value in A1048576", hostile.one_cell_far_down, False,
     [(1048576, "indicator", "a value is required"), (1048576, "record_id", "a value is required"),
      (1048576, "source_publisher", "a value is required"), (1048576, "unit", "a value is required"),
      (1048576, "value", "a value is required")], 1),
    ("declared A1:XFD1048576", hostile.lying_dimension, False, [], 1),
    ("a 100,000-character cell", lambda: hostile.csv_long_cell(100_000), False,
     [(2, "description", "longer than 2000 characters (value 'DDDD")], 0),
    ("a blank row with extra commas", hostile.blank_row_with_commas, False, [], 1),
    ("semicolons", hostile.semicolons, True, [(1, None, "separated by semicolons (;), not commas")], 0),
    ("tabs", hostile.tabs, True, [(1, None, "separated by tabs, not commas")], 0),
    ("lower-case country codes", hostile.lower_case_codes, False,
     [(2, "location_iso3", "capital letters: 'Rus' should be RUS"),
      (2, "nationality_iso3", "capital letters: 'kaz' should be KAZ")], 0),
    ("implausible dates", hostile.implausible_dates, False,
     [(2, "period_start", "the date 0001-01-01 is outside the plausible range, 1990-01-01 to"),
      (3, "period_end", "the date 9999-12-31 is outside the plausible range"),
      (4, "source_date", "the date 1899-12-31 is outside the plausible range")], 0),
    ("addresses that are not web pages", hostile.hostile_addresses, False,
     [(2, "source_url", "must start with http:// or https:// and hold no spaces (value 'javascript:"),
      (3, "source_url", "(value 'data:text/html"), (4, "source_url", "(value 'file:///etc/passwd')"),
      (5, "source_url", "(value 'https://example.org/a b')")], 0),
]


def _sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _store() -> dict:
    with state.reading() as con:
        edits = con.execute("SELECT * FROM measure_status_edits ORDER BY edit_id").fetchall()
    return {**submissions_store.snapshot(), "edits": edits}


@pytest.fixture
def unchanged(app_env, built_db):
    """The build file and the store, checked unchanged after the test."""
    build, store = _sha256(built_db.resolve()), _store()
    yield
    assert _sha256(built_db.resolve()) == build
    assert _store() == store


def _check(content: bytes, name: str) -> submissions.Preview:
    known = set(cached.run_uncached(common.countries)["iso3"])
    return submissions.check(content, name, known, cached.run_uncached(figures.all_figures))


def _translated(reason_in, english: str, language: str) -> None:
    """The reason in `language`: translated (not the English), every placeholder filled."""
    text = reason_in(i18n.translations(language).gettext)
    assert text != english and not re.search(r"\{\w+\}", text), (language, text)


@pytest.mark.parametrize("name, make, refused, expected, loadable", CASES, ids=[case[0] for case in CASES])
def test_a_hostile_or_careless_file_is_named_and_changes_nothing(unchanged, monkeypatch, name, make, refused,
                                                                 expected, loadable):
    monkeypatch.setattr(submissions, "MAX_ROWS", SMALL_LIMIT)
    content = make()
    preview = _check(content, f"upload.{'xlsx' if content.startswith(b'PK') else 'csv'}")
    assert preview.refused is refused
    assert [(p.row, p.column) for p in preview.problems] == [(row, column) for row, column, _words in expected], \
        [str(p) for p in preview.problems]
    for problem, (_row, _column, words) in zip(preview.problems, expected):
        assert words in problem.reason, problem.reason
        assert len(problem.reason) < 700  # never a whole cell
        for language in ("ru", "tr"):
            _translated(problem.reason_in, problem.reason, language)
    assert preview.loadable == loadable
    if loadable == 0:
        with pytest.raises(ValueError):
            submissions.confirm(preview, content, "aydin")


def test_a_file_with_thousands_of_problems_stops_early_and_loads_nothing(unchanged):
    rows = [hostile.row(n, nationality_iso3="XXX", value="about 12") for n in range(1, 1_600)]
    preview = _check(hostile.csv_text(rows), "wrong.csv")
    assert preview.refused and len(preview.problems) == submissions.MAX_PROBLEMS + 1
    assert preview.problems[-1].reason.startswith("More than 2,000 problems were found by row")
    _translated(preview.problems[-1].reason_in, preview.problems[-1].reason, "ru")


@pytest.mark.parametrize("language", ["ru", "tr"])
def test_the_page_names_each_problem_in_the_uploaders_language(unchanged, language):
    translate = i18n.translations(language).gettext
    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=60)
    at.query_params["lang"] = language
    at.session_state["auth_editor"] = "aydin"
    at.switch_page("pages/submit.py").run()
    at.file_uploader[0].set_value(("codes.csv", hostile.lower_case_codes(), "text/csv")).run()
    assert not at.exception and not at.error
    table = at.dataframe[1].value
    expected = translate("country codes are written in capital letters: {value} should be {code}").format(
        value="'kaz'", code="KAZ")
    assert expected in list(table["reason"])
    at.file_uploader[0].set_value(("semicolons.csv", hostile.semicolons(), "text/csv")).run()
    reasons = " ".join(at.dataframe[1].value["reason"])
    assert translate("semicolons (;)") in reasons and "semicolons (;)" not in reasons
    assert [e.value for e in at.error] == [translate("This file cannot be loaded. Nothing was stored.")]
