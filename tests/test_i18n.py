"""Languages: every message translated into Russian and Turkish, placeholders kept, Babel's number formats."""
from __future__ import annotations

from datetime import date

import pytest
from babel.messages.catalog import Catalog

from app import i18n


@pytest.fixture(scope="module")
def template():
    """The messages in the code right now (extracted afresh, so this cannot drift from the code)."""
    return i18n.extract_catalogue()


@pytest.fixture
def language(monkeypatch):
    def use(code: str) -> None:
        monkeypatch.setattr(i18n, "current_language", lambda: code)
    return use


# --- catalogues -----------------------------------------------------------------------------------

def test_extraction_covers_the_frame_the_pages_and_the_shared_modules(template):
    ids = {m.id for m in template if m.id}
    assert "Stocks and flows" in ids          # dashboard.py (navigation)
    assert "Download PNG" in ids              # app/ui.py
    assert "OTS member states" in ids         # app/countries.py
    assert any(m.locations and m.locations[0][0].startswith("pages") for m in template if m.id)


@pytest.mark.parametrize("code", i18n.TRANSLATED_LANGUAGES)
def test_every_message_has_a_translation(template, code):
    problems = i18n.translation_problems(template, code)
    assert not problems, (f"{len(problems)} messages lack a {code} translation "
                          "(run `python -m app.i18n extract && python -m app.i18n update`, "
                          "then translate):\n" + "\n".join(problems[:40]))


def test_the_completeness_check_finds_each_kind_of_gap():
    template = Catalog()
    for message in ("Kept", "Missing", "Empty", "Fuzzy", "Immigrants in {year}", "Lost {n} of {total}"):
        template.add(message)
    template.add(("{n} figure", "{n} figures"))
    ru = Catalog(locale="ru")
    ru.add("Kept", "Сохранено")
    ru.add("Empty", "")
    ru.add("Fuzzy", "Неточно", flags=["fuzzy"])
    ru.add("Immigrants in {year}", "Иммигранты в {год}")
    ru.add("Lost {n} of {total}", "Потеряно {n} из {total}")
    ru.add(("{n} figure", "{n} figures"), ("{n} показатель", "{n} показателя", ""))
    problems = i18n.translation_problems(template, "ru", catalogue=ru)
    assert len(problems) == 5, problems
    for word in ("missing: 'Missing'", "empty: 'Empty'", "fuzzy: 'Fuzzy'", "{год}", "empty: '{n} figure'"):
        assert any(word in p for p in problems), (word, problems)


def test_placeholders_are_read_as_written():
    assert i18n.placeholders("{n} of {total} in {year}") == {"{n}", "{total}", "{year}"}
    assert i18n.placeholders("no placeholders") == set()


@pytest.mark.parametrize("code", i18n.TRANSLATED_LANGUAGES)
def test_compiled_catalogue_translates(code, tmp_path):
    source = i18n.po_path(code)
    catalogue = i18n._read_po(source, code)
    translated = next((m for m in catalogue if m.id and isinstance(m.id, str) and m.string), None)
    if translated is None:
        pytest.skip(f"no {code} translation yet")
    mo = tmp_path / "messages.mo"
    i18n.compile_catalogue(source, mo)
    import gettext
    with mo.open("rb") as compiled:
        assert gettext.GNUTranslations(compiled).gettext(translated.id) == translated.string


# --- numbers and dates ------------------------------------------------------------------------------

@pytest.mark.parametrize("code, expected", [("en", "1,234,567"), ("ru", "1\u00a0234\u00a0567"), ("tr", "1.234.567")])
def test_whole_numbers_group_digits_as_the_language_does(language, code, expected):
    language(code)
    assert i18n.fmt_int(1234567) == expected
    assert i18n.fmt_int(1234567.4) == expected


@pytest.mark.parametrize("code, expected", [("en", "1,234,567.8"), ("ru", "1\u00a0234\u00a0567,8"),
                                            ("tr", "1.234.567,8")])
def test_decimals_use_the_languages_decimal_mark(language, code, expected):
    language(code)
    assert i18n.fmt_number(1234567.8) == expected


