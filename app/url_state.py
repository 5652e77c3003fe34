"""Filters that live in the page URL, so a copied link opens exactly the same view.

Each control reads its starting value from the query string (falling back to
the default, with a short notice, when the value in a link is not valid) and
writes its value back on every run.
"""
from __future__ import annotations

from typing import Callable, Sequence

import streamlit as st

from app.i18n import _


def _notice_invalid(key: str, raw: str) -> None:
    st.toast(_("The link's value “{value}” for “{name}” is not available; showing the default.").format(
        value=raw[:40], name=key), icon="ℹ️")


def _parse(raw: str | None, options: Sequence, key: str, default):
    """The option whose string form is `raw`, or the default (with a notice if `raw` was given)."""
    if raw is None:
        return default
    for option in options:
        if str(option) == raw:
            return option
    _notice_invalid(key, raw)
    return default


def select(label: str, options: Sequence, key: str, default=None, format_func: Callable = str,
           container=st, **kwargs):
    """A selectbox whose value is kept in the URL as ?key=value."""
    options = list(options)
    if not options:
        return None
    default = default if default in options else options[0]
    widget_key = f"url_{key}"
    if widget_key not in st.session_state:
        st.session_state[widget_key] = _parse(st.query_params.get(key), options, key, default)
    elif st.session_state[widget_key] not in options:
        st.session_state[widget_key] = default
    value = container.selectbox(label, options, key=widget_key, format_func=format_func, **kwargs)
    st.query_params[key] = str(value)
    return value


def radio(label: str, options: Sequence, key: str, default=None, format_func: Callable = str,
          container=st, **kwargs):
    """Radio buttons whose value is kept in the URL."""
    options = list(options)
    default = default if default in options else options[0]
    widget_key = f"url_{key}"
    if widget_key not in st.session_state:
        st.session_state[widget_key] = _parse(st.query_params.get(key), options, key, default)
    value = container.radio(label, options, key=widget_key, format_func=format_func, **kwargs)
    st.query_params[key] = str(value)
    return value


def multiselect(label: str, options: Sequence, key: str, default: Sequence = (), format_func: Callable = str,
                container=st, **kwargs):
    """A multiselect kept in the URL as ?key=a,b,c."""
    options = list(options)
    widget_key = f"url_{key}"
    if widget_key not in st.session_state:
        raw = st.query_params.get(key)
        chosen = list(default)
        if raw is not None:
            by_text = {str(o): o for o in options}
            parts = [p for p in raw.split(",") if p]
            unknown = [p for p in parts if p not in by_text]
            if unknown:
                _notice_invalid(key, ",".join(unknown))
            chosen = [by_text[p] for p in parts if p in by_text]
        st.session_state[widget_key] = chosen
    else:
        st.session_state[widget_key] = [v for v in st.session_state[widget_key] if v in options]
    value = container.multiselect(label, options, key=widget_key, format_func=format_func, **kwargs)
    st.query_params[key] = ",".join(str(v) for v in value)
    return value


def slider(label: str, options: Sequence, key: str, default=None, format_func: Callable = str,
           container=st, **kwargs):
    """A select_slider over discrete options (years, periods), kept in the URL."""
    options = list(options)
    if not options:
        return None
    default = default if default in options else options[-1]
    widget_key = f"url_{key}"
    if widget_key not in st.session_state:
        st.session_state[widget_key] = _parse(st.query_params.get(key), options, key, default)
    elif st.session_state[widget_key] not in options:
        st.session_state[widget_key] = default
    if len(options) == 1:
        value = options[0]
        container.caption(f"{label}: {format_func(value)}")
    else:
        value = container.select_slider(label, options, key=widget_key, format_func=format_func, **kwargs)
    st.query_params[key] = str(value)
    return value
