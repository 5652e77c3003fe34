"""Filters that live in the page URL, so a copied link opens exactly the same view.

Each control keeps its value in the query string under its `key` (?country=KGZ&year=2010). The URL is
the source of truth: on every run, a value that changed in the URL without the control (the browser's
back and forward buttons, an edited or pasted link) is applied to the control; a value that is not
among the options falls back to the default with a short notice. When the reader changes a control,
its new value is written to the URL, which adds one entry to the browser's history, so the back
button returns to the previous selection.

A value equal to the control's default is left out of the URL (the link stays short, and opening the
dashboard adds no history entry of its own); the default is what a link without the key shows. Keep
defaults stable (not "whatever comes first") where a link must pin the view.

This module is the one way the dashboard keeps state in the URL: controls through `select`, `radio`,
`multiselect` and `slider`; state without a control (the Briefing's presentation mode and topic, a value
a slide reads from the link without drawing its control) through `value` and `put`; another page opened
with its state (the World map opening a Country profile, `?country=BHR`) through `open_page`. No other
module reads or writes `st.query_params`, with one exception:

- The language switch (`app.i18n.choose_language`, in the frame) is bound to the URL by Streamlit itself
  (`bind="query-params"`). The language must stay in the address on every page, and a click in the
  navigation starts the next page with an address that holds only what Streamlit carries over: the
  controls here would read the missing ?lang= as a link without it (the back button) and fall back to
  English, where Streamlit's binding knows a page change from a new link. Streamlit's page change can
  still drop the bound parameter in a race (seen under load); `choose_language` handles it by keeping the
  session's language apart, see the comments there and tests/test_i18n.py.
"""
from __future__ import annotations

from typing import Callable, Sequence

import streamlit as st

from app.i18n import _

_SEEN = "_url_state_seen"  # key -> the URL's value after this session last read or wrote it


def as_code(value, limit: int = 40) -> str:
    """A value from the URL for a notice: in a code span, so markdown in it (an image that the browser would
    fetch, a link) is shown as the characters typed, never rendered."""
    text = "".join(char for char in str(value)[:limit] if char.isprintable() and char != "`")
    return f"`{text}`" if text else "` `"


def _notice_invalid(label: str, raw: str) -> None:
    st.toast(_("The link's value {value} for “{name}” is not available; showing the default.").format(
        value=as_code(raw), name=label), icon="ℹ️", duration="long")


def _notice_left_out(label: str, raw: str) -> None:
    st.toast(_("The link's values {value} for “{name}” are not available and were left out.").format(
        value=as_code(raw), name=label), icon="ℹ️", duration="long")


def _seen() -> dict:
    return st.session_state.setdefault(_SEEN, {})


def _url_value(key: str) -> str | None:
    return st.query_params.get(key)


def _write(key: str, text: str | None) -> None:
    """Put `text` in the URL under `key` (None removes it), only if it changes; remember it as seen."""
    if _url_value(key) != text:
        if text is None:
            del st.query_params[key]
        else:
            st.query_params[key] = text
    _seen()[key] = text


def _parse(raw: str | None, options: Sequence, label: str, default):
    """The option whose string form is `raw`, or the default (with a notice if `raw` was given)."""
    if raw is None:
        return default
    for option in options:
        if str(option) == raw:
            return option
    _notice_invalid(label, raw)
    return default


def _sync_single(label: str, options: list, key: str, default) -> str:
    """Bring the control's state in line with the URL before it is drawn; return its session key."""
    widget_key = f"url_{key}"
    raw = _url_value(key)
    if widget_key not in st.session_state or raw != _seen().get(key, raw):
        st.session_state[widget_key] = _parse(raw, options, label, default)
    elif st.session_state[widget_key] not in options:
        st.session_state[widget_key] = default
    else:
        # Bound again to this run's widget: a control of the same key on the page the reader came from (the
        # edition chooser is on several pages) would otherwise leave its value behind and the new one start over.
        st.session_state[widget_key] = st.session_state[widget_key]
    return widget_key