@pytest.mark.parametrize("code, expected", [("en", "31.1%"), ("ru", "31,1\u00a0%"), ("tr", "%31,1")])
def test_percentages_follow_the_languages_pattern(language, code, expected):
    language(code)
    assert i18n.fmt_percent(31.1) == expected


@pytest.mark.parametrize("code, expected", [("en", "7 Aug 2020"), ("ru", "7 авг. 2020\u202fг."),
                                            ("tr", "7 Ağu 2020")])
def test_dates_are_written_in_the_language(language, code, expected):
    language(code)
    assert i18n.fmt_date(date(2020, 8, 7)) == expected
    assert i18n.fmt_date("2020-08-07") == expected


def test_missing_values_are_a_dash(language):
    language("ru")
    assert i18n.fmt_int(None) == i18n.fmt_number(float("nan")) == i18n.fmt_percent(None) == "—"


@pytest.mark.parametrize("code, expected", [("en", ".,"), ("ru", ",\u00a0"), ("tr", ",.")])
def test_plotly_separators_match_babel(language, code, expected):
    assert i18n.plotly_separators(code) == expected
    language(code)
    assert i18n.plotly_separators() == expected
    decimal, group = expected
    assert i18n.fmt_number(1234.5) == f"1{group}234{decimal}5"


# --- work deferred to a click -----------------------------------------------------------------------

def test_speaking_sets_the_language_of_this_thread_only_and_restores_it():
    import threading
    seen = {}
    with i18n.speaking("tr"):
        assert i18n.current_language() == "tr"
        worker = threading.Thread(target=lambda: seen.setdefault("other", i18n.current_language()))
        worker.start()
        worker.join()
        with i18n.speaking("ru"):
            assert i18n._("Download PNG") == i18n.translations("ru").gettext("Download PNG") != "Download PNG"
        assert i18n.current_language() == "tr"
    assert seen["other"] == i18n.DEFAULT_LANGUAGE
    assert i18n.current_language() == i18n.DEFAULT_LANGUAGE


def test_a_map_png_drawn_at_the_click_uses_the_language_of_the_run(monkeypatch):
    """The download button calls its PNG function outside the session: the figure must still be built,
    and its legend and separators set, in the language the reader had when the page ran."""
    import threading

    import plotly.graph_objects as go

    from app import ui
    from app.export import ChartMeta

    drawn = {}

    def build() -> go.Figure:
        return go.Figure(go.Scatter(x=[1], y=[1], name=i18n._("Download PNG")))

    def fake_png(fig, meta, labels):
        drawn.update(legend=fig.data[0].name, separators=fig.layout.separators, labels=labels)
        return b"png"

    monkeypatch.setattr(ui, "png_bytes", fake_png)
    with i18n.speaking("ru"):  # the page run, in Russian
        render = ui._png_later(build, ChartMeta(title="t", slug="t", source="s"))
    clicked = threading.Thread(target=render)  # the click, on a thread with no session
    clicked.start()
    clicked.join()
    assert drawn["legend"] == i18n.translations("ru").gettext("Download PNG")
    assert drawn["separators"] == i18n.plotly_separators("ru")
    assert drawn["labels"]["col_source"] != "Source"


# --- the session's language across page changes -----------------------------------------------------

def test_an_address_that_lost_lang_keeps_the_sessions_language_and_the_switch_still_works(app_env):
    """Streamlit's page change can drop ?lang= from the address (a race seen under load): the next page must
    stay in the reader's language; choosing English with the switch must still give English."""
    from streamlit.testing.v1 import AppTest

    from tests.conftest import PROJECT_ROOT
    # (the Data page: AppTest formats other pages' country pickers outside the session, in English)
    turkish = i18n.translations("tr").gettext("Data and sources")
    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=60)
    at.query_params["lang"] = "tr"
    at.run()
    at.query_params.pop("lang", None)  # the page change lost it
    at.switch_page("pages/data.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == turkish and at.selectbox(key="lang").value == "tr"
    at.query_params.pop("lang", None)  # English is the default: the switch leaves it out of the address
    at.selectbox(key="lang").set_value("en").run()
    assert at.title[0].value == "Data and sources"
    at.run()
    assert at.title[0].value == "Data and sources" and at.selectbox(key="lang").value == "en"
