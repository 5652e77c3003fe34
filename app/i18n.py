"""Languages: English, Russian and Turkish for every word the dashboard shows.

Messages come from gettext catalogues (`app/locale/<lang>/LC_MESSAGES/messages.po`),
managed with Babel's own command `pybabel` from the Makefile: `make messages`
extracts the marked messages and merges them into the .po files, `make
translations` compiles them. Each session picks its language, so we use the
class API and never `gettext.install`. Numbers, percentages and dates go through
Babel's formatters. Country names come from the `countries` table, not from here.
"""
from __future__ import annotations

import gettext
import math
import re
import threading
from contextlib import contextmanager
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

import pandas as pd
import streamlit as st
from babel import Locale, numbers
from babel.dates import format_date

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"
LANGUAGES = {"en": "English", "ru": "Русский", "tr": "Türkçe"}
LANGUAGE_LABELS = {"en": "Language", "ru": "Язык", "tr": "Dil"}
DEFAULT_LANGUAGE = "en"
BABEL_LOCALES = {"en": "en_GB", "ru": "ru_RU", "tr": "tr_TR"}
SESSION_KEY = "lang"  # the switch's widget key, which is also its name in the URL (?lang=ru)
_KEPT_KEY = "_language_kept"  # the session's language as of its last run (not a widget: it survives page changes)
URL_KEY = SESSION_KEY


# A language set for this thread by `speaking`: work deferred to a click (a PNG drawn when its download
# button is pressed) runs outside the session, where its language cannot be read.
_thread_language = threading.local()


@contextmanager
def speaking(language: str):
    """Translate in `language` on this thread for the duration of the block."""
    before = getattr(_thread_language, "value", None)
    _thread_language.value = language
    try:
        yield
    finally:
        _thread_language.value = before


def current_language() -> str:
    """The session's language: chosen in the sidebar, carried in the URL (?lang=)."""
    forced = getattr(_thread_language, "value", None)
    if forced in LANGUAGES:
        return forced
    try:
        language = st.session_state.get(SESSION_KEY)
    except Exception:  # outside a Streamlit session (tests of pure functions, benchmarks)
        return DEFAULT_LANGUAGE
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def _compile_if_stale(language: str) -> None:
    """Compile a catalogue whose .mo is missing or older than its .po (a checkout where `make translations`
    was not run since the .po changed), so the pages never show a stale translation."""
    po = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    mo = po.with_suffix(".mo")
    if po.exists() and (not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime):
        compile_catalogue(po, mo)


def compile_catalogue(po: Path, mo: Path) -> None:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    with po.open("rb") as source:
        catalogue = read_po(source, locale=po.parent.parent.name)
    with mo.open("wb") as target:
        write_mo(target, catalogue, use_fuzzy=False)


@lru_cache(maxsize=None)
def translations(language: str) -> gettext.NullTranslations:
    if language == DEFAULT_LANGUAGE:
        return gettext.NullTranslations()
    _compile_if_stale(language)
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)


def _(message: str) -> str:
    """Translate a message into the session's language. Use `.format()` after, never an f-string inside."""
    return translations(current_language()).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return translations(current_language()).ngettext(singular, plural, count)


def locale() -> str:
    return BABEL_LOCALES[current_language()]


# Beyond this size Babel's decimal formatting runs out of precision (decimal.InvalidOperation from about 1e25):
# a stored value that large, however it got there, is written in scientific notation instead.
HUGE = 1e15


def _finite(value) -> float | None:
    """The value as a finite number, or None (missing, NaN, infinite, not a number)."""
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def _scientific(number: float) -> str:
    return numbers.format_scientific(number, format="0.##E0", locale=locale())


def fmt_int(value) -> str:
    """A whole number with the language's grouping: 1,234,567 / 1 234 567 / 1.234.567. Never fails: "—" for
    missing or infinite values, scientific notation for huge ones."""
    number = _finite(value)
    if number is None:
        return "—"
    if abs(number) >= HUGE:
        return _scientific(number)
    return numbers.format_decimal(round(number), locale=locale())


def fmt_number(value, digits: int = 1) -> str:
    number = _finite(value)
    if number is None:
        return "—"
    if abs(number) >= HUGE:
        return _scientific(number)
    return numbers.format_decimal(number, format=f"#,##0.{'0' * digits}" if digits else "#,##0", locale=locale())


