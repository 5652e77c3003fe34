"""Links to a view: filters and language read from and written to the query string.

AppTest stands in for the browser here; the back button itself is checked in a real browser in
tests/browser/test_browser_links.py.
"""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest


def filters_page():
    import streamlit as st

    from app import i18n, url_state

    i18n.choose_language()
    country = url_state.select("Country", ["OTS", "KAZ", "KGZ", "TUR"], key="country")
    sex = url_state.radio("Sex", ["total", "female", "male"], key="sex")
    states = url_state.multiselect("States", ["AZE", "KAZ", "KGZ"], key="states", default=["AZE"])
    year = url_state.slider("Year", [2000, 2010, 2020], key="year")
    st.write(f"VIEW country={country} sex={sex} states={','.join(states)} year={year} "
             f"lang={i18n.current_language()}")


def open_view(params: dict | None = None) -> AppTest:
    at = AppTest.from_function(filters_page, default_timeout=30)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    return at.run()


def view(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("VIEW"))


def test_defaults_without_a_query_string_and_nothing_written():
    at = open_view()
    assert view(at) == "VIEW country=OTS sex=total states=AZE year=2020 lang=en"
    assert not at.exception and not at.toast
    assert dict(at.query_params) == {}


def test_a_link_restores_every_filter_and_the_language():
    at = open_view({"country": "KGZ", "sex": "female", "states": "KAZ,KGZ", "year": "2010", "lang": "ru"})
    assert view(at) == "VIEW country=KGZ sex=female states=KAZ,KGZ year=2010 lang=ru"
    assert at.selectbox(key="url_country").value == "KGZ"
    assert at.radio(key="url_sex").value == "female"
    assert at.multiselect(key="url_states").value == ["KAZ", "KGZ"]
    assert not at.toast


def test_an_empty_multiselect_is_kept_apart_from_the_default():
    assert view(open_view({"states": ""})) == "VIEW country=OTS sex=total states= year=2020 lang=en"


@pytest.mark.parametrize("key, bad, label", [("country", "XXX", "Country"), ("year", "1850", "Year"),
                                             ("sex", "both", "Sex")])
def test_an_invalid_value_falls_back_to_the_default_with_a_notice(key, bad, label):
    at = open_view({key: bad, "country": "KGZ"} if key != "country" else {key: bad})
    expected_country = "OTS" if key == "country" else "KGZ"
    assert view(at).startswith(f"VIEW country={expected_country} sex=total")
    notices = [t.value for t in at.toast]
    assert len(notices) == 1 and bad in notices[0] and label in notices[0]
    assert key not in at.query_params  # the bad value leaves the URL: the default is what shows


def test_an_unknown_language_falls_back_to_english_with_a_notice():
    at = open_view({"lang": "xx", "country": "KGZ"})
    assert view(at) == "VIEW country=KGZ sex=total states=AZE year=2020 lang=en"
    assert any("xx" in t.value for t in at.toast)


def test_unknown_entries_of_a_multiselect_are_named_and_the_rest_kept():
    at = open_view({"states": "KGZ,ZZZ"})
    assert view(at).split()[3] == "states=KGZ"
    assert any("ZZZ" in t.value for t in at.toast)


def test_changing_a_filter_writes_it_to_the_url_and_the_default_leaves_it():
    at = open_view()
    at.selectbox(key="url_country").set_value("TUR").run()
    assert at.query_params["country"] == "TUR"
    at.select_slider(key="url_year").set_value(2000).run()
    assert at.query_params["year"] == "2000"
    at.selectbox(key="url_country").set_value("OTS").run()
    assert "country" not in at.query_params
    assert view(at).startswith("VIEW country=OTS")


def test_a_url_changed_outside_the_controls_wins():
    """What the back button does: the query string goes back, the controls follow it."""
    at = open_view()
    at.selectbox(key="url_country").set_value("TUR").run()
    at.selectbox(key="url_country").set_value("KAZ").run()
    at.query_params["country"] = "TUR"          # back one step
    at.run()
    assert view(at).startswith("VIEW country=TUR")
    del at.query_params["country"]               # back to the first entry (the default)
    at.run()
    assert view(at).startswith("VIEW country=OTS")
    assert not at.toast


def test_a_value_that_is_no_longer_an_option_falls_back_to_the_default():
    def dependent_page():
        import streamlit as st

        from app import url_state
        wide = url_state.radio("Range", ["wide", "narrow"], key="range")
        options = [2000, 2010, 2020] if wide == "wide" else [2020]
        until = url_state.select("Until", options, key="until", default=2020)
        st.write(f"VIEW until={until}")

    at = AppTest.from_function(dependent_page, default_timeout=30)
    at.query_params["until"] = "2010"
    at.run()
    assert view(at) == "VIEW until=2010"
    at.radio(key="url_range").set_value("narrow").run()
    assert view(at) == "VIEW until=2020"
    assert "until" not in at.query_params


def test_a_multiselect_with_nothing_usable_shows_the_default_as_its_notice_says():
    at = open_view({"states": "ZZZ,QQQ"})
    assert view(at).split()[3] == "states=AZE"  # the default, not an empty selection
    notices = [t.value for t in at.toast]
    assert len(notices) == 1 and "`ZZZ,QQQ`" in notices[0] and "showing the default" in notices[0]


@pytest.mark.parametrize("key, hostile", [
    ("country", "![t](http://127.0.0.1:9/t.png)"), ("states", "[click me](http://127.0.0.1:9/x)"),
    ("lang", "![a](http://x/a.png)"), ("country", "http://127.0.0.1:9/`x`<img src=x>"),
])
def test_markdown_in_a_link_is_shown_as_text_never_rendered(key, hostile):
    """An image in a notice would make the reader's browser fetch it, a link would be clickable: a value from
    the URL is shown in a code span, where markdown is not interpreted."""
    at = open_view({key: hostile})
    notices = [t.value for t in at.toast]
    assert len(notices) == 1
    code = notices[0].split("`")
    assert len(code) == 3, notices[0]  # exactly one code span, holding the value's characters
    assert code[1] == hostile.replace("`", "")[:10 if key == "lang" else 40]
    assert "](" not in code[0] + code[2] and "http" not in code[0] + code[2]
