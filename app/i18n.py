"""Languages: English, Russian and Turkish for every word the dashboard shows.

Messages come from gettext catalogues (`app/locale/<lang>/LC_MESSAGES/messages.po`,
managed with Babel); each session picks its language, so we use the class API
and never `gettext.install`. Numbers, percentages and dates go through Babel's
formatters. Country names come from the `countries` table, not from here.

    python -m app.i18n extract   # refresh messages.pot from the code
    python -m app.i18n update    # merge it into the .po files
    python -m app.i18n compile   # .po -> .mo (make does this)
"""
from __future__ import annotations

import gettext
import subprocess
import sys
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

import streamlit as st
from babel import Locale, numbers
from babel.dates import format_date

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"
LANGUAGES = {"en": "English", "ru": "Русский", "tr": "Türkçe"}
DEFAULT_LANGUAGE = "en"
BABEL_LOCALES = {"en": "en_GB", "ru": "ru_RU", "tr": "tr_TR"}
SESSION_KEY = "language"


def current_language() -> str:
    """The session's language: chosen in the sidebar, carried in the URL (?lang=)."""
    try:
        language = st.session_state.get(SESSION_KEY)
    except Exception:  # outside a Streamlit session (tests of pure functions, benchmarks)
        return DEFAULT_LANGUAGE
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def _compile_if_stale(language: str) -> None:
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


def fmt_int(value) -> str:
    """A whole number with the language's grouping: 1,234,567 / 1 234 567 / 1.234.567."""
    if value is None or value != value:  # None or NaN
        return "—"
    return numbers.format_decimal(round(float(value)), locale=locale())


def fmt_number(value, digits: int = 1) -> str:
    if value is None or value != value:
        return "—"
    return numbers.format_decimal(value, format=f"#,##0.{'0' * digits}" if digits else "#,##0", locale=locale())


def fmt_percent(value, digits: int = 1) -> str:
    """`value` in percent (31.1 -> 31.1 %), in the language's pattern (Turkish puts % first)."""
    if value is None or value != value:
        return "—"
    pattern = Locale.parse(locale()).percent_formats[None].pattern
    if digits:
        pattern = pattern.replace("#,##0", "#,##0." + "0" * digits, 1)
    return numbers.format_percent(value / 100, format=pattern, locale=locale())


def plotly_separators(language: str | None = None) -> str:
    """Plotly's `layout.separators` for the language: decimal mark, then thousands separator.

    From Babel's locale data, so charts group digits as the formatters do: ".," in English,
    ",\u00a0" (comma, no-break space) in Russian, ",." in Turkish.
    """
    babel_locale = BABEL_LOCALES.get(language or current_language(), BABEL_LOCALES[DEFAULT_LANGUAGE])
    return numbers.get_decimal_symbol(babel_locale) + numbers.get_group_symbol(babel_locale)


def fmt_compact(value) -> str:
    """Short form for headline figures: 11.6M / 11,6 млн / 11,6 Mn."""
    if value is None or value != value:
        return "—"
    return numbers.format_compact_decimal(value, fraction_digits=1, locale=locale())


def fmt_date(value, style: str = "medium") -> str:
    if value is None or value != value:
        return "—"
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        value = value.date()
    if hasattr(value, "date") and not isinstance(value, date):  # pandas Timestamp
        value = value.date()
    return format_date(value, format=style, locale=locale())


def choose_language() -> str:
    """Sidebar language switch, kept in the URL as ?lang= (an unknown value falls back to English)."""
    requested = st.query_params.get("lang")
    if SESSION_KEY not in st.session_state:
        if requested in LANGUAGES:
            st.session_state[SESSION_KEY] = requested
        else:
            st.session_state[SESSION_KEY] = DEFAULT_LANGUAGE
            if requested is not None:
                st.toast(f"Language “{requested[:10]}” is not available; showing English.", icon="ℹ️")
    st.sidebar.selectbox("🌐", list(LANGUAGES), key=SESSION_KEY, format_func=LANGUAGES.get,
                         label_visibility="collapsed")
    st.query_params["lang"] = st.session_state[SESSION_KEY]
    return st.session_state[SESSION_KEY]


def _babel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True)


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "compile"
    pot = LOCALE_DIR / f"{DOMAIN}.pot"
    root = LOCALE_DIR.parent.parent
    if command == "extract":
        _babel("extract", "-F", str(root / "babel.cfg"), "-k", "_", "-k", "ngettext:1,2", "-k", "N_",
               "--no-location", "--sort-output", "-o", str(pot), str(root))
    elif command == "update":
        _babel("update", "-i", str(pot), "-d", str(LOCALE_DIR), "-D", DOMAIN, "--no-fuzzy-matching")
    elif command == "compile":
        for language in LANGUAGES:
            po = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
            if po.exists():
                compile_catalogue(po, po.with_suffix(".mo"))
    else:
        print(__doc__)
        return 2
    return 0


def N_(message: str) -> str:
    """Mark a message for extraction where it is defined; translate it with `_()` where it is shown."""
    return message


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