def fmt_percent(value, digits: int = 1) -> str:
    """`value` in percent (31.1 -> 31.1 %), in the language's pattern (Turkish puts % first)."""
    number = _finite(value)
    if number is None:
        return "—"
    if abs(number) >= HUGE:
        return _scientific(number) + " %"
    pattern = Locale.parse(locale()).percent_formats[None].pattern
    if digits:
        pattern = pattern.replace("#,##0", "#,##0." + "0" * digits, 1)
    return numbers.format_percent(number / 100, format=pattern, locale=locale())


def plotly_separators(language: str | None = None) -> str:
    """Plotly's `layout.separators` for the language: decimal mark, then thousands separator.

    From Babel's locale data, so charts group digits as the formatters do: ".," in English,
    ",\u00a0" (comma, no-break space) in Russian, ",." in Turkish.
    """
    babel_locale = BABEL_LOCALES.get(language or current_language(), BABEL_LOCALES[DEFAULT_LANGUAGE])
    return numbers.get_decimal_symbol(babel_locale) + numbers.get_group_symbol(babel_locale)


def fmt_compact(value) -> str:
    """Short form for headline figures: 11.6M / 11,6 млн / 11,6 Mn."""
    number = _finite(value)
    if number is None:
        return "—"
    if abs(number) >= HUGE:
        return _scientific(number)
    return numbers.format_compact_decimal(number, fraction_digits=1, locale=locale())


def fmt_date(value, style: str = "medium") -> str:
    if value is None or value != value:
        return "—"
    try:
        if isinstance(value, str):
            value = date.fromisoformat(value[:10])
        if isinstance(value, datetime):
            value = value.date()
        if hasattr(value, "date") and not isinstance(value, date):  # pandas Timestamp
            value = value.date()
        return format_date(value, format=style, locale=locale())
    except (TypeError, ValueError, OverflowError):  # a stored text that is not a date: shown as it is
        return str(value)[:20]


TYPED_ONLY = "typed_only"  # column `in_language` adds: a text of the row has no translation, shown as typed


def in_language(frame: pd.DataFrame, *columns: str, language: str | None = None) -> pd.DataFrame:
    """Texts of the data in the reader's language.

    The build keeps each text in English with its Russian and Turkish versions beside it (`title`,
    `title_ru`, `title_tr`). Each `column` takes the reader's version where the data has one; the English
    stays in `<column>_en` (what filters and links hold, whatever the language). Texts typed in the
    dashboard have no translation and are shown as typed: `typed_only` marks those rows, so a page can say so.
    """
    language = language or current_language()
    frame = frame.copy()
    typed_only = pd.Series(False, index=frame.index)
    for column in columns:
        english = frame[column]
        frame[f"{column}_en"] = english
        translated = frame.get(f"{column}_{language}") if language != DEFAULT_LANGUAGE else None
        if translated is None:
            continue
        missing = translated.isna() | (translated.astype("string").str.strip() == "")
        frame[column] = translated.where(~missing, english)
        typed_only |= missing & english.notna()
    frame[TYPED_ONLY] = typed_only.astype(bool)
    return frame


def language_name(code: str) -> str:
    """A language's name in the reader's language, from Babel's locale data (ru -> "Russian", "русский", "Rusça")."""
    name = Locale.parse(locale()).languages.get(code)
    return name if name else code


CHOICE_KEY = "language_choice"  # the visible switch (language names); SESSION_KEY is the hidden one in the URL
_ADDRESS_BOX = "language_in_address"  # the container of the hidden switch (hidden by its key's CSS class)