def _store_single(key: str, value, default) -> None:
    _write(key, None if value == default else str(value))


def _single(draw: Callable, label: str, options: Sequence, key: str, default, format_func: Callable, **kwargs):
    """A control choosing one option (`draw`: the container's selectbox or radio), kept in the URL."""
    options = list(options)
    if not options:
        return None
    default = default if default in options else options[0]
    widget_key = _sync_single(label, options, key, default)
    value = draw(label, options, key=widget_key, format_func=format_func, **kwargs)
    _store_single(key, value, default)
    return value


def select(label: str, options: Sequence, key: str, default=None, format_func: Callable = str,
           container=st, **kwargs):
    """A selectbox whose value is kept in the URL as ?key=value."""
    return _single(container.selectbox, label, options, key, default, format_func, **kwargs)


def radio(label: str, options: Sequence, key: str, default=None, format_func: Callable = str,
          container=st, **kwargs):
    """Radio buttons whose value is kept in the URL."""
    return _single(container.radio, label, options, key, default, format_func, **kwargs)


def multiselect(label: str, options: Sequence, key: str, default: Sequence = (), format_func: Callable = str,
                container=st, **kwargs):
    """A multiselect kept in the URL as ?key=a,b,c (an empty choice as ?key=)."""
    options = list(options)
    default = [v for v in default if v in options]
    widget_key = f"url_{key}"
    raw = _url_value(key)
    if widget_key not in st.session_state or raw != _seen().get(key, raw):
        chosen = list(default)
        if raw is not None:
            by_text = {str(o): o for o in options}
            parts = [p for p in raw.split(",") if p]
            unknown = [p for p in parts if p not in by_text]
            chosen = list(dict.fromkeys(by_text[p] for p in parts if p in by_text))
            if unknown and not chosen:  # nothing usable: the default, as the notice says
                _notice_invalid(label, ",".join(unknown))
                chosen = list(default)
            elif unknown:  # the usable values are kept, and the notice says which were not
                _notice_left_out(label, ",".join(unknown))
        st.session_state[widget_key] = chosen
    else:
        st.session_state[widget_key] = [v for v in st.session_state[widget_key] if v in options]
    value = container.multiselect(label, options, key=widget_key, format_func=format_func, **kwargs)
    _write(key, None if list(value) == default else ",".join(str(v) for v in value))
    return value


def slider(label: str, options: Sequence, key: str, default=None, format_func: Callable = str,
           container=st, **kwargs):
    """A select_slider over discrete options (years, periods), kept in the URL."""
    options = list(options)
    if not options:
        return None
    default = default if default in options else options[-1]
    widget_key = _sync_single(label, options, key, default)
    if len(options) == 1:
        value = options[0]
        container.caption(f"{label}: {format_func(value)}")
    else:
        value = container.select_slider(label, options, key=widget_key, format_func=format_func, **kwargs)
    _store_single(key, value, default)
    return value


# --- state without a control ---------------------------------------------------------------------------

def value(key: str) -> str | None:
    """What the link holds under `key` (None when it holds nothing there)."""
    return _url_value(key)


def put(key: str, text: str | None) -> None:
    """Keep `text` in the link under `key` (None takes it out), for state no control shows: the Briefing's
    presentation mode and topic, set by its buttons."""
    _write(key, text)


# --- another page, opened with its state ----------------------------------------------------------------

def open_page(page: str, params: dict[str, str | None]) -> None:
    """Go to another page of the navigation (its file, "pages/country.py") with `params` in its link, as if the
    reader had opened that link: the page reads them through its own controls. The language goes along by
    itself: Streamlit keeps the language switch's parameter, bound to the switch, across the change (and refuses
    it among `params`)."""
    st.switch_page(page, query_params={key: str(text) for key, text in params.items() if text is not None})

