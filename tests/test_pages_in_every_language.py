"""Every page of the navigation in English, Russian and Turkish: it opens through the frame without an exception
or error, its title is in the language, its charts write numbers and dates in the language, and no interface
text on it is left in English where the catalogue has a translation."""
from __future__ import annotations

import duckdb
import pytest
from babel.messages.pofile import read_po
from streamlit.testing.v1 import AppTest

from app import i18n
from tests.conftest import PAGE_SECTIONS, PAGES, PROJECT_ROOT, run_page



# page file -> the English title it shows (the country page shows the chosen country's name).
TITLES = {
    "briefing": "Briefing",
    "migration": "Migration: stocks and flows",
    "stranded": "Citizens stranded abroad and brought home, 2020",
    "labour": "Labour migration and remittances",
    "world": "World map",
    "measures": "Agreed measures",
    "country": None,
    "data": "Data and sources",
    "submit": "Submit figures",
}


def test_every_page_file_is_in_the_navigation_and_has_its_title_here():
    assert sorted(PAGES) == sorted(p.stem for p in (PROJECT_ROOT / "pages").glob("*.py"))
    assert set(TITLES) == set(PAGES)


def test_switch_page_runs_through_the_frame(app_env):
    """Guards the AppTest set-up in conftest: a page opened by its link still gets the sidebar and the guard."""
    at = run_page("migration")
    assert at.sidebar.selectbox, "the language switch of dashboard.py is missing: the page ran on its own"


@pytest.fixture(scope="module")
def english_with_translation():
    """Per language, the English messages whose translation differs (so seeing them means a gap)."""
    found = {}
    for language in i18n.TRANSLATED_LANGUAGES:
        with i18n.po_path(language).open("rb") as source:
            catalogue = read_po(source, locale=language)
        found[language] = {m.id for m in catalogue
                           if isinstance(m.id, str) and m.id and m.string and m.string != m.id and len(m.id) > 3}
    return found


def shown_texts(at: AppTest) -> list[str]:
    texts = []
    for kind in ("title", "header", "subheader", "caption", "markdown", "info", "warning", "error"):
        texts += [element.value for element in at.get(kind) if isinstance(element.value, str)]
    for kind in ("selectbox", "multiselect", "radio", "select_slider", "slider", "text_input", "button",
                 "download_button", "checkbox", "number_input", "date_input"):
        texts += [element.label for element in at.get(kind) if getattr(element, "label", None)]
    return texts


ENGLISH_DATA_TEXTS = """SELECT title FROM meetings UNION SELECT title FROM measures UNION SELECT category FROM measures
                        UNION SELECT evidence FROM measure_status"""


def english_data_texts(built_db) -> list[str]:
    """The beginnings of the database's English texts that have a translation (meetings, measures, evidence)."""
    with duckdb.connect(str(built_db), read_only=True) as con:
        return [text[:24] for (text,) in con.execute(ENGLISH_DATA_TEXTS).fetchall() if text]


def charts_speak(at, language: str, english_texts: list[str] = ()) -> list[str]:
    """What the page's plotly charts would write in another language than `language`: English SI suffixes
    ("2.5M", "500k"), the wrong digit grouping, English month names on a date axis, English texts of the data
    (a meeting's name over a chart)."""
    import json
    problems = []
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        if language != "en":
            problems += [f"English data text in a chart: {text!r}" for text in english_texts
                         if text in chart.proto.spec]
        layout = spec.get("layout", {})
        title = (layout.get("title") or {}).get("text", chart.proto.id if hasattr(chart.proto, "id") else "chart")
        if layout.get("separators") != i18n.plotly_separators(language):
            problems.append(f"{title}: separators {layout.get('separators')!r}")
        for name, axis in layout.items():
            if not (name.startswith("xaxis") or name.startswith("yaxis")) or not isinstance(axis, dict):
                continue
            if axis.get("ticktext") or axis.get("type") in ("category", "multicategory"):
                continue
            if axis.get("type") == "date":
                problems.append(f"{title} {name}: a date axis labelled by plotly (English month names)")
            elif axis.get("exponentformat") != "none" or str(axis.get("tickformat", "")).endswith("s"):
                problems.append(f"{title} {name}: plotly may write k/M/B suffixes")
    return problems


def country_name(built_db, code: str, language: str) -> str:
    with duckdb.connect(str(built_db), read_only=True) as con:
        return con.execute(f"SELECT name_{language} FROM countries WHERE iso3 = ?", [code]).fetchone()[0]


@pytest.mark.parametrize("language", i18n.LANGUAGES)
@pytest.mark.parametrize("page", PAGES)
def test_page_in_language(app_env, built_db, english_with_translation, page, language):
    at = run_page(page, {"lang": language})
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    titles = [t.value for t in at.title]
    if TITLES[page] is None:
        expected = country_name(built_db, "AZE", language)
    else:
        expected = i18n.translations(language).gettext(TITLES[page])
        if language != "en":
            assert expected != TITLES[page], f"no {language} translation of the title"
    assert expected in titles, titles
    assert not charts_speak(at, language, english_data_texts(built_db))
    if language != "en":
        left_in_english = [t for t in shown_texts(at) if t in english_with_translation[language]]
        assert not left_in_english, left_in_english


@pytest.mark.parametrize("page, section", [(page, section) for page, sections in PAGE_SECTIONS.items()
                                           for section in sections[1:]])
def test_every_sections_charts_write_numbers_and_dates_in_turkish(app_env, built_db, page, section):
    """The sections the test above does not open (it sees each page's first): their charts in Turkish."""
    at = run_page(page, {"lang": "tr", "section": section})
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="lang").value == "tr"
    assert not charts_speak(at, "tr", english_data_texts(built_db))