def choose_language() -> str:
    """Sidebar language switch showing the languages' names (English, Русский, Türkçe), kept in the URL as the
    code (?lang=ru; English, the default, is left out).

    Streamlit writes a bound widget's option text to the URL, so the switch bound to the query string
    (`bind="query-params"`) must show the codes: it stays in the page, hidden, and keeps the address. The
    reader sees a second switch with the names; choosing there sets the bound one before it is drawn. The
    language thus stays in the URL across page changes, a link opens in its language, and the back button
    restores it. An unknown value in a link falls back to English with a notice.
    """
    # The one control not kept in the URL by app.url_state: Streamlit's own binding keeps it (why: the exception
    # written down in app/url_state.py), so it reads the address itself.
    requested = st.query_params.get(URL_KEY)
    if SESSION_KEY not in st.session_state and requested is not None and requested not in LANGUAGES:
        from app.url_state import as_code
        st.toast(f"Language {as_code(requested, 10)} is not available; showing English.", icon="ℹ️",
                 duration="long")
    # Streamlit's page change can drop the bound parameter from the address in a race, and the switch then
    # falls back to English on the next page (seen under load). The session's language is kept apart, and
    # an address without ?lang= never undoes it: the reader changes language with the switch, or a link.
    kept = st.session_state.get(_KEPT_KEY)
    if requested is None and kept in LANGUAGES and kept != DEFAULT_LANGUAGE:
        st.session_state[SESSION_KEY] = kept
    label = ":material/language: " + " · ".join(LANGUAGE_LABELS.values())
    address = st.sidebar.container(key=_ADDRESS_BOX)
    address.html(f"<style>.st-key-{_ADDRESS_BOX} {{ display: none; }}</style>")
    address.selectbox(label, list(LANGUAGES), key=SESSION_KEY, bind="query-params",
                      on_change=_keep_chosen_language)  # runs before the script: English chosen stays English
    language = current_language()
    st.session_state[CHOICE_KEY] = language  # the names' switch follows the address (a link, the back button)
    st.sidebar.selectbox(label, list(LANGUAGES), key=CHOICE_KEY, format_func=LANGUAGES.get,
                         on_change=_choose_by_name)
    st.session_state[_KEPT_KEY] = language
    return language


def _choose_by_name() -> None:
    """The reader chose a language by its name: the hidden switch takes it, and with it the address."""
    chosen = st.session_state.get(CHOICE_KEY)
    if chosen in LANGUAGES:
        st.session_state[SESSION_KEY] = chosen
        st.session_state[_KEPT_KEY] = chosen


def _keep_chosen_language() -> None:
    st.session_state[_KEPT_KEY] = st.session_state.get(SESSION_KEY)


# The functions that mark messages, as `make messages` passes them to `pybabel extract` (keep the two alike).
KEYWORDS = {"_": None, "ngettext": (1, 2), "N_": None}
PROJECT_ROOT = LOCALE_DIR.parent.parent
TRANSLATED_LANGUAGES = tuple(language for language in LANGUAGES if language != DEFAULT_LANGUAGE)
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


# --- checking the catalogues (tests/test_i18n.py) ---------------------------------------------------------

def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def extract_catalogue():
    """Every message marked in the code now, as a Babel catalogue: what `make messages` would extract.

    Files come from babel.cfg, keywords from KEYWORDS; the test of completeness extracts afresh with
    this, so it cannot drift from the code.
    """
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    with (PROJECT_ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    catalogue = Catalog(fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
            str(PROJECT_ROOT), method_map, options_map, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",),
            strip_comment_tags=True):
        catalogue.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalogue


def _read_po(path: Path, language: str):
    from babel.messages.pofile import read_po
    with path.open("rb") as source:
        return read_po(source, locale=language)


def placeholders(text: str) -> set[str]:
    return set(_PLACEHOLDER.findall(text or ""))


def translation_problems(template, language: str, catalogue=None) -> list[str]:
    """Messages of `template` without a usable translation in `language` (its .po file unless a
    catalogue is given): missing, empty, fuzzy, or with placeholders ({year}) other than the English."""
    if catalogue is None:
        path = po_path(language)
        if not path.exists():
            return [f"{language}: no catalogue at {path.relative_to(PROJECT_ROOT)}"]
        catalogue = _read_po(path, language)
    problems = []
    for message in template:
        if not message.id:
            continue
        translated = catalogue.get(message.id, message.context)
        label = message.id if isinstance(message.id, str) else message.id[0]
        if translated is None:
            problems.append(f"{language}: missing: {label!r}")
            continue
        forms = translated.string if isinstance(translated.string, (tuple, list)) else (translated.string,)
        if translated.fuzzy:
            problems.append(f"{language}: fuzzy: {label!r}")
        elif not all(forms):
            problems.append(f"{language}: empty: {label!r}")
        else:
            expected = placeholders(" ".join(message.id) if isinstance(message.id, tuple) else message.id)
            for form in forms:
                if placeholders(form) != expected:
                    problems.append(f"{language}: placeholders {sorted(placeholders(form))} instead of "
                                    f"{sorted(expected)}: {label!r} -> {form!r}")
    return problems


def N_(message: str) -> str:
    """Mark a message for extraction where it is defined; translate it with `_()` where it is shown."""
    return message

