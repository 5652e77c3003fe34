"""Links to a view in a real browser: a shared link opens the same selection in its language, the back
and forward buttons step through the selections, a bad value falls back with a notice, and the
language survives a page change."""
from __future__ import annotations

from urllib.parse import quote

import duckdb
import pytest

from app import i18n
from tests.browser.conftest import assert_no_errors, open_page, wait_for_url, wait_until_idle

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def names(built_db):
    """Country names per language, as the countries table has them."""
    with duckdb.connect(str(built_db), read_only=True) as con:
        rows = con.execute("SELECT iso3, name_en, name_ru, name_tr FROM countries").fetchall()
    return {iso3: {"en": en, "ru": ru, "tr": tr} for iso3, en, ru, tr in rows}


def ru(message: str) -> str:
    """The Russian of an interface message, from the compiled catalogue (English if untranslated)."""
    return i18n.translations("ru").gettext(message)


def chosen(page, label: str) -> str:
    """What the selectbox labelled `label` shows."""
    box = page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]').filter(has_text=label).first
    return box.locator("input").input_value()


def slider_text(page, label: str) -> str:
    return page.locator('[data-testid="stMain"] [data-testid="stSlider"]').filter(has_text=label).first.inner_text()


def pick(page, label: str, option: str) -> None:
    page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]').filter(has_text=label).first.click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_until_idle(page)


def query(page) -> dict[str, str]:
    from urllib.parse import parse_qsl, urlparse
    return dict(parse_qsl(urlparse(page.url).query, keep_blank_values=True))


def test_a_shared_link_opens_the_same_selection_in_russian(dashboard_url, page, names):
    open_page(page, f"{dashboard_url}/migration?focus=KGZ&year=2010&lang=ru")
    assert_no_errors(page)
    title = ru("Migration: stocks and flows")
    assert title != "Migration: stocks and flows", "the page title has no Russian translation"
    assert page.locator("h1").first.inner_text().strip() == title
    assert chosen(page, ru("Country or group")) == names["KGZ"]["ru"]
    assert "2010" in slider_text(page, ru("Year"))
    assert query(page) == {"focus": "KGZ", "year": "2010", "lang": "ru"}


def test_a_shared_country_link_opens_that_country_in_russian(dashboard_url, page, names):
    open_page(page, f"{dashboard_url}/country?country=KGZ&lang=ru")
    assert_no_errors(page)
    assert page.locator("h1").first.inner_text().strip() == names["KGZ"]["ru"]
    assert chosen(page, ru("Country")) == names["KGZ"]["ru"]
    assert page.get_by_text(ru("Member state of the Organization of Turkic States")).count() >= 1
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert sidebar.get_by_text(ru("Country profiles"), exact=True).count() == 1
    assert query(page) == {"country": "KGZ", "lang": "ru"}


def test_back_and_forward_step_through_the_selections(dashboard_url, page, names):
    open_page(page, f"{dashboard_url}/migration?focus=KGZ")
    entries = page.evaluate("history.length")
    for code in ("KAZ", "TUR"):
        pick(page, "Country or group", names[code]["en"])
        assert query(page).get("focus") == code
    assert page.evaluate("history.length") == entries + 2  # one entry per change
    page.go_back()
    wait_until_idle(page)
    assert query(page).get("focus") == "KAZ"
    assert chosen(page, "Country or group") == names["KAZ"]["en"]
    page.go_back()
    wait_until_idle(page)
    assert query(page).get("focus") == "KGZ"
    assert chosen(page, "Country or group") == names["KGZ"]["en"]
    page.go_forward()
    wait_until_idle(page)
    assert chosen(page, "Country or group") == names["KAZ"]["en"]
    assert_no_errors(page)


def test_a_bad_value_in_a_link_falls_back_with_a_notice(dashboard_url, page):
    page.goto(f"{dashboard_url}/migration?focus=NOWHERE&lang=xx")
    toasts = page.locator('[data-testid="stToast"]')
    page.wait_for_function("n => document.querySelectorAll('[data-testid=\"stToast\"]').length >= n", arg=2)
    text = " ".join(toasts.all_inner_texts())
    assert "NOWHERE" in text and "Country or group" in text and "xx" in text
    wait_until_idle(page)
    assert chosen(page, "Country or group") == "OTS member states"
    assert "focus" not in query(page) and "lang" not in query(page)
    assert_no_errors(page)


def test_markdown_in_a_link_is_shown_as_typed_and_fetches_nothing(dashboard_url, page):
    """An image in the address would make every reader's browser fetch it; a link would be clickable."""
    fetched = []
    page.on("request", lambda request: fetched.append(request.url) if ":9/" in request.url else None)
    image, link = "![t](http://127.0.0.1:9/t.png)", "[click](http://127.0.0.1:9/x)"
    page.goto(f"{dashboard_url}/measures?cell={quote(image)}&states={quote(link)}")
    page.wait_for_function("n => document.querySelectorAll('[data-testid=\"stToast\"]').length >= n", arg=2)
    wait_until_idle(page)
    toasts = page.locator('[data-testid="stToast"]')
    text = " ".join(toasts.all_inner_texts())
    assert image in text and link in text  # the characters typed, as text
    assert toasts.locator("img").count() == 0 and toasts.locator("a").count() == 0
    assert fetched == []
    assert_no_errors(page)


def test_the_language_stays_when_changing_page(dashboard_url, page):
    turkish = i18n.translations("tr").gettext("Agreed measures")
    open_page(page, f"{dashboard_url}/migration?lang=tr")
    page.locator('[data-testid="stSidebar"] a').filter(has_text=turkish).first.click()
    page.wait_for_function("() => location.pathname.endsWith('/measures')")
    wait_until_idle(page)
    # What the reader sees: the next page in Turkish, the switch still on Turkish.
    page.wait_for_function("title => document.querySelector('h1')?.innerText.trim() === title", arg=turkish)
    assert page.locator('[data-testid="stSidebar"] .st-key-language_choice input').input_value() == "Türkçe"
    # The address usually carries ?lang=tr at once; Streamlit's page change can still drop a bound
    # parameter from it in a race (seen in CI), which is not asserted here. The entry left behind keeps it.
    page.go_back()
    wait_for_url(page, "/migration", lang="tr")
    migration = i18n.translations("tr").gettext("Migration: stocks and flows")
    assert page.locator("h1").first.inner_text().strip() == migration
    assert_no_errors(page)


def test_the_switch_names_the_languages_and_the_address_keeps_the_code(dashboard_url, page):
    """The reader picks "Русский" by its name; the address says ?lang=ru, and the page, its navigation and the
    browser tab's title are in Russian."""
    open_page(page, f"{dashboard_url}/measures")
    page.locator('[data-testid="stSidebar"] .st-key-language_choice').click()
    options = page.get_by_role("option")
    assert options.all_inner_texts() == ["English", "Русский", "Türkçe"]
    page.get_by_role("option", name="Русский", exact=True).click()
    wait_for_url(page, "/measures", lang="ru")
    title = ru("Agreed measures")
    page.wait_for_function("title => document.querySelector('h1')?.innerText.trim() === title", arg=title)
    assert page.title() == ru("{page} · OTS Migration Dashboard").format(page=title)
    assert page.locator('[data-testid="stSidebar"] a').filter(has_text=ru("Stocks and flows")).count() == 1
    assert_no_errors(page)
