"""A stored value however large (or infinite) never breaks a public page: formatting always gives a text.

The door refuses values above a plausible range (tests/test_hostile_uploads.py); this is the other half:
what is already in the store — put there by an older version, or by hand — is drawn, not crashed on.
"""
from __future__ import annotations

import math

import pytest

from app import i18n
from app.store import connection as state
from tests.conftest import run_page

HUGE_VALUES = {"HUGE-1": 1e308, "HUGE-2": math.inf, "HUGE-3": 1e25}


@pytest.mark.parametrize("value", [None, math.nan, math.inf, -math.inf, 1e308, -1e308, 1e25, -5, 0, "not a number"])
@pytest.mark.parametrize("language", ["en", "ru", "tr"])
def test_formatters_never_fail(value, language):
    with i18n.speaking(language):
        for formatter in (i18n.fmt_int, i18n.fmt_number, i18n.fmt_percent, i18n.fmt_compact):
            assert isinstance(formatter(value), str) and formatter(value)


def _store_huge_figures() -> None:
    with state.writing() as con:
        con.execute("""INSERT INTO submissions (submission_id, file_name, file_sha256, file_bytes, file_format,
                       stored_file, submitted_by, submitted_at, rows_in_file, rows_added, rows_changed,
                       rows_rejected, status)
                       VALUES ('S-HUGE', 'huge.csv', 'abc', 10, 'csv', 'huge.csv', 'editor',
                       '2026-11-20 10:00:00.000000', 3, 3, 0, 0, 'active')""")
        for number, (record, value) in enumerate(HUGE_VALUES.items(), start=2):
            con.execute("""INSERT INTO submitted_figures (submission_id, file_row, record_id, topic, nationality_iso3,
                           location_iso3, indicator, indicator_group, value, unit, unit_base, period_end,
                           source_publisher, status)
                           VALUES ('S-HUGE', ?, ?, ?, 'KAZ', 'RUS', ?, ?, ?, 'persons', 'persons', '2025-06-30',
                           'Ministry', 'active')""",
                        [number, record, "labour" if number < 4 else "stranded",
                         "entries_for_work" if number < 4 else "citizens_repatriated",
                         "entries" if number < 4 else "repatriated", value])


@pytest.mark.parametrize("page, query", [
    ("labour", {"section": "labour"}), ("country", {"country": "KAZ", "section": "reported"}),
    ("country", {"country": "RUS", "section": "reported"}), ("stranded", {"section": "table"}),
    ("stranded", {"section": "ranking"}), ("briefing", {}),
])
def test_pages_draw_huge_stored_values(app_env, page, query):
    _store_huge_figures()
    at = run_page(page, query)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    if page == "labour":  # the figure is shown, in scientific notation, not left out
        assert any("1E308" in str(table.value.to_dict()) for table in at.dataframe)
